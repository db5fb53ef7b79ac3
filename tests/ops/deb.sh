#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: debhelper and dh-dkms build vigil and vigil-dkms; each holds
# what Documentation/operations.rst says, vigil-dkms runs dkms in its
# maintainer scripts, and lintian reports no error on either.
. "$(dirname "$0")/tap.sh"

for c in dpkg-buildpackage dh dh_dkms lintian; do
	command -v $c > /dev/null || { nok "deb: $c missing (make deps)"; exit 1; }
done
echo "# make deb: building both packages (vigilctl compile), about a minute"
if ! make -s deb > "$tmp/deb.log" 2>&1; then
	nok "make deb" "$(tail -n 20 "$tmp/deb.log")"
	exit 1
fi
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
tools=$(ls build/deb/vigil_"$ver"-*_*.deb 2>/dev/null | head -n 1)
dkms=$(ls build/deb/vigil-dkms_"$ver"-*_all.deb 2>/dev/null | head -n 1)
if [ -z "$tools" ] || [ -z "$dkms" ]; then
	nok "make deb: packages missing" "$(ls build/deb)"
	exit 1
fi
ok "make deb: $(basename "$tools") and $(basename "$dkms")"

has() {
	local deb=$1 what=$2 f missing=
	shift 2
	for f; do
		dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -qx "\./${f#/}" || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make deb: $what" || nok "make deb: $what: missing$missing"
}
has "$tools" "vigil has vigilctl, its man page, the unit, its helper, rules, logrotate" \
	/usr/sbin/vigilctl /usr/share/man/man8/vigilctl.8.gz \
	/lib/systemd/system/vigil.service /usr/libexec/vigil/vigil-service \
	/etc/logrotate.d/vigil /etc/default/vigil \
	$(for r in rules/*.toml; do echo "/etc/vigil/rules.d/$(basename "$r")"; done)
has "$dkms" "vigil-dkms has the DKMS source with the default rules" \
	/usr/src/vigil-"$ver"/dkms.conf /usr/src/vigil-"$ver"/Kbuild \
	/usr/src/vigil-"$ver"/module/Kbuild /usr/src/vigil-"$ver"/module/rules_default.h
mkdir -p "$tmp/ctl"
dpkg-deb -e "$dkms" "$tmp/ctl"
grep -q 'dkms' "$tmp/ctl/postinst" 2>/dev/null &&
	ok "make deb: vigil-dkms postinst registers and builds with DKMS" ||
	nok "make deb: vigil-dkms postinst does not call dkms"

for deb in "$tools" "$dkms"; do
	out=$(lintian --no-tag-display-limit "$deb" 2>&1)
	errs=$(printf '%s\n' "$out" | grep '^E: ')
	if [ -z "$errs" ]; then
		ok "lintian $(basename "$deb"): no error ($(printf '%s\n' "$out" | grep -c '^W: ') warnings)"
	else
		nok "lintian $(basename "$deb")" "$errs"
	fi
done
exit $rc
