#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall with DESTDIR: the files the operator's
# guide lists, in place with the right modes, nothing outside DESTDIR
# (no depmod on the host), and uninstall leaves nothing behind.
. "$(dirname "$0")/tap.sh"

kdir=$(tests/vm/kdir default) || { nok "install: no kernel headers"; exit 1; }
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
root=$tmp/root
dep=/lib/modules/$kver/modules.dep
before=$(stat -c %Y "$dep" 2>/dev/null || echo none)

if ! out=$(make -s install DESTDIR="$root" KDIR="$kdir" 2>&1); then
	nok "make install DESTDIR" "$out"
	exit 1
fi
expect=$(
	{
		echo "/etc/default/vigil 644"
		echo "/etc/logrotate.d/vigil 644"
		for r in rules/*.toml; do echo "/etc/vigil/rules.d/$(basename "$r") 644"; done
		echo "/lib/modules/$kver/extra/vigil.ko 644"
		echo "/lib/systemd/system/vigil.service 644"
		echo "/usr/libexec/vigil/vigil-service 755"
		echo "/usr/sbin/vigilctl 755"
		echo "/usr/share/man/man8/vigilctl.8 644"
	} | LC_ALL=C sort)
got=$(cd "$root" && find . -type f -printf '/%P %m\n' | LC_ALL=C sort)
if [ "$got" = "$expect" ]; then
	ok "make install DESTDIR: $(echo "$got" | wc -l) files with their modes"
else
	nok "make install DESTDIR: file list" "$(diff <(echo "$expect") <(echo "$got"))"
fi
vm=$(modinfo -F vermagic "$root/lib/modules/$kver/extra/vigil.ko" 2>/dev/null)
case "$vm" in
"$kver "*) ok "make install: vigil.ko is built for $kver" ;;
*) nok "make install: vigil.ko vermagic '$vm', expected $kver" ;;
esac
cmp -s rules/"$(ls rules | grep -m1 '\.toml$')" "$root/etc/vigil/rules.d/$(ls rules | grep -m1 '\.toml$')" &&
	ok "make install: rules copied unchanged" || nok "make install: rules differ"
after=$(stat -c %Y "$dep" 2>/dev/null || echo none)
if [ "$before" = "$after" ] && [ ! -e "/lib/modules/$kver/extra/vigil.ko" ]; then
	ok "make install DESTDIR: nothing installed on the host, no depmod"
else
	nok "make install DESTDIR touched the host ($dep or extra/vigil.ko)"
fi

if ! out=$(make -s uninstall DESTDIR="$root" KDIR="$kdir" 2>&1); then
	nok "make uninstall DESTDIR" "$out"
else
	left=$(cd "$root" && find . -type f)
	[ -z "$left" ] && ok "make uninstall DESTDIR: no file left" ||
		nok "make uninstall DESTDIR: files left" "$left"
fi
exit $rc
