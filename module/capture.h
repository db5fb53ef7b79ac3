/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the capture files:
 *
 *   capture_task.c  vigil_capture_init/uninit, fork and exit, recording
 *                   the processes running at load, tracepoint lookup, and
 *                   the process fields every event carries;
 *   capture_exec.c  exec events and argv;
 *   capture_file.c  file creation, symlink, rename and deletion events.
 *
 * Every function here runs in atomic context unless it says otherwise.
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <linux/sched.h>
#include <linux/tracepoint.h>

#include "vigil.h"
#include "proctab.h"
#include "scratch.h"

/* capture_exec.c; init, uninit and argv_cap in process context */
int vigil_capture_exec_init(void);
void vigil_capture_exec_uninit(void);
u32 vigil_capture_argv_cap(void);
u32 vigil_capture_argv_parse(char *buf, u32 len, u32 *count, bool *trunc);
u32 vigil_capture_read_argv(char *buf, u32 cap, u32 *count, bool *trunc);

/* capture_file.c; process context */
int vigil_capture_file_init(void);
void vigil_capture_file_uninit(void);

/* capture_task.c; seed in process context */
int vigil_capture_seed(void);
struct tracepoint *vigil_capture_tp_find(const char *name);
bool vigil_capture_skip(void);
const char *vigil_capture_task_exe(struct task_struct *t, char *buf, u32 *len);
struct vigil_proc *vigil_capture_current_proc(struct vigil_scratch *sc);
void vigil_capture_begin(struct vigil_scratch *sc, enum vigil_event_kind k);
void vigil_capture_actor(struct vigil_scratch *sc, const struct vigil_proc *p);
void vigil_capture_parent(struct vigil_scratch *sc);
void vigil_capture_set_name(struct vigil_event *ev, enum vigil_field f,
			    const char *path, u32 len);
void vigil_capture_cmdline(struct vigil_scratch *sc, enum vigil_field f,
			   const char *args, u32 len, char *buf);
void vigil_capture_emit(struct vigil_scratch *sc);

#endif /* VIGIL_CAPTURE_H */
