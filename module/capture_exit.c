// SPDX-License-Identifier: GPL-2.0
/*
 * Process end events, from the sched_process_exit tracepoint that
 * capture.c attaches: when the last thread of a thread group exits, the
 * process ends (event.type "end").  The event is built before the process
 * leaves the process table, from its entry: at this point of do_exit()
 * its memory map is gone, so a process the table does not know is
 * reported with pid, credentials and comm (struct vigil_scratch
 * table_only).  Its files and working directory are still there:
 * process.working_directory is where it ended.
 *
 * process.exit_code is what a shell's $? shows: the exit status, or 128
 * plus the number of the signal that killed the process.
 *
 * The process's name and exit code are set first: when no loaded rule can
 * match an end with those (most end rules name a process: sshd, vmx),
 * nothing else is built (vigil_detect_early(), engine/early.c).
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "capture.h"

/* @code as do_exit() got it (wait(2)'s status) as a shell shows it. */
static u32 shell_status(int code)
{
	if (code & 0x7f)
		return 128 + (code & 0x7f);
	return (code >> 8) & 0xff;
}

/**
 * vigil_capture_exit() - a process ends: report it
 * @p: the exiting task, current, the last live thread of its group
 *
 * Called from capture.c's sched_process_exit probe, before the process
 * leaves the process table.
 */
void vigil_capture_exit(struct task_struct *p)
{
	struct vigil_scratch *sc;
	struct vigil_proc *proc;

	if (!vigil_detect_wants(VIGIL_EV_END))
		return;
	sc = vigil_scratch_get();
	if (!sc)
		return;
	sc->table_only = true;
	rcu_read_lock();
	proc = vigil_capture_current_proc(sc);
	vigil_capture_begin(sc, VIGIL_EV_END);
	/* the early fields first (vigil_early_fields()), and only those */
	vigil_event_set_num(&sc->ev, VIGIL_F_PROCESS_EXIT_CODE,
			    shell_status(READ_ONCE(p->exit_code)));
	vigil_capture_name(sc, proc);
	/* no rule can match it: the rest of the process is not needed */
	if (!vigil_detect_early(&sc->ev, &sc->memo))
		goto out;
	vigil_capture_actor(sc, proc, NULL);
	/* the files and fs are still there: a lookup may lock and resolve */
	sc->table_only = false;
	vigil_capture_cwd(sc);
	vigil_capture_parent(sc, proc);
	vigil_capture_emit(sc);
out:
	rcu_read_unlock();
	vigil_scratch_put(sc);
}
