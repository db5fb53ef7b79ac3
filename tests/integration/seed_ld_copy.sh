#!/bin/sh
# Seed 1, "Dynamic Linker Copy": real cp, rsync and mv copying the dynamic
# loader (or /etc/ld.so.preload) to a .so / .so.N name alert exactly once,
# with both events of the sequence; the look-alikes stay silent.
. /vigil/lib.sh
RULE=df6f62d9-caab-4b88-affa-044f4395a1e0
LD=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2

mkdir -p /tmp/t /var/tmp/t /var/tmp/dracut.1 /var/tmp/mkinitramfs_x /tmp/mkinitcpio.y

# attacks: one alert each
/usr/bin/cp $LD /tmp/t/a.so
/usr/bin/cp /lib64/ld-linux-x86-64.so.2 /tmp/t/b.so.2
/usr/bin/cp /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /var/tmp/t/c.so
rsync $LD /tmp/t/d.so
rsync -L /usr/lib64/ld-linux-x86-64.so.2 /tmp/t/e.so.1
: > /etc/ld.so.preload
/usr/bin/mv /etc/ld.so.preload /tmp/t/f.so	# crosses filesystems: copy + create
expected=6

# look-alikes: silent
/usr/bin/cp $LD /tmp/t/ldcopy			# not a .so name
/usr/bin/cp /etc/passwd /tmp/t/passwd.so	# another file to a .so name
/usr/bin/cp $LD /tmp/t/g && /usr/bin/touch /tmp/t/h.so	# .so by another process
/usr/bin/cp $LD /var/tmp/dracut.1/x.so		# exclusions
/usr/bin/cp $LD /var/tmp/mkinitramfs_x/x.so
/usr/bin/cp $LD /tmp/mkinitcpio.y/x.so
/usr/bin/cp -r /tmp/mkinitcpio.y /tmp/t/z.so.d

vigil_sync
rc=0
n=$(jq -c "select(.rule.id == \"$RULE\")" "$VIGIL_ALERTS" | wc -l)
[ "$n" -eq "$expected" ] || { echo "FAIL: $n alerts for seed 1, expected $expected"; rc=1; }
# every alert carries the exec then the creation, by the same process
bad=$(jq -c "select(.rule.id == \"$RULE\") |
	select((.vigil.events | length) != 2 or
	       .vigil.events[0].event.action != \"exec\" or
	       .vigil.events[1].event.action != \"creation\" or
	       .vigil.events[0].process.entity_id != .vigil.events[1].process.entity_id)" \
	"$VIGIL_ALERTS" | wc -l)
[ "$bad" -eq 0 ] || { echo "FAIL: $bad seed-1 alerts without both events"; rc=1; }
# which files alerted: the path of each alert's triggering creation
jq -r "select(.rule.id == \"$RULE\") | .file.path" "$VIGIL_ALERTS" > /tmp/t/alerted
for f in /tmp/t/a.so /tmp/t/b.so.2 /var/tmp/t/c.so /tmp/t/f.so; do
	grep -qx "$f" /tmp/t/alerted || { echo "FAIL: no alert for $f"; rc=1; }
done
for f in passwd.so h.so x.so; do
	if grep -q "/$f\$" /tmp/t/alerted; then
		echo "FAIL: look-alike $f alerted"; rc=1
	fi
done
[ $rc -eq 0 ] && echo "seed 1: $n alerts as expected"
exit $rc
