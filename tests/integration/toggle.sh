#!/bin/sh
# Writing 0 to a rule's sysfs "enabled" stops its alerts at once; 1
# restores them.  The global switch does the same for every rule.
. /vigil/lib.sh
RULE=df6f62d9-caab-4b88-affa-044f4395a1e0
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
SYS=/sys/kernel/vigil
rc=0
count() { vigil_sync; jq -c "select(.rule.id == \"$RULE\")" "$VIGIL_ALERTS" | wc -l; }

[ "$(cat $SYS/rules/$RULE/enabled)" = 1 ] || { echo "FAIL: seed rule not enabled at load"; rc=1; }
/usr/bin/cp $LD /tmp/1.so
[ "$(count)" -eq 1 ] || { echo "FAIL: no alert while enabled"; rc=1; }

echo 0 > $SYS/rules/$RULE/enabled
[ "$(cat $SYS/rules/$RULE/enabled)" = 0 ] || { echo "FAIL: enabled reads back $(cat $SYS/rules/$RULE/enabled)"; rc=1; }
/usr/bin/cp $LD /tmp/2.so
[ "$(count)" -eq 1 ] || { echo "FAIL: alert while disabled"; rc=1; }

echo 1 > $SYS/rules/$RULE/enabled
/usr/bin/cp $LD /tmp/3.so
[ "$(count)" -eq 2 ] || { echo "FAIL: no alert after re-enabling"; rc=1; }

echo 0 > $SYS/enabled
/usr/bin/cp $LD /tmp/4.so
[ "$(count)" -eq 2 ] || { echo "FAIL: alert while vigil disabled"; rc=1; }
echo 1 > $SYS/enabled
/usr/bin/cp $LD /tmp/5.so
[ "$(count)" -eq 3 ] || { echo "FAIL: no alert after global re-enable"; rc=1; }

# the same through vigilctl
vigilctl disable $RULE || rc=1
/usr/bin/cp $LD /tmp/6.so
[ "$(count)" -eq 3 ] || { echo "FAIL: alert after vigilctl disable"; rc=1; }
vigilctl enable $RULE || rc=1
/usr/bin/cp $LD /tmp/7.so
[ "$(count)" -eq 4 ] || { echo "FAIL: no alert after vigilctl enable"; rc=1; }

# hits counts every alert
[ "$(cat $SYS/rules/$RULE/hits)" -eq 4 ] || { echo "FAIL: hits $(cat $SYS/rules/$RULE/hits), expected 4"; rc=1; }
# hostile writes are refused and change nothing
for v in 2 -1 yes " " 10000000000000000000; do
	if printf '%s' "$v" > $SYS/rules/$RULE/enabled 2>/dev/null; then
		echo "FAIL: enabled accepted '$v'"; rc=1
	fi
done
[ "$(cat $SYS/rules/$RULE/enabled)" = 1 ] || { echo "FAIL: state changed by bad writes"; rc=1; }
exit $rc
