#!/bin/sh
# Learned new_terms history survives a module reload through
# vigilctl terms export / import.
. /vigil/lib.sh
RULE=d19a2399-f8e2-4b10-80d8-a561ce9d24d1
rc=0
BASH=$(command -v bash)
mkdir -p /usr/local/sbin
for p in qa qb; do /usr/bin/cp "$BASH" /usr/local/sbin/$p; done
count() { vigil_sync; jq -c "select(.rule.id == \"$RULE\")" "$VIGIL_ALERTS" | wc -l; }

/usr/local/sbin/qa -c '/usr/bin/ln -s /usr/bin/id /tmp/a1; true'
[ "$(count)" -eq 1 ] || { echo "FAIL: first sighting did not alert"; rc=1; }
vigilctl terms export /tmp/terms.txt || { echo "FAIL: export"; rc=1; }
grep -q "$RULE" /tmp/terms.txt || { echo "FAIL: export lacks the rule"; cat /tmp/terms.txt; rc=1; }

# reload: history is gone until imported
vigil_reload || { echo "FAIL: reload"; exit 1; }
vigilctl terms import /tmp/terms.txt || { echo "FAIL: import"; rc=1; }
/usr/local/sbin/qa -c '/usr/bin/ln -s /usr/bin/id /tmp/a2; true'
[ "$(count)" -eq 1 ] || { echo "FAIL: imported term alerted again"; rc=1; }
/usr/local/sbin/qb -c '/usr/bin/ln -s /usr/bin/id /tmp/b1; true'
[ "$(count)" -eq 2 ] || { echo "FAIL: new parent after import did not alert"; rc=1; }

# malformed import files are refused
printf 'no-such-rule 00 1\n' > /tmp/bad1.txt
printf '%s zz 1\n' "$RULE" > /tmp/bad2.txt
for f in /tmp/bad1.txt /tmp/bad2.txt; do
	if vigilctl terms import $f 2>/dev/null; then echo "FAIL: accepted $f"; rc=1; fi
done
exit $rc
