#!/bin/sh
# Listener faults (issue 11, "Load and faults"), with no rate limit
# (alert_rate=0) and the listener's receive buffer at 64 KiB
# (`vigilctl listen --rcvbuf`), while uid 65534 creates files a rule
# matches:
#   - SIGSTOP: its socket fills; the kernel drops what does not fit and
#     counts it (alerts_dropped, a gap in alert.seq); the file creations
#     never wait; SIGCONT: it carries on, warns that it lost alerts, and
#     received + dropped = hits, the gaps are exactly the drops;
#   - SIGKILL with alerts unread in its socket, a storm going on, then a
#     new listener: the new one sees the gap in alert.seq; every number
#     was sent or dropped (alerts_sent - received = what died in the
#     killed socket); matches while no listener ran are in hits only.
. /vigil/lib.sh
SYS=/sys/kernel/vigil
RULE=lf-create
st() { cat $SYS/stats/$1; }
hits() { cat $SYS/rules/$RULE/hits; }
json() { jq -c -R 'fromjson? // empty' "$VIGIL_ALERTS"; }
listener() { cat "$VIGIL_LISTENER_PID"; }
cnt() { json | jq -c --arg id $RULE 'select(.rule.id == $id)' | wc -l; }
# wait_received N: until N alerts of the rule are in the file (<= 30 s)
wait_received() {
	_w=0
	while [ "$(cnt)" -lt "$1" ] && [ $_w -lt 60 ]; do
		sleep 0.5
		_w=$((_w + 1))
	done
}
# the sequence numbers received, sorted
seqs() { json | jq '.vigil.alert.seq' | sort -n; }

vigil_listen_stop
rmmod vigil || fail "rmmod"
insmod "$VIGIL_KO" alert_rate=0 || fail "insmod alert_rate=0"
mkdir -p /tmp/lfr /tmp/lf
chmod 1777 /tmp/lf
cat > /tmp/lfr/lf.toml <<'TOML'
[rule]
name = "Listener fault test"
rule_id = "lf-create"
risk_score = 21
severity = "low"
type = "eql"
language = "eql"
query = 'file where event.type == "creation" and file.path : "/tmp/lf/*"'
TOML
vigilctl load /tmp/lfr || fail "load"
: > "$VIGIL_ALERTS"
vigil_listen_start --rcvbuf 65536 || fail "listener with --rcvbuf"
h0=$(hits)

# --- SIGSTOP: the socket fills ---
lp=$(listener)
kill -STOP "$lp"
t0=$(date +%s%N)
seq -f /tmp/lf/s%g 1 3000 | as_nobody timeout 120 xargs -n 500 /usr/bin/touch ||
	fail "the file creations failed or hung"
t1=$(date +%s%N)
vigil_sync
d1=$(st alerts_dropped)
echo "# 3000 creations with the listener stopped: $(((t1 - t0) / 1000000)) ms, dropped $d1"
[ "$d1" -gt 0 ] && pass "stopped listener: $d1 alerts dropped and counted" ||
	fail "stopped listener: nothing dropped"
timeout 10 vigilctl stats > /dev/null && pass "vigilctl stats answers meanwhile" ||
	fail "vigilctl stats hung or failed"
kill -CONT "$lp"
as_nobody /usr/bin/touch /tmp/lf/after-stop
vigil_sync
sent=$(st alerts_sent) drop=$(st alerts_dropped) h=$(($(hits) - h0))
wait_received "$sent"
recv=$(cnt)
smax=$(seqs | tail -n 1)
echo "# after SIGCONT: hits $h, received $recv, sent $sent, dropped $drop, last seq $smax"
[ "$(st alerts_suppressed)" = 0 ] || fail "suppressed with alert_rate=0"
[ "$h" -eq $((recv + drop)) ] && pass "hits $h = received $recv + dropped $drop" ||
	fail "hits $h != received $recv + dropped $drop"
[ "$recv" -eq "$sent" ] && pass "received every alert sent ($sent)" ||
	fail "received $recv of $sent sent"
[ "$smax" -eq $((sent + drop)) ] && [ $((smax - recv)) -eq "$drop" ] &&
	pass "alert.seq 1..$smax: $((smax - recv)) gaps = dropped" ||
	fail "alert.seq up to $smax, $recv received, $drop dropped"
kill -0 "$lp" 2>/dev/null && pass "the listener survived" || fail "the listener died"
grep -q "overflowed" /vigil/out/listen.err && pass "the listener warned" ||
	fail "no overflow warning from the listener"

# --- SIGKILL with unread alerts, a storm going on, a new listener ---
d0=$drop s0=$sent r0=$recv h0=$(hits)
last_old=$smax
kill -STOP "$lp"
seq -f /tmp/lf/k%g 1 100 | as_nobody xargs /usr/bin/touch
vigil_sync
# the storm: creations until /tmp/lf.stop, as uid 65534
as_nobody sh -c 'i=0; while [ ! -e /tmp/lf.stop ]; do
	touch /tmp/lf/m$i-1 /tmp/lf/m$i-2 /tmp/lf/m$i-3; i=$((i + 1)); done' &
storm=$!
sleep 1
kill -KILL "$lp"
wait "$lp" 2>/dev/null
rm -f "$VIGIL_LISTENER_PID"
sleep 1
vigil_listen_start || fail "restart the listener"
sleep 1
touch /tmp/lf.stop
wait $storm
as_nobody /usr/bin/touch /tmp/lf/after-kill
vigil_sync
sent=$(($(st alerts_sent) - s0)) drop=$(($(st alerts_dropped) - d0))
h=$(($(hits) - h0))
# every sent alert of the new listener is in the file once it is quiet
_w=0 _n=-1
while [ "$_n" != "$(cnt)" ] && [ $_w -lt 20 ]; do
	_n=$(cnt)
	sleep 0.5
	_w=$((_w + 1))
done
recv=$(($(cnt) - r0))
seqs > /tmp/lf.seqs
smax=$(tail -n 1 /tmp/lf.seqs)
first_new=$(awk -v l="$last_old" '$1 > l' /tmp/lf.seqs | head -n 1)
lost=$((sent - recv))
unheard=$((h - sent - drop))
echo "# kill: hits $h, sent $sent, received $recv, dropped $drop; lost in the killed socket $lost, matched with no listener $unheard; seq $last_old -> first after $first_new, last $smax"
[ "$(uniq -d /tmp/lf.seqs | wc -l)" = 0 ] || fail "duplicate sequence numbers"
[ "$smax" -eq $(($(st alerts_sent) + $(st alerts_dropped))) ] &&
	pass "every number up to $smax was sent or dropped" ||
	fail "last seq $smax, sent $(st alerts_sent) + dropped $(st alerts_dropped)"
[ "$lost" -gt 0 ] && [ $((smax - last_old - recv)) -eq $((lost + drop)) ] &&
	pass "the gap after the kill: $lost unread in the killed socket + $drop dropped" ||
	fail "gap $((smax - last_old - recv)), lost $lost, dropped $drop"
[ "$recv" -gt 0 ] && [ "$first_new" -gt $((last_old + 1)) ] &&
	pass "the new listener receives, after a gap ($last_old -> $first_new)" ||
	fail "new listener: $recv alerts, seq $last_old -> $first_new"
[ "$unheard" -ge 0 ] && pass "hits $h = sent $sent + dropped $drop + $unheard unheard" ||
	fail "hits $h < sent $sent + dropped $drop"
exit $vigil_rc
