# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/ops/ecs.sh and tests/ecs/guest.sh, from the repo root:
# check_file FILE says "ok N" when every leaf field of the alerts in FILE
# (one JSON document per line) has an ECS name and JSON type
# (tests/ecs/ecs-fields.tsv) or a vendor one (tests/ecs/vendor-fields.tsv),
# else prints the offending lines.

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
