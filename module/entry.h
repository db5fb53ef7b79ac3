/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry leaders: which process brought a session onto the host, and how
 * (process.entry_leader.*).  The decision for one process from its own
 * facts is pure (entry.c, tested by entry_kunit.c); the table
 * (proctab.c) inherits the leader from relatives when that decision
 * leaves it open.
 */
#ifndef VIGIL_ENTRY_H
#define VIGIL_ENTRY_H

#include <linux/types.h>

/**
 * enum vigil_entry_type - process.entry_leader.entry_meta.type
 * @VIGIL_ENTRY_NONE: no entry leader (init, kernel threads and their
 *	helpers, or none found)
 * @VIGIL_ENTRY_INIT: a session started by init (a service)
 * @VIGIL_ENTRY_SSHD: a session sshd started
 * @VIGIL_ENTRY_SSM: a session of AWS SSM's session worker
 * @VIGIL_ENTRY_CONTAINER: a session a container runtime started
 * @VIGIL_ENTRY_TERMINAL: a session on a serial terminal
 * @VIGIL_ENTRY_CONSOLE: a login on a virtual console
 * @VIGIL_ENTRY_UNKNOWN: a session leader of none of these kinds
 * @__VIGIL_ENTRY_LAST: number of types
 */
enum vigil_entry_type {
	VIGIL_ENTRY_NONE,
	VIGIL_ENTRY_INIT,
	VIGIL_ENTRY_SSHD,
	VIGIL_ENTRY_SSM,
	VIGIL_ENTRY_CONTAINER,
	VIGIL_ENTRY_TERMINAL,
	VIGIL_ENTRY_CONSOLE,
	VIGIL_ENTRY_UNKNOWN,
	__VIGIL_ENTRY_LAST
};

/**
 * struct vigil_entry_facts - what decides if a process leads an entry
 * @tgid: the process, in the initial pid namespace
 * @ppid: its real parent
 * @sid: its session
 * @tty_major: major number of its controlling terminal (0: none)
 * @tty_minor: minor number of its controlling terminal
 * @name: its process.name (need not be NUL-terminated)
 * @name_len: bytes of @name
 * @parent_name: its parent's process.name; NULL when the parent is not
 *	known
 * @parent_name_len: bytes of @parent_name
 */
struct vigil_entry_facts {
	pid_t tgid;
	pid_t ppid;
	pid_t sid;
	u32 tty_major;
	u32 tty_minor;
	const char *name;
	u32 name_len;
	const char *parent_name;
	u32 parent_name_len;
};

/**
 * enum vigil_entry_verdict - what a process's own facts say
 * @VIGIL_ENTRY_INHERIT: take the entry leader of the parent, else of the
 *	session leader, else of the group leader; a session leader without
 *	any is its own, of type VIGIL_ENTRY_UNKNOWN
 * @VIGIL_ENTRY_NEVER: no entry leader (init, kernel helpers)
 * @VIGIL_ENTRY_LEADS: the process is an entry leader itself
 */
enum vigil_entry_verdict {
	VIGIL_ENTRY_INHERIT,
	VIGIL_ENTRY_NEVER,
	VIGIL_ENTRY_LEADS,
};

enum vigil_entry_verdict vigil_entry_decide(const struct vigil_entry_facts *f,
					    u8 *type);
const char *vigil_entry_type_name(u8 type, u32 *len);

#endif /* VIGIL_ENTRY_H */
