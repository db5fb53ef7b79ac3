#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Capture across module reloads (issue 11 items 4, 5 and 16): processes
# started before insmod, the exec fallbacks, and names under each.  Expected
# outcomes are in Documentation/reliability.md, "Capture".
. /vigil/lib.sh
TAG=cr
mkdir -p /tmp/cr /tmp/crrules
chmod 1777 /tmp/cr
rule file 'file where file.path : "/tmp/cr/*"'
rule exec 'process where event.action == "exec" and process.args : "cr-*"'
load_rules

# 1. processes started before insmod: a shell running across a reload is
# recorded from its mm at load, with its argv.
bash -c 'while [ ! -e /tmp/cr/go ]; do sleep 0.2; done; : > /tmp/cr/pre-made' cr-pre &
pre=$!
vigil_reload || fail "reload"
load_rules
: > /tmp/cr/go
wait $pre
vigil_sync
check "started before insmod: recorded with its argv" "$(file_alert /tmp/cr/pre-made)" \
	'.process.name == "bash" and (.process.args | index("cr-pre"))'
# 2. the kretprobe fallback (issue 11 item 16): instances scale with the
# CPUs, execs still reported, misses counted in exec_missed.
vigil_listen_stop
rmmod vigil && insmod "$VIGIL_KO" exec_hook=1 || fail "insmod exec_hook=1"
load_rules
vigil_listen_start
n=$(dmesg | sed -n 's/.*exec via kretprobe on bprm_execve (\([0-9]*\) instances).*/\1/p' | tail -n 1)
cpus=$(grep -c ^processor /proc/cpuinfo)
[ -n "$n" ] && [ "$n" -ge 64 ] && [ "$n" -ge $((32 * cpus)) ] &&
	pass "kretprobe fallback: $n instances for $cpus CPUs" ||
	fail "kretprobe fallback: instances '$n' for $cpus CPUs"
# wait for these only: the listener runs in the background too
pids=
for i in $(seq 20); do
	/usr/bin/true cr-krp &
	pids="$pids $!"
done
wait $pids
vigil_sync
n=$(jqa 'select(.rule.id == "vigil-test-cr-exec" and .process.args[1] == "cr-krp")' | wc -l)
m=$(cat /sys/kernel/vigil/stats/exec_missed 2>/dev/null)
[ -n "$m" ] && [ $((n + m)) -eq 20 ] && pass "kretprobe fallback: $n execs reported, $m counted missed" ||
	fail "kretprobe fallback: $n execs reported, exec_missed '$m'"
# 3. each exec hook names a #! script after itself (issue 11 item 5):
# the kretprobe fallback loaded now, then the kprobe on finalize_exec.
printf '#!/bin/sh\n:\n' > /tmp/cr/hook-tool.sh
chmod 755 /tmp/cr/hook-tool.sh
script_named() {
	/tmp/cr/hook-tool.sh "cr-hook$1"
	vigil_sync
	check "exec_hook=$1: a script is named after itself" \
		"$(jqa "select(.rule.id == \"vigil-test-cr-exec\" and .process.args[2] == \"cr-hook$1\")" | head -n 1)" \
		'.process.name == "hook-tool.sh" and .process.executable == "/usr/bin/dash"'
}
script_named 1
vigil_listen_stop
rmmod vigil && insmod "$VIGIL_KO" exec_hook=2 || fail "insmod exec_hook=2"
load_rules
vigil_listen_start
script_named 2
exit $vigil_rc
