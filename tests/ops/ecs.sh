#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Alerts a shipper ingests unchanged: every field name and JSON type of
# every alert kind (single event, sequence, new_terms), from
# `vigilctl replay` in the listen format, against the ECS definitions
# in tests/ecs/ecs-fields.tsv; a field ECS lacks must be in
# tests/ecs/vendor-fields.tsv (under vigil.* or an Elastic *.Ext.*
# namespace) and documented in Documentation/siem.rst.  Alerts that
# guest runs left in build/integration/ are checked too when present.
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

# One "NAME<TAB>JSON-TYPE<TAB>array" line per leaf; the steps of a sequence
# are documents of their own.
leaves='def leaves: paths(scalars) as $p |
	"\([$p[] | strings] | join("."))\t\(getpath($p) | type)\t\(if any($p[]; type == "number") then "array" else "" end)";
	(del(.vigil.events) | leaves),
	(if .vigil.events then "vigil.events\t\(.vigil.events | type)\tarray",
		(.vigil.events[] | leaves) else empty end)'
# check FILE: "ok" or the offending lines.
check_file() {
	jq -r "$leaves" "$1" | LC_ALL=C sort -u > "$1.leaves" || { echo "not JSON"; return; }
	awk -F'\t' '
	FNR == NR || FILENAME ~ /vendor/ {
		if ($0 ~ /^#/ || $0 == "") next
		want[$1] = $2 == "nested" ? "array" : \
			$2 ~ /^(long|integer|short|byte|float|double|scaled_float|unsigned_long)$/ ? "number" : \
			$2 == "boolean" ? "boolean" : "string"
		arr[$1] = $3 == "array"
		next
	}
	{
		if (!($1 in want)) { print "unknown field " $1 " (" $2 ")"; bad = 1; next }
		if ($2 != want[$1]) { print $1 ": JSON " $2 ", ECS type wants " want[$1]; bad = 1 }
		if ($3 == "array" && !arr[$1] && want[$1] != "array") { print $1 ": an array"; bad = 1 }
		n++
	}
	END { if (!bad) print "ok " n }' tests/ecs/ecs-fields.tsv tests/ecs/vendor-fields.tsv "$1.leaves"
}
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

# Guest runs' real alerts, when there are any.
real=$(ls build/integration/*/*.jsonl 2>/dev/null | head -n 40)
if [ -n "$real" ]; then
	cat $real > "$tmp/real.json"
	if [ ! -s "$tmp/real.json" ]; then
		skip "ecs: guest alerts" "none recorded"
	elif ! jq -e 'has("vigil")' "$tmp/real.json" > /dev/null 2>&1; then
		skip "ecs: guest alerts" "recorded before the vigil.* namespace"
	else
		res=$(check_file "$tmp/real.json")
		case "$res" in
		"ok "*) ok "ecs: $(wc -l < "$tmp/real.json") alerts from guest runs match" ;;
		*) nok "ecs: alerts from guest runs" "$res" ;;
		esac
	fi
else
	skip "ecs: guest alerts" "no build/integration/*/*.jsonl"
fi

# Every vendor field is documented.
missing=$(grep -v '^#' tests/ecs/vendor-fields.tsv | cut -f1 | while read -r f; do
	grep -qF "$f" Documentation/siem.rst 2>/dev/null || echo "$f"
done)
[ -z "$missing" ] && ok "ecs: every vendor field is documented in Documentation/siem.rst" ||
	nok "ecs: vendor fields not in Documentation/siem.rst" "$missing"
exit $rc
