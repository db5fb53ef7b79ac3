#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A quiet first day: a rule with Elastic's building_block_type is marked
# in the compiled rule (VIGIL_RULE_F_BUILDING_BLOCK) and in each of its
# alerts (vigil.rule.building_block_type), other rules' alerts are not;
# a value other than "default" is refused.  (That `vigilctl listen`
# leaves them out unless --building-blocks is tested in a guest,
# tests/integration/service.sh.)
. "$(dirname "$0")/tap.sh"

make -s -C user vigilctl > /dev/null 2>&1 || { nok "building blocks: building vigilctl"; exit 1; }
mkdir -p "$tmp/r"
rule() {
	cat <<TOML
[rule]
name = "ln runs $1"
rule_id = "vigil-test-bb-$1"
type = "eql"
language = "eql"
severity = "low"
risk_score = 21
query = 'process where process.name == "ln"'
$2
TOML
}
rule bb 'building_block_type = "default"' > "$tmp/r/bb.toml"
rule plain '' > "$tmp/r/plain.toml"
user/vigilctl replay --events tests/replay/system_binary_symlink.jsonl "$tmp/r" \
	> "$tmp/out.json" 2> /dev/null || nok "building blocks: replay"
nbb=$(jq -c 'select(.rule.id == "vigil-test-bb-bb")' "$tmp/out.json" | wc -l)
nbbm=$(jq -c 'select(.rule.id == "vigil-test-bb-bb" and .vigil.rule.building_block_type == "default")' "$tmp/out.json" | wc -l)
npl=$(jq -c 'select(.rule.id == "vigil-test-bb-plain")' "$tmp/out.json" | wc -l)
nplm=$(jq -c 'select(.rule.id == "vigil-test-bb-plain" and (.vigil.rule | has("building_block_type")))' "$tmp/out.json" | wc -l)
if [ "$nbb" -gt 0 ] && [ "$nbb" = "$nbbm" ] && [ "$npl" = "$nbb" ] && [ "$nplm" = 0 ]; then
	ok "building blocks: $nbb alerts marked building_block_type, the other rule's $npl not"
else
	nok "building blocks: $nbbm of $nbb marked; $nplm of $npl plain alerts marked"
fi
rule bad 'building_block_type = "sometimes"' > "$tmp/bad.toml"
if out=$(user/vigilctl check "$tmp/bad.toml" 2>&1); then
	nok "building blocks: building_block_type = \"sometimes\" accepted"
else
	printf '%s\n' "$out" | grep -q building_block_type &&
		ok "building blocks: a building_block_type other than \"default\" is refused" ||
		nok "building blocks: refused without naming building_block_type" "$out"
fi
exit $rc
