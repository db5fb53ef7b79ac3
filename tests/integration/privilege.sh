#!/bin/sh
# As uid 65534: subscribing to alerts, loading, toggling (netlink and
# sysfs) and terms import all fail with EPERM and change nothing.
. /vigil/lib.sh
RULE=df6f62d9-caab-4b88-affa-044f4395a1e0
SYS=/sys/kernel/vigil
rc=0
before=$(vigilctl list | sort | md5sum)
mkdir -p /tmp/priv
printf '[rule]\nname = "p"\nrule_id = "vigil-test-priv"\ntype = "eql"\nlanguage = "eql"\nseverity = "low"\nrisk_score = 1\nquery = "process where process.name == \\"id\\""\n' \
	> /tmp/priv/p.toml
echo "d19a2399-f8e2-4b10-80d8-a561ce9d24d1 0123456789abcdef 1" > /tmp/priv/terms.txt
chmod -R a+rX /tmp/priv

fails_eperm() {
	what=$1; shift
	if as_nobody "$@" > /tmp/priv/out 2>&1; then
		echo "FAIL: $what succeeded as nobody"; rc=1
	elif ! grep -qi -e "not permitted" -e "permission denied" -e EPERM /tmp/priv/out; then
		echo "FAIL: $what failed, but not with EPERM:"; cat /tmp/priv/out; rc=1
	fi
}
fails_eperm listen timeout 3 vigilctl listen --json
fails_eperm load vigilctl load /tmp/priv
fails_eperm disable vigilctl disable $RULE
fails_eperm enable vigilctl enable $RULE
fails_eperm "terms import" vigilctl terms import /tmp/priv/terms.txt
fails_eperm "sysfs rule toggle" sh -c "echo 0 > $SYS/rules/$RULE/enabled"
fails_eperm "sysfs global toggle" sh -c "echo 0 > $SYS/enabled"

[ "$(cat $SYS/enabled)" = 1 ] || { echo "FAIL: global switch changed"; rc=1; }
[ "$(cat $SYS/rules/$RULE/enabled)" = 1 ] || { echo "FAIL: rule switch changed"; rc=1; }
after=$(vigilctl list | sort | md5sum)
[ "$before" = "$after" ] || { echo "FAIL: rule list changed"; rc=1; }
# and root still can
vigilctl disable $RULE && vigilctl enable $RULE || { echo "FAIL: root toggle"; rc=1; }
exit $rc
