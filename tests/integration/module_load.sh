#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: kernel module loads, load_module events
# (Documentation/fields.rst).  Three corpus rules (module_load.rules-from),
# unmodified, fire on them: the insmod rule when insmod loads the tests'
# module (tests/kmod/vigil_hello.ko, built for each kernel); the rule on
# programs run from a pid file's name, for a loader at /var/run/*.pid;
# and the building block on children of GenAI clients, for an insmod
# that a program named claude runs.  The last two are "process where
# event.type == start" rules, which take load_module events as in
# Elastic, so they fire on the loader's exec and again on its load.
# The rules stay silent when uid 65534 tries (the kernel refuses before
# anything loads) and when another program loads the module.
. /vigil/lib.sh
INSMOD=2339f03c-f53f-40fa-834b-40c5983fc41f
PIDFILE=3688577a-d196-11ec-90b0-f661ea17fbce
MCP=b2c3d4e5-f6a7-8901-bcde-f23456789012

require_rules $INSMOD $PIDFILE $MCP
# MCP is a building block: listened to on purpose
vigil_listen_stop
vigil_listen_start --building-blocks || { fail "listener"; exit 1; }
KO=/vigil/testkmod/vigil_hello.ko
[ -f $KO ] || { fail "no $KO"; exit 1; }

vigil_rc=0
# Look-alikes: uid 65534 cannot; busybox by its own name is not insmod.
as_nobody insmod $KO 2> /dev/null && fail "uid 65534 loaded a module"
busybox insmod $KO || fail "busybox insmod $KO"
rmmod vigil_hello || fail "rmmod vigil_hello"
# The rules' cases.
insmod $KO || fail "insmod $KO"
rmmod vigil_hello || fail "rmmod vigil_hello"
# the rule looks for /var/run itself (Debian links it to /run)
[ -L /var/run ] && rm /var/run
mkdir -p /var/run
cp /usr/local/bin/vigil-poke /var/run/vigilmod.pid
/var/run/vigilmod.pid insmod $KO || fail "/var/run/vigilmod.pid insmod"
rmmod vigil_hello || fail "rmmod vigil_hello"
mkdir -p /tmp/genai && cp /usr/bin/dash /tmp/genai/claude
/tmp/genai/claude -c "insmod $KO; true" || fail "claude runs insmod"
rmmod vigil_hello || fail "rmmod vigil_hello"

expect_alerts $INSMOD 2 "insmod loads a module, twice"
expect_alerts $PIDFILE 2 "a loader at /var/run/*.pid: exec and load"
expect_alerts $MCP 2 "claude runs insmod: exec and load"
for r in $PIDFILE $MCP; do
	t=$(jq -c "select(.rule.id == \"$r\") | [.event.action, .process.name,
		if .process.parent.name == \"claude\" then \"claude\" else null end]" \
		"$VIGIL_ALERTS" | tr '\n' ' ')
	case $r in
	$PIDFILE) want='["exec","vigilmod.pid",null] ["load_module","vigilmod.pid",null] ' ;;
	$MCP) want='["exec","insmod","claude"] ["load_module","insmod","claude"] ' ;;
	esac
	[ "$t" = "$want" ] && pass "$r fires on the load: $t" ||
		fail "$r alerts: $t (want $want)"
done
t=$(jq -c "select(.rule.id == \"$INSMOD\") | [.event.category, .event.type,
	.event.action, .process.name, .process.args, .user.id]" "$VIGIL_ALERTS" |
	head -n 1)
[ "$t" = "[\"process\",\"start\",\"load_module\",\"insmod\",[\"insmod\",\"$KO\"],\"0\"]" ] &&
	pass "a load_module event is the loader's: $t" || fail "load_module fields: $t"
n=$(cat /sys/kernel/vigil/stats/events_load_module)
[ "$n" = 4 ] && pass "events_load_module $n" || fail "events_load_module $n (want 4)"
exit $vigil_rc
