#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Capture under cuts (issue 11 items 1, 2 and 5), as uid 65534 where the
# attack is an unprivileged one: paths longer than PATH_MAX, a long
# executable path, long argv elements in the process table, argv padded
# by a parent, argc beyond argv_max_args.  Every cut must be reported,
# marked in vigil.event.truncated, and never drop the event.
. /vigil/lib.sh
TAG=cc
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
A=$(printf 'a%.0s' $(seq 250))
B=$(printf 'b%.0s' $(seq 159))
PAD=$(printf 'p%.0s' $(seq 400))
mkdir -p /tmp/cc /tmp/ccrules
chmod 1777 /tmp/cc
rule file 'file where file.path : ("/tmp/cc/*", "*/x.so", "*/made-deep")'
rule exec 'process where process.args : ("cc-argc", "*/evil*", "./evil*")'
# the query of rules/persistence_dynamic_linker_copy.toml, shortened
rule dlc 'sequence by process.entity_id with maxspan=1m
  [process where event.type == "start" and process.name : ("cp", "rsync", "mv") and
   process.args : "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"]
  [file where event.action == "creation" and
   (file.extension == "so" or file.name like "*.so.*")]'
rule cut 'any where vigil.event.truncated : "*"'
if vigilctl load /tmp/ccrules; then
	pass "a rule tests vigil.event.truncated"
else
	fail "no rule can test vigil.event.truncated"
	rm -r /tmp/ccrules/cut
	vigilctl load /tmp/ccrules || fail "load test rules"
fi
DLC=vigil-test-cc-dlc

# has_cut ALERT FIELD: FIELD is listed in ALERT's vigil.event.truncated
has_cut() {
	jqt "$1" "(.vigil.event.truncated // []) | index(\"$2\") != null"
}

# 1. 18 nested 250-byte directories, relative paths, as nobody: cp of the
# loader to x.so still raises Dynamic Linker Copy, with a marked tail.
as_nobody bash -c "cd /tmp/cc && for i in \$(seq 18); do mkdir $A && cd -P $A || exit 1; done &&
	/usr/bin/cp $LD x.so && /usr/bin/cp $LD ../x.so && : > made-deep"
vigil_sync
a=$(jqa "select(.rule.id == \"$DLC\" and (.file.path | endswith(\"/x.so\")))" | head -n 1)
if jqt "$a" '.file.path | startswith(".../")' &&
	has_cut "$a" file.path; then
	pass "deep path: Dynamic Linker Copy alert with a marked tail"
else
	fail "deep path: no Dynamic Linker Copy alert with a marked tail: $a"
fi
n=$(jqa "select(.rule.id == \"$DLC\" and (.file.path | endswith(\"/x.so\")))" | wc -l)
[ "$n" -eq 2 ] && pass "deep path: both copies alert" || fail "deep path: $n alerts, expected 2"
d=$(jqa 'select(.rule.id == "vigil-test-cc-cut" and (.file.path // "" | endswith("/made-deep")))' | head -n 1)
if jqt "$d" '.file.name == "made-deep" and
	(.file.path | length) < 4096 and (.file.path | length) > 3000' >/dev/null; then
	pass "deep path: a rule can test vigil.event.truncated; file.name intact"
else
	fail "deep path: no truncated event for made-deep: $d"
fi
[ "$(cat /sys/kernel/vigil/stats/fields_truncated 2>/dev/null || echo 0)" -gt 0 ] &&
	pass "deep path: counted in fields_truncated" || fail "deep path: fields_truncated not counted"

# 2. an executable at a long path named like dpkg: its file events name it
# after its own last component, keep its tail and flag the cut.
as_nobody sh -c "mkdir -p /tmp/cc/w/$A/$B/dpkgZZ && /usr/bin/cp /usr/bin/touch /tmp/cc/w/$A/$B/dpkgZZ/evil &&
	/tmp/cc/w/$A/$B/dpkgZZ/evil /tmp/cc/evil-made"
vigil_sync
f=$(jqa 'select(.rule.id == "vigil-test-cc-file" and .file.path == "/tmp/cc/evil-made")' | head -n 1)
if jqt "$f" '.process.name == "evil" and (.process.executable | endswith("/dpkgZZ/evil"))'; then
	pass "long exe path: file event names evil, keeps the tail"
else
	fail "long exe path: $(echo "$f" | jq -c '[.process.name, .process.executable[-40:]]')"
fi
if has_cut "$f" process.executable; then
	pass "long exe path: cut flagged in the file event"
else
	fail "long exe path: cut not flagged in the file event"
fi
if jqt "$f" '.process.args | length == 2'; then
	pass "long exe path: args kept"
else
	fail "long exe path: args $(echo "$f" | jq -c .process.args)"
fi

# 3. exec from beyond PATH_MAX: the exec is reported and replaces the table
# entry, so the new image's file events carry its identity.
as_nobody bash -c "cd /tmp/cc && for i in \$(seq 18); do cd -P $A || exit 1; done &&
	/usr/bin/cp /usr/bin/touch evil2 && ./evil2 /tmp/cc/evil2-made"
vigil_sync
x=$(jqa 'select(.rule.id == "vigil-test-cc-exec" and (.process.args[0] == "./evil2"))' | head -n 1)
f=$(jqa 'select(.rule.id == "vigil-test-cc-file" and .file.path == "/tmp/cc/evil2-made")' | head -n 1)
if jqt "$x" '(.process.executable | startswith(".../") and endswith("/evil2"))' &&
	has_cut "$x" process.executable; then
	pass "exec beyond PATH_MAX: reported with a marked executable"
else
	fail "exec beyond PATH_MAX: $(echo "$x" | jq -c '.process.executable[-40:]')"
fi
if [ -n "$x" ] && [ "$(echo "$x" | jq -r .process.entity_id)" = "$(echo "$f" | jq -r .process.entity_id)" ] &&
	jqt "$f" '.process.name == "evil2"'; then
	pass "exec beyond PATH_MAX: file event carries the new image"
else
	fail "exec beyond PATH_MAX: file event $(echo "$f" | jq -c '[.process.name, .process.entity_id]') exec $(echo "$x" | jq -c .process.entity_id)"
fi

# 4. a long bash -c script keeps its head and tail in later events; a
# parent padding its argv is flagged in its children's events.
as_nobody bash -c ": $PAD; : > /tmp/cc/bash-made"
as_nobody bash -c ": $PAD; /usr/bin/touch /tmp/cc/child-made; :"
vigil_sync
f=$(jqa 'select(.rule.id == "vigil-test-cc-file" and .file.path == "/tmp/cc/bash-made")' | head -n 1)
if jqt "$f" '(.process.args | length == 3) and (.process.args[2] | startswith(": ppp") and endswith("bash-made"))' &&
	has_cut "$f" process.args && has_cut "$f" process.command_line; then
	pass "long bash -c: head and tail kept, cut flagged"
else
	fail "long bash -c: args $(echo "$f" | jq -c '[.process.args[] | .[0:8] + "|" + .[-12:]]') truncated $(echo "$f" | jq -c .vigil.event.truncated)"
fi
f=$(jqa 'select(.rule.id == "vigil-test-cc-file" and .file.path == "/tmp/cc/child-made")' | head -n 1)
if has_cut "$f" process.parent.args && has_cut "$f" process.parent.command_line &&
	jqt "$f" '.process.parent.args[2] | endswith("; :")'; then
	pass "padded parent: parent args cut and flagged"
else
	fail "padded parent: parent.args $(echo "$f" | jq -c '[.process.parent.args[] | .[-12:]]') truncated $(echo "$f" | jq -c .vigil.event.truncated)"
fi

# 5. process.args_count is argc, also beyond argv_max_args.
as_nobody /usr/bin/true cc-argc $(seq 2000)
vigil_sync
x=$(jqa 'select(.rule.id == "vigil-test-cc-exec" and .process.args[1] == "cc-argc")' | head -n 1)
if jqt "$x" '.process.args_count == 2002' && has_cut "$x" process.args; then
	pass "args_count is argc (2002)"
else
	fail "args_count $(echo "$x" | jq -c '[.process.args_count, (.process.args | length)]')"
fi
exit $vigil_rc
