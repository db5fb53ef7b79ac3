/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the capture files.  Calls point one way, down this
 * list:
 *
 *   capture.c       vigil_capture_init/uninit: registers every
 *                   tracepoint and kprobe and calls into the files below;
 *   capture_file.c  file creation, symlink, rename and deletion events;
 *   capture_net.c   connect and accept events;
 *   capture_cred.c  uid and gid changes;
 *   capture_exit.c  process end events;
 *   capture_module.c  kernel module loads;
 *   capture_exec.c  exec events, and reading a process image: its argv,
 *                   lazy process-table entries, the processes running at
 *                   load;
 *   capture_task.c  the base layer: begin an event, the actor's and the
 *                   parent's fields, paths, emit;
 *   argv.c          pure helpers on argv bytes and paths.
 *
 * Every function here runs in atomic context unless it says otherwise.
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <linux/kprobes.h>
#include <linux/sched.h>

#include "vigil.h"
#include "argv.h"
#include "proctab.h"
#include "scratch.h"

struct linux_binprm;
struct file;
struct path;

/**
 * struct vigil_capture_hook - a kprobe handler and where to attach it
 * @chain: symbols tried in order, NULL-terminated; every one has the
 *	handler's calling convention
 * @handler: the pre-handler
 */
struct vigil_capture_hook {
	const char *chain[4];
	kprobe_pre_handler_t handler;
};

/* capture_file.c: symlink, link, mknod, open, rename, unlink */
#define VIGIL_CAPTURE_FILE_HOOKS 6
extern const struct vigil_capture_hook
	vigil_capture_file_hooks[VIGIL_CAPTURE_FILE_HOOKS];

/* capture_net.c: connect, accept */
#define VIGIL_CAPTURE_NET_HOOKS 3
extern const struct vigil_capture_hook
	vigil_capture_net_hooks[VIGIL_CAPTURE_NET_HOOKS];

/* capture_cred.c: setuid family, setgid family */
#define VIGIL_CAPTURE_CRED_HOOKS 2
extern const struct vigil_capture_hook
	vigil_capture_cred_hooks[VIGIL_CAPTURE_CRED_HOOKS];

/* capture_exit.c */
void vigil_capture_exit(struct task_struct *p);

/* capture_module.c */
void vigil_capture_module_load(void);

/* capture_exec.c; argv_cap and seed in process context */
u32 vigil_capture_argv_cap(void);
void vigil_capture_exec(struct linux_binprm *bprm);
struct vigil_proc *vigil_capture_current_proc(struct vigil_scratch *sc);
int vigil_capture_seed(void);

/* capture_task.c */
bool vigil_capture_skip(void);
struct vigil_proc *vigil_capture_find(const struct vigil_scratch *sc,
				      pid_t tgid);
void vigil_capture_cut(struct vigil_scratch *sc, enum vigil_field f);
const char *vigil_capture_path(const struct path *path, char *buf, u32 size,
			       u32 *len, bool *cut);
void vigil_capture_entry_facts(struct task_struct *t,
			       struct vigil_proc_image *img);
void vigil_capture_file_id(const struct file *f, u32 *dev, u64 *ino);
const char *vigil_capture_task_exe(struct task_struct *t, char *buf, u32 *len,
				   bool *cut, u32 *dev, u64 *ino);
const char *vigil_capture_comm_name(const char *comm, const char *exe,
				    u32 exe_len, u32 *len);
void vigil_capture_begin(struct vigil_scratch *sc, enum vigil_event_kind k);
void vigil_capture_actor(struct vigil_scratch *sc, const struct vigil_proc *p,
			 const struct vigil_proc_image *img);
void vigil_capture_parent(struct vigil_scratch *sc, const struct vigil_proc *p);
void vigil_capture_cwd(struct vigil_scratch *sc);
void vigil_capture_name(struct vigil_scratch *sc, const struct vigil_proc *p);
void vigil_capture_process(enum vigil_event_kind k, const struct cred *cred,
			   bool cwd);
void vigil_capture_emit(struct vigil_scratch *sc);

#endif /* VIGIL_CAPTURE_H */
