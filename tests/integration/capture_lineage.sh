#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# process.parent is the process that forked the actor, recorded at fork
# (hardening issue, item 4): a double fork, where the middle process
# exits and the grandchild is reparented to init, does not hide the
# lineage.  Runs as uid 65534.  Expected outcomes are in
# Documentation/reliability.md, "Double fork", and the convention in
# Documentation/capture.rst, "Lineage".
. /vigil/lib.sh
TAG=cl
mkdir -p /tmp/cl /tmp/clp /tmp/clrules
chmod 1777 /tmp/cl /tmp/clp
cp /usr/bin/bash /tmp/cl/cl-launcher
chmod 755 /tmp/cl/cl-launcher
rule file 'file where file.path : "/tmp/cl/*"'
rule exec 'process where process.args : "/tmp/cl/*-made"'
load_rules
# exec_alert ARG: the first exec alert whose args hold ARG
exec_alert() {
	jqa "select(.rule.id == \"vigil-test-cl-exec\" and (.process.args | index(\"$1\")))" |
		head -n 1
}
# wait_file PATH: until PATH exists (at most ~15 s)
wait_file() {
	_i=0
	while [ ! -e "$1" ] && [ "$_i" -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# 1. a child of a live parent: the parent's image and its user id.
as_nobody /tmp/cl/cl-launcher -c \
	'echo $$ > /tmp/clp/direct.ppid; /usr/bin/touch /tmp/cl/direct-made; :'
vigil_sync
dppid=$(cat /tmp/clp/direct.ppid)
check "live parent: exec names it" "$(exec_alert /tmp/cl/direct-made)" \
	".process.parent.name == \"cl-launcher\" and .process.parent.pid == $dppid and
	 .process.parent.executable == \"/tmp/cl/cl-launcher\" and
	 .process.parent.user.id == \"65534\" and .process.parent.args[0] == \"/tmp/cl/cl-launcher\""

# 2. the double fork: the launcher forks a subshell (the middle, also
# named cl-launcher: a fork runs its parent's image), which forks the
# grandchild in the background and exits; the grandchild waits until
# it is reparented, records its real parent, then execs touch.  Its exec
# and file events name the middle, not init.
cat > /tmp/clp/double <<'SH'
( echo $BASHPID > /tmp/clp/mid.pid
  ( echo $BASHPID > /tmp/clp/orphan.pid
    while [ -d /proc/$(cat /tmp/clp/mid.pid) ]; do /usr/bin/sleep 0.1; done
    while read -r k v; do [ "$k" = PPid: ] && echo "$v"; done \
	< /proc/$BASHPID/status > /tmp/clp/orphan.ppid
    exec /usr/bin/touch /tmp/cl/orphan-made ) &
  exit 0 )
exit 0
SH
as_nobody /tmp/cl/cl-launcher /tmp/clp/double
wait_file /tmp/cl/orphan-made
vigil_sync
mid=$(cat /tmp/clp/mid.pid)
orphan=$(cat /tmp/clp/orphan.pid)
real=$(cat /tmp/clp/orphan.ppid)
if [ -n "$real" ] && [ "$real" != "$mid" ]; then
	pass "double fork: the grandchild was reparented (to $real, middle $mid)"
else
	fail "double fork: the grandchild was not reparented (real parent '$real', middle '$mid')"
fi
want=".process.pid == $orphan and .process.parent.pid == $mid and
	.process.parent.name == \"cl-launcher\" and
	.process.parent.executable == \"/tmp/cl/cl-launcher\" and
	.process.parent.args == [\"/tmp/cl/cl-launcher\", \"/tmp/clp/double\"] and
	(.process.parent.entity_id | length) == 16 and
	(.process.parent.user.id | not)"
check "double fork: the grandchild's exec names the middle, not init" \
	"$(exec_alert /tmp/cl/orphan-made)" "$want"
check "double fork: its file event too" "$(file_alert /tmp/cl/orphan-made)" \
	"$want and .process.name == \"touch\""

# 3. memory stays bounded: 100 double forks whose middles exit leave the
# table near the number of live processes once all have exited (the dead
# middles are not linked, and are freed with their children; kmemleak
# checks the rest on the debug kernel after rmmod).
before=$(cat /sys/kernel/vigil/stats/proc_tracked)
as_nobody /tmp/cl/cl-launcher -c \
	'for i in $(seq 100); do ( ( /usr/bin/true ) & exit 0 ); done; wait'
sleep 2
after=$(cat /sys/kernel/vigil/stats/proc_tracked)
live=$(ls -d /proc/[0-9]* | wc -l)
if [ "$after" -le $((before + 10)) ]; then
	pass "double forks: proc_tracked $before before, $after after ($live pids)"
else
	fail "double forks: proc_tracked $before before, $after after ($live pids)"
fi
exit $vigil_rc
