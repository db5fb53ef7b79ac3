// SPDX-License-Identifier: GPL-2.0
/*
 * Exec events.
 *
 * Hook chain, first that registers wins:
 *   1. tracepoint sched_process_exec (after a successful exec);
 *   2. kretprobe on bprm_execve, reporting only a zero return;
 *   3. kprobe on finalize_exec (past the point of no return).
 * At each of them current->mm is already the new image, so argv is read
 * from mm->arg_start..arg_end with copy_from_user_nofault().  None found:
 * the module does not load.
 *
 * process.executable is d_path(bprm->file) (for a script: the
 * interpreter, as /proc/PID/exe shows), process.name its basename (not
 * comm).  argv is complete up to argv_max_bytes and argv_max_args; a cut
 * sets VIGIL_EVF_ARGS_TRUNCATED and counts VIGIL_STAT_ARGV_TRUNCATED.
 */
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/fs_struct.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>

#include "capture.h"
#include "compat.h"

static unsigned int argv_max_bytes = 32768;
module_param(argv_max_bytes, uint, 0444);
MODULE_PARM_DESC(
	argv_max_bytes,
	"Bytes of argv captured per exec (4096..1048576, default 32768)");

static unsigned int argv_max_args = 1024;
module_param(argv_max_args, uint, 0644);
MODULE_PARM_DESC(argv_max_args,
		 "Arguments captured per exec (1..65536, default 1024)");

#define ARGV_BYTES_MIN 4096U
#define ARGV_BYTES_MAX (1U << 20)
#define ARGV_ARGS_MAX 65536U

/**
 * vigil_capture_argv_cap() - size of the per-CPU argv buffers
 *
 * Process context, at init: clamps argv_max_bytes to its range.
 *
 * Return: the buffer size in bytes.
 */
u32 vigil_capture_argv_cap(void)
{
	argv_max_bytes = clamp(argv_max_bytes, ARGV_BYTES_MIN, ARGV_BYTES_MAX);
	return argv_max_bytes;
}

/* Copies what it can of [start, start + len) page by page. */
static u32 copy_partial(char *buf, unsigned long start, u32 len)
{
	u32 done = 0, chunk;

	while (done < len) {
		chunk = min_t(u32, len - done,
			      PAGE_SIZE - ((start + done) & ~PAGE_MASK));
		if (copy_from_user_nofault(buf + done,
					   (const void __user *)(start + done),
					   chunk))
			break;
		done += chunk;
	}
	return done;
}

/**
 * vigil_capture_argv_parse() - cut raw argv bytes to elements
 * @buf: the bytes of an arg area, as read
 * @len: bytes in @buf (at least one when non-zero)
 * @count: set to the number of elements kept
 * @trunc: set when something was cut (also left set if already set)
 *
 * Keeps at most argv_max_args elements and NUL-terminates the last one
 * (a cut element is kept, cut).
 *
 * Return: bytes kept, NULs included.
 */
u32 vigil_capture_argv_parse(char *buf, u32 len, u32 *count, bool *trunc)
{
	u32 max_args = clamp(READ_ONCE(argv_max_args), 1U, ARGV_ARGS_MAX);
	u32 i, n = 0, last = 0;

	for (i = 0; i < len && n < max_args; i++) {
		if (!buf[i]) {
			n++;
			last = i + 1;
		}
	}
	if (last < len) {
		*trunc = true;
		if (n < max_args) {
			buf[len - 1] = '\0';
			n++;
			last = len;
		}
	}
	*count = n;
	return last;
}

/**
 * vigil_capture_read_argv() - current's argv as NUL-terminated elements
 * @buf: destination
 * @cap: bytes of @buf, at least 1
 * @count: set to the number of elements in @buf
 * @trunc: set when argv did not fit in @cap bytes or argv_max_args, or
 *	could not all be read
 *
 * Atomic context: never faults pages in.
 *
 * Return: bytes used in @buf, NULs included.
 */
u32 vigil_capture_read_argv(char *buf, u32 cap, u32 *count, bool *trunc)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end;
	u32 len, got;

	*count = 0;
	*trunc = false;
	if (!mm)
		return 0;
	spin_lock(&mm->arg_lock);
	start = mm->arg_start;
	end = mm->arg_end;
	spin_unlock(&mm->arg_lock);
	if (end <= start)
		return 0;
	len = min_t(unsigned long, end - start, cap);
	if (len < end - start)
		*trunc = true;
	if (copy_from_user_nofault(buf, (const void __user *)start, len)) {
		got = copy_partial(buf, start, len);
		if (got < len)
			*trunc = true;
		len = got;
	}
	return vigil_capture_argv_parse(buf, len, count, trunc);
}

static void capture_exec(struct linux_binprm *bprm)
{
	struct vigil_proc_image img;
	struct vigil_scratch *sc;
	struct vigil_event *ev;
	struct vigil_proc *p;
	struct fs_struct *fs;
	char *s;

	if (vigil_capture_skip())
		return;
	sc = vigil_scratch_get();
	if (!sc)
		return;
	ev = &sc->ev;

	s = d_path(&bprm->file->f_path, sc->path, PATH_MAX);
	if (IS_ERR(s)) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		goto out;
	}
	img.exe = s;
	img.exe_len = sc->path + PATH_MAX - 1 - s;
	img.args = sc->argv;
	img.args_len = vigil_capture_read_argv(sc->argv, sc->argv_cap,
					       &img.args_count, &img.truncated);

	rcu_read_lock();
	p = vigil_proctab_set(task_tgid_nr(current), &img, true);
	if (!vigil_detect_wants(VIGIL_EV_EXEC))
		goto out_unlock;

	vigil_capture_begin(sc, VIGIL_EV_EXEC);
	vigil_capture_actor(sc, p);
	if (!p) {
		vigil_proc_entity_str(vigil_proctab_new_id(), sc->eid);
		vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, sc->eid,
				    VIGIL_ENTITY_ID_LEN);
	}
	/* The complete argv, not the table's snapshot. */
	sc->flags &= ~VIGIL_EVF_ARGS_TRUNCATED;
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, img.exe,
			    img.exe_len);
	vigil_capture_set_name(ev, VIGIL_F_PROCESS_NAME, img.exe, img.exe_len);
	vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, img.args, img.args_len,
			      img.args_count);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_ARGS_COUNT, img.args_count);
	vigil_capture_cmdline(sc, VIGIL_F_PROCESS_COMMAND_LINE, img.args,
			      img.args_len, sc->cmdline);
	if (img.truncated) {
		sc->flags |= VIGIL_EVF_ARGS_TRUNCATED;
		vigil_stat_inc(VIGIL_STAT_ARGV_TRUNCATED);
	}

	/* fs->lock keeps fs->pwd (and its references) stable for d_path. */
	fs = current->fs;
	if (fs) {
		spin_lock(&fs->lock);
		s = d_path(&fs->pwd, sc->path2, PATH_MAX);
		spin_unlock(&fs->lock);
		if (!IS_ERR(s))
			vigil_event_set_str(ev,
					    VIGIL_F_PROCESS_WORKING_DIRECTORY,
					    s, sc->path2 + PATH_MAX - 1 - s);
	}

	vigil_capture_parent(sc);
	vigil_capture_emit(sc);
out_unlock:
	rcu_read_unlock();
out:
	vigil_scratch_put(sc);
}

/* ---------------- hooks ---------------- */

static struct tracepoint *tp_exec;

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	capture_exec(bprm);
}

static int krp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(struct linux_binprm **)ri->data =
		(struct linux_binprm *)vigil_kprobe_arg(regs, 0);
	return 0;
}

static int krp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (regs_return_value(regs) == 0)
		capture_exec(*(struct linux_binprm **)ri->data);
	return 0;
}

static struct kretprobe krp_exec = {
	.kp.symbol_name = "bprm_execve",
	.entry_handler = krp_entry,
	.handler = krp_return,
	.data_size = sizeof(struct linux_binprm *),
	.maxactive = 64,
};
static bool krp_exec_on;

static int kp_finalize(struct kprobe *kp, struct pt_regs *regs)
{
	capture_exec((struct linux_binprm *)vigil_kprobe_arg(regs, 0));
	return 0;
}

static struct kprobe kp_exec = {
	.symbol_name = "finalize_exec",
	.pre_handler = kp_finalize,
};
static bool kp_exec_on;

/**
 * vigil_capture_exec_init() - register the first exec hook that works
 *
 * Process context.
 *
 * Return: 0, or a negative errno (logged) when no exec hook works.
 */
int vigil_capture_exec_init(void)
{
	int ret;

	tp_exec = vigil_capture_tp_find("sched_process_exec");
	if (tp_exec) {
		ret = tracepoint_probe_register(tp_exec, probe_exec, NULL);
		if (!ret)
			return 0;
		tp_exec = NULL;
	}
	ret = register_kretprobe(&krp_exec);
	if (!ret) {
		krp_exec_on = true;
		pr_info("vigil: exec via kretprobe on bprm_execve\n");
		return 0;
	}
	ret = register_kprobe(&kp_exec);
	if (!ret) {
		kp_exec_on = true;
		pr_info("vigil: exec via kprobe on finalize_exec\n");
		return 0;
	}
	pr_err("vigil: no exec hook (sched_process_exec, bprm_execve, finalize_exec: %d); not loading\n",
	       ret);
	return ret;
}

/**
 * vigil_capture_exec_uninit() - unregister the exec hook
 *
 * Process context.  The caller waits for running tracepoint probes.
 */
void vigil_capture_exec_uninit(void)
{
	if (tp_exec)
		tracepoint_probe_unregister(tp_exec, probe_exec, NULL);
	tp_exec = NULL;
	if (krp_exec_on)
		unregister_kretprobe(&krp_exec);
	krp_exec_on = false;
	if (kp_exec_on)
		unregister_kprobe(&kp_exec);
	kp_exec_on = false;
}
