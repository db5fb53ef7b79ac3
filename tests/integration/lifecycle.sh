#!/bin/sh
# insmod and rmmod 20 times while a loop execs and creates files: no
# splat (the harness fails the run on any WARNING/BUG/KASAN/lockdep
# report) and, on the debug kernel, no kmemleak report.
. /vigil/lib.sh
rc=0
[ -n "$VIGIL_KO" ] && [ -f "$VIGIL_KO" ] || { echo "FAIL: VIGIL_KO not set"; exit 1; }
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
mkdir -p /tmp/life
(
	i=0
	while [ ! -e /tmp/life/stop ]; do
		i=$((i + 1))
		/usr/bin/cp $LD /tmp/life/l$((i % 7)).so
		/usr/bin/ln -sf /usr/bin/id /tmp/life/id$((i % 5))
		/usr/bin/mv /tmp/life/l$((i % 7)).so /tmp/life/m.so
		/usr/bin/rm -f /tmp/life/m.so
	done
) &
load=$!
for n in $(seq 1 20); do
	rmmod vigil || { echo "FAIL: rmmod $n"; rc=1; break; }
	insmod "$VIGIL_KO" || { echo "FAIL: insmod $n"; rc=1; break; }
	vigilctl stats > /dev/null || { echo "FAIL: stats after insmod $n"; rc=1; }
done
touch /tmp/life/stop
wait $load
[ -d /sys/kernel/vigil/rules ] || { echo "FAIL: module not live at the end"; rc=1; }
exit $rc
