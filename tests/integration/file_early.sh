#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Early decisions of file creations and deletions (Documentation/engine.rst,
# "Early decision"), as uid 65534.  A creation or a deletion is built only
# when a rule may match its path and the name and program of the process
# that makes it.  Two rules: creations of .so files by a program named
# fe-tool, deletions under /tmp/fe/keep-* by a program in /tmp/fe.  Every
# look-alike (another program, another extension, another directory) is
# decided on its path and program alone and not built; the two real
# cases are built whole and alert, with the fields of the whole event.
. /vigil/lib.sh
TAG=fe
mkdir -p /tmp/fe
chmod 1777 /tmp/fe
rule mk 'file where event.type == "creation" and process.name == "fe-tool" and file.extension == "so"'
rule rm 'file where event.type == "deletion" and file.path : "/tmp/fe/keep-*" and process.executable : "/tmp/fe/*"'
load_rules
as_nobody cp /usr/bin/touch /tmp/fe/fe-tool
as_nobody cp /usr/bin/rm /tmp/fe/rmx
as_nobody touch /tmp/fe/keep-1 /tmp/fe/keep-2
vigil_sync

S=/sys/kernel/vigil/stats
c0=$(cat $S/events_create) r0=$(cat $S/events_delete)
d0=$(cat $S/events_decided_early)
as_nobody touch /tmp/fe/a.so /tmp/fe/b.txt	# another program
as_nobody /tmp/fe/fe-tool /tmp/fe/c.txt		# another extension
as_nobody /tmp/fe/fe-tool /tmp/fe/d.so		# the rule's case
as_nobody rm /tmp/fe/a.so /tmp/fe/keep-1	# another program
as_nobody /tmp/fe/rmx /tmp/fe/b.txt		# another path
as_nobody /tmp/fe/rmx /tmp/fe/keep-2		# the rule's case

vigil_rc=0
expect_alerts vigil-test-fe-mk 1 "fe-tool creates d.so"
expect_alerts vigil-test-fe-rm 1 "rmx deletes keep-2"
t=$(jqa 'select(.rule.id == "vigil-test-fe-mk") | [.file.path,
	.process.name, .process.executable, .process.args, .user.id]')
want='["/tmp/fe/d.so","fe-tool","/tmp/fe/fe-tool",["/tmp/fe/fe-tool","/tmp/fe/d.so"],"65534"]'
[ "$t" = "$want" ] && pass "the creation built whole: $t" ||
	fail "creation fields: $t (want $want)"
t=$(jqa 'select(.rule.id == "vigil-test-fe-rm") | [.file.path,
	.process.executable, .process.command_line]')
want='["/tmp/fe/keep-2","/tmp/fe/rmx","/tmp/fe/rmx /tmp/fe/keep-2"]'
[ "$t" = "$want" ] && pass "the deletion built whole: $t" ||
	fail "deletion fields: $t (want $want)"
c=$(($(cat $S/events_create) - c0)) r=$(($(cat $S/events_delete) - r0))
d=$(($(cat $S/events_decided_early) - d0))
# 4 creations and 4 deletions; all but the two rules' cases decided early
[ "$c" -eq 4 ] && [ "$r" -eq 4 ] && pass "events_create +$c, events_delete +$r" ||
	fail "events_create +$c, events_delete +$r (4 and 4)"
[ "$d" -eq 6 ] && pass "events_decided_early +$d of $((c + r))" ||
	fail "events_decided_early +$d (6 of $((c + r)))"
exit $vigil_rc
