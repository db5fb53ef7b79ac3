#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vigilctl check --json: one object per rule file, and one of file null
# when the compiled ruleset is refused whole (here: 3000 rules, each
# searching the command line for 3000 bytes, over the engine's work
# bound, which no one rule reaches), with the reason; exit status 1.
. "$(dirname "$0")/tap.sh"

make -s -C user vigilctl > /dev/null 2>&1 || { nok "check --json: building vigilctl"; exit 1; }
mkdir -p "$tmp/r"
long=$(head -c 3000 /dev/zero | tr '\0' a)
for i in $(seq 0 2999); do
	cat > "$tmp/r/r$i.toml" <<TOML
[rule]
name = "r$i"
rule_id = "vigil-test-many-$i"
type = "eql"
language = "eql"
severity = "low"
risk_score = 21
query = 'process where process.command_line : "*$long$i*"'
TOML
done
user/vigilctl check --json "$tmp/r" > "$tmp/out" 2> "$tmp/err"
st=$?
files=$(jq -c 'select(.file != null and .ok)' "$tmp/out" | wc -l)
whole=$(jq -c 'select(.file == null and .ok == false) | .error' "$tmp/out")
if [ "$st" = 1 ] && [ "$files" = 3000 ] &&
	printf '%s\n' "$whole" | grep -q 'exceeds the work bound'; then
	ok "check --json: 3000 files ok, the ruleset refused whole in an object of file null: $whole"
else
	nok "check --json: status $st, $files files ok, whole-ruleset object: ${whole:-none}" "$(cat "$tmp/err")"
fi
# fewer of the same rules: no such object, status 0
rm -f "$tmp"/r/r1*.toml "$tmp"/r/r2*.toml
user/vigilctl check --json "$tmp/r" > "$tmp/out" 2> "$tmp/err"
st=$?
if [ "$st" = 0 ] && ! jq -e 'select(.file == null)' "$tmp/out" > /dev/null; then
	ok "check --json: $(wc -l < "$tmp/out") rules within the bound: no whole-ruleset object, status 0"
else
	nok "check --json: within the bound: status $st" "$(head -c 300 "$tmp/err")"
fi
exit $rc
