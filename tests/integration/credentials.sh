#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14, step 4: credential changes, uid_change and gid_change events
# (Documentation/fields.rst).  Six corpus rules (credentials.rules-from),
# unmodified, fire when a program uid 65534 runs from /tmp becomes root
# through setgid(0) and setuid(0); the same program without the right to
# do so, and root's own changes, stay silent.
#
# The right is CAP_SETUID and CAP_SETGID held as ambient capabilities by
# a uid 65534 shell, as a service account given them would hold them:
# they pass to what it runs, and `vigil-poke setid0` (a copy under /tmp)
# calls setgid(0) and setuid(0).  A copy of dash under /tmp starts it,
# for the rules that look at the parent.  (File capabilities would do
# too, but the debug kernel's tmpfs has no extended attributes.)
. /vigil/lib.sh
CAPS=9b80cb26-9966-44b5-abbf-764fbdbc3586	# CAP_SET?ID exec, then uid 0
CHILD=156f8c1d-bc54-46c0-a870-04e6a75526a1	# by process.entity_id
PARENT=eb8abab8-dea4-4903-a0ad-dfcb09224488	# by process.parent.entity_id
PCHILD=9679c838-ec24-4e3a-bf0b-68a9878828c3	# the parent's exec, the child's change
UNKNOWN=7787362c-90ff-4b1a-b313-8808b1020e64	# new_terms on process.executable
PYTHON=a0ddb77b-0318-41f0-91e4-8c1b5528834f	# os.setuid(0) from python

require_rules $CAPS $CHILD $PARENT $PCHILD $UNKNOWN $PYTHON

C=/tmp/cred
mkdir -p $C
cp /usr/local/bin/vigil-poke $C/poke
cp /usr/local/bin/vigil-poke $C/nocap
cp /usr/local/bin/vigil-poke $C/python3
cp /usr/bin/dash $C/sh2
chmod 755 $C $C/*
PY='import os;os.setuid(0);os.system("id")'
# as_nobody, with CAP_SETUID and CAP_SETGID as ambient capabilities
as_setid() {
	(cd /home/nobody && HOME=/home/nobody USER=nobody \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+setuid,+setgid --ambient-caps=+setuid,+setgid -- "$@")
}

# Look-alikes: no right to change ids; root changing to nobody and back.
as_nobody sh -c "$C/nocap setid0; true" 2> /dev/null
as_nobody $C/sh2 -c "$C/nocap setid0 -c '$PY'; true" 2> /dev/null
setpriv --reuid=65534 --regid=65534 --clear-groups true
vigil-poke setid0 || fail "root's setid0"
# Attacks.
as_setid sh -c "$C/poke setid0; true"		# CAPS CHILD PARENT UNKNOWN
as_setid sh -c "$C/sh2 -c '$C/poke setid0; true'; true"
#						  CAPS CHILD PARENT PCHILD
as_setid sh -c "$C/python3 setid0 -c '$PY'; true"	# CAPS CHILD PARENT PYTHON

vigil_rc=0
expect_alerts $CAPS 3 "CAP_SETUID held by uid 65534, then uid 0"
expect_alerts $CHILD 3 "an exec from /tmp, then uid 0 in the same process"
expect_alerts $PARENT 3 "an exec from /tmp, then uid 0 under the same parent"
expect_alerts $PCHILD 1 "a shell from /tmp, then uid 0 in its child"
expect_alerts $UNKNOWN 2 "uid 0 in two new executables (poke, python3) under a shell"
expect_alerts $PYTHON 1 "python's os.setuid(0)"

sel() { jq -c "select(.rule.id == \"$1\") | $2" "$VIGIL_ALERTS"; }
t=$(sel $UNKNOWN '[.event.category, .event.type, .event.action, .user.id,
	.user.Ext.real.id, .process.executable, .process.parent.name]' | head -n 1)
[ "$t" = "[\"process\",\"change\",\"uid_change\",\"0\",\"0\",\"$C/poke\",\"sh\"]" ] &&
	pass "a uid_change carries the new ids: $t" || fail "uid_change fields: $t"
u=$(cat /sys/kernel/vigil/stats/events_uid_change)
g=$(cat /sys/kernel/vigil/stats/events_gid_change)
# 3 attacks, root's setpriv (uid and gid), and each as_nobody's setpriv
[ "$u" -ge 4 ] && [ "$g" -ge 4 ] &&
	pass "events_uid_change $u, events_gid_change $g" ||
	fail "events_uid_change $u (>= 4), events_gid_change $g (>= 4)"
exit $vigil_rc
