#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real alerts that the integration tests' guests received
# (build/integration/*/*.jsonl), checked as tests/ops/ecs.sh checks
# replayed ones: every field name and JSON type is ECS's or a documented
# vendor one.  make check runs it after the integration layer.
. "$(dirname "$0")/../ops/tap.sh"
. tests/ecs/lib.sh

# Guest runs' real alerts, when there are any.
real=$(ls build/integration/*/*.jsonl 2>/dev/null)
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

exit $rc
