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
# A flood cannot hide a group: vigil is reloaded with
# threshold_capacity=32 (each exec costs about 0.5 s on the debug
# kernel), and between the 14th and the 15th kill of one executable
# uid 65534 runs 40 more, each of its own executable (hard links named
# kill), more groups than the store keeps.  The one-event groups evict
# each other (counted: 40 - 30 free slots = 10 in threshold_evictions),
# the two 14-event groups stay, and the 15th kill alerts.
#
# discovery_ping_sweep_detected: per parent process and executable, 100
# distinct process.args elements within 9 minutes.  A shell runs
# "./ping -c1 -W1 ADDR..." with ten loopback addresses at a time (busybox
# ping refuses more than one, the exec is what counts) over 97
# addresses: 3 + 97 = 100 distinct arguments, one alert at its 10th
# exec with cardinality 100; another shell does it over 95 addresses
# (98 distinct) and stays silent.
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
for i in $(seq 40); do
	mkdir $T/f$i && ln $T/a/busybox $T/f$i/kill
done
chmod -R 755 $T
cat > $T/sweep <<'SWEEP'
# sweep N: ./ping -c1 -W1 with 127.0.0.1 .. 127.0.0.N, ten at a time
cd /tmp/thr/p
i=1
while [ $i -le $1 ]; do
	a=
	j=0
	while [ $j -lt 10 ] && [ $i -le $1 ]; do
		a="$a 127.0.0.$i"
		i=$((i + 1))
		j=$((j + 1))
	done
	./ping -c1 -W1 $a >/dev/null 2>&1
done
SWEEP

vigil_listen_stop
rmmod vigil || fail "rmmod"
insmod "$VIGIL_KO" threshold_capacity=32 || fail "insmod threshold_capacity=32"
vigilctl load $VIGIL_RULES || fail "load"
vigil_listen_start

# kill -9 of a pid that does not exist: the exec is what counts.
as_nobody sh -c "for i in \$(seq 14); do $T/a/kill -9 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 20); do $T/c/kill -15 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 14); do $T/b/kill -9 999999 2>/dev/null; done"
as_nobody sh -c "for i in \$(seq 40); do $T/f\$i/kill -9 999999 2>/dev/null; done"
as_nobody $T/b/kill -9 999999 2>/dev/null

# the sweeps: each shell is one parent (process.parent.entity_id)
as_nobody sh $T/sweep 95
as_nobody sh $T/sweep 97

vigil_sync
vigil_rc=0
expect_alerts $KILL 1 "15 kill -9 of one executable, a flood of 40 groups between: one alert; 14, and kill -15, none"
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
	[.kibana.alert.threshold_result.terms[].field], .process.args[-1]]')
want='[10,[{"field":"process.args","value":100}],["process.parent.entity_id","process.executable"],"127.0.0.97"]'
if [ "$got" = "$want" ]; then
	pass "sweep threshold result: $got"
else
	fail "sweep threshold result: got $got, want $want"
fi
ev=$(cat /sys/kernel/vigil/stats/threshold_evictions)
[ "$ev" = 10 ] && pass "threshold_evictions 10" || fail "threshold_evictions $ev, want 10"
vigilctl stats | grep -q '^threshold_evictions' && pass "vigilctl stats lists threshold_evictions" ||
	fail "vigilctl stats lacks threshold_evictions"
exit $vigil_rc
