/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU scratch space for the capture hooks.  The hooks run in atomic
 * context and must not allocate, so everything an event needs is set
 * aside at init: the event itself, path buffers and the argv buffers.
 */
#ifndef VIGIL_SCRATCH_H
#define VIGIL_SCRATCH_H

#include <linux/cred.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include "caps.h"
#include "engine/engine.h"
#include "proctab.h"

/*
 * process.env_vars: room for the variables rules name at one exec, and
 * how much of an environment is looked at for them.
 */
#define VIGIL_SCRATCH_ENV 4096
#define VIGIL_ENV_SCAN_MAX (256U << 10)

/* Room for every field name that can be cut, with its NUL. */
#define VIGIL_SCRATCH_CUTNAMES 768

/**
 * struct vigil_scratch - one CPU's capture workspace
 * @ev: the event being built
 * @path: PATH_MAX bytes: file.path, or process.executable at exec
 * @path2: PATH_MAX bytes: file.Ext.original.path, or the working directory
 * @path3: PATH_MAX bytes: the parent's executable when it is not tracked
 * @argv: argv_max_bytes bytes: process.args
 * @cmdline: argv_max_bytes bytes: process.command_line
 * @pcmdline: VIGIL_PROC_ARGS_MAX bytes: process.parent.command_line
 * @argv_cap: size of @argv and @cmdline
 * @eid: process.entity_id, NUL-terminated
 * @peid: process.parent.entity_id, NUL-terminated
 * @leid: process.entry_leader.entity_id, NUL-terminated
 * @seid: process.session_leader.entity_id, NUL-terminated
 * @geid: process.group_leader.entity_id, NUL-terminated
 * @comm: current's comm when it is not tracked (table_only)
 * @pcomm: the parent's comm when it is not tracked
 * @caps_eff: process.thread.capabilities.effective when built
 * @caps_prm: process.thread.capabilities.permitted when built
 * @flags: VIGIL_EVF_* gathered while the event is built
 * @cut: bit (1ULL << field) for each field not whole
 * @cutnames: vigil.event.truncated, built from @cut
 * @env: process.env_vars at exec: the variables rules name
 * @memo: the prefilter's findings in the last event's parent and actor
 *	fields
 * @src_ip: source.ip of a network event (VIGIL_FT_IP)
 * @dst_ip: destination.ip of a network event
 * @cred: the credentials the event reports (user.*, group.*,
 *	capabilities): NULL for current's, or those a set*id call installs
 * @table_only: build the event from the process table alone: look
 *	entries up without refreshing them, add none, resolve no path and
 *	take no lock (an accept runs under a lock softirqs take; at exit
 *	the process has no memory map left to read an image from)
 * @busy: set while a hook uses this CPU's scratch
 */
struct vigil_scratch {
	struct vigil_event ev;
	char *path;
	char *path2;
	char *path3;
	char *argv;
	char *cmdline;
	char *pcmdline;
	u32 argv_cap;
	char eid[VIGIL_ENTITY_ID_LEN + 1];
	char peid[VIGIL_ENTITY_ID_LEN + 1];
	char leid[VIGIL_ENTITY_ID_LEN + 1];
	char seid[VIGIL_ENTITY_ID_LEN + 1];
	char geid[VIGIL_ENTITY_ID_LEN + 1];
	char comm[TASK_COMM_LEN];
	char pcomm[TASK_COMM_LEN];
	char caps_eff[VIGIL_CAPS_BYTES];
	char caps_prm[VIGIL_CAPS_BYTES];
	u32 flags;
	u64 cut;
	char cutnames[VIGIL_SCRATCH_CUTNAMES];
	char env[VIGIL_SCRATCH_ENV];
	struct vigil_pf_memo memo;
	u8 src_ip[VIGIL_IP_LEN];
	u8 dst_ip[VIGIL_IP_LEN];
	const struct cred *cred;
	/*
	 * The task the event is about: current (vigil_capture_begin()), or
	 * for an already_running event another task, held by a reference.
	 */
	struct task_struct *task;
	bool table_only;
	bool busy;
};

int vigil_scratch_init(u32 argv_cap);
void vigil_scratch_uninit(void);
struct vigil_scratch *vigil_scratch_get(void);
void vigil_scratch_put(struct vigil_scratch *sc);

#endif /* VIGIL_SCRATCH_H */
