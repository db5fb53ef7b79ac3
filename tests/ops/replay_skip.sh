#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vigilctl replay over an Elastic export with events vigil does not
# capture (chmod, a session change): they are skipped and
# counted on stderr by kind, the rest is replayed and alerts as without
# them; --strict fails at the first one.  A connect and an end event,
# which vigil captures, are replayed.
. "$(dirname "$0")/tap.sh"

make -s -C user vigilctl > /dev/null 2>&1 || { nok "replay skip: building vigilctl"; exit 1; }
in=tests/replay/system_binary_symlink.jsonl
{
	echo '{"@timestamp":"2026-01-01T00:00:00.5Z","event":{"category":["file"],"type":["info"],"action":"changed-file-permissions-of"},"file":{"path":"/etc/shadow"},"process":{"name":"cat","pid":7}}'
	head -n 3 "$in"
	echo '{"@timestamp":"2026-01-01T00:00:01.4Z","event":{"category":["network"],"type":["start"],"action":"connection_attempted"},"destination":{"ip":"192.0.2.2","port":80},"process":{"name":"curl","pid":8}}'
	echo '{"@timestamp":"2026-01-01T00:00:01.5Z","event":{"category":["file"],"type":["info"],"action":"changed-file-permissions-of"},"file":{"path":"/etc/passwd"},"process":{"name":"cat","pid":9}}'
	echo '{"@timestamp":"2026-01-01T00:00:01.6Z","event":{"category":["process"],"type":["change"],"action":"session_id_change"},"process":{"name":"sshd","pid":10}}'
	echo '{"@timestamp":"2026-01-01T00:00:01.7Z","event":{"category":["process"],"type":["end"],"action":"end"},"process":{"name":"curl","pid":8,"exit_code":0}}'
	tail -n +4 "$in"
} > "$tmp/mixed.jsonl"
user/vigilctl replay --events "$in" rules/ > "$tmp/want.json" 2> /dev/null
if user/vigilctl replay --events "$tmp/mixed.jsonl" rules/ > "$tmp/got.json" 2> "$tmp/err"; then
	if cmp -s "$tmp/want.json" "$tmp/got.json" &&
	   grep -q 'skipped 3 events' "$tmp/err" &&
	   grep -q 'file/changed-file-permissions-of 2' "$tmp/err" &&
	   grep -q 'process/session_id_change 1' "$tmp/err"; then
		ok "replay: 3 uncaptured events skipped and counted by kind, the same $(wc -l < "$tmp/got.json") alerts"
	else
		nok "replay: skipped events" "$(cat "$tmp/err")" "$(diff "$tmp/want.json" "$tmp/got.json" | head -n 4)"
	fi
else
	nok "replay: failed on events vigil does not capture" "$(cat "$tmp/err")"
fi
if user/vigilctl replay --strict --events "$tmp/mixed.jsonl" rules/ > /dev/null 2> "$tmp/err"; then
	nok "replay --strict: accepted a chmod"
else
	grep -q 'mixed.jsonl:1: .*file/changed-file-permissions-of' "$tmp/err" &&
		ok "replay --strict: fails at line 1, naming the kind" ||
		nok "replay --strict: error" "$(cat "$tmp/err")"
fi
exit $rc
