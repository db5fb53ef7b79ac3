#!/bin/sh
# Learned new_terms history survives a module reload through
# vigilctl terms export / import; a store grows as it learns.
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

# A store grows past its first chunk (128 terms) in probe context: as
# uid 65534, 150 new parents (hard links of dash) each alert once, and
# every term is kept: exported, none evicted, none new again.
N=150
before=$(count)
ev0=$(cat /sys/kernel/vigil/stats/terms_evictions)
DASH=$(command -v dash)
for i in $(seq 1 $N); do ln "$DASH" /usr/local/sbin/g$i; done
# grow FIRST LAST: parents gFIRST..gLAST each symlink a system binary
grow() {
	as_nobody "$DASH" -c 'i='$1'; while [ $i -le '$2' ]; do
		/usr/local/sbin/g$i -c "/usr/bin/ln -sf /usr/bin/id /tmp/g$i"
		i=$((i + 1)); done'
}
grow 1 $N
[ "$(count)" -eq $((before + N)) ] ||
	{ echo "FAIL: $N new parents gave $(($(count) - before)) alerts"; rc=1; }
vigilctl terms export /tmp/terms2.txt || { echo "FAIL: export"; rc=1; }
n=$(grep -c "^$RULE " /tmp/terms2.txt)
[ "$n" -ge $((N + 2)) ] || { echo "FAIL: $n terms kept, not $N + 2"; rc=1; }
[ "$(cat /sys/kernel/vigil/stats/terms_evictions)" -eq "$ev0" ] ||
	{ echo "FAIL: terms evicted below the capacity"; rc=1; }
grow 1 10
grow $((N - 9)) $N
[ "$(count)" -eq $((before + N)) ] ||
	{ echo "FAIL: known parents alerted again"; rc=1; }

# malformed import files are refused
printf 'no-such-rule 00 1\n' > /tmp/bad1.txt
printf '%s zz 1\n' "$RULE" > /tmp/bad2.txt
for f in /tmp/bad1.txt /tmp/bad2.txt; do
	if vigilctl terms import $f 2>/dev/null; then echo "FAIL: accepted $f"; rc=1; fi
done
exit $rc
