#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The cases an attacker reaches for first (issue 11 items 3 and 4), as
# uid 65534 where an unprivileged user can do it.  Each case's expected
# outcome is stated in Documentation/reliability.md, "Capture".
# vigil-guest-kmods: loop ext4 crc32c_generic overlay
. /vigil/lib.sh
TAG=ca
mkdir -p /tmp/ca /tmp/carules
chmod 1777 /tmp/ca
rule file 'file where file.path : ("/tmp/ca/*", "/ca-*")'
rule exec 'process where process.args : ("ca-*", "/tmp/ca/*")'
load_rules

# 1. masquerading: in its own user and mount namespace, nobody binds its
# own copy of touch over /usr/bin/true.  The path says /usr/bin/true; the
# inode, device and namespace fields say what really ran.
# Skipped where the guest kernel has no user namespaces (the debug kernel).
as_nobody /usr/bin/cp /usr/bin/touch /tmp/ca/mytool
if as_nobody unshare -Urm true 2>/dev/null; then
	as_nobody unshare -Urm sh -c \
		'mount --bind /tmp/ca/mytool /usr/bin/true && /usr/bin/true /tmp/ca/masq-made'
	vigil_sync
	ino=$(stat -c %i /tmp/ca/mytool) dev=$(stat -c %d /tmp/ca/mytool)
	check "masquerade: inode and device of the bound file, namespaces flagged" \
		"$(file_alert /tmp/ca/masq-made)" \
		".process.executable == \"/usr/bin/true\" and
		 .vigil.process.exe.inode == $ino and .vigil.process.exe.device == $dev and
		 .vigil.process.mnt_ns_other == 1 and .vigil.process.user_ns_other == 1"
else
	echo "# case skipped: masquerade: no user namespaces in this guest kernel"
fi
/usr/bin/touch /tmp/ca/plain-made
vigil_sync
ino=$(stat -c %i /usr/bin/touch) dev=$(stat -c %d /usr/bin/touch)
check "plain exec: inode and device of touch, initial namespaces" \
	"$(file_alert /tmp/ca/plain-made)" \
	".vigil.process.exe.inode == $ino and .vigil.process.exe.device == $dev and
	 .vigil.process.mnt_ns_other == 0 and .vigil.process.user_ns_other == 0"

# 2. exec through a symlink: named after the link (the name it was run
# by, as Elastic Defend names it); the executable is the file the link
# resolves to.
as_nobody /usr/bin/ln -s /usr/bin/touch /tmp/ca/lnk
as_nobody /tmp/ca/lnk /tmp/ca/sym-made
vigil_sync
check "symlink: exec reported with the link's name, the resolved executable" \
	"$(jqa 'select(.rule.id == "vigil-test-ca-exec" and .process.args[0] == "/tmp/ca/lnk")' | head -n 1)" \
	'.process.name == "lnk" and .process.executable == "/usr/bin/touch"'
check "symlink: file event of the linked binary" "$(file_alert /tmp/ca/sym-made)" \
	'.process.name == "lnk" and .process.executable == "/usr/bin/touch"'

# 3. a #! script: named after the script, the script's path is in the
# args, the interpreter is the executable.
printf '#!/bin/sh\n: > /tmp/ca/script-made\n' > /tmp/ca/tool.sh
chmod 755 /tmp/ca/tool.sh
as_nobody /tmp/ca/tool.sh ca-script
vigil_sync
check "#! script: exec with the interpreter and the script path" \
	"$(jqa 'select(.rule.id == "vigil-test-ca-exec" and (.process.args | index("ca-script")) and
		.process.executable != "/usr/bin/setpriv")' | head -n 1)" \
	'.process.name == "tool.sh" and .process.executable == "/usr/bin/dash" and
	 (.process.args | index("/tmp/ca/tool.sh"))'
check "#! script: its file event" "$(file_alert /tmp/ca/script-made)" \
	'.process.name == "tool.sh" and .process.executable == "/usr/bin/dash"'

# 4. chroot (root): the event is reported, paths as seen inside the chroot,
# the executable's inode names the real file.
mkdir -p /tmp/ca/root/bin
cp /opt/busybox/bin/busybox /tmp/ca/root/bin/busybox
chroot /tmp/ca/root /bin/busybox touch /ca-chroot-made
vigil_sync
ino=$(stat -c %i /tmp/ca/root/bin/busybox)
check "chroot: reported, path inside the chroot, real inode" \
	"$(file_alert /ca-chroot-made)" \
	".process.executable == \"/bin/busybox\" and .vigil.process.exe.inode == $ino"

# 5. rename over an existing file: one rename event, both paths.
as_nobody /usr/bin/touch /tmp/ca/r1 /tmp/ca/r2
as_nobody /usr/bin/mv -f /tmp/ca/r1 /tmp/ca/r2
vigil_sync
n=$(jqa 'select(.rule.id == "vigil-test-ca-file" and .event.action == "rename" and
	.file.path == "/tmp/ca/r2" and .file.Ext.original.path == "/tmp/ca/r1")' | wc -l)
[ "$n" -eq 1 ] && pass "rename over an existing file: one event" ||
	fail "rename over an existing file: $n events"

# 6. argv of 100,000 arguments: reported, counted whole, cut flagged.
as_nobody /usr/bin/true ca-many $(seq 100000)
vigil_sync
check "100,000 args: reported, args_count is argc, cut flagged" \
	"$(jqa 'select(.rule.id == "vigil-test-ca-exec" and .process.args[1] == "ca-many")' | head -n 1)" \
	'.process.args_count == 100002 and (.vigil.event.truncated | index("process.args"))'

# 7. overlayfs and an ext4 loop mount (root), when the guest kernel has them
# (the stock kernels' modules come with vigil-guest-kmods above).
mkdir -p /tmp/ca/ov/l /tmp/ca/ov/u /tmp/ca/ov/w /tmp/ca/ov/m
if mount -t overlay overlay -o lowerdir=/tmp/ca/ov/l,upperdir=/tmp/ca/ov/u,workdir=/tmp/ca/ov/w \
	/tmp/ca/ov/m 2>/dev/null; then
	as_nobody /usr/bin/touch /tmp/ca/ov/m/ovl-made 2>/dev/null || /usr/bin/touch /tmp/ca/ov/m/ovl-made
	vigil_sync
	check "overlayfs: creation reported at the overlay path" \
		"$(file_alert /tmp/ca/ov/m/ovl-made)" '.event.action == "creation"'
	umount /tmp/ca/ov/m
else
	echo "# case skipped: overlayfs not available in this guest kernel"
fi
# The ext4 file system on a loop device, mounted by root, where nobody
# works: a binary run from it carries the ext4 device, its file events
# the path under the mount point.
mkdir -p /tmp/ca/x4
if dd if=/dev/zero of=/tmp/ca.img bs=1M count=16 2>/dev/null &&
   mke2fs -q -t ext4 -F /tmp/ca.img && mount -o loop /tmp/ca.img /tmp/ca/x4; then
	chmod 1777 /tmp/ca/x4
	as_nobody /usr/bin/cp /usr/bin/touch /tmp/ca/x4/x4touch
	as_nobody /tmp/ca/x4/x4touch /tmp/ca/x4/x4-made
	as_nobody /usr/bin/mv /tmp/ca/x4/x4-made /tmp/ca/x4/x4-moved
	vigil_sync
	ino=$(stat -c %i /tmp/ca/x4/x4touch) dev=$(stat -c %d /tmp/ca/x4/x4touch)
	[ "$dev" != "$(stat -c %d /tmp/ca)" ] || fail "ext4: the mount has the device of /tmp"
	check "ext4 loop mount: creation at the mount's path, the ext4 binary's inode and device" \
		"$(file_alert /tmp/ca/x4/x4-made)" \
		".event.action == \"creation\" and .process.name == \"x4touch\" and
		 .process.executable == \"/tmp/ca/x4/x4touch\" and
		 .vigil.process.exe.inode == $ino and .vigil.process.exe.device == $dev"
	check "ext4 loop mount: rename within the mount, both paths" \
		"$(file_alert /tmp/ca/x4/x4-moved)" \
		'.event.action == "rename" and .file.Ext.original.path == "/tmp/ca/x4/x4-made"'
	umount /tmp/ca/x4
else
	echo "# case skipped: no loop device or ext4 in this guest kernel"
fi

exit $vigil_rc
