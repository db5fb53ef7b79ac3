#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vigil-guest-kmods: overlay
# Issue 14: file opens, auditd's "opened-file" events
# (Documentation/fields.rst).  Three corpus rules (file_open.rules-from),
# unmodified, fire when uid 65534 reads /proc/modules, lists
# /etc/modprobe.d and reads a file under /etc/sysctl.d; each is a
# new_terms rule on process.executable, so a second read by the same
# program stays silent.  The look-alikes (neighbouring paths, a program
# the rule excludes by name, a failed open, the exec of a program) stay
# silent, opens no rule can match are decided on their path alone, and
# a read through overlayfs is one event.  A fourth corpus rule, a
# threshold rule, fires when one process reads 100 /proc files.
. /vigil/lib.sh
OVL=vigil-test-open-overlay			# ours: a file on an overlay
PROCENUM=0787daa6-f8c5-453b-a4ec-048037f6c1cd	# threshold: 100 /proc files
MODS=80084fa9-8677-4453-8680-b891d3c0c778	# /proc/modules
MODPROBE=40ddbcc8-6561-44d9-afc8-eefdbfe0cccd	# /etc/modprobe.d
SYSCTL=7592c127-89fb-4209-a8f6-f9944dfd7e02	# /etc/sysctl.d/*

require_rules $MODS $MODPROBE $SYSCTL $PROCENUM
# the three are building blocks: listened to on purpose
vigil_listen_stop
vigil_listen_start --building-blocks || { fail "listener"; exit 1; }

mkdir -p /etc/sysctl.d /etc/modprobe.d /etc/modprobe.dist /tmp/open
echo 'options vigil_test x=1' > /etc/modprobe.dist/vigil-test.conf
echo 'kernel.vigil_test = 1' > /etc/sysctl.d/99-vigil-test.conf
echo 'options vigil_test x=1' > /etc/modprobe.d/vigil-test.conf
chmod 644 /etc/sysctl.d/99-vigil-test.conf /etc/modprobe.d/vigil-test.conf \
	/etc/modprobe.dist/vigil-test.conf
for n in python3 c1 c2 c3; do cp /usr/bin/cat /tmp/open/$n; done
ln -s /etc/modprobe.d /tmp/open/m
cp /usr/bin/dash /tmp/open/modules
chmod -R 755 /tmp/open
o0=$(cat /sys/kernel/vigil/stats/events_open)
d0=$(cat /sys/kernel/vigil/stats/events_decided_early)

# Look-alikes.
as_nobody cat /proc/cpuinfo /proc/version /etc/hostname > /dev/null
as_nobody ls /etc > /dev/null
as_nobody cat /etc/modprobe.dist/vigil-test.conf > /dev/null
as_nobody cat /etc/modprobe.conf.nope 2> /dev/null	# ENOENT: no open
as_nobody /tmp/open/python3 /proc/modules > /dev/null	# excluded: python*
as_nobody /tmp/open/modules -c true	# an exec is not an open
# The rules' cases, each twice: the second read is not a new term.
for i in 1 2; do
	as_nobody cat /proc/modules > /dev/null
	as_nobody ls /etc/modprobe.d > /dev/null
	as_nobody cat /etc/sysctl.d/99-vigil-test.conf > /dev/null
done
# The paths by other names, each by a new program (a new term): the
# event has the path d_path resolves, whatever name the open used.
as_nobody /tmp/open/c1 /proc/self/root/proc/modules > /dev/null
as_nobody sh -c 'cd /etc && /tmp/open/c2 sysctl.d/../sysctl.d/99-vigil-test.conf' > /dev/null
as_nobody /tmp/open/c3 /tmp/open/m/vigil-test.conf > /dev/null
# One read through overlayfs is one open event, at the overlay path,
# though the kernel opens the real file behind it as well.
O=/tmp/ovl
mkdir -p $O/l $O/u $O/w $O/m && echo secret > $O/l/secret.txt
chmod -R a+rx $O
if mount -t overlay overlay -o lowerdir=$O/l,upperdir=$O/u,workdir=$O/w $O/m
then
	as_nobody cat $O/m/secret.txt > /dev/null
	ovl=1
else
	echo "# overlay case skipped: no overlayfs in this guest kernel"
fi

# A threshold rule on opens: one process reading 100 distinct
# /proc/*/cmdline and /proc/*/stat files, those of 50 sleeping processes;
# 99 files stay silent, as does ps (the rule leaves it out).
i=0 pids= files=
while [ $i -lt 50 ]; do
	sleep 60 &
	pids="$pids $!"
	files="$files /proc/$!/cmdline /proc/$!/stat"
	i=$((i + 1))
done
cp /usr/bin/cat /tmp/open/ps
as_nobody /tmp/open/ps $files > /dev/null
as_nobody cat ${files#* /proc/*/cmdline} > /dev/null	# 99 files
as_nobody cat $files > /dev/null			# 100 files
kill $pids 2> /dev/null

vigil_rc=0
expect_alerts $PROCENUM 1 "cat reads the cmdline and stat of 50 processes"
t=$(jq -c "select(.rule.id == \"$PROCENUM\") | [.process.name,
	.kibana.alert.threshold_result.cardinality[0].value]" "$VIGIL_ALERTS")
[ "$t" = '["cat",100]' ] && pass "threshold result: $t" || fail "threshold result: $t"
[ -z "$ovl" ] || expect_alerts $OVL 1 "a read through overlayfs: one open event"
expect_alerts $MODS 2 "cat reads /proc/modules, c1 through /proc/self/root"
expect_alerts $MODPROBE 2 "ls lists /etc/modprobe.d, c3 reads it through a symlink"
expect_alerts $SYSCTL 2 "cat reads a file under /etc/sysctl.d, c2 by a relative path"
t=$(jq -r "select(.process.name == \"c1\" or .process.name == \"c2\" or
	.process.name == \"c3\") | .file.path" "$VIGIL_ALERTS" | sort | tr '\n' ' ')
[ "$t" = "/etc/modprobe.d/vigil-test.conf /etc/sysctl.d/99-vigil-test.conf /proc/modules " ] &&
	pass "paths as d_path resolves them: $t" || fail "resolved paths: $t"
t=$(jq -c "select(.rule.id == \"$MODS\") | [.event.category, .event.type,
	.event.action, .file.path, .file.name, .process.name, .user.id]" \
	"$VIGIL_ALERTS" | head -n 1)
[ "$t" = '["file","access","opened-file","/proc/modules","modules","cat","65534"]' ] &&
	pass "an open event is the reader's: $t" || fail "open fields: $t"
t=$(jq -r "select(.rule.id == \"$MODPROBE\" and .process.name == \"ls\") |
	.file.path" "$VIGIL_ALERTS")
[ "$t" = /etc/modprobe.d ] && pass "a directory opened: $t" ||
	fail "modprobe.d path: $t"
o=$(($(cat /sys/kernel/vigil/stats/events_open) - o0))
d=$(($(cat /sys/kernel/vigil/stats/events_decided_early) - d0))
# dynamic programs open ld.so.cache and their libraries: many opens, most
# decided on their path alone
[ "$o" -ge 20 ] && pass "events_open +$o" || fail "events_open +$o (>= 20)"
[ "$d" -ge 10 ] && [ "$d" -le $((o - 10)) ] &&
	pass "events_decided_early $d of $o opens" ||
	fail "events_decided_early $d (>= 10, <= $((o - 10)))"
exit $vigil_rc
