/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: one entry per tracked process (thread group), keyed
 * by tgid, holding what later events need about it as a parent or as the
 * actor of a file event: its entity id, executable, name and an args
 * snapshot.
 */
#ifndef VIGIL_PROCTAB_H
#define VIGIL_PROCTAB_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "entry.h"

#define VIGIL_ENTITY_ID_LEN 16 /* lowercase hex digits of a u64 */
#define VIGIL_PROC_EXE_MAX 384 /* bytes of the executable path kept */
#define VIGIL_PROC_NAME_MAX 255 /* bytes of the name kept (NAME_MAX) */
#define VIGIL_PROC_ARGS_MAX 256 /* bytes of the args snapshot */

#define VIGIL_PROC_F_ARGS_TRUNCATED (1U << 0) /* snapshot is cut */
#define VIGIL_PROC_F_EXE_TRUNCATED (1U << 1) /* exe path is cut */
#define VIGIL_PROC_F_NAME_TRUNCATED (1U << 2) /* name is cut */
#define VIGIL_PROC_F_ENTRY_SELF (1U << 3) /* its own entry leader */
/* a controlling terminal at exec: process.interactive */
#define VIGIL_PROC_F_INTERACTIVE (1U << 4)

/**
 * struct vigil_proc - one tracked process image
 * @hnode: hash chain linkage (RCU)
 * @lru: eviction order, oldest first (under the table lock)
 * @rcu: deferred free
 * @ref: references: the table's while linked, and one from each entry
 *	whose @parent this is
 * @parent: the entry of the process that forked this one, as it was at
 *	the fork (its image then, even if it has since exec'd or exited),
 *	holding a reference; kept across exec; NULL when not known (the
 *	process was first seen untracked) and once this entry is unlinked.
 *	Written under the table lock, read under RCU
 *	(vigil_proc_parent()).  An entry only pins its parent while it is
 *	linked, so at most proc_max dead entries are pinned
 * @entry: the entry of this process's entry leader, holding a
 *	reference; NULL when it has none, when it is its own
 *	(VIGIL_PROC_F_ENTRY_SELF) and once this entry is unlinked.  Same
 *	rules as @parent (vigil_proc_entry_leader())
 * @touched: jiffies of the last move to the LRU tail
 * @entity_id: process.entity_id of this image
 * @users: entries sharing @entity_id (forked children), under the table
 *	lock; NULL when the id is not shared
 * @tgid: the process
 * @exe_dev: device of the executable (as stat(2)'s st_dev)
 * @exe_ino: inode number of the executable
 * @args_count: elements of the image's argv (complete, not the snapshot)
 * @exe_len: bytes of the executable path at @data, NUL not included
 * @name_len: bytes of the name after the exe's NUL, NUL not included
 * @args_len: bytes of the args snapshot after the name's NUL, NULs
 *	included
 * @args_snap_count: elements in the snapshot
 * @flags: VIGIL_PROC_F_*
 * @entry_type: enum vigil_entry_type of the entry leader
 *	(VIGIL_ENTRY_NONE: no entry leader)
 * @data: executable path (its tail, marked, when longer than
 *	VIGIL_PROC_EXE_MAX), NUL, name, NUL, args snapshot
 *	(vigil_argv_snapshot())
 *
 * Entries are immutable once published, except @touched, @lru, @ref,
 * @parent and @entry (set to NULL at unlink) and the counter @users points to.
 */
struct vigil_proc {
	struct hlist_node hnode;
	struct list_head lru;
	struct rcu_head rcu;
	refcount_t ref;
	struct vigil_proc __rcu *parent;
	struct vigil_proc __rcu *entry;
	unsigned long touched;
	u64 entity_id;
	unsigned int *users;
	pid_t tgid;
	u32 exe_dev;
	u64 exe_ino;
	u32 args_count;
	u16 exe_len;
	u16 name_len;
	u16 args_len;
	u16 args_snap_count;
	u8 flags;
	u8 entry_type;
	char data[];
};

/**
 * struct vigil_proc_image - what an exec revealed about a process
 * @exe: executable path (need not be NUL-terminated)
 * @exe_len: bytes of @exe
 * @exe_cut: @exe is already cut (the marked tail of a longer path)
 * @exe_dev: device of the executable (as stat(2)'s st_dev)
 * @exe_ino: inode number of the executable
 * @name: process.name (need not be NUL-terminated)
 * @name_len: bytes of @name
 * @args: argv, NUL-terminated elements back to back
 * @args_len: bytes of @args, NULs included
 * @args_kept: elements in @args
 * @args_count: elements of the complete argv (argc)
 * @truncated: @args is already cut
 * @ppid: the real parent's tgid (the entry-leader facts, with @sid,
 *	@tty_major and @tty_minor: struct vigil_entry_facts)
 * @sid: the session (its leader's tgid)
 * @pgid: the process group (its leader's tgid)
 * @tty_major: major number of the controlling terminal (0: none)
 * @tty_minor: minor number of the controlling terminal
 */
struct vigil_proc_image {
	const char *exe;
	u32 exe_len;
	bool exe_cut;
	u32 exe_dev;
	u64 exe_ino;
	const char *name;
	u32 name_len;
	const char *args;
	u32 args_len;
	u32 args_kept;
	u32 args_count;
	bool truncated;
	pid_t ppid;
	pid_t sid;
	pid_t pgid;
	u32 tty_major;
	u32 tty_minor;
};

static inline const char *vigil_proc_exe(const struct vigil_proc *p)
{
	return p->data;
}

static inline const char *vigil_proc_name(const struct vigil_proc *p)
{
	return p->data + p->exe_len + 1;
}

static inline const char *vigil_proc_args(const struct vigil_proc *p)
{
	return p->data + p->exe_len + 1 + p->name_len + 1;
}

/**
 * vigil_proc_parent() - the entry of the process that forked @p
 * @p: a linked entry
 *
 * Caller holds rcu_read_lock(); the entry stays valid until it drops it.
 *
 * Return: the forking process's entry as it was at the fork, or NULL.
 */
static inline const struct vigil_proc *
vigil_proc_parent(const struct vigil_proc *p)
{
	return rcu_dereference(p->parent);
}

/**
 * vigil_proc_entry_leader() - the entry of @p's entry leader
 * @p: a linked entry
 *
 * Caller holds rcu_read_lock(); the entry stays valid until it drops it.
 *
 * Return: @p itself when it leads its entry, the leader's entry (as it
 * was when @p took it: the leader may have exec'd or exited since), or
 * NULL when @p has no entry leader.
 */
static inline const struct vigil_proc *
vigil_proc_entry_leader(const struct vigil_proc *p)
{
	if (p->flags & VIGIL_PROC_F_ENTRY_SELF)
		return p;
	return rcu_dereference(p->entry);
}

void vigil_proc_entity_str(u64 id, char *buf);
u64 vigil_proctab_new_id(void);
struct vigil_proc *vigil_proctab_lookup(pid_t tgid);
struct vigil_proc *vigil_proctab_peek(pid_t tgid);
struct vigil_proc *
vigil_proctab_set(pid_t tgid, const struct vigil_proc_image *img, bool replace);
unsigned int vigil_proctab_capacity(void);
void vigil_proctab_fork(pid_t parent, pid_t child);
void vigil_proctab_exit(pid_t tgid);

#endif /* VIGIL_PROCTAB_H */
