#!/bin/sh
# vigil.service's commands (dist/vigil-service, which ExecStartPre,
# ExecStart, ExecReload and ExecStop run) in a guest without systemd:
# start modprobes vigil and loads /etc/vigil/rules.d, listen writes
# whole JSON lines to the alert log and reopens it on rotate (SIGHUP),
# reload keeps learned terms, stop saves them and a later start restores
# them (a first start without them learns before alerting), building
# blocks stay out of the file, a killed listener is restarted and what
# it missed shows in the rule's hits, and a write cut short by the file
# size limit leaves no half line.
. /vigil/lib.sh
RULE=d19a2399-f8e2-4b10-80d8-a561ce9d24d1
svc=/vigil/dist/vigil-service
export VIGILCTL="$(command -v vigilctl)" VIGIL_RULES_DIR=/etc/vigil/rules.d \
	VIGIL_STATE_DIR=/var/lib/vigil VIGIL_ALERT_LOG=/var/log/vigil/alerts.json \
	VIGIL_RUN_DIR=/run/vigil VIGIL_LEARN=0
log=$VIGIL_ALERT_LOG
BASH=$(command -v bash)
mkdir -p /usr/local/sbin
for p in qa qb qc qd qe qf qg; do /usr/bin/cp "$BASH" /usr/local/sbin/$p; done
# link NAME: a symlink of a system binary made by a process named NAME
# (the new_terms rule's term is the parent name).
n=0
link() {
	n=$((n + 1))
	/usr/local/sbin/$1 -c "/usr/bin/ln -s /usr/bin/id /tmp/l$n; true"
}
count() { vigil_sync; cat "$@" 2>/dev/null | jq -c "select(.rule.id == \"$RULE\")" | wc -l; }
lpid=
listen_up() {
	$svc listen 2>> /tmp/listen.err &
	lpid=$!
	i=0
	while [ $i -lt 50 ] && ! vigil_listen_ready $lpid; do sleep 0.1; i=$((i + 1)); done
	vigil_listen_ready $lpid || fail "listener not subscribed"
	[ "$(cat /run/vigil/listen.pid)" = $lpid ] || fail "listen.pid is not the listener"
}

# tests/vm/vigil-vm --rules A --rules B (service.rules.1, .2): one ruleset
if vigilctl list | grep -q vigil-test-multi-a && vigilctl list | grep -q vigil-test-multi-b; then
	pass "vigil-vm --rules A --rules B: both loaded"
else
	fail "vigil-vm --rules A --rules B: not both loaded"
	vigilctl list
fi

# Installed as make install does; the harness's own module and listener go.
vigil_listen_stop
rmmod vigil || fail "rmmod"
kv=$(uname -r)
mkdir -p /lib/modules/$kv/extra $VIGIL_RULES_DIR
cp /vigil/vigil.ko /lib/modules/$kv/extra/
depmod $kv
cp /vigil/dist/rules.d/*.toml $VIGIL_RULES_DIR/
cat > $VIGIL_RULES_DIR/zz_building_block.toml <<'TOML'
[rule]
name = "true runs"
rule_id = "vigil-test-bb"
type = "eql"
language = "eql"
severity = "low"
risk_score = 21
building_block_type = "default"
query = 'process where process.name == "true"'
TOML
nrules=$(ls $VIGIL_RULES_DIR/*.toml | wc -l)

$svc start || fail "start"
grep -q '^vigil ' /proc/modules && pass "start: modprobe vigil" || fail "start: vigil not loaded"
[ "$(vigilctl list | grep -c -- '-')" -ge "$nrules" ] && vigilctl list | grep -q $RULE &&
	pass "start: rules.d loaded" || { fail "start: rules not loaded"; vigilctl list; }

listen_up
link qa
[ "$(count $log)" = 1 ] && pass "listen: alert in $log" || fail "listen: $(count $log) alerts in $log"
jq -e . $log > /dev/null || fail "listen: $log is not JSON lines"

# building blocks: not in the service's file, there with --building-blocks
vigilctl listen --json --building-blocks --output /tmp/bb.json 2> /dev/null &
bpid=$!
i=0
while [ $i -lt 50 ] && ! vigil_listen_ready $bpid; do sleep 0.1; i=$((i + 1)); done
/usr/bin/true
vigil_sync
nall=$(jq -c 'select(.rule.id == "vigil-test-bb" and .vigil.rule.building_block_type == "default")' /tmp/bb.json | wc -l)
nsvc=$(jq -c 'select(.rule.id == "vigil-test-bb")' $log | wc -l)
[ "$nall" -ge 1 ] && [ "$nsvc" = 0 ] &&
	pass "building blocks: $nall with --building-blocks, none in $log" ||
	fail "building blocks: $nall with --building-blocks, $nsvc in $log"
kill -TERM $bpid; wait $bpid

# logrotate: move, rotate (SIGHUP), the next alert lands in the new file
mv $log $log.1
$svc rotate || fail "rotate"
sleep 0.3
link qb
[ "$(count $log.1)" = 1 ] && [ "$(count $log)" = 1 ] &&
	pass "rotate: new file after SIGHUP, none lost" ||
	fail "rotate: $(count $log.1) in the old file, $(count $log) in the new"

# reload keeps the learned terms of rules that stay
$svc reload || fail "reload"
link qa
[ "$(count $log)" = 1 ] && pass "reload: learned terms kept" || fail "reload: qa alerted again"

# stop saves the history; start after a module reload restores it
$svc stop || fail "stop"
grep -q $RULE /var/lib/vigil/terms.txt && pass "stop: history saved" ||
	fail "stop: no $RULE in /var/lib/vigil/terms.txt"
kill -TERM $lpid; wait $lpid; lrc=$?
[ $lrc = 0 ] && pass "listener exits 0 on SIGTERM" || fail "listener exit $lrc"
rmmod vigil || fail "rmmod after stop"
$svc start || fail "start again"
listen_up
link qa
link qb
link qc
[ "$(count $log)" = 2 ] && pass "start: history restored (qa, qb quiet; qc alerts)" ||
	fail "start: $(count $log) alerts in $log after restore, expected 2"

# a listener crash: the restarted listener carries on; the alert raised
# while none listened is not numbered (alertq.c uses no seq without a
# listener) but shows in the rule's hit counter
hits() { cat /sys/kernel/vigil/rules/$RULE/hits; }
h0=$(hits) n0=$(count $log)
last=$(tail -n 1 $log | jq .vigil.alert.seq)
kill -KILL $lpid; wait $lpid 2>/dev/null
link qd
vigil_sync
listen_up
link qe
h1=$(hits) n1=$(count $log)
next=$(tail -n 1 $log | jq .vigil.alert.seq)
[ $((h1 - h0)) = 2 ] && [ $((n1 - n0)) = 1 ] && [ "$next" -gt "$last" ] &&
	pass "crash: listener restarted (seq $last -> $next), the missed alert in hits ($h0 -> $h1)" ||
	fail "crash: hits $h0 -> $h1, alerts $n0 -> $n1, seq $last -> $next"
kill -TERM $lpid; wait $lpid

# a first start with no saved history learns (VIGIL_LEARN) before alerting
learn=15
# the debug kernel (KASAN, lockdep) takes longer than that to start the
# service and run the first trigger
grep -q 'kmemleak=on' /proc/cmdline && learn=60
rm -f /var/lib/vigil/terms.txt
rmmod vigil || fail "rmmod before learning"
t0=$(date +%s)
VIGIL_LEARN=${learn}s $svc start 2> /tmp/learn.err || fail "start with learning"
grep -q learn /tmp/learn.err || fail "start did not say it learns"
listen_up
: > $log
link qf
vigil_sync
if [ $(($(date +%s) - t0)) -ge $learn ]; then
	fail "learn: the guest took ${learn}s to get here; learning was over"
elif [ "$(count $log)" = 0 ]; then
	pass "learn: a new term while learning does not alert"
else
	fail "learn: $(count $log) alerts while learning"
fi
left=$((t0 + learn + 1 - $(date +%s)))
[ $left -gt 0 ] && sleep $left
link qf
link qg
[ "$(count $log)" = 1 ] && [ "$(jq -r .process.parent.name $log)" = qg ] &&
	pass "learn: after learning the learned term stays quiet, a new one alerts" ||
	{ fail "learn: $(count $log) alerts after learning, expected qg's only"; cat $log; }
kill -TERM $lpid; wait $lpid

# whole lines or nothing: a file size limit cuts a write short
rm -f /tmp/small.json
(ulimit -f 4; trap '' XFSZ; exec vigilctl listen --json --output /tmp/small.json) \
	2> /tmp/small.err &
spid=$!
i=0
while [ $i -lt 50 ] && ! vigil_listen_ready $spid; do sleep 0.1; i=$((i + 1)); done
for i in 1 2 3 4 5 6 7 8; do
	/usr/bin/cp "$BASH" /usr/local/sbin/r$i
	/usr/local/sbin/r$i -c "/usr/bin/ln -s /usr/bin/id /tmp/r$i; true"
done
vigil_sync
kill -TERM $spid; wait $spid
sz=$(stat -c %s /tmp/small.json)
if [ "$sz" -gt 0 ] && [ "$(tail -c 1 /tmp/small.json | od -An -c | tr -d ' ')" = '\n' ] &&
	jq -e . /tmp/small.json > /dev/null; then
	pass "file size limit: $(wc -l < /tmp/small.json) whole line(s), no half line"
else
	fail "file size limit: $sz bytes, half a line left"
	tail -c 200 /tmp/small.json; cat /tmp/small.err
fi
cat /tmp/listen.err
exit $vigil_rc
