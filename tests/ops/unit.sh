#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shipped vigil.service passes `systemd-analyze verify` without a
# single warning (unknown keys, sandboxing directives or syscall groups
# systemd does not know, missing executables) in a root made by
# `make install-files DESTDIR=`, and the logrotate file parses.
. "$(dirname "$0")/tap.sh"

root=$tmp/root
if ! out=$(make -s install-files DESTDIR="$root" 2>&1); then
	nok "make install-files DESTDIR" "$out"
	exit 1
fi
if command -v systemd-analyze > /dev/null; then
	# the targets the unit orders itself against, from the host
	cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null
	out=$(cd "$tmp" && systemd-analyze verify --man=no --root="$root" \
		/lib/systemd/system/vigil.service 2>&1)
	vrc=$?
	if [ "$vrc" = 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify vigil.service: no warning"
	else
		nok "systemd-analyze verify vigil.service (exit $vrc)" "$out"
	fi
else
	nok "systemd-analyze: not installed (make deps)"
fi
u=$root/lib/systemd/system/vigil.service
for k in ExecStartPre ExecStart ExecReload ExecStop; do
	grep -q "^$k=/usr/libexec/vigil/vigil-service " "$u" ||
		nok "vigil.service: $k does not call vigil-service"
done
grep -q '^ProtectSystem=strict$' "$u" && grep -q '^NoNewPrivileges=yes$' "$u" &&
	grep -q '^CapabilityBoundingSet=CAP_SYS_MODULE CAP_NET_ADMIN$' "$u" &&
	grep -q '^Restart=on-failure$' "$u" &&
	ok "vigil.service: sandboxed, two capabilities, restarts on failure" ||
	nok "vigil.service: sandboxing or Restart= missing"

if command -v logrotate > /dev/null; then
	out=$(logrotate -d -s "$tmp/lr.state" "$root/etc/logrotate.d/vigil" 2>&1)
	if [ $? = 0 ] && ! printf '%s\n' "$out" | grep -qi 'error'; then
		ok "logrotate -d parses /etc/logrotate.d/vigil"
	else
		nok "logrotate -d /etc/logrotate.d/vigil" "$out"
	fi
else
	nok "logrotate: not installed (make deps)"
fi
exit $rc
