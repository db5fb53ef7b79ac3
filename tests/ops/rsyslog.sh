#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rsyslog pipeline of Documentation/siem.rst, for real: Debian's
# rsyslogd, unprivileged-style in a scratch directory with the
# documentation's configuration (paths moved there), tails the alert file
# with imfile and parses it with mmjsonparse.  vigilctl writes alerts in
# the listen format (replays of the seed events); logrotate, with the
# shipped /etc/logrotate.d/vigil (path moved, postrotate off: no
# listener), rotates the file in between; more alerts go to the new file.
# Every alert must come out parsed, once, and nothing may be unparsed.
. "$(dirname "$0")/tap.sh"

for c in rsyslogd logrotate jq; do
	command -v $c > /dev/null || { nok "rsyslog: $c missing (make deps)"; exit 1; }
done
make -s -C user vigilctl > /dev/null 2>&1 || { nok "rsyslog: building vigilctl"; exit 1; }
d=$tmp/log
mkdir -p "$d" "$tmp/work"
conf=$tmp/rsyslog.conf
{
	echo "global(workDirectory=\"$tmp/work\")"
	sed -n '/^\.\. rsyslog-begin/,/^\.\. rsyslog-end/p' Documentation/siem.rst |
		grep '^    ' | sed 's/^    //' | sed "s|/var/log/vigil|$d|g"
} > "$conf"
grep -q mmjsonparse "$conf" || { nok "rsyslog: no configuration in Documentation/siem.rst"; exit 1; }
if ! out=$(rsyslogd -N1 -f "$conf" 2>&1); then
	nok "rsyslog: rsyslogd -N1 rejects the documented configuration" "$out"
	exit 1
fi
ok "rsyslog: rsyslogd -N1 accepts the configuration of Documentation/siem.rst"

rsyslogd -n -f "$conf" -i "$tmp/rsyslogd.pid" > "$tmp/rsyslogd.out" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; wait $rpid 2>/dev/null; rm -rf "$tmp"' EXIT

alerts=$d/alerts.json
replay() { user/vigilctl replay --events "$1" rules/ >> "$alerts" 2> /dev/null; }
: > "$alerts"
sleep 1
replay tests/replay/system_binary_symlink.jsonl
replay tests/replay/dynamic_linker_copy.jsonl
n1=$(wc -l < "$alerts")
cat "$alerts" > "$tmp/sent"

# logrotate as shipped, then more alerts to the new file
sed -e "s|/var/log/vigil/alerts.json|$alerts|" -e '/postrotate/,/endscript/d' \
	-e "/^\tcreate /d" dist/vigil.logrotate > "$tmp/logrotate.conf"
if ! out=$(logrotate -f -s "$tmp/logrotate.state" "$tmp/logrotate.conf" 2>&1) ||
   [ ! -s "$alerts.1" ]; then
	nok "rsyslog: logrotate did not rotate" "$out" "$(ls -l "$d")"
fi
replay tests/replay/dynamic_linker_copy.jsonl
replay tests/replay/system_binary_symlink.jsonl
cat "$alerts" >> "$tmp/sent"
total=$(wc -l < "$tmp/sent")
[ "$n1" -gt 0 ] && [ "$total" -gt "$n1" ] || nok "rsyslog: replays wrote $n1 then $total alerts"

parsed=$d/parsed.json
for _ in $(seq 1 100); do
	[ "$(cat "$parsed" 2>/dev/null | wc -l)" -ge "$total" ] && break
	sleep 0.2
done
sleep 0.5
got=$(cat "$parsed" 2>/dev/null | wc -l)
key='[.rule.id, .vigil.alert.seq, ."@timestamp", .process.entity_id] | @json'
if ! jq -e . "$parsed" > /dev/null 2>&1; then
	nok "rsyslog: output is not JSON" "$(head -c 300 "$parsed")"
elif [ "$got" = "$total" ] &&
     cmp -s <(jq -r "$key" "$tmp/sent" | sort) <(jq -r "$key" "$parsed" | sort); then
	ok "rsyslog: imfile + mmjsonparse parsed all $total alerts, $n1 before the logrotate and $((total - n1)) after"
else
	nok "rsyslog: $got of $total alerts parsed" \
		"$(diff <(jq -r "$key" "$tmp/sent" | sort) <(jq -r "$key" "$parsed" | sort) | head)" \
		"$(cat "$tmp/rsyslogd.out")"
fi
# the parsed objects are the alerts, field for field
if cmp -s <(jq -cS . "$tmp/sent" | sort) <(jq -cS . "$parsed" | sort); then
	ok "rsyslog: every parsed alert equals the one vigilctl wrote"
else
	nok "rsyslog: parsed alerts differ from the written ones" \
		"$(diff <(jq -cS . "$tmp/sent" | sort) <(jq -cS . "$parsed" | sort) | head -n 4 | cut -c1-200)"
fi
[ ! -s "$d/unparsed.log" ] && ok "rsyslog: no unparsed line" ||
	nok "rsyslog: unparsed lines" "$(head -n 3 "$d/unparsed.log" | cut -c1-200)"
exit $rc
