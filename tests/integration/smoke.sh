#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness smoke test: the guest userland is what tests rely on (real
# coreutils ahead of busybox, rsync, nobody, separate /tmp and /var/tmp),
# vigil is loaded and the alert listener is running.
. /vigil/lib.sh

check() {
	what=$1
	shift
	if "$@" > /dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

check "cp is coreutils" sh -c '[ "$(command -v cp)" = /usr/bin/cp ] && [ ! -L /usr/bin/cp ]'
check "/bin/sh is dash" sh -c '[ "$(readlink -f /bin/sh)" = /usr/bin/dash ]'
check "cp" /usr/bin/cp /etc/passwd /tmp/smoke.txt
check "ln -s" /usr/bin/ln -s /usr/bin/id /tmp/smoke-link
check "rsync" rsync -a /tmp/smoke.txt /var/tmp/smoke.txt
check "mv across filesystems" /usr/bin/mv /tmp/smoke.txt /var/tmp/moved.txt
check "/tmp and /var/tmp differ" sh -c \
	'[ "$(stat -c %d /tmp)" != "$(stat -c %d /var/tmp)" ]'
check "as_nobody" sh -c '. /vigil/lib.sh; [ "$(as_nobody id -u)" = 65534 ]'
check "nobody cannot write /root" sh -c '. /vigil/lib.sh; ! as_nobody touch /root/x'
check "jq" sh -c 'echo "{\"a\":1}" | jq -e ".a == 1"'
check "2 CPUs" sh -c '[ "$(nproc)" -ge 2 ]'
check "vigil loaded" grep -q '^vigil ' /proc/modules
check "sysfs /sys/kernel/vigil" test -d /sys/kernel/vigil
check "alert file" test -f "$VIGIL_ALERTS"
check "listener running" sh -c 'ps | grep -v grep | grep -q "vigilctl listen"'
vigil_sync
exit $vigil_rc
