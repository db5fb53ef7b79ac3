#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Early decisions of file creations and deletions (Documentation/engine.rst,
# "Early decision"), as uid 65534.  A creation or a deletion is built only
# when a rule may match its path and the name and program of the process
# that makes it.  Three rules: creations of .so files by a program named
# fe-tool, deletions under /tmp/fe/keep-* by a program in /tmp/fe,
# renames to /tmp/fe/moved-* by a program named fe-mv.  Every look-alike
# (another program, another extension, another directory) is decided on
# its path and program alone and not built; the three real cases are
# built whole and alert, with the fields of the whole event (a rename's
# old path too, which is not an early field).
. /vigil/lib.sh
TAG=fe
mkdir -p /tmp/fe
chmod 1777 /tmp/fe
rule mk 'file where event.type == "creation" and process.name == "fe-tool" and file.extension == "so"'
rule rm 'file where event.type == "deletion" and file.path : "/tmp/fe/keep-*" and process.executable : "/tmp/fe/*"'
rule mv 'file where event.action == "rename" and file.path : "/tmp/fe/moved-*" and process.name == "fe-mv"'
load_rules
as_nobody cp /usr/bin/touch /tmp/fe/fe-tool
as_nobody cp /usr/bin/rm /tmp/fe/rmx
as_nobody cp /usr/bin/mv /tmp/fe/fe-mv
as_nobody touch /tmp/fe/keep-1 /tmp/fe/keep-2 /tmp/fe/m1 /tmp/fe/m2 /tmp/fe/m3
vigil_sync

S=/sys/kernel/vigil/stats
c0=$(cat $S/events_create) r0=$(cat $S/events_delete)
m0=$(cat $S/events_rename) d0=$(cat $S/events_decided_early)
as_nobody touch /tmp/fe/a.so /tmp/fe/b.txt	# another program
as_nobody /tmp/fe/fe-tool /tmp/fe/c.txt		# another extension
as_nobody /tmp/fe/fe-tool /tmp/fe/d.so		# the rule's case
as_nobody rm /tmp/fe/a.so /tmp/fe/keep-1	# another program
as_nobody /tmp/fe/rmx /tmp/fe/b.txt		# another path
as_nobody /tmp/fe/rmx /tmp/fe/keep-2		# the rule's case
as_nobody mv /tmp/fe/m1 /tmp/fe/moved-1		# another program
as_nobody /tmp/fe/fe-mv /tmp/fe/m2 /tmp/fe/m4	# another path
as_nobody /tmp/fe/fe-mv /tmp/fe/m3 /tmp/fe/moved-3	# the rule's case

vigil_rc=0
expect_alerts vigil-test-fe-mk 1 "fe-tool creates d.so"
expect_alerts vigil-test-fe-rm 1 "rmx deletes keep-2"
expect_alerts vigil-test-fe-mv 1 "fe-mv renames m3 to moved-3"
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
t=$(jqa 'select(.rule.id == "vigil-test-fe-mv") | [.file.path,
	.file.Ext.original.path, .process.name]')
want='["/tmp/fe/moved-3","/tmp/fe/m3","fe-mv"]'
[ "$t" = "$want" ] && pass "the rename built whole: $t" ||
	fail "rename fields: $t (want $want)"
c=$(($(cat $S/events_create) - c0)) r=$(($(cat $S/events_delete) - r0))
m=$(($(cat $S/events_rename) - m0)) d=$(($(cat $S/events_decided_early) - d0))
# 4 creations, 4 deletions, 3 renames: all but the rules' 3 decided early
[ "$c" -eq 4 ] && [ "$r" -eq 4 ] && [ "$m" -eq 3 ] &&
	pass "events_create +$c, events_delete +$r, events_rename +$m" ||
	fail "events_create +$c, events_delete +$r, events_rename +$m (4, 4, 3)"
[ "$d" -eq 8 ] && pass "events_decided_early +$d of $((c + r + m))" ||
	fail "events_decided_early +$d (8 of $((c + r + m)))"
exit $vigil_rc
