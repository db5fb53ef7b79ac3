// SPDX-License-Identifier: GPL-2.0
/*
 * The names of capability bits, as <uapi/linux/capability.h> numbers
 * them and Elastic writes them (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE).
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "caps.h"

/*
 * Every capability's name in bit order, NUL-terminated and back to back:
 * element n names bit n (caps_kunit.c checks the order against the
 * kernel's numbers).  A full set (root's) is this array as it stands.
 */
static const char all_names[] =
	"CAP_CHOWN\0CAP_DAC_OVERRIDE\0CAP_DAC_READ_SEARCH\0CAP_FOWNER\0"
	"CAP_FSETID\0CAP_KILL\0CAP_SETGID\0CAP_SETUID\0CAP_SETPCAP\0"
	"CAP_LINUX_IMMUTABLE\0CAP_NET_BIND_SERVICE\0CAP_NET_BROADCAST\0"
	"CAP_NET_ADMIN\0CAP_NET_RAW\0CAP_IPC_LOCK\0CAP_IPC_OWNER\0"
	"CAP_SYS_MODULE\0CAP_SYS_RAWIO\0CAP_SYS_CHROOT\0CAP_SYS_PTRACE\0"
	"CAP_SYS_PACCT\0CAP_SYS_ADMIN\0CAP_SYS_BOOT\0CAP_SYS_NICE\0"
	"CAP_SYS_RESOURCE\0CAP_SYS_TIME\0CAP_SYS_TTY_CONFIG\0CAP_MKNOD\0"
	"CAP_LEASE\0CAP_AUDIT_WRITE\0CAP_AUDIT_CONTROL\0CAP_SETFCAP\0"
	"CAP_MAC_OVERRIDE\0CAP_MAC_ADMIN\0CAP_SYSLOG\0CAP_WAKE_ALARM\0"
	"CAP_BLOCK_SUSPEND\0CAP_AUDIT_READ\0CAP_PERFMON\0CAP_BPF\0"
	"CAP_CHECKPOINT_RESTORE\0";

#define NAMED_CAPS 41 /* elements of all_names: up to CAP_CHECKPOINT_RESTORE */

/**
 * vigil_caps_names() - the ARRAY value of a capability set
 * @bits: the set, bit n for capability n
 * @buf: VIGIL_CAPS_BYTES bytes for the names when they are built
 * @len: set to the bytes of the result, NULs included
 * @n: set to the number of names
 *
 * Bits past the named ones (capabilities newer than this list) are left
 * out.
 *
 * Return: the names, NUL-terminated and back to back: all_names for the
 * full set, else in @buf; NULL when no named bit is set.
 */
const char *vigil_caps_names(u64 bits, char *buf, u32 *len, u32 *n)
{
	const u64 all = (1ULL << NAMED_CAPS) - 1;
	const char *s = all_names;
	u32 i, l;

	BUILD_BUG_ON(sizeof(all_names) > VIGIL_CAPS_BYTES);
	bits &= all;
	*len = 0;
	*n = 0;
	if (!bits)
		return NULL;
	if (bits == all) {
		*len = sizeof(all_names) - 1; /* the literal's own NUL */
		*n = NAMED_CAPS;
		return all_names;
	}
	/* One pass over the names, bits in the same order. */
	for (i = 0; bits >> i; i++, s += l) {
		l = strlen(s) + 1;
		if (!(bits & (1ULL << i)))
			continue;
		memcpy(buf + *len, s, l);
		*len += l;
		++*n;
	}
	return buf;
}
