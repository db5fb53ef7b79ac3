#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest half of `make bench` (run by tests/bench/run through
# tests/vm/vigil-vm --no-module on the stock 6.1 kernel):
#
#   guest.sh PAYLOAD ROUNDS N_EXEC N_CREATE N_CONNECT N_SPAWN
#
# PAYLOAD holds vigil.ko, vigilctl, the ruleset blobs, storm, tiny and
# auditd with its libraries.  Results go to $VIGIL_OUT as lines the host
# parses:
#
#   R <round> <config> exec|create|connect <ns> <ops>   one storm
#   A <name> <value>                                    alert path
#   M <name> <value>                                    memory
#   I <text>                                            information
#   D <round> <config> <stat>=<value>...   vigil's counters after a
#                                          config's storms (diagnosis)
#
# Configurations, interleaved per round in this order:
#   nomod     no module (auditd idle with "-a never,task", auditing off)
#   default   vigil.ko with its embedded default rules
#   corpus    every corpus rule that compiles
#   rules1000 1000 rules: the corpus rules and varied copies of them
#             (tests/bench/gen-realistic)
#   auditd    no module; auditd with an execve rule (exec storm),
#             "-w /tmp -p wa" (create storm) or a connect, accept and
#             accept4 rule (connect storm: the system calls of the
#             connect and accept events vigil makes of each op)
#   listener  vigil, default rules + a rule firing on every exec (no
#             rate limit: alert_rate=0), and `vigilctl listen --json`
#             draining the alerts
set -u

P=$1
ROUNDS=$2
NEXEC=$3
NCREATE=$4
NCONNECT=$5
NSPAWN=$6
OUT=${VIGIL_OUT:-/tmp/bench.out}
TINY=/usr/bin/tiny
LISTEN_OUT=/tmp/listen.jsonl
# the connect storm's listener: outside the ephemeral port range
# (32768-60999), so no client socket of the storm can hold it
PORT=20000
S=/sys/kernel/vigil/stats

out() {
	echo "$*" >> "$OUT"
	echo "bench: $*"
}

die() {
	out "I FAILED: $*"
	exit 1
}

actl() {
	LD_LIBRARY_PATH=$P/lib "$P/auditctl" "$@" > /dev/null ||
		die "auditctl $*"
}

mod_unload() {
	if grep -q '^vigil ' /proc/modules; then
		rmmod vigil || die "rmmod vigil"
	fi
}

mod_load() {
	mod_unload
	insmod "$P/vigil.ko" "$@" || die "insmod vigil.ko $*"
}

blob_load() {
	vigilctl load --blob "$P/$1" || die "vigilctl load --blob $1"
}

audit_off() {
	[ -n "$have_audit" ] || return 0
	actl -D
	actl -a never,task
	actl -e 0
}

audit_on() {
	[ -n "$have_audit" ] || return 0
	actl -D
	actl -b 8192
	actl "$@"
	actl -e 1
}

listener=
listen_start() {
	: > "$LISTEN_OUT"
	vigilctl listen --json > "$LISTEN_OUT" 2> /tmp/listen.err &
	listener=$!
	i=0
	while [ $i -lt 50 ]; do
		ls -l /proc/$listener/fd 2> /dev/null | grep -q 'socket:' && break
		kill -0 $listener 2> /dev/null || die "vigilctl listen exited"
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
}

listen_stop() {
	[ -n "$listener" ] || return 0
	kill -CONT $listener 2> /dev/null
	kill -TERM $listener 2> /dev/null
	wait $listener
	listener=
}

# storm KIND N ARG: prints "<ns> <ops>"
storm_run() {
	r=$(storm "$@") || die "storm $*"
	set -- $r
	echo "$2 $4"
}

# measure ROUND CONFIG: the three timed storms, each after a warm-up
measure() {
	storm exec 50 $TINY > /dev/null || die "warm-up exec"
	[ "$2" = auditd ] && audit_on -a always,exit -F arch=b64 -S execve
	out "R $1 $2 exec $(storm_run exec "$NEXEC" $TINY)"
	[ "$2" = auditd ] && audit_on -w /tmp -p wa
	storm create 200 /tmp > /dev/null || die "warm-up create"
	out "R $1 $2 create $(storm_run create "$NCREATE" /tmp)"
	[ "$2" = auditd ] &&
		audit_on -a always,exit -F arch=b64 -S connect -S accept -S accept4
	storm connect 200 $PORT > /dev/null || die "warm-up connect"
	out "R $1 $2 connect $(storm_run connect "$NCONNECT" $PORT)"
	[ -d $S ] || return 0
	out "D $1 $2 $(for f in alerts_sent alerts_suppressed terms_evictions \
		seq_evictions work_stops events_decided_early capture_errors; do
		printf '%s=%s ' $f "$(cat $S/$f)"; done)"
}

# ---------------------------------------------------------------- setup
cp "$P/tiny" $TINY && cp "$P/storm" /usr/bin/storm &&
	cp "$P/vigilctl" /usr/sbin/vigilctl || die "installing the payload"
for l in "$P"/vigilctl-lib/*; do
	[ -e "$l" ] || continue
	[ -e "/usr/lib/x86_64-linux-gnu/${l##*/}" ] ||
		cp "$l" /usr/lib/x86_64-linux-gnu/ || die "installing $l"
done
chmod 755 $TINY /usr/bin/storm /usr/sbin/vigilctl
# the connect storm runs over loopback, which the guest's /init leaves down
ip link set lo up || die "ip link set lo up"
mod_unload

out "I kernel $(uname -r)"
out "I cpus $(nproc)"
out "I clock $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
out "I memory_kb $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"

have_audit=
if [ -x "$P/auditd" ]; then
	mkdir -p /etc/audit /var/log/audit /var/run /run
	# Debian's configuration; the guest has no "adm" group
	sed 's/^log_group *=.*/log_group = root/' "$P/auditd.conf" \
		> /etc/audit/auditd.conf
	chmod 640 /etc/audit/auditd.conf
	if LD_LIBRARY_PATH=$P/lib "$P/auditd"; then
		i=0
		while [ $i -lt 50 ]; do
			LD_LIBRARY_PATH=$P/lib "$P/auditctl" -s 2> /dev/null |
				grep -q '^pid [1-9]' && break
			sleep 0.1
			i=$((i + 1))
		done
		have_audit=1
		audit_off
		out "I auditd $(LD_LIBRARY_PATH=$P/lib "$P/auditctl" -v 2>&1 | head -n 1)"
	else
		out "I auditd failed to start"
	fi
else
	out "I auditd not in the payload"
fi

# --------------------------------------------------------------- rounds
CONFIGS="nomod default corpus rules1000 auditd listener"
[ -n "$have_audit" ] || CONFIGS="nomod default corpus rules1000 listener"
round=1
while [ $round -le "$ROUNDS" ]; do
	for c in $CONFIGS; do
		case $c in
		nomod) mod_unload; audit_off ;;
		default) mod_load ;;
		corpus) blob_load corpus.blob ;;
		rules1000) blob_load rules1000.blob ;;
		auditd) mod_unload ;;
		listener)
			audit_off
			mod_load alert_rate=0 # every alert sent: the cost of sending
			blob_load every.blob
			listen_start
			;;
		esac
		measure $round $c
		if [ $c = listener ]; then
			listen_stop
			out "A listener_lines $round $(wc -l < $LISTEN_OUT)"
		fi
	done
	round=$((round + 1))
done
audit_off

# ----------------------------------------------------------- alert path
# alert_rate=0: the per-rule rate limit (100 a second by default) would
# measure itself, not the path.
mod_load alert_rate=0
blob_load every.blob
listen_start
HITS=/sys/kernel/vigil/rules/bench-every-exec/hits
r=$(storm alerts "$NEXEC" $TINY $listener $LISTEN_OUT $HITS) ||
	die "storm alerts"
out "A running $r"
# Alerts of about 64 KiB (8 arguments of 4000 bytes, each in args and in
# command_line) so that the stopped listener's socket buffer overflows.
r=$(STORM_ARG_BYTES=4000 storm alerts $((NEXEC / 4)) $TINY $listener \
	$LISTEN_OUT $HITS) || die "storm alerts (big)"
out "A running_big $r"
r=$(STORM_ARG_BYTES=4000 storm alerts-stopped "$NEXEC" $TINY $listener $LISTEN_OUT $HITS) ||
	die "storm alerts-stopped"
out "A stopped $r"
listen_stop
# The alert rate with a cheaper event source: a rule on every file creation.
blob_load every_create.blob
listen_start
r=$(storm alerts-create $((NCREATE * 5)) /tmp $listener $LISTEN_OUT \
	/sys/kernel/vigil/rules/bench-every-create/hits) || die "storm alerts-create"
out "A create $r"
listen_stop
for f in alerts_sent alerts_dropped alerts_pending; do
	out "A stat_$f $(cat $S/$f)"
done

# --------------------------------------------------------------- memory
# vigil's memory is what rmmod gives back: kmalloc'd process-table
# entries, the engine's tables (kvmalloc), the module itself.  Measured
# as the drop of SUnreclaim + VmallocUsed (kB) across rmmod, first with
# no extra process, then with N_SPAWN live processes that vigil tracks
# (they stay alive across the rmmod, so only vigil's part changes).
# Per process = (live drop - idle drop) / N_SPAWN.  Small sequence and
# new-terms caps make N_SPAWN processes overflow both tables: each tiny
# exec opens a pending sequence and is a new term (tests/bench/rules).
mem() {
	sync
	echo 2 > /proc/sys/vm/drop_caches
	sleep 1
	awk '/^SUnreclaim:/ { s = $2 } /^VmallocUsed:/ { v = $2 }
		END { print s + v }' /proc/meminfo
}

vigil_stats() {
	for f in proc_tracked proc_evictions seq_evictions terms_evictions \
		 capture_errors alerts_dropped; do
		out "M stat_$1_$f $(cat $S/$f)"
	done
	grep -i vigil /proc/slabinfo | sed "s/^/M slab_$1 /" >> "$OUT"
}

# rmmod_drop TAG: rmmod vigil, record how much memory that returned
rmmod_drop() {
	k1=$(mem)
	mod_unload
	k0=$(mem)
	out "M kb_$1 $((k1 - k0))"
}

SEQCAP=4096
TERMSCAP=4096
out "M seq_capacity_small $SEQCAP"
out "M terms_capacity_small $TERMSCAP"
mod_unload
out "M module_core_bytes $(insmod "$P/vigil.ko" seq_capacity=$SEQCAP terms_capacity=$TERMSCAP && awk '$1 == "vigil" { print $2 }' /proc/modules)"
rmmod_drop default_rules_small_caps

mod_load seq_capacity=$SEQCAP terms_capacity=$TERMSCAP
blob_load caps.blob
rmmod_drop caps_rules_small_caps_idle

mod_load seq_capacity=$SEQCAP terms_capacity=$TERMSCAP
blob_load caps.blob
rm -f /tmp/spawn.out
storm spawn "$NSPAWN" $TINY > /tmp/spawn.out &
sp=$!
i=0
while ! grep -q '^ready' /tmp/spawn.out 2> /dev/null; do
	kill -0 $sp 2> /dev/null || die "storm spawn died"
	sleep 1
	i=$((i + 1))
	[ $i -lt 1200 ] || die "storm spawn: not ready after 1200 s"
done
out "M spawned $(cut -d' ' -f2 /tmp/spawn.out)"
vigil_stats live
rmmod_drop caps_rules_small_caps_live
kill -TERM $sp
wait $sp

# The default caps, tables empty: the sequence table is allocated whole
# at load, a new-terms store one 4 KiB chunk at a time as it learns.
mod_load
out "M seq_capacity_default $(cat /sys/module/vigil/parameters/seq_capacity)"
out "M terms_capacity_default $(cat /sys/module/vigil/parameters/terms_capacity)"
out "M proc_capacity $(cat /sys/module/vigil/parameters/proc_max 2> /dev/null || echo 0)"
rmmod_drop default_rules_default_caps
mod_load
blob_load caps.blob
rmmod_drop caps_rules_default_caps
# the corpus rules at the default caps, loaded and idle
if [ -f "$P/corpus.blob" ]; then
	mod_load
	blob_load corpus.blob
	rmmod_drop corpus_rules_default_caps
fi
out "I done"
exit 0
