#!/bin/sh
# vigil.service's commands (dist/vigil-service, which ExecStartPre,
# ExecStart, ExecReload and ExecStop run) in a guest without systemd:
# start modprobes vigil and loads /etc/vigil/rules.d, listen writes
# whole JSON lines to the alert log and reopens it on rotate (SIGHUP),
# reload keeps learned terms, stop saves them and a later start restores
# them, a killed listener leaves a gap in vigil.alert.seq, and a write cut
# short by the file size limit leaves no half line.
. /vigil/lib.sh
RULE=d19a2399-f8e2-4b10-80d8-a561ce9d24d1
svc=/vigil/dist/vigil-service
export VIGILCTL="$(command -v vigilctl)" VIGIL_RULES_DIR=/etc/vigil/rules.d \
	VIGIL_STATE_DIR=/var/lib/vigil VIGIL_ALERT_LOG=/var/log/vigil/alerts.json \
	VIGIL_RUN_DIR=/run/vigil
log=$VIGIL_ALERT_LOG
BASH=$(command -v bash)
mkdir -p /usr/local/sbin
for p in qa qb qc qd qe; do /usr/bin/cp "$BASH" /usr/local/sbin/$p; done
# link NAME: a symlink of a system binary made by a process named NAME
# (the new_terms rule's term is the parent name).
n=0
link() {
	n=$((n + 1))
	/usr/local/sbin/$1 -c "/usr/bin/ln -s /usr/bin/id /tmp/l$n; true"
}
count() { vigil_sync; cat "$@" 2>/dev/null | jq -c "select(.rule.id == \"$RULE\")" | wc -l; }
lpid=
listen_up() {
	$svc listen 2>> /tmp/listen.err &
	lpid=$!
	i=0
	while [ $i -lt 50 ] && ! vigil_listen_ready $lpid; do sleep 0.1; i=$((i + 1)); done
	vigil_listen_ready $lpid || fail "listener not subscribed"
	[ "$(cat /run/vigil/listen.pid)" = $lpid ] || fail "listen.pid is not the listener"
}

# Installed as make install does; the harness's own module and listener go.
vigil_listen_stop
rmmod vigil || fail "rmmod"
kv=$(uname -r)
mkdir -p /lib/modules/$kv/extra $VIGIL_RULES_DIR
cp /vigil/vigil.ko /lib/modules/$kv/extra/
depmod $kv
cp /vigil/dist/rules.d/*.toml $VIGIL_RULES_DIR/
nrules=$(ls $VIGIL_RULES_DIR/*.toml | wc -l)

$svc start || fail "start"
grep -q '^vigil ' /proc/modules && pass "start: modprobe vigil" || fail "start: vigil not loaded"
[ "$(vigilctl list | grep -c -- '-')" -ge "$nrules" ] && vigilctl list | grep -q $RULE &&
	pass "start: rules.d loaded" || { fail "start: rules not loaded"; vigilctl list; }

listen_up
link qa
[ "$(count $log)" = 1 ] && pass "listen: alert in $log" || fail "listen: $(count $log) alerts in $log"
jq -e . $log > /dev/null || fail "listen: $log is not JSON lines"

# logrotate: move, rotate (SIGHUP), the next alert lands in the new file
mv $log $log.1
$svc rotate || fail "rotate"
sleep 0.3
link qb
[ "$(count $log.1)" = 1 ] && [ "$(count $log)" = 1 ] &&
	pass "rotate: new file after SIGHUP, none lost" ||
	fail "rotate: $(count $log.1) in the old file, $(count $log) in the new"

# reload keeps the learned terms of rules that stay
$svc reload || fail "reload"
link qa
[ "$(count $log)" = 1 ] && pass "reload: learned terms kept" || fail "reload: qa alerted again"

# stop saves the history; start after a module reload restores it
$svc stop || fail "stop"
grep -q $RULE /var/lib/vigil/terms.txt && pass "stop: history saved" ||
	fail "stop: no $RULE in /var/lib/vigil/terms.txt"
kill -TERM $lpid; wait $lpid; lrc=$?
[ $lrc = 0 ] && pass "listener exits 0 on SIGTERM" || fail "listener exit $lrc"
rmmod vigil || fail "rmmod after stop"
$svc start || fail "start again"
listen_up
link qa
link qb
link qc
[ "$(count $log)" = 2 ] && pass "start: history restored (qa, qb quiet; qc alerts)" ||
	fail "start: $(count $log) alerts in $log after restore, expected 2"

# a listener crash: alerts while it is down are missed, and the seq shows it
last=$(tail -n 1 $log | jq .vigil.alert.seq)
kill -KILL $lpid; wait $lpid 2>/dev/null
link qd
vigil_sync
listen_up
link qe
next=$(tail -n 1 $log | jq .vigil.alert.seq)
[ "$next" -gt $((last + 1)) ] && pass "crash: gap in vigil.alert.seq ($last -> $next)" ||
	fail "crash: alert.seq $last -> $next, expected a gap"
kill -TERM $lpid; wait $lpid

# whole lines or nothing: a file size limit cuts a write short
rm -f /tmp/small.json
(ulimit -f 4; trap '' XFSZ; exec vigilctl listen --json --output /tmp/small.json) \
	2> /tmp/small.err &
spid=$!
i=0
while [ $i -lt 50 ] && ! vigil_listen_ready $spid; do sleep 0.1; i=$((i + 1)); done
for i in 1 2 3 4 5 6 7 8; do
	/usr/bin/cp "$BASH" /usr/local/sbin/r$i
	/usr/local/sbin/r$i -c "/usr/bin/ln -s /usr/bin/id /tmp/r$i; true"
done
vigil_sync
kill -TERM $spid; wait $spid
sz=$(stat -c %s /tmp/small.json)
if [ "$sz" -gt 0 ] && [ "$(tail -c 1 /tmp/small.json | od -An -c | tr -d ' ')" = '\n' ] &&
	jq -e . /tmp/small.json > /dev/null; then
	pass "file size limit: $(wc -l < /tmp/small.json) whole line(s), no half line"
else
	fail "file size limit: $sz bytes, half a line left"
	tail -c 200 /tmp/small.json; cat /tmp/small.err
fi
cat /tmp/listen.err
exit $vigil_rc
