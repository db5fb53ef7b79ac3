#!/bin/sh
# dmesg (issue 11, "Load and faults"): no unprivileged path can flood the
# kernel log.  As uid 65534, many times over, everything that reaches
# vigil's code: refused netlink requests (load, list, stats, enable,
# disable, terms, listen), refused sysfs writes, paths beyond PATH_MAX,
# an exec flood, execs of huge argument lists, failed opens, creations,
# renames and deletions, and refused ones.  The kernel log may grow by
# at most a few lines (every pr_* a user can reach is ratelimited or
# once; capture_debug, root's switch, stays off).
. /vigil/lib.sh
SYS=/sys/kernel/vigil
MAX=${DMESG_MAX:-10}
ROUNDS=${DMESG_ROUNDS:-20}
[ -e /proc/lockdep ] && ROUNDS=${DMESG_ROUNDS:-4}
[ "$(cat /sys/module/vigil/parameters/capture_debug)" = N ] ||
	fail "capture_debug is on"
mkdir -p /tmp/dm
chmod 1777 /tmp/dm
printf '[rule]\nname = "x"\nrule_id = "x"\nrisk_score = 1\nseverity = "low"\ntype = "eql"\nlanguage = "eql"\nquery = "process where process.name == \\"x\\""\n' \
	> /tmp/dm/x.toml
vigilctl compile -o /tmp/dm/x.blob /tmp/dm || fail "compile"
chmod 644 /tmp/dm/x.blob /tmp/dm/x.toml
A=$(printf 'a%.0s' $(seq 250))
cat > /tmp/dm/round.sh <<SH
cd /tmp/dm
# refused netlink requests
vigilctl load --blob /tmp/dm/x.blob
vigilctl load /tmp/dm
vigilctl list
vigilctl stats
vigilctl enable x
vigilctl disable x
vigilctl terms export /tmp/dm/t.txt
timeout 1 vigilctl listen
# refused sysfs writes
echo 0 > $SYS/enabled
for f in $SYS/rules/*/enabled; do echo 0 > "\$f"; done
cat $SYS/stats/alerts_sent
# paths beyond PATH_MAX, made and removed
d=\$(mktemp -d /tmp/dm/deep.XXXXXX) && (cd "\$d" &&
	for i in \$(seq 18); do mkdir $A && cd -P $A || break; done &&
	: > f && mv f g && ln -s g h && rm -f g h)
rm -rf "\$d"
# failed and refused opens, creations, renames, deletions, execs
cat /root/nope /etc/shadow /nonexistent/x
: > /root/x
: > /proc/x
mv /etc/passwd /tmp/dm/p
rm -f /etc/group
ln -s /tmp /etc/x
/nonexistent/x
/etc/passwd
/tmp/dm/x.toml
# an exec flood and execs with long argument lists
for i in 1 2 3 4 5 6 7 8 9 10; do /usr/bin/true \$i; done
/usr/bin/true \$(seq 20000)
/usr/bin/true "\$(head -c 100000 /dev/zero | tr '\\0' a)"
exit 0
SH
chmod 644 /tmp/dm/round.sh
before=$(dmesg | wc -l)
i=0
while [ $i -lt "$ROUNDS" ]; do
	as_nobody sh /tmp/dm/round.sh > /dev/null 2>&1
	i=$((i + 1))
done
after=$(dmesg | wc -l)
grown=$((after - before))
echo "# $ROUNDS rounds as uid 65534: dmesg grew by $grown lines"
dmesg | tail -n "$grown" | head -n 20 | sed 's/^/#   /'
[ "$grown" -le "$MAX" ] && pass "dmesg grew by $grown lines (at most $MAX)" ||
	fail "dmesg grew by $grown lines (more than $MAX)"
# the attempts did reach vigil: the switch and the rules are untouched
[ "$(cat $SYS/enabled)" = 1 ] || fail "the global switch changed"
[ "$(cat $SYS/stats/events_exec)" -gt "$ROUNDS" ] ||
	fail "few execs seen: $(cat $SYS/stats/events_exec)"
exit $vigil_rc
