#!/bin/sh
# /sys/kernel/vigil is root-only but for the global "enabled" switch:
# as uid 65534, no rule's name, type, switch or hit counter and no
# counter can be read, and no switch flipped; root without CAP_SYS_ADMIN
# cannot flip a switch either (the store handlers check it).  Root can.
. /vigil/lib.sh
RULE=df6f62d9-caab-4b88-affa-044f4395a1e0
SYS=/sys/kernel/vigil
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2

# a hit, so that hits is not 0 and a read would tell something
/usr/bin/cp $LD /tmp/private.so
expect_alerts $RULE 1 "seed rule alerts"

n=0
for f in $SYS/rules/$RULE/name $SYS/rules/$RULE/type \
	$SYS/rules/$RULE/enabled $SYS/rules/$RULE/hits \
	$SYS/rules/$RULE/severity $SYS/rules/$RULE/risk_score $SYS/stats/*; do
	n=$((n + 1))
	if out=$(as_nobody cat "$f" 2>/dev/null); then
		fail "nobody read $f: $out"
	fi
	cat "$f" > /dev/null || fail "root cannot read $f"
done
[ "$n" -ge 20 ] && pass "nobody reads none of $n rule and stats files" ||
	fail "only $n files looked at"
mode=$(stat -c %a $SYS/rules/$RULE/enabled)
[ "$mode" = 600 ] && pass "rules/<id>/enabled is 0600" ||
	fail "rules/<id>/enabled is $mode"
mode=$(stat -c %a $SYS/stats/alerts_sent)
[ "$mode" = 400 ] && pass "stats/* is 0400" || fail "stats/alerts_sent is $mode"
# one name per counter (module/stat_names.h): the files are vigilctl's keys
files=$(ls $SYS/stats | sort | tr '\n' ' ')
keys=$(vigilctl stats --json | jq -r 'keys[]' | sort | tr '\n' ' ')
[ -n "$files" ] && [ "$files" = "$keys" ] &&
	pass "stats/ files are vigilctl stats --json's keys ($(ls $SYS/stats | wc -l))" ||
	fail "stats/ files: $files; vigilctl stats keys: $keys"
as_nobody cat $SYS/enabled > /dev/null && pass "nobody reads the global switch" ||
	fail "nobody cannot read the global switch"

# writes: nobody, then root without CAP_SYS_ADMIN
nocap() {
	setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- "$@"
}
for who in as_nobody nocap; do
	for f in $SYS/rules/$RULE/enabled $SYS/enabled; do
		if $who sh -c "echo 0 > $f" 2>/dev/null; then
			fail "$who could write 0 to $f"
		else
			pass "$who cannot write $f"
		fi
	done
done
[ "$(cat $SYS/enabled)" = 1 ] || fail "global switch changed"
[ "$(cat $SYS/rules/$RULE/enabled)" = 1 ] || fail "rule switch changed"
/usr/bin/cp $LD /tmp/private2.so
expect_alerts $RULE 2 "rule still alerts"
[ "$(cat $SYS/rules/$RULE/hits)" = 2 ] && pass "hits 2" ||
	fail "hits $(cat $SYS/rules/$RULE/hits), expected 2"

# root with CAP_SYS_ADMIN still can
echo 0 > $SYS/rules/$RULE/enabled && [ "$(cat $SYS/rules/$RULE/enabled)" = 0 ] &&
	echo 1 > $SYS/rules/$RULE/enabled && pass "root toggles" ||
	fail "root cannot toggle"
exit $vigil_rc
