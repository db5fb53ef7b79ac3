#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: process.interactive and process.parent.interactive
# (Documentation/fields.rst).  Three corpus rules on interactive sessions
# inside containers (interactive.rules-from), unmodified, fire when uid
# 65534 runs a shell, kubectl and "runc run" on a terminal inside a
# "container" (a session started under a program named runc, as in
# entry_leader.sh); the same commands without a terminal stay silent.
# vigil-poke pty gives the session its terminal, as sshd does a login.
. /vigil/lib.sh
SHELL_IN=7020ff25-76d7-4a7d-b95b-266cf27d70e8	# new_terms on parent name
MGMT=4b74d3b0-416e-4099-b432-677e1cd098cc	# kubectl in a container
RUNC=afe6b0eb-dd9d-4922-b08a-1910124d524d	# runc run, interactive

require_rules $SHELL_IN $MGMT $RUNC
[ -c /dev/ptmx ] || { fail "no /dev/ptmx"; exit 1; }
mkdir -p /dev/pts
grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts ||
	{ fail "mount devpts"; exit 1; }

C=/tmp/int
mkdir -p $C
for n in runc kubectl; do cp /usr/bin/dash $C/$n; done
chmod -R 755 $C
CMDS="sh -c 'true; true'; $C/kubectl -c true; $C/runc run x 2> /dev/null; true"

# Look-alikes: the same session under runc, without a terminal.
as_nobody $C/runc -c "setsid sh -c \"$CMDS\"; true"
# The case: the session's leader has a terminal.
as_nobody $C/runc -c "vigil-poke pty sh -c \"$CMDS\"; true"

vigil_rc=0
expect_alerts $SHELL_IN 1 "a shell on a terminal inside a container"
expect_alerts $MGMT 1 "kubectl on a terminal inside a container"
expect_alerts $RUNC 1 "runc run on a terminal, not as root"
t=$(jq -c "select(.rule.id == \"$MGMT\") | [.process.name, .process.interactive,
	.process.parent.name, .process.parent.interactive,
	.process.entry_leader.entry_meta.type]" "$VIGIL_ALERTS")
[ "$t" = '["kubectl",true,"sh",true,"container"]' ] &&
	pass "interactive fields: $t" || fail "interactive fields: $t"
exit $vigil_rc
