#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: the guest side of `make demo` (run by tests/vm/demo inside
# tests/vm/vigil-vm with vigil and its default rules loaded).  Replays the
# seed attacks and their benign look-alikes, then writes the per-rule
# sysfs table.  Everything for the operator goes to $VIGIL_OUT.
. /vigil/lib.sh
exec 3>>"$VIGIL_OUT"
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2

step() {
	kind=$1
	shift
	if [ "$1" = bash ]; then
		printf "  %-7s \$ bash -c '%s'\n" "$kind" "$3" >&3
	else
		printf '  %-7s $ %s\n' "$kind" "$*" >&3
	fi
	"$@" > /dev/null 2>&1
}

echo "== Replaying the seed attacks and benign look-alikes ==" >&3
mkdir -p /tmp/.hidden /usr/local/bin /var/tmp/dracut.demo
echo "-- Dynamic Linker Copy (sequence: exec of cp/rsync, then a .so created)" >&3
step attack /usr/bin/cp $LD /tmp/ld.so
: > /etc/ld.so.preload
step attack rsync /etc/ld.so.preload /var/tmp/preload.so
rm -f /etc/ld.so.preload
step benign /usr/bin/cp /etc/hostname /tmp/x.so
step benign /usr/bin/cp $LD /tmp/ld-backup
step benign /usr/bin/cp $LD /var/tmp/dracut.demo/ld.so
echo "-- System Binary Symlink to Suspicious Location (new_terms on the parent)" >&3
step attack /usr/bin/ln -s /usr/bin/id /tmp/.hidden/id
step attack bash -c '/usr/bin/ln -s /usr/bin/id /dev/shm/id; true'
step repeat bash -c '/usr/bin/ln -s /usr/bin/id /dev/shm/id2; true'
step benign /usr/bin/ln -s /usr/bin/id /usr/local/bin/id
step benign /usr/bin/ln -s /etc/hostname /tmp/hostname
vigil_sync

echo >&3
echo "== Rules (/sys/kernel/vigil/rules/*) ==" >&3
printf '%-38s %-7s %-8s %5s  %s\n' RULE ENABLED SEVERITY HITS NAME >&3
for d in /sys/kernel/vigil/rules/*/; do
	[ -d "$d" ] || continue
	r=$(basename "$d")
	printf '%-38s %-7s %-8s %5s  %s\n' "$r" "$(cat "$d/enabled" 2>/dev/null)" \
		"$(cat "$d/severity" 2>/dev/null)" "$(cat "$d/hits" 2>/dev/null)" \
		"$(cat "$d/name" 2>/dev/null)" >&3
done
[ -d /sys/kernel/vigil/rules ] || echo "(no /sys/kernel/vigil/rules)" >&3
exit 0
