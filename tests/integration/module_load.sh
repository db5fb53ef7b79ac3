#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: kernel module loads, load_module events
# (Documentation/fields.rst).  The corpus rule that reads them
# (module_load.rules-from), unmodified, fires when insmod loads the
# tests' module (tests/kmod/vigil_hello.ko, built for each kernel), and
# stays silent when uid 65534 tries (the kernel refuses before anything
# loads) and when another program loads it.
. /vigil/lib.sh
INSMOD=2339f03c-f53f-40fa-834b-40c5983fc41f

require_rules $INSMOD
KO=/vigil/testkmod/vigil_hello.ko
[ -f $KO ] || { fail "no $KO"; exit 1; }

vigil_rc=0
# Look-alikes: uid 65534 cannot; busybox by its own name is not insmod.
as_nobody insmod $KO 2> /dev/null && fail "uid 65534 loaded a module"
busybox insmod $KO || fail "busybox insmod $KO"
rmmod vigil_hello || fail "rmmod vigil_hello"
# The rule's case.
insmod $KO || fail "insmod $KO"
rmmod vigil_hello || fail "rmmod vigil_hello"

expect_alerts $INSMOD 1 "insmod loads a module"
t=$(jq -c "select(.rule.id == \"$INSMOD\") | [.event.category, .event.type,
	.event.action, .process.name, .process.args, .user.id]" "$VIGIL_ALERTS")
[ "$t" = "[\"process\",\"start\",\"load_module\",\"insmod\",[\"insmod\",\"$KO\"],\"0\"]" ] &&
	pass "a load_module event is the loader's: $t" || fail "load_module fields: $t"
n=$(cat /sys/kernel/vigil/stats/events_load_module)
[ "$n" = 2 ] && pass "events_load_module $n" || fail "events_load_module $n (want 2)"
exit $vigil_rc
