#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# process.name as Elastic Defend gives it (issue 11 item 5): the name the
# program was run by, not the file it resolves to; and the attacker cases
# that need vigil-poke (tests/vm/guest/vigil-poke.c): PR_SET_NAME, argv
# rewritten in memory, fileless exec, exec from a thread.  Attack cases
# run as uid 65534.  Expected outcomes are in Documentation/reliability.md,
# "Capture", and the convention in Documentation/capture.rst.
. /vigil/lib.sh
TAG=cn
mkdir -p /tmp/cn /tmp/cnrules
chmod 1777 /tmp/cn
rule file 'file where file.path : "/tmp/cn/*"'
rule exec 'process where event.action == "exec" and process.args : ("cn-*", "/tmp/cn/*")'
load_rules
# exec_alert ARG: the first exec alert whose args hold ARG, setpriv's own
# exec (as_nobody) left out
exec_alert() {
	jqa "select(.rule.id == \"vigil-test-cn-exec\" and (.process.args | index(\"$1\")) and
		.process.executable != \"/usr/bin/setpriv\")" | head -n 1
}

# 1. a #! script is named after itself; its interpreter is the executable
# and its path stays in the args; its children name it as their parent.
printf '#!/bin/sh\n/usr/bin/touch /tmp/cn/script-child "$1-child"\n:\n' > /tmp/cn/tool.sh
chmod 755 /tmp/cn/tool.sh
as_nobody /tmp/cn/tool.sh cn-script
as_nobody /usr/bin/sh -c 'cd /tmp/cn && ./tool.sh cn-rel'
vigil_sync
check "#! script: named after the script, interpreter as executable" \
	"$(exec_alert cn-script)" \
	'.process.name == "tool.sh" and .process.executable == "/usr/bin/dash" and
	 .process.args[1] == "/tmp/cn/tool.sh"'
check "#! script run as ./tool.sh: named tool.sh" "$(exec_alert cn-rel)" \
	'.process.name == "tool.sh" and .process.executable == "/usr/bin/dash" and
	 .process.args[1] == "./tool.sh"'
check "#! script: its child names it as parent" "$(exec_alert cn-script-child)" \
	'.process.name == "touch" and .process.parent.name == "tool.sh" and
	 .process.parent.executable == "/usr/bin/dash"'

# 2. Debian's links: sh is dash, awk is mawk (through /etc/alternatives).
as_nobody sh -c '/usr/bin/touch /tmp/cn/sh-child cn-sh-child; :' cn-sh
as_nobody awk 'BEGIN { exit 0 }' cn-awk
vigil_sync
check "sh -c: named sh, dash runs" "$(exec_alert cn-sh)" \
	'.process.name == "sh" and .process.executable == "/usr/bin/dash"'
check "sh -c: its child's parent is sh" "$(exec_alert cn-sh-child)" \
	'.process.parent.name == "sh" and .process.parent.executable == "/usr/bin/dash"'
check "awk: named awk, mawk runs" "$(exec_alert cn-awk)" \
	'.process.name == "awk" and .process.executable == "/usr/bin/mawk"'

# 3. a copy with a name longer than comm's 15 bytes keeps it whole; a
# symlink gives its own name, the executable is the file it resolves to.
long=a-tool-named-far-beyond-comm
as_nobody /usr/bin/cp /usr/bin/touch /tmp/cn/$long
as_nobody /usr/bin/ln -s /usr/bin/touch /tmp/cn/lnk-name
as_nobody /tmp/cn/$long /tmp/cn/long-made
as_nobody /tmp/cn/lnk-name /tmp/cn/lnk-made
vigil_sync
check "copy to a long name: exec named whole" \
	"$(exec_alert /tmp/cn/long-made)" \
	".process.name == \"$long\" and .process.executable == \"/tmp/cn/$long\" and
	 (.vigil.event.truncated | not)"
check "copy to a long name: its file event too" "$(file_alert /tmp/cn/long-made)" \
	".process.name == \"$long\""
check "symlink: named after the link, resolved executable" \
	"$(exec_alert /tmp/cn/lnk-made)" \
	'.process.name == "lnk-name" and .process.executable == "/usr/bin/touch"'
check "symlink: its file event too" "$(file_alert /tmp/cn/lnk-made)" \
	'.process.name == "lnk-name"'

# 4. prctl(PR_SET_NAME) after exec: later events keep the exec's name
# (comm does change: the guest's ps would show the new one).
as_nobody vigil-poke setname evil-name /tmp/cn/setname-made
vigil_sync
check "PR_SET_NAME: later events keep the name exec gave" \
	"$(file_alert /tmp/cn/setname-made)" \
	'.process.name == "vigil-poke" and .process.executable == "/usr/local/bin/vigil-poke"'

# 5. argv rewritten in memory after exec: later events keep argv as exec
# wrote it.
as_nobody vigil-poke rewrite /tmp/cn/rewrite-made
vigil_sync
check "argv rewritten in memory: later events keep exec's argv" \
	"$(file_alert /tmp/cn/rewrite-made)" \
	'.process.args == ["vigil-poke", "rewrite", "/tmp/cn/rewrite-made"] and
	 .process.command_line == "vigil-poke rewrite /tmp/cn/rewrite-made"'

# 6. fileless: execveat(AT_EMPTY_PATH) of a memfd is reported, named after
# the memfd as the kernel names the task; the executable is the memfd.
# execveat() of a name relative to a directory fd is named by that name.
as_nobody vigil-poke memfd cnfileless cn-ghost touch /tmp/cn/memfd-made
as_nobody vigil-poke dirfd /usr/bin touch touch /tmp/cn/dirfd-made
vigil_sync
# exec_arg0 ARG0 ARG: the first exec alert with argv[0] ARG0 and ARG in
# its args (the exec of vigil-poke itself had both in its args)
exec_arg0() {
	jqa "select(.rule.id == \"vigil-test-cn-exec\" and .process.args[0] == \"$1\" and
		(.process.args | index(\"$2\")))" | head -n 1
}
check "memfd exec: reported, named after the memfd, executable the memfd" \
	"$(exec_arg0 cn-ghost /tmp/cn/memfd-made)" \
	'.process.name == "memfd:cnfileless" and
	 .process.executable == "/memfd:cnfileless (deleted)" and
	 .vigil.process.exe.inode > 0'
check "memfd exec: its file event" "$(file_alert /tmp/cn/memfd-made)" \
	'.process.name == "memfd:cnfileless"'
check "execveat(dirfd, name): named by the name" "$(exec_arg0 touch /tmp/cn/dirfd-made)" \
	'.process.name == "touch" and .process.executable == "/usr/bin/touch"'

# 7. exec from a second thread of a multithreaded process: reported once,
# for the thread group (exec makes the thread the leader, with the tgid).
pid=$(as_nobody vigil-poke thread-exec /usr/bin/touch touch /tmp/cn/thread-made cn-thread)
vigil_sync
n=$(jqa 'select(.rule.id == "vigil-test-cn-exec" and .process.args[0] == "touch" and
	(.process.args | index("cn-thread")))' | wc -l)
[ "$n" -eq 1 ] && pass "exec from a thread: one exec event" ||
	fail "exec from a thread: $n exec events"
check "exec from a thread: for the tgid" "$(exec_arg0 touch cn-thread)" \
	".process.pid == $pid and .process.name == \"touch\""

# 8. processes that predate insmod are named from comm, or from their
# executable's basename when comm is that name cut at 15 bytes.
printf '#!/bin/sh\nwhile [ ! -e /tmp/cn/go ]; do sleep 0.2; done\n: > "$1"\n' \
	> /tmp/cn/seeded.sh
chmod 755 /tmp/cn/seeded.sh
cp /usr/bin/bash /tmp/cn/$long-sh
/tmp/cn/seeded.sh /tmp/cn/seeded-made &
s1=$!
/tmp/cn/$long-sh -c 'while [ ! -e /tmp/cn/go ]; do sleep 0.2; done; : > /tmp/cn/seeded-long'&
s2=$!
sleep 0.5
vigil_reload || fail "reload"
load_rules
: > /tmp/cn/go
wait $s1 $s2
vigil_sync
check "predates insmod, script: named from comm" "$(file_alert /tmp/cn/seeded-made)" \
	'.process.name == "seeded.sh" and .process.executable == "/usr/bin/dash"'
check "predates insmod, long name: the executable's whole basename" \
	"$(file_alert /tmp/cn/seeded-long)" ".process.name == \"$long-sh\""

exit $vigil_rc
