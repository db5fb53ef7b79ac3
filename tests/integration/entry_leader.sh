#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14, step 1: process.entry_leader.*, process.session_leader.* and
# process.group_leader.* as Elastic's session model gives them
# (Documentation/fields.rst).  Three corpus rules that ask for
# entry_meta.type "container" (entry_leader.rules-from), unmodified, fire
# for sessions a container runtime started, and stay silent for the same
# commands outside one.  Everything runs as uid 65534.
#
# The runtime is a copy of dash named runc: Elastic tells a container's
# entry by its parent's name, and that is all the rules see of it.  The
# network tool is a copy of dash named tcpdump.  setsid makes each
# command a session leader, as a runtime's init is.
. /vigil/lib.sh
NETTOOL=7290be75-2e10-49ec-b387-d4ed55b920ff
CHMOD=30d94e59-e5c7-4828-bc4f-f5809ad1ffe1
MOUNT=c73cc6ab-b30e-46bf-b5f2-29d9ab4caf7b

require_rules $NETTOOL $CHMOD $MOUNT

C=/tmp/el
mkdir -p $C
cp /usr/bin/dash $C/runc
cp /usr/bin/dash $C/tcpdump
chmod -R 1777 $C
as_nobody touch $C/f

# In a "container": each command leads its own session under runc; the
# last one is sh, whose child mount inherits sh's entry.
as_nobody $C/runc -c "setsid $C/tcpdump -c true; setsid chmod 755 $C/f
	setsid mount > /dev/null; setsid sh -c 'mount > /dev/null; true'; true"
# Look-alikes: the same commands under runc but not session leaders, and
# session leaders under sh.
as_nobody $C/runc -c "$C/tcpdump -c true; chmod 755 $C/f; mount > /dev/null
	true"
as_nobody sh -c "setsid $C/tcpdump -c true; setsid chmod 755 $C/f
	setsid mount > /dev/null; true"

vigil_rc=0
expect_alerts $NETTOOL 1 "network tool launched inside a container"
expect_alerts $CHMOD 1 "chmod inside a container"
expect_alerts $MOUNT 2 "mount inside a container (leader, and a leader's child)"

# The alerts name the leaders as Elastic would.
sel() { jq -c "select(.rule.id == \"$1\") | $2" "$VIGIL_ALERTS"; }
t=$(sel $NETTOOL '[.process.entry_leader.entry_meta.type,
	.process.entry_leader.name, .process.session_leader.name,
	.process.group_leader.name,
	.process.entry_leader.entity_id == .process.entity_id]')
[ "$t" = '["container","tcpdump","tcpdump","tcpdump",true]' ] &&
	pass "a session leader under runc leads a container entry: $t" ||
	fail "entry leader of tcpdump: $t"
t=$(sel $MOUNT '[.process.entry_leader.name,
	.process.entry_leader.executable, .process.session_leader.name,
	.process.entry_leader.entity_id == .process.entity_id]' | sort | tr -d '\n')
[ "$t" = '["mount","/usr/bin/mount","mount",true]["sh","/usr/bin/dash","sh",false]' ] &&
	pass "mount's entry leader: itself, or the sh that led the session: $t" ||
	fail "entry leaders of mount: $t"
# no loaded rule reads the capability sets: capture leaves them out
t=$(jq -c 'select(.process.thread != null)' "$VIGIL_ALERTS" | wc -l)
[ "$t" = 0 ] || fail "$t alerts carry capabilities no rule reads"
t=$(sel $MOUNT '.process.entry_leader.entity_id' | sort -u | wc -l)
[ "$t" = 2 ] || fail "the two mounts share an entry leader"
exit $vigil_rc
