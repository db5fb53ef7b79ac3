#!/bin/sh
# Seed 2, "System Binary Symlink to Suspicious Location" (new_terms on
# process.parent.name): ln -s, busybox ln -s and cp --symbolic-link of a
# system binary into a writable or hidden place alert on the first parent
# name only; the exclusions and /usr/local/bin stay silent.
. /vigil/lib.sh
RULE=d19a2399-f8e2-4b10-80d8-a561ce9d24d1
BASH=$(command -v bash)

# parents with names of our choosing: copies of bash
parent() { /usr/bin/cp "$BASH" "/usr/local/sbin/$1"; }
mkdir -p /usr/local/sbin /usr/local/bin /root/.hid /home/u
for p in pa pb pc pd pe pf pg ph; do parent $p; done
# "; true" keeps bash from exec'ing the last command in its own process
run() { p=$1; shift; "/usr/local/sbin/$p" -c "$*; true"; }

run pa /usr/bin/ln -s /usr/bin/id /tmp/id1		# alert: new parent pa
run pa /usr/bin/ln -s /usr/bin/id /tmp/id2		# repeat: quiet
run pa /usr/bin/ln -s /usr/bin/env /var/tmp/env1	# repeat: quiet
run pb busybox ln -s /bin/ls /dev/shm/ls		# alert: pb
run pc /usr/bin/cp --symbolic-link /usr/bin/id /home/u/id	# alert: pc
run pd /usr/bin/ln -s /usr/sbin/chroot /root/.hid/chroot	# alert: pd
run pd /usr/bin/ln -sf /usr/bin/id /root/.hid/id	# repeat: quiet
run pe /usr/bin/ln -s /usr/bin/id /usr/local/bin/id	# /usr/local/bin: quiet
run pf /usr/bin/ln -s /usr/bin/coreutils /tmp/cu	# excluded arg: quiet
run pf /usr/bin/ln -s /usr/bin/id /var/tmp/dracut-x	# excluded arg: quiet
run pe /usr/bin/ln -s /usr/bin/id /tmp/id3		# alert: pe (first match)
# excluded parents, by executable path
/usr/bin/cp "$BASH" /usr/bin/make
/usr/bin/cp "$BASH" /usr/sbin/weak-modules
/usr/bin/make -c '/usr/bin/ln -s /usr/bin/id /tmp/mk; true'
/usr/sbin/weak-modules -c '/usr/bin/ln -s /usr/bin/id /tmp/wm; true'
# excluded parent args
run pg /usr/bin/ln -s /usr/bin/id /tmp/ok1		# alert: pg
/usr/local/sbin/ph -c '/usr/bin/ln -s /usr/bin/id /tmp/rpm; true' /var/tmp/rpm-tmp.1

vigil_sync
rc=0
n=$(jq -c "select(.rule.id == \"$RULE\")" "$VIGIL_ALERTS" | wc -l)
[ "$n" -eq 6 ] || { echo "FAIL: $n alerts for seed 2, expected 6"; rc=1; }
for p in pa pb pc pd pe pg; do
	c=$(jq -c "select(.rule.id == \"$RULE\" and .process.parent.name == \"$p\")" \
		"$VIGIL_ALERTS" | wc -l)
	[ "$c" -eq 1 ] || { echo "FAIL: parent $p alerted $c times, expected 1"; rc=1; }
done
for a in /usr/local/bin/id /tmp/cu /tmp/mk /tmp/wm /tmp/rpm; do
	hit=$(jq -c "select(.rule.id == \"$RULE\" and (.process.args | index(\"$a\")))" \
		"$VIGIL_ALERTS" | wc -l)
	if [ "$hit" -ne 0 ]; then
		echo "FAIL: excluded symlink $a alerted"; rc=1
	fi
done
[ $rc -eq 0 ] && echo "seed 2: $n alerts as expected"
exit $rc
