#!/bin/sh
# A rule written here, compiled and loaded at runtime with vigilctl load,
# alerts; a malformed one is refused with a reason and changes nothing.
# Its non-ASCII name prints the same in `list --json` and in alerts.
. /vigil/lib.sh
rc=0
mkdir -p /tmp/rules /tmp/bad
cat > /tmp/rules/marker.toml <<'TOML'
[metadata]
creation_date = "2026/11/25"

[rule]
author = ["vigil tests"]
description = "touch of a marker file"
name = "Runtime Marker café ☕"
rule_id = "vigil-test-runtime-marker"
risk_score = 10
severity = "low"
type = "eql"
language = "eql"
query = '''
process where event.type == "start" and process.name == "touch" and
  process.args : "*vigil-marker*"
'''
TOML
vigilctl load /tmp/rules || { echo "FAIL: vigilctl load"; rc=1; }
vigilctl list | grep -q vigil-test-runtime-marker || { echo "FAIL: not listed"; rc=1; }
[ -d /sys/kernel/vigil/rules/vigil-test-runtime-marker ] || { echo "FAIL: no sysfs dir"; rc=1; }
/usr/bin/touch /tmp/vigil-marker-1
/usr/bin/touch /tmp/other
vigil_sync
n=$(jq -c 'select(.rule.id == "vigil-test-runtime-marker")' "$VIGIL_ALERTS" | wc -l)
[ "$n" -eq 1 ] || { echo "FAIL: $n runtime-rule alerts, expected 1"; rc=1; }
# UTF-8 as it is (RFC 8259), byte for byte the same in both
want='"name":"Runtime Marker café ☕"'
vigilctl list --json | grep -F '"id":"vigil-test-runtime-marker"' |
	grep -qF "$want" || { echo "FAIL: list --json: $(vigilctl list --json | grep runtime-marker)"; rc=1; }
grep -F '"id":"vigil-test-runtime-marker"' "$VIGIL_ALERTS" |
	grep -qF "$want" || { echo "FAIL: listen --json: rule name differs"; rc=1; }

# a rule the compiler rejects: load fails, the running set stays
printf '[rule]\nname = "x"\nrule_id = "bad"\ntype = "eql"\nlanguage = "eql"\nquery = "process where process.title == \\"x\\""\nseverity = "low"\nrisk_score = 1\n' \
	> /tmp/bad/bad.toml
if vigilctl load /tmp/bad 2> /tmp/bad.err; then
	echo "FAIL: bad rule loaded"; rc=1
fi
cat /tmp/bad.err
# a hostile blob straight to the kernel: the validator refuses it
head -c 4096 /dev/urandom > /tmp/garbage.bin
if vigilctl load --blob /tmp/garbage.bin 2> /tmp/garbage.err; then
	echo "FAIL: garbage ruleset accepted"; rc=1
fi
cat /tmp/garbage.err
/usr/bin/touch /tmp/vigil-marker-2
vigil_sync
n=$(jq -c 'select(.rule.id == "vigil-test-runtime-marker")' "$VIGIL_ALERTS" | wc -l)
[ "$n" -eq 2 ] || { echo "FAIL: running set changed after a refused load ($n)"; rc=1; }
exit $rc
