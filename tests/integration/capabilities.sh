#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14, step 5: process.thread.capabilities.{effective,permitted}
# (Documentation/fields.rst).  Three corpus rules that test them
# (capabilities.rules-from), unmodified, fire through real binaries, and
# the same commands without the capabilities stay silent.
#
# uid 65534 gets capabilities the way an unprivileged attacker does on
# Debian: `unshare -Ur` makes it root of a new user namespace, and what
# it runs there holds every capability while user.id stays 65534.  The
# debugger is a copy of dash named gdb.
. /vigil/lib.sh
DAC=f7c70f2e-4616-439c-85ac-5b98415042fe	# new_terms on process.name
NETRAW=e28b8093-833b-4eda-b877-0873d134cf3c	# new_terms on process.executable;
# a building block: `vigilctl listen` leaves its alerts out, so its hits
# are read from sysfs
GDB=c296f888-eac6-4543-8da5-b6abb0d3304f	# sequence by entry_leader.entity_id

require_rules $DAC $NETRAW $GDB

C=/tmp/caps
mkdir -p $C
cp /usr/bin/dash $C/gdb
chmod -R 755 $C
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"

# Look-alikes first: no capabilities, a file the rule does not name, root.
as_nobody cat /etc/passwd > /dev/null
as_nobody unshare -Ur cat /etc/hostname > /dev/null	# NETRAW: cat (1)
cat /etc/shadow > /dev/null
setsid sh -c "$nobody $C/gdb -c true; /usr/bin/true; true"
# Attacks.
as_nobody unshare -Ur cat /etc/passwd > /dev/null	# DAC: cat
as_nobody unshare -Ur head -c0 /etc/hostname		# NETRAW: head (2)
# gdb with CAP_SYS_PTRACE, then a root exec in the same entry
setsid sh -c "$nobody unshare -Ur $C/gdb -c true; /usr/bin/true; true"
#							NETRAW: gdb (3)

vigil_rc=0
expect_alerts $DAC 1 "CAP_DAC_* held by a non-root reader of /etc/passwd"
vigil_sync
t=$(cat /sys/kernel/vigil/rules/$NETRAW/hits)
[ "$t" = 3 ] && pass "CAP_NET_RAW held by non-root, once per executable: $t hits" ||
	fail "CAP_NET_RAW held by non-root: $t hits, not 3"
expect_alerts $GDB 1 "gdb with CAP_SYS_PTRACE, then root, in one entry"
t=$(jq -c "select(.rule.id == \"$DAC\") | [.process.name, .user.id,
	(.process.thread.capabilities.effective | length),
	(.process.thread.capabilities.permitted | index(\"CAP_DAC_OVERRIDE\"))]" \
	"$VIGIL_ALERTS")
[ "$t" = '["cat","65534",41,1]' ] &&
	pass "the alert carries the full sets of a user namespace's root: $t" ||
	fail "capabilities in the DAC alert: $t"
exit $vigil_rc
