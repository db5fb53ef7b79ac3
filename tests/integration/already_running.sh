#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: already_running events (Documentation/fields.rst).  Two
# corpus rules (already_running.rules-from), unmodified, look at the
# processes running when rules are loaded, as Elastic Defend reports them
# when it starts: a shell under a "systemd" started as /sbin/init, and a
# child of "/etc/rc.local start".  Loading the rules again reports them
# again; look-alikes (rc.local stop, a shell under this script) stay
# silent, and processes started after the load are not "already
# running".
. /vigil/lib.sh
SYSD=0b76ad27-c3f3-4769-9e7e-3237137fdf06	# shell under systemd
RCL=7318affb-bfe8-4d50-a425-f617833be160	# child of rc.local start

require_rules $SYSD $RCL
mkdir -p /tmp/ar && cp /usr/bin/dash /tmp/ar/systemd
cat > /etc/rc.local <<'SH'
#!/bin/sh
sleep 120 &
wait
SH
chmod 755 /etc/rc.local /tmp/ar/systemd
pids=
/etc/rc.local start &
pids="$pids $!"
/etc/rc.local stop &		# look-alike
pids="$pids $!"
sh -c "sleep 120; true" x &	# look-alike: parent is this script
pids="$pids $!"
# a shell reading commands from stdin, as /sbin/init, under the name systemd
echo 'sh -c "sleep 120; true" x & wait' |
	vigil-poke dirfd /tmp/ar systemd /sbin/init &
pids="$pids $!"
sleep 1
n0=$(cat /sys/kernel/vigil/stats/events_already_running)

vigilctl load $VIGIL_RULES || fail "vigilctl load"
vigil_rc=0
expect_alerts $RCL 1 "a child of rc.local start, running at the load"
expect_alerts $SYSD 1 "a shell under systemd (/sbin/init), running at the load"
t=$(jq -c "select(.rule.id == \"$SYSD\") | [.event.category, .event.type,
	.event.action, .process.name, .process.args_count,
	.process.parent.name, .process.parent.command_line]" "$VIGIL_ALERTS")
[ "$t" = '["process","info","already_running","sh",4,"systemd","/sbin/init"]' ] &&
	pass "already_running fields: $t" || fail "already_running fields: $t"
n=$(($(cat /sys/kernel/vigil/stats/events_already_running) - n0))
[ "$n" -ge 8 ] && pass "events_already_running +$n" ||
	fail "events_already_running +$n (>= 8)"

# a process started now is not reported; a second load reports again
sh -c "sleep 120; true" y &
pids="$pids $!"
vigilctl load $VIGIL_RULES || fail "vigilctl load"
expect_alerts $RCL 2 "reported again at the second load"
expect_alerts $SYSD 2 "reported again at the second load"
kill $pids 2> /dev/null
exit $vigil_rc
