#!/bin/sh
# vigil-kernels: debug
# Faults (issue 11, "Load and faults"), on the debug kernel only (it has
# failslab and fail_page_alloc; kmemleak is scanned after rmmod):
#   - `vigilctl load` with the N-th allocation of the load request
#     failing (VIGIL_FAIL_NTH: /proc/thread-self/fail-nth), for every N
#     until the request completes without reaching it, once with failslab
#     and once with fail_page_alloc: each load succeeds whole, or fails
#     with an error message and leaves a whole ruleset running (the
#     previous one; or, when only the acknowledgement was lost, the new
#     one), with one sysfs directory per rule or a kernel message naming
#     the one missing; afterwards the rules still alert;
#   - storms whose tasks fail their atomic allocations at random
#     (make-it-fail, failslab then fail_page_alloc, GFP_ATOMIC only: in
#     probe context that is vigil's alert batches and process table):
#     every match is still received or counted (received + dropped +
#     suppressed = hits), lost events are counted (capture_errors), and
#     so are sequences whose step slot could not be allocated
#     (seq_nomem; fa-a5 is a sequence of fa-x then fa-y);
#   - no oops, no lockdep or KASAN report, no leak (the harness).
. /vigil/lib.sh
SYS=/sys/kernel/vigil
D=/sys/kernel/debug
if [ ! -d $D/failslab ] || [ ! -d $D/fail_page_alloc ]; then
	echo "SKIP: no failslab/fail_page_alloc (debug kernel only)"
	exit 0
fi
st() { cat $SYS/stats/$1; }
# the running rule_ids, in order, each followed by a space
ids() { vigilctl list 2>/dev/null | sort | awk '$1 ~ /^fa-/ { printf "%s ", $1 }'; }
# quiet, per-task, no limit on the number of failures
for f in failslab fail_page_alloc; do
	echo 0 > $D/$f/probability
	echo 0 > $D/$f/verbose
	echo Y > $D/$f/task-filter
	echo -1 > $D/$f/times
	echo 0 > $D/$f/space
	echo 1 > $D/$f/interval
done
echo 0 > $D/fail_page_alloc/min-order
echo N > $D/fail_page_alloc/ignore-gfp-highmem

# two rulesets, A (5 rules, one a sequence with its table) and B (3
# rules, one a new_terms rule with its store), whose rules alert on execs
# of /tmp/fa-*
mkdir -p /tmp/fa/A /tmp/fa/B
rule() { # DIR ID NAME
	printf '[rule]\nname = "%s"\nrule_id = "%s"\nrisk_score = 21\nseverity = "medium"\ntype = "eql"\nlanguage = "eql"\nquery = '"'''"'process where event.type == "start" and process.name == "%s"'"'''"'\n' \
		"$2" "$2" "$3" > /tmp/fa/$1/$2.toml
}
rule A fa-a1 fa-x
rule A fa-a2 fa-y
rule A fa-a3 fa-z
rule A fa-a4 fa-w
cat > /tmp/fa/A/fa-a5.toml <<'TOML'
[rule]
name = "fa-a5"
rule_id = "fa-a5"
risk_score = 21
severity = "low"
type = "eql"
language = "eql"
query = '''
sequence by process.parent.entity_id with maxspan=1m
  [process where event.type == "start" and process.name == "fa-x"]
  [process where event.type == "start" and process.name == "fa-y"]
'''
TOML
rule B fa-b1 fa-x
rule B fa-b2 fa-y
cat > /tmp/fa/B/fa-b3.toml <<'TOML'
[rule]
name = "fa-b3"
rule_id = "fa-b3"
risk_score = 21
severity = "low"
type = "new_terms"
language = "kuery"
query = 'event.category:process and event.type:start and process.name:fa-*'
[rule.new_terms]
field = "new_terms_fields"
value = ["process.executable"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-1d"
TOML
for s in A B; do
	vigilctl compile -o /tmp/fa/$s.blob /tmp/fa/$s || { fail "compile $s"; exit 1; }
done
for b in x y z w; do cp /usr/bin/true /tmp/fa-$b; done
IDS_A="fa-a1 fa-a2 fa-a3 fa-a4 fa-a5 " IDS_B="fa-b1 fa-b2 fa-b3 "
# small term stores: a load on the debug kernel takes seconds otherwise
vigil_listen_stop
rmmod vigil || fail "rmmod"
insmod "$VIGIL_KO" alert_rate=0 terms_capacity=64 || fail "insmod"
vigil_listen_start
vigilctl load --blob /tmp/fa/A.blob || fail "load A"
cur=A

# one KIND N: load the other ruleset with the N-th point failing; check
# what runs.  Few execs: each costs ~0.5 s on the debug kernel.
one() {
	next=B
	[ "$cur" = B ] && next=A
	VIGIL_FAIL_NTH=$2 vigilctl load --blob /tmp/fa/$next.blob \
		> /dev/null 2> /tmp/fa/err
	rc=$?
	after=$(ids)
	eval "want=\$IDS_$next old=\$IDS_$cur"
	err=
	while read -r l; do
		case "$l" in
		*"not reached ("*) passed=${l##*reached (}; passed=${passed%% *} ;;
		*VIGIL_FAIL_NTH*) ;;
		*) err="$err$l " ;;
		esac
	done < /tmp/fa/err
	if [ $rc = 0 ]; then
		[ "$after" = "$want" ] ||
			fail "$1 $2: load succeeded, running: $after"
	else
		fails=$((fails + 1))
		case "$err" in
		"vigilctl load: "*) ;;
		*) fail "$1 $2: exit $rc without an error message: $err" ;;
		esac
		[ $rc -lt 128 ] || fail "$1 $2: vigilctl died (exit $rc)"
		if [ "$after" = "$want" ]; then
			acklost=$((acklost + 1))
		elif [ "$after" != "$old" ]; then
			fail "$1 $2: failed load left: $after (before: $old)"
		fi
		lasterr=$err
	fi
	# one directory per rule, or the kernel said which is missing
	d=
	for f in $SYS/rules/*; do d="$d${f##*/} "; done
	if [ "$d" != "$after" ] &&
		! dmesg | tail -n 5 | grep -q "vigil: cannot add sysfs directory"; then
		fail "$1 $2: rules $after, directories $d"
	fi
	[ "$after" = "$IDS_B" ] && cur=B || cur=A
}

# sweep KIND: failslab or fail_page_alloc, GFP_KERNEL allocations too.
# A load passes K fault points (calibrated by a load that does not reach
# its N-th); every N up to 8 fails in turn, then 25 more spread evenly up
# to K (all of them with FAULTS_ALL=1: ~1 s each on the debug kernel).
sweep() {
	echo N > $D/$1/ignore-gfp-wait
	fails=0 acklost=0 lasterr= passed= t0=$(date +%s)
	one "$1" 100000
	k=$passed
	[ -n "$k" ] && [ "$k" -gt 0 ] || { fail "$1: calibration: $(cat /tmp/fa/err)"; return; }
	n=1 tried=0
	while [ "$n" -le "$k" ]; do
		one "$1" "$n"
		tried=$((tried + 1))
		if [ -n "${FAULTS_ALL:-}" ] || [ "$n" -lt 8 ]; then
			n=$((n + 1))
		else
			n=$((n + (k - 8) / 25 + 1))
		fi
	done
	one "$1" "$k"
	echo Y > $D/$1/ignore-gfp-wait
	echo "# $1: a load passes $k points; $((tried + 1)) of them made to fail, in $(($(date +%s) - t0)) s: $fails loads failed ($acklost only lost the ack)"
	echo "#   last error: $lasterr"
	# a failed page allocation may be taken back by a fallback: only
	# failslab must fail some loads
	if [ "$fails" -gt 0 ] || [ "$1" = fail_page_alloc ]; then
		pass "$1: $fails of $((tried + 1)) loads failed, cleanly; the others whole"
	else
		fail "$1: no load failed"
	fi
}
sweep failslab
sweep fail_page_alloc
# still alerts: fa-x matches a rule of A and of B
vigilctl load --blob /tmp/fa/A.blob || fail "load A after the sweeps"
/tmp/fa-x sweep-done
vigil_sync
[ "$(alert_count fa-a1)" -ge 1 ] && pass "the rules still alert" ||
	fail "no alert after the sweeps"

# capture under atomic allocation failures (alert_rate=0 from above)
storm() { # KIND PERCENT: 48 execs with make-it-fail
	echo "$2" > $D/$1/probability
	sh -c 'echo 1 > /proc/self/make-it-fail; i=0
		while [ $i -lt 12 ]; do
			/tmp/fa-x $i; /tmp/fa-y $i; /tmp/fa-z $i; /tmp/fa-w $i
			i=$((i + 1))
		done' 2> /dev/null
	echo 0 > $D/$1/probability
}
lines0=$(wc -l < "$VIGIL_ALERTS")
h0=0
for r in $IDS_A; do h0=$((h0 + $(cat $SYS/rules/$r/hits))); done
s0=$(st alerts_suppressed) d0=$(st alerts_dropped) e0=$(st capture_errors)
x0=$(st events_exec) n0=$(st seq_nomem)
storm failslab 20
storm failslab 50
storm fail_page_alloc 20
vigil_sync
sleep 1
h=0
for r in $IDS_A; do h=$((h + $(cat $SYS/rules/$r/hits))); done
h=$((h - h0))
recv=$(tail -n +$((lines0 + 1)) "$VIGIL_ALERTS" | jq -c -R 'fromjson? // empty' |
	jq -c 'select(.rule.id | startswith("fa-a"))' | wc -l)
drop=$(($(st alerts_dropped) - d0)) sup=$(($(st alerts_suppressed) - s0))
errs=$(($(st capture_errors) - e0)) execs=$(($(st events_exec) - x0))
echo "# capture faults: $execs execs seen, hits $h, received $recv, dropped $drop, suppressed $sup, capture_errors $errs"
[ "$h" -gt 0 ] && [ "$h" -eq $((recv + drop + sup)) ] &&
	pass "hits $h = received $recv + dropped $drop + suppressed $sup" ||
	fail "hits $h != received $recv + dropped $drop + suppressed $sup"
[ "$drop" -gt 0 ] && pass "failed alert allocations counted ($drop dropped)" ||
	fail "no alert was dropped: were allocations failed?"
nomem=$(($(st seq_nomem) - n0))
[ "$nomem" -gt 0 ] && pass "failed step slot allocations counted ($nomem sequences lost)" ||
	fail "seq_nomem did not rise: were slot allocations failed?"
c5=$(alert_count fa-a5)
/tmp/fa-x after-storms
/tmp/fa-y after-storms
vigil_sync
[ "$(alert_count fa-a2)" -ge 1 ] && [ "$(alert_count fa-a5)" -gt "$c5" ] &&
	pass "alerts after the fault storms, sequences too" ||
	fail "no alert (or no sequence alert) after the fault storms"
exit $vigil_rc
