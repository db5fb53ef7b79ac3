#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS: `make install-dkms` lays out /usr/src/vigil-VERSION (in a scratch
# DESTDIR), and `dkms add`, `dkms build` and `dkms install` of it work
# against Debian's installed 6.1 headers, in scratch dkms, source and
# install trees, without depmod (nothing touches /var/lib/dkms or
# /lib/modules).  The
# top-level dkms.conf is the one the package ships.
. "$(dirname "$0")/tap.sh"

command -v dkms > /dev/null || { nok "dkms: not installed (make deps)"; exit 1; }
kdir=$(tests/vm/kdir 6.1) || { nok "dkms: no 6.1 headers (make deps)"; exit 1; }
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
src=$tmp/usr/src
if ! out=$(make -s install-dkms DESTDIR="$tmp" 2>&1); then
	nok "make install-dkms DESTDIR" "$out"
	exit 1
fi
for f in dkms.conf Kbuild module/Kbuild module/rules_default.h module/compat-probe.sh; do
	[ -f "$src/vigil-$ver/$f" ] || nok "make install-dkms: no $f"
done
[ "$rc" = 0 ] && ok "make install-dkms: dkms.conf, Kbuild, module/ and the default rules"

d=(dkms --no-depmod --dkmstree "$tmp/dkms" --sourcetree "$src" --installtree "$tmp/modules"
	-m vigil -v "$ver" -k "$kver" --kernelsourcedir "$kdir")
mkdir -p "$tmp/dkms" "$tmp/modules/$kver"
check "dkms add vigil/$ver (scratch dkms tree)" "${d[@]}" add
if out=$("${d[@]}" build 2>&1); then
	ko=$(find "$tmp/dkms/vigil/$ver/$kver" -name 'vigil.ko*' | head -n 1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	case "$vm" in
	"$kver "*) ok "dkms build vigil/$ver for $kver against $kdir" ;;
	*) nok "dkms build: no vigil.ko for $kver (vermagic '$vm')" "$out" ;;
	esac
else
	nok "dkms build vigil/$ver for $kver" "$out" \
		"$(tail -n 20 "$tmp/dkms/vigil/$ver/build/make.log" 2>/dev/null)"
fi
if out=$("${d[@]}" install --force 2>&1) &&
   ls "$tmp/modules/$kver/updates/dkms/"vigil.ko* > /dev/null 2>&1; then
	ok "dkms install: vigil.ko in updates/dkms"
else
	nok "dkms install" "$out"
fi
check "dkms remove" "${d[@]}" remove
exit $rc
