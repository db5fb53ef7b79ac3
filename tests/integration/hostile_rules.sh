#!/bin/sh
# Hostile rulesets (issue 11, items 6, 8, 10), loaded through vigilctl:
#  - 64 rules of 2000 `process.command_line : "*zz*"` (a 4 MB source,
#    128000 scans) and one exec with a 30 KB argument: the per-event
#    work budget stops it, quickly, counted in stats/work_stops, no stall;
#  - 4096 one-instruction new_terms rules: refused with the state_max_mb
#    reason, the running rules stay;
#  - a new_terms hit, then a reload of the same rules: the learned term
#    is carried over (on the debug kernel: without the recursive-locking
#    report the harness fails on).
. /vigil/lib.sh
W=/sys/kernel/vigil/stats/work_stops
mkdir -p /tmp/hz /tmp/nt /tmp/keep

# --- a new_terms rule that a marker binary hits, loaded twice ---
cat > /tmp/keep/nt.toml <<'TOML'
[rule]
name = "Hostile test new term"
rule_id = "vigil-test-hostile-nt"
risk_score = 1
severity = "low"
type = "new_terms"
language = "kuery"
query = '''
event.category:process and event.type:start and process.name:ntmarker*
'''
[rule.new_terms]
field = "new_terms_fields"
value = ["process.name"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-1d"
TOML
cp /usr/bin/true /tmp/ntmarker1
vigilctl load /tmp/keep || fail "load the new_terms rule"
/tmp/ntmarker1
expect_alerts vigil-test-hostile-nt 1 "first sighting"
# the reload inherits the learned term: the old store's lock and the new
# one's (one lock class) must not nest
vigilctl load /tmp/keep || fail "reload the new_terms rule"
/tmp/ntmarker1
expect_alerts vigil-test-hostile-nt 1 "term carried over the reload"
cp /usr/bin/true /tmp/ntmarker2
/tmp/ntmarker2
expect_alerts vigil-test-hostile-nt 2 "a new term after the reload"

# --- per-event work ---
# Not on the debug kernel: there, under TCG with KASAN and lockdep, even
# the bounded 256 Mi units take longer than the RCU stall timeout; the
# bound itself is the same code on every kernel.
if [ -e /proc/lockdep ]; then
	echo "# per-event work: SKIP on the debug kernel"
	cp /tmp/keep/nt.toml /tmp/hz/
	printf '[rule]\nname = "hz63"\nrule_id = "hz-63"\nrisk_score = 1\nseverity = "low"\ntype = "eql"\nlanguage = "eql"\nquery = "process where process.name == \\"hz\\""\n' \
		> /tmp/hz/hz63.toml
	vigilctl load /tmp/hz || fail "load the stand-in rules"
else
	clauses=$(i=0; while [ $i -lt 2000 ]; do
		printf ' and process.command_line : "*zz*"'; i=$((i + 1)); done)
	r=0
	while [ $r -lt 64 ]; do
		printf '[rule]\nname = "hz%d"\nrule_id = "hz-%d"\nrisk_score = 1\nseverity = "low"\ntype = "eql"\nlanguage = "eql"\nquery = '"'''"'\nprocess where event.type == "start"%s\n'"'''"'\n' \
			$r $r "$clauses" > /tmp/hz/hz$r.toml
		r=$((r + 1))
	done
	cp /tmp/keep/nt.toml /tmp/hz/
	vigilctl load /tmp/hz || fail "load the 64 x 2000 CONTAINS rules"
	stops0=$(cat $W)
	arg="$(head -c 30000 /dev/zero | tr '\0' a)zz"
	t0=$(date +%s%N)
	/usr/bin/true "$arg"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	stops1=$(cat $W)
	echo "# hostile exec: ${ms} ms, work_stops $stops0 -> $stops1"
	[ "$stops1" -gt "$stops0" ] && pass "the budget stopped the hostile exec" ||
		fail "work_stops did not rise ($stops0 -> $stops1)"
	# unbounded, this is 3.8 Gi bytes scanned (the 32 s report); bounded,
	# 256 Mi units: 6 s measured under TCG beside another guest
	[ "$ms" -lt 15000 ] && pass "hostile exec in ${ms} ms" ||
		fail "hostile exec took ${ms} ms"
	/usr/bin/true short zz
	[ "$(cat $W)" -eq "$stops1" ] && pass "a short exec runs every rule" ||
		fail "a short exec hit the budget"
	vigil_sync
	[ "$(alert_count hz-63)" -ge 1 ] && pass "hz-63 alerted on the short exec" ||
		fail "hz-63 did not alert on the short exec"
fi

# --- state memory ---
r=0
while [ $r -lt 4096 ]; do
	printf '[rule]\nname = "nt%d"\nrule_id = "nt-%d"\nrisk_score = 1\nseverity = "low"\ntype = "new_terms"\nlanguage = "kuery"\nquery = "event.category:process"\n[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["process.name"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-1d"\n' \
		$r $r > /tmp/nt/nt$r.toml
	r=$((r + 1))
done
if vigilctl load /tmp/nt 2> /tmp/nt.err; then
	fail "4096 new_terms rules loaded"
else
	grep -q "state_max_mb" /tmp/nt.err && pass "refused: $(cat /tmp/nt.err)" ||
		fail "refused without the reason: $(cat /tmp/nt.err)"
fi
vigilctl list | grep -q hz-63 && pass "the running rules stayed" ||
	fail "the running rules changed"

# no stall, no soft lockup (the harness fails on WARNING/BUG/lockdep)
if dmesg | grep -Ei "rcu.*stall|soft lockup|hung task"; then
	fail "stall reported"
fi
exit $vigil_rc
