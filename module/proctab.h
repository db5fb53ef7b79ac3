/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: one entry per tracked process (thread group), keyed
 * by tgid, holding what later events need about it as a parent or as the
 * actor of a file event: its entity id, executable and an args snapshot.
 */
#ifndef VIGIL_PROCTAB_H
#define VIGIL_PROCTAB_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#define VIGIL_ENTITY_ID_LEN 16 /* lowercase hex digits of a u64 */
#define VIGIL_PROC_SIZE_MAX 512 /* bytes per entry, all included */
#define VIGIL_PROC_ARGS_MAX 256 /* bytes of the args snapshot */

#define VIGIL_PROC_F_ARGS_TRUNCATED (1U << 0) /* snapshot is cut */
#define VIGIL_PROC_F_EXE_TRUNCATED (1U << 1) /* exe path is cut */

/**
 * struct vigil_proc - one tracked process image
 * @hnode: hash chain linkage (RCU)
 * @lru: eviction order, oldest first (under the table lock)
 * @rcu: deferred free
 * @touched: jiffies of the last move to the LRU tail
 * @entity_id: process.entity_id of this image
 * @users: entries sharing @entity_id (forked children), under the table
 *	lock; NULL when the id is not shared
 * @tgid: the process
 * @args_count: elements of the image's argv (complete, not the snapshot)
 * @exe_len: bytes of the executable path at @data, NUL not included
 * @args_len: bytes of the args snapshot after the exe's NUL, NULs included
 * @args_snap_count: elements in the snapshot
 * @flags: VIGIL_PROC_F_*
 * @data: executable path, NUL, args snapshot (NUL-terminated elements)
 *
 * Entries are immutable once published, except @touched, @lru and the
 * counter @users points to.
 */
struct vigil_proc {
	struct hlist_node hnode;
	struct list_head lru;
	struct rcu_head rcu;
	unsigned long touched;
	u64 entity_id;
	unsigned int *users;
	pid_t tgid;
	u32 args_count;
	u16 exe_len;
	u16 args_len;
	u16 args_snap_count;
	u8 flags;
	char data[];
};

/**
 * struct vigil_proc_image - what an exec revealed about a process
 * @exe: executable path (need not be NUL-terminated)
 * @exe_len: bytes of @exe
 * @args: argv, NUL-terminated elements back to back
 * @args_len: bytes of @args, NULs included
 * @args_kept: elements in @args
 * @args_count: elements of the complete argv (argc)
 * @truncated: @args is already cut
 */
struct vigil_proc_image {
	const char *exe;
	u32 exe_len;
	const char *args;
	u32 args_len;
	u32 args_kept;
	u32 args_count;
	bool truncated;
};

static inline const char *vigil_proc_exe(const struct vigil_proc *p)
{
	return p->data;
}

static inline const char *vigil_proc_args(const struct vigil_proc *p)
{
	return p->data + p->exe_len + 1;
}

void vigil_proc_entity_str(u64 id, char *buf);
u64 vigil_proctab_new_id(void);
struct vigil_proc *vigil_proctab_lookup(pid_t tgid);
struct vigil_proc *
vigil_proctab_set(pid_t tgid, const struct vigil_proc_image *img, bool replace);
unsigned int vigil_proctab_capacity(void);
void vigil_proctab_fork(pid_t parent, pid_t child);
void vigil_proctab_exit(pid_t tgid);

#endif /* VIGIL_PROCTAB_H */
