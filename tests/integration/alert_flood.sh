#!/bin/sh
# One user must not be able to push real alerts out of the shared queue.
# As uid 65534, flood a cheap low-severity rule (a file creation under
# /tmp/flood) while a high-severity alert is raised:
#   - the high alert arrives;
#   - the flood is rate-limited per rule and summarized: a later alert of
#     the rule carries vigil.alert.suppressed = N, and the sum of the summaries
#     equals stats/alerts_suppressed;
#   - every match is accounted for: hits = received + suppressed + dropped;
#   - an alert of an exec with a 32 KiB argument stays below one batch
#     (8 KiB), keeps pid and name, and says vigil.alert.cut;
# then, reloaded with no rate limit and a 16-alert queue, a flood that
# overflows the queue still leaves room for the high alert.
. /vigil/lib.sh
SYS=/sys/kernel/vigil
FLOOD=vigil-test-flood
HIGH=vigil-test-high
mkdir -p /tmp/floodrules /tmp/flood
chmod 1777 /tmp/flood
cat > /tmp/floodrules/flood.toml <<'TOML'
[rule]
name = "Flood"
rule_id = "vigil-test-flood"
risk_score = 1
severity = "low"
type = "eql"
language = "eql"
query = 'file where event.type == "creation" and file.path : "/tmp/flood/*"'
TOML
cat > /tmp/floodrules/high.toml <<'TOML'
[rule]
name = "High"
rule_id = "vigil-test-high"
risk_score = 73
severity = "high"
type = "eql"
language = "eql"
query = 'process where event.type == "start" and process.name == "touch" and process.args : "*vigil-high*"'
TOML
vigilctl load /tmp/floodrules || fail "vigilctl load"
st() { cat $SYS/stats/$1; }
hits() { cat $SYS/rules/$1/hits; }
sup0=$(st alerts_suppressed 2>/dev/null || echo 0)
drop0=$(st alerts_dropped)

# 3000 creations as nobody, the high alert in the middle of them
seq -f /tmp/flood/f%g 1 3000 | as_nobody xargs -n 1000 /usr/bin/touch &
flood=$!
sleep 0.2
as_nobody /usr/bin/touch /tmp/vigil-high-1
wait $flood
# a window later, one more: the summary of anything held back since the
# rule's previous alert rides on it
sleep 1.2
as_nobody /usr/bin/touch /tmp/flood/last
vigil_sync
expect_alerts $HIGH 1 "high alert during the flood"
recv=$(alert_count $FLOOD)
sup=$(($(st alerts_suppressed) - sup0))
drop=$(($(st alerts_dropped) - drop0))
h=$(hits $FLOOD)
echo "# flood: hits $h, received $recv, suppressed $sup, dropped $drop"
[ "$h" -ge 3001 ] || fail "flood rule hit $h times, expected 3001"
[ "$sup" -gt 0 ] && pass "flood suppressed ($sup)" || fail "nothing suppressed"
[ "$((recv + sup + drop))" -eq "$h" ] &&
	pass "hits $h = received $recv + suppressed $sup + dropped $drop" ||
	fail "hits $h != received $recv + suppressed $sup + dropped $drop"
summ=$(jq -s --arg id $FLOOD \
	'[.[] | select(.rule.id == $id) | .vigil.alert.suppressed // 0] | add' \
	"$VIGIL_ALERTS")
[ "$summ" = "$sup" ] && pass "summaries add up to $sup" ||
	fail "summaries say $summ, stats say $sup suppressed"
# Which alert carries a summary depends on where the 1 s windows fall
# (the debug kernel's flood spans several): some do, and they add up.
nsum=$(jq -c --arg id $FLOOD 'select(.rule.id == $id and (.vigil.alert.suppressed // 0) > 0)' \
	"$VIGIL_ALERTS" | wc -l)
[ "$nsum" -gt 0 ] && pass "$nsum flood alerts carry a summary" ||
	fail "no flood alert carries a summary"

# a 32 KiB argument: one alert below a batch, cut and flagged
big=$(head -c 32768 /dev/zero | tr '\0' a)
/usr/bin/touch /tmp/vigil-high-2 "/tmp/$big" 2>/dev/null
expect_alerts $HIGH 2 "high alert with a 32 KiB argument"
line=$(jq -c --arg id $HIGH 'select(.rule.id == $id)' "$VIGIL_ALERTS" | tail -n 1)
len=$(printf '%s' "$line" | wc -c)
[ "$len" -lt 12000 ] && pass "alert line $len bytes" || fail "alert line $len bytes"
printf '%s' "$line" | jq -e '.vigil.alert.cut == true and .process.pid > 0 and
	.process.name == "touch" and (.process.args | length) >= 2' > /dev/null &&
	pass "cut alert keeps pid, name and args, says vigil.alert.cut" ||
	fail "cut alert: $(printf '%s' "$line" | head -c 600)"

# the reserve: no rate limit, a 16-alert queue, half kept for high ones
vigil_listen_stop
rmmod vigil || fail "rmmod"
insmod "$VIGIL_KO" alert_rate=0 alert_queue_max=16 alert_reserve_pct=50 ||
	fail "insmod with alert_rate=0"
vigilctl load /tmp/floodrules || fail "vigilctl load after reload"
vigil_listen_start
drop0=$(st alerts_dropped)
rm -rf /tmp/flood/*
seq -f /tmp/flood/g%g 1 1500 | as_nobody xargs -n 500 /usr/bin/touch &
flood=$!
n=0
while kill -0 $flood 2>/dev/null && [ $n -lt 20 ]; do
	as_nobody /usr/bin/touch /tmp/vigil-high-r$n
	n=$((n + 1))
done
wait $flood
vigil_sync
highs=$(alert_count $HIGH)
drop=$(($(st alerts_dropped) - drop0))
echo "# reserve: $n high alerts raised, $highs received in all, $drop low dropped"
[ "$highs" -eq $((n + 2)) ] && pass "every high alert arrived ($n during the flood)" ||
	fail "$((n + 2 - highs)) high alert(s) lost"
h=$(hits $FLOOD)
recv=$(jq -c --arg id $FLOOD 'select(.rule.id == $id and (.file.path | startswith("/tmp/flood/g")))' \
	"$VIGIL_ALERTS" | wc -l)
[ "$((recv + drop))" -eq "$h" ] &&
	pass "hits $h = received $recv + dropped $drop" ||
	fail "hits $h != received $recv + dropped $drop"
exit $vigil_rc
