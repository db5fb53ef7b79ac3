#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: threshold rules (Documentation/rule-language.rst, "Threshold
# rules").  Two corpus rules (threshold.rules-from), unmodified, through
# real binaries run as uid 65534:
#
# impact_process_kill_threshold: 15 "kill -9" by one executable and user
# within 9 minutes.  Copies of busybox named kill: 15 execs of one copy
# alert once, with count 15 and the group's terms; 14 of another, and 20
# "kill -15" of a third (not in the query), stay silent.
#
# A flood cannot hide a group: between the 14th and the 15th kill of
# one executable, uid 65534 runs 1100 more, each of its own executable
# (hard links named kill), more groups than threshold_capacity (1024).
# The one-event groups evict each other (counted: 1100 - 1022 = 78 in
# threshold_evictions), the 14-event ones stay, and the 15th alerts.
#
# discovery_ping_sweep_detected: per parent process and executable, 100
# distinct process.args elements within 9 minutes.  A shell runs
# "./ping -c1 -W1 127.0.0.N" for 97 addresses: 3 + 97 = 100 distinct
# arguments, one alert at the 97th with cardinality 100; another shell
# does it for 95 (98 distinct) and stays silent.
. /vigil/lib.sh
KILL=67f8443a-4ff3-4a70-916d-3cfa3ae9f02b
SWEEP=03c23d45-d3cb-4ad4-ab5d-b361ffe8724a

require_rules $KILL $SWEEP

BB=/opt/busybox/bin/busybox
T=/tmp/thr
mkdir -p $T/a $T/b $T/c $T/p
for d in a b c p; do cp $BB $T/$d/busybox; done
ln -s busybox $T/a/kill
ln -s busybox $T/b/kill
ln -s busybox $T/c/kill
cp $BB $T/p/ping
for i in $(seq 1100); do
	mkdir $T/f$i && ln $T/a/busybox $T/f$i/kill
done
chmod -R 755 $T

# kill -9 of a pid that does not exist: the exec is what counts.
as_nobody sh -c "for i in \$(seq 14); do $T/a/kill -9 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 20); do $T/c/kill -15 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 14); do $T/b/kill -9 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 1100); do $T/f\$i/kill -9 999999 2>/dev/null; done"
as_nobody $T/b/kill -9 999999 2>/dev/null

# the sweeps: each shell is one parent (process.parent.entity_id)
as_nobody sh -c "cd $T/p && for i in \$(seq 95); do ./ping -c1 -W1 127.0.0.\$i >/dev/null 2>&1; done"
as_nobody sh -c "cd $T/p && for i in \$(seq 97); do ./ping -c1 -W1 127.0.0.\$i >/dev/null 2>&1; done"

vigil_sync
vigil_rc=0
expect_alerts $KILL 1 "15 kill -9 of one executable, a flood of 1100 groups between: one alert; 14, and kill -15, none"
expect_alerts $SWEEP 1 "a sweep of 100 distinct arguments: one alert; 98, none"

sel() { jq -c "select(.rule.id == \"$1\") | $2" "$VIGIL_ALERTS"; }
got=$(sel $KILL '[.rule.type // .vigil.rule.type, .kibana.alert.threshold_result.count,
	.kibana.alert.threshold_result.terms, .process.executable, .user.id]')
want="[\"threshold\",15,[{\"field\":\"process.executable\",\"value\":\"$T/b/busybox\"},{\"field\":\"user.id\",\"value\":\"65534\"}],\"$T/b/busybox\",\"65534\"]"
if [ "$got" = "$want" ]; then
	pass "kill threshold result: $got"
else
	fail "kill threshold result: got $got, want $want"
fi
got=$(sel $SWEEP '[.kibana.alert.threshold_result.count,
	.kibana.alert.threshold_result.cardinality,
	[.kibana.alert.threshold_result.terms[].field], .process.args[3]]')
want='[97,[{"field":"process.args","value":100}],["process.parent.entity_id","process.executable"],"127.0.0.97"]'
if [ "$got" = "$want" ]; then
	pass "sweep threshold result: $got"
else
	fail "sweep threshold result: got $got, want $want"
fi
ev=$(cat /sys/kernel/vigil/stats/threshold_evictions)
[ "$ev" = 78 ] && pass "threshold_evictions 78" || fail "threshold_evictions $ev, want 78"
vigilctl stats | grep -q '^threshold_evictions' && pass "vigilctl stats lists threshold_evictions" ||
	fail "vigilctl stats lacks threshold_evictions"
exit $vigil_rc
