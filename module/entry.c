// SPDX-License-Identifier: GPL-2.0
/*
 * Entry leaders, decided as Elastic decides them for session view and
 * its rules (beats, x-pack/auditbeat/processors/sessionmd/processdb:
 * evaluateEntryLeader(), and auditbeat/helper/tty: GetTTYType()):
 *
 * - init (pid 1), kthreadd (pid 2) and its children have none;
 * - a session leader is an entry leader when its controlling terminal is
 *   a serial tty (terminal), a virtual console and it is login
 *   (console), its parent is init (init), or, unless it is itself part
 *   of a container runtime, when its parent is AWS SSM's session worker
 *   and it has a pseudo-terminal (ssm), sshd and it is not sshd (sshd),
 *   or a container runtime (container);
 * - anything else inherits (enum vigil_entry_verdict).
 *
 * Names are compared as Elastic compares the basename of the
 * executable: runtimes by prefix (containerd-shim-runc-v2 is
 * containerd-shim).  vigil uses process.name, the name the program was
 * run by, which is that basename unless a link or a copy renamed it.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "entry.h"

#define PTS_MAJOR_MIN 136
#define PTS_MAJOR_MAX 143
#define TTY_MAJOR_VT 4
#define CONSOLE_MINOR_MAX 63
#define TTY_MINOR_MAX 255

static const char *const type_names[__VIGIL_ENTRY_LAST] = {
	[VIGIL_ENTRY_INIT] = "init",
	[VIGIL_ENTRY_SSHD] = "sshd",
	[VIGIL_ENTRY_SSM] = "ssm",
	[VIGIL_ENTRY_CONTAINER] = "container",
	[VIGIL_ENTRY_TERMINAL] = "terminal",
	[VIGIL_ENTRY_CONSOLE] = "console",
	[VIGIL_ENTRY_UNKNOWN] = "unknown",
};

/* Parents that make a session leader a container's entry. */
static const char *const runtimes[] = { "containerd-shim", "runc", "conmon" };

/* Runtime internals: never an entry leader by their parent. */
static const char *const filtered[] = { "runc", "containerd-shim",
					"calico-node", "check-status",
					"conmon" };

enum tty_kind { TTY_NONE, TTY_PTS, TTY_SERIAL, TTY_CONSOLE };

static enum tty_kind tty_kind(u32 major, u32 minor)
{
	if (major >= PTS_MAJOR_MIN && major <= PTS_MAJOR_MAX)
		return TTY_PTS;
	if (major == TTY_MAJOR_VT && minor <= CONSOLE_MINOR_MAX)
		return TTY_CONSOLE;
	if (major == TTY_MAJOR_VT && minor <= TTY_MINOR_MAX)
		return TTY_SERIAL;
	return TTY_NONE;
}

static bool is(const char *s, u32 len, const char *want)
{
	return len == strlen(want) && !memcmp(s, want, len);
}

static bool starts_any(const char *s, u32 len, const char *const *list,
		       size_t n)
{
	size_t i, l;

	for (i = 0; i < n; i++) {
		l = strlen(list[i]);
		if (len >= l && !memcmp(s, list[i], l))
			return true;
	}
	return false;
}

/**
 * vigil_entry_decide() - does a process lead an entry, by its own facts?
 * @f: the facts
 * @type: set to the entry type when the verdict is VIGIL_ENTRY_LEADS
 *
 * Return: the verdict.
 */
enum vigil_entry_verdict vigil_entry_decide(const struct vigil_entry_facts *f,
					    u8 *type)
{
	enum tty_kind tty = tty_kind(f->tty_major, f->tty_minor);
	const char *pn = f->parent_name;
	u32 pl = f->parent_name_len;

	if (f->tgid == 1 || f->tgid == 2 || f->ppid == 2)
		return VIGIL_ENTRY_NEVER;
	if (f->tgid != f->sid)
		return VIGIL_ENTRY_INHERIT;
	if (tty == TTY_SERIAL)
		*type = VIGIL_ENTRY_TERMINAL;
	else if (tty == TTY_CONSOLE && is(f->name, f->name_len, "login"))
		*type = VIGIL_ENTRY_CONSOLE;
	else if (f->ppid == 1)
		*type = VIGIL_ENTRY_INIT;
	else if (!pn || starts_any(f->name, f->name_len, filtered,
				   ARRAY_SIZE(filtered)))
		return VIGIL_ENTRY_INHERIT;
	else if (tty == TTY_PTS && is(pn, pl, "ssm-session-worker"))
		*type = VIGIL_ENTRY_SSM;
	else if (is(pn, pl, "sshd") && !is(f->name, f->name_len, "sshd"))
		*type = VIGIL_ENTRY_SSHD;
	else if (starts_any(pn, pl, runtimes, ARRAY_SIZE(runtimes)))
		*type = VIGIL_ENTRY_CONTAINER;
	else
		return VIGIL_ENTRY_INHERIT;
	return VIGIL_ENTRY_LEADS;
}

/**
 * vigil_entry_type_name() - the entry_meta.type string of an entry type
 * @type: enum vigil_entry_type
 * @len: set to its length
 *
 * Return: the string, or NULL for VIGIL_ENTRY_NONE and unknown values.
 */
const char *vigil_entry_type_name(u8 type, u32 *len)
{
	const char *s = type < __VIGIL_ENTRY_LAST ? type_names[type] : NULL;

	*len = s ? strlen(s) : 0;
	return s;
}
