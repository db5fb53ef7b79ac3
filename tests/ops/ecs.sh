#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Alerts a shipper ingests unchanged: every field name and JSON type of
# every alert kind (single event, sequence, new_terms), from
# `vigilctl replay` in the listen format, against the ECS definitions
# in tests/ecs/ecs-fields.tsv; a field ECS lacks must be in
# tests/ecs/vendor-fields.tsv (under vigil.* or an Elastic *.Ext.*
# namespace) and documented in Documentation/siem.rst.  The alerts of
# guest runs are checked after them (tests/ecs/guest.sh).
. "$(dirname "$0")/tap.sh"

vigilctl=user/vigilctl
make -s -C user vigilctl > /dev/null 2>&1 || { nok "ecs: building vigilctl"; exit 1; }
command -v jq > /dev/null || { nok "ecs: jq missing (make deps)"; exit 1; }

# The single-event kind: an EQL rule of its own.
mkdir -p "$tmp/event"
cat > "$tmp/event/ln.toml" <<'TOML'
[rule]
name = "ln runs"
rule_id = "vigil-test-ecs-event"
type = "eql"
language = "eql"
severity = "medium"
risk_score = 47
building_block_type = "default"
query = 'process where process.name == "ln"'

[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
reference = "https://attack.mitre.org/tactics/TA0005/"
TOML
run() { "$vigilctl" replay --events "$1" "$2" > "$3" 2> "$3.err" || nok "ecs: replay $1" "$(cat "$3.err")"; }
run tests/replay/system_binary_symlink.jsonl "$tmp/event" "$tmp/event.json"
run tests/replay/system_binary_symlink.jsonl rules/ "$tmp/new_terms.json"
run tests/replay/dynamic_linker_copy.jsonl rules/ "$tmp/sequence.json"

. tests/ecs/lib.sh
for kind in event sequence new_terms; do
	f=$tmp/$kind.json
	n=$(wc -l < "$f")
	types=$(jq -r '.vigil.rule.type // .rule.type' "$f" | sort -u | tr '\n' ' ')
	if [ "$n" = 0 ] || [ "$types" != "$kind " ]; then
		nok "ecs: $kind alerts: $n alerts of types '$types'"
		continue
	fi
	res=$(check_file "$f")
	case "$res" in
	"ok "*) ok "ecs: $kind alerts ($n): ${res#ok } field names and JSON types match ECS or vendor definitions" ;;
	*) nok "ecs: $kind alerts" "$res" ;;
	esac
	bad=$(jq -r '."@timestamp" | select(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$") | not)' "$f" | head -n 3)
	[ -z "$bad" ] || nok "ecs: $kind @timestamp not an ECS date" "$bad"
done

# Every vendor field is documented.
missing=$(grep -v '^#' tests/ecs/vendor-fields.tsv | cut -f1 | while read -r f; do
	grep -qF "$f" Documentation/siem.rst 2>/dev/null || echo "$f"
done)
[ -z "$missing" ] && ok "ecs: every vendor field is documented in Documentation/siem.rst" ||
	nok "ecs: vendor fields not in Documentation/siem.rst" "$missing"
exit $rc
