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
#   vigil_reload           rmmod + insmod $VIGIL_KO, reload the --rules,
#                          restart the listener (appending to $VIGIL_ALERTS)
#   vigil_listen_start / vigil_listen_stop   (used by /init)
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
# require_rules RULE_ID...: skip the whole test (SKIP line, exit 0) unless
# every rule is loaded (corpus rules are absent without ../shared/corpus).
require_rules() {
	_loaded=$(vigilctl list 2>/dev/null)
	for _id; do
		case "$_loaded" in
		*"$_id"*) ;;
		*) echo "SKIP: corpus rule $_id not loaded (no ../shared/corpus)"; exit 0 ;;
		esac
	done
}

as_nobody() {
	(cd /home/nobody && HOME=/home/nobody USER=nobody \
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@")
}

VIGIL_LISTENER_PID=/run/vigil-listener.pid

# vigil_listen_ready PID: true once PID holds a generic netlink socket
# that has joined a multicast group (/proc/net/netlink, by inode).
vigil_listen_ready() {
	_inodes=$(ls -l /proc/"$1"/fd 2>/dev/null |
		sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ')
	[ -n "$_inodes" ] || return 1
	awk -v inodes=" $_inodes" 'NR > 1 && $2 == 16 && $4 != "00000000" &&
		index(inodes, " " $10 " ") { ok = 1 } END { exit !ok }' \
		/proc/net/netlink
}

# vigil_listen_start [ARG...]: start `vigilctl listen --json ARG...` appending to
# $VIGIL_ALERTS and wait (at most 5 s) until it has subscribed.
vigil_listen_start() {
	vigilctl listen --json "$@" >> "$VIGIL_ALERTS" 2>> /vigil/out/listen.err &
	_pid=$!
	echo "$_pid" > "$VIGIL_LISTENER_PID"
	_i=0
	while [ "$_i" -lt 50 ]; do
		vigil_listen_ready "$_pid" && return 0
		kill -0 "$_pid" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "vigil_listen_start: listener not subscribed after 5 s" >&2
	return 0
}

# vigil_listen_stop: drain, SIGTERM the listener, wait (at most 10 s)
# until it has exited.  Fails when it does not exit.
vigil_listen_stop() {
	[ -s "$VIGIL_LISTENER_PID" ] || return 0
	_pid=$(cat "$VIGIL_LISTENER_PID")
	rm -f "$VIGIL_LISTENER_PID"
	vigil_sync
	kill -TERM "$_pid" 2>/dev/null || return 0
	_i=0
	while [ "$_i" -lt 100 ]; do
		_st=$(awk '{ print $3 }' /proc/"$_pid"/stat 2>/dev/null)
		[ -z "$_st" ] || [ "$_st" = Z ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "vigil_listen_stop: listener $_pid ignored SIGTERM" >&2
	kill -KILL "$_pid" 2>/dev/null
	return 1
}

# vigil_reload: unload and reload vigil.ko with the run's rules and a new
# listener; alerts keep accumulating in $VIGIL_ALERTS.
vigil_reload() {
	vigil_listen_stop || return 1
	rmmod vigil || return 1
	insmod "$VIGIL_KO" || return 1
	if [ -n "$VIGIL_RULES" ]; then
		vigilctl load $VIGIL_RULES || return 1
	fi
	vigil_listen_start
}

# ---- test rules and alert queries (the capture tests) ----
# Set TAG first: rule ID QUERY writes the EQL rule vigil-test-$TAG-ID (low
# severity) in /tmp/${TAG}rules/ID; load_rules loads them all.
rule() {
	mkdir -p "/tmp/${TAG}rules/$1"
	cat > "/tmp/${TAG}rules/$1/r.toml" <<TOML
[rule]
name = "test $TAG $1"
rule_id = "vigil-test-$TAG-$1"
type = "eql"
language = "eql"
severity = "low"
risk_score = 1
query = '''
$2
'''
TOML
}
load_rules() { vigilctl load "/tmp/${TAG}rules" || fail "load test rules"; }
# jqa FILTER: the alerts FILTER selects, one compact line each
jqa() { jq -c "$1" "$VIGIL_ALERTS"; }
# jqt ALERT FILTER: ALERT is not empty and FILTER is true of it
jqt() { [ -n "$1" ] && echo "$1" | jq -e "$2" >/dev/null; }
# file_alert PATH: the first alert of rule vigil-test-$TAG-file for PATH
file_alert() {
	jqa "select(.rule.id == \"vigil-test-$TAG-file\" and .file.path == \"$1\")" | head -n 1
}
# check WHAT ALERT FILTER: pass when FILTER holds for ALERT
check() {
	if jqt "$2" "$3"; then pass "$1"; else fail "$1: $(echo "$2" | cut -c1-600)"; fi
}
