# SPDX-License-Identifier: GPL-2.0
#
# /vigil/lib.sh: helpers for integration tests running inside the vigil
# test guest.  Source it:  . /vigil/lib.sh
#
#   vigil_sync             wait until the kernel has sent every queued alert
#   expect_alerts ID N     exactly N alerts with rule id ID so far
#   expect_no_alerts [ID]  no alerts (with rule id ID) so far
#   alert_count ID         print the number of alerts with rule id ID
#   as_nobody CMD...       run CMD as uid/gid 65534
#   fail MSG / pass MSG    print a verdict line; fail also sets $vigil_rc
#
# $VIGIL_ALERTS is the file the JSON listener writes, one alert per line.
# End a test with:  exit $vigil_rc

vigil_rc=0
VIGIL_PENDING=/sys/kernel/vigil/stats/alerts_pending

# vigil_sync: poll alerts_pending until it reads 0 (at most ~10 s), then
# give the listener a short time to write what it received.
vigil_sync() {
	_i=0
	while [ -r "$VIGIL_PENDING" ] && [ "$_i" -lt 100 ]; do
		[ "$(cat "$VIGIL_PENDING" 2>/dev/null)" = 0 ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.3
}

# alert_count RULE_ID: number of alerts whose rule id is RULE_ID.
alert_count() {
	jq -c --arg id "$1" \
		'select((.rule.id? // .rule_id? // "") == $id)' \
		"$VIGIL_ALERTS" 2>/dev/null | wc -l
}

fail() {
	echo "FAIL: $*"
	vigil_rc=1
}

pass() {
	echo "PASS: $*"
}

# expect_alerts RULE_ID N [WHAT]
expect_alerts() {
	vigil_sync
	_n=$(alert_count "$1")
	if [ "$_n" -eq "$2" ]; then
		pass "${3:-$1}: $_n alert(s)"
	else
		fail "${3:-$1}: expected $2 alert(s) for rule $1, got $_n"
		cat "$VIGIL_ALERTS"
	fi
}

# expect_no_alerts [RULE_ID]
expect_no_alerts() {
	vigil_sync
	if [ -n "$1" ]; then
		expect_alerts "$1" 0
		return
	fi
	_n=$(wc -l < "$VIGIL_ALERTS")
	if [ "$_n" -eq 0 ]; then
		pass "no alerts"
	else
		fail "expected no alerts, got $_n"
		cat "$VIGIL_ALERTS"
	fi
}

# as_nobody CMD...: run CMD as uid 65534, gid 65534, no supplementary
# groups, in /home/nobody.
as_nobody() {
	(cd /home/nobody && HOME=/home/nobody USER=nobody \
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@")
}
