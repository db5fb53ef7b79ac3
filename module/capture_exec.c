// SPDX-License-Identifier: GPL-2.0
/*
 * Exec events, and reading a process image: its executable and argv.
 *
 * At each exec hook (capture.c) current->mm is already the new image, so
 * argv is read from mm->arg_start..arg_end with copy_from_user_nofault().
 * Processes not seen exec (running before insmod, or evicted) are read
 * the same way when first seen; the ones running at load are read at
 * load with access_process_vm().
 *
 * process.executable is d_path(bprm->file) (for a script: the
 * interpreter, as /proc/PID/exe shows).  process.name is the name the
 * program was run by, as Elastic Defend reports it: the last component of
 * the path exec was given (bprm->filename; a link, a copy or a script
 * keeps its own name), which is what the kernel sets comm from, but
 * whole, not cut to 15 bytes.  It is recorded at exec, so prctl(2)
 * PR_SET_NAME changes nothing.  A process not seen exec is named from its
 * comm (vigil_capture_comm_name()).  argv is complete up to
 * argv_max_bytes and argv_max_args; a cut sets VIGIL_EVF_ARGS_TRUNCATED
 * and counts VIGIL_STAT_ARGV_TRUNCATED.
 */
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
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

/* vigil_argv_parse() with the argv_max_args in force. */
static u32 argv_parse(char *buf, u32 len, u32 *count, bool *trunc)
{
	return vigil_argv_parse(
		buf, len, clamp(READ_ONCE(argv_max_args), 1U, ARGV_ARGS_MAX),
		count, trunc);
}

/*
 * read_argv() - current's argv as NUL-terminated elements
 * @buf: destination
 * @cap: bytes of @buf, at least 1
 * @count: set to the number of elements in @buf
 * @trunc: set when argv did not fit in @cap bytes or argv_max_args, or
 *	could not all be read
 *
 * Atomic context: never faults pages in.  Return: bytes used in @buf,
 * NULs included.
 */
static u32 read_argv(char *buf, u32 cap, u32 *count, bool *trunc)
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
	return argv_parse(buf, len, count, trunc);
}

/*
 * process.env_vars: the variables loaded rules name, from the new image's
 * environment, read a page piece at a time without faulting.  Nothing
 * else of the environment is kept (env.c).  At most VIGIL_ENV_SCAN_MAX
 * bytes are looked at; a longer environment, or a variable that does not
 * fit, leaves the field marked cut.
 */
static void set_env(struct vigil_scratch *sc)
{
	const struct vigil_env_names *names;
	struct mm_struct *mm = current->mm;
	unsigned long start, end, at, n;
	struct vigil_env_scan st;
	bool cut = false;
	char chunk[256];
	u32 len, count;

	if (!mm || !vigil_detect_reads(VIGIL_F_PROCESS_ENV_VARS))
		return;
	names = vigil_detect_env_names();
	if (!names || !names->n)
		return;
	spin_lock(&mm->arg_lock);
	start = mm->env_start;
	end = mm->env_end;
	spin_unlock(&mm->arg_lock);
	if (end <= start)
		return;
	if (end - start > VIGIL_ENV_SCAN_MAX) {
		end = start + VIGIL_ENV_SCAN_MAX;
		cut = true;
	}
	vigil_env_scan_init(&st, names, sc->env, sizeof(sc->env));
	for (at = start; at < end; at += n) {
		n = min3(end - at, PAGE_SIZE - (at & ~PAGE_MASK),
			 (unsigned long)sizeof(chunk));
		if (copy_from_user_nofault(chunk, (const void __user *)at, n)) {
			cut = true;
			break;
		}
		vigil_env_scan_feed(&st, chunk, n);
	}
	len = vigil_env_scan_end(&st, &count);
	if (count)
		vigil_event_set_array(&sc->ev, VIGIL_F_PROCESS_ENV_VARS,
				      sc->env, len, count);
	if (cut || st.cut)
		vigil_capture_cut(sc, VIGIL_F_PROCESS_ENV_VARS);
}

/*
 * The longest bprm->filename: a path from getname() (PATH_MAX with its
 * NUL), or for execveat() relative to a directory fd "/dev/fd/N/" before
 * one.  A resolved path's last component is at most NAME_MAX bytes.
 */
#define EXEC_FILENAME_MAX (PATH_MAX + sizeof("/dev/fd/-2147483648/"))

/*
 * process.name at exec: the last component of the path exec was given.
 * With no path (execveat() of a file descriptor: fexecve(3), a memfd)
 * the name of the file, as the kernel names the task then; @snap holds
 * it until release_dentry_name_snapshot().  Return: true when @snap was
 * taken.
 */
static bool exec_name(struct vigil_proc_image *img,
		      const struct linux_binprm *bprm,
		      struct name_snapshot *snap)
{
	u32 len, off;

	if (vigil_bprm_empty_path(bprm)) {
		take_dentry_name_snapshot(snap, bprm->file->f_path.dentry);
		img->name = snap->name.name;
		img->name_len = snap->name.len;
		return true;
	}
	len = strnlen(bprm->filename, EXEC_FILENAME_MAX);
	off = vigil_path_base(bprm->filename, len);
	img->name = bprm->filename + off;
	img->name_len = len - off;
	return false;
}

/**
 * vigil_capture_current_proc() - the current process's table entry
 * @sc: scratch (its argv and path3 buffers are used)
 *
 * Caller holds rcu_read_lock().  A process not yet tracked (it existed
 * before insmod or was evicted) is added now from its mm: executable
 * and argv, named from its comm, with a new entity id (not under
 * @sc->table_only, which only looks up).
 *
 * Return: the entry, or NULL when it could not be allocated.
 */
struct vigil_proc *vigil_capture_current_proc(struct vigil_scratch *sc)
{
	struct vigil_proc_image img = { .exe = "" };
	char comm[TASK_COMM_LEN];
	struct vigil_proc *p;

	p = vigil_capture_find(sc, current->tgid);
	if (p || sc->table_only)
		return p;
	img.exe = vigil_capture_task_exe(current, sc->path3, &img.exe_len,
					 &img.exe_cut, &img.exe_dev,
					 &img.exe_ino);
	if (!img.exe) {
		img.exe = "";
		img.exe_len = 0;
	}
	get_task_comm(comm, current);
	img.name = vigil_capture_comm_name(comm, img.exe, img.exe_len,
					   &img.name_len);
	img.args = sc->argv;
	img.args_len = read_argv(sc->argv, sc->argv_cap, &img.args_kept,
				 &img.truncated);
	img.args_count = img.args_kept;
	vigil_capture_entry_facts(current, &img);
	return vigil_proctab_set(current->tgid, &img, false);
}

/**
 * vigil_capture_exec() - an exec succeeded: record the image, report it
 * @bprm: the exec's binprm; current->mm is the new image
 *
 * Called from the exec hook (capture.c).
 */
void vigil_capture_exec(struct linux_binprm *bprm)
{
	struct vigil_proc_image img = {};
	struct name_snapshot snap;
	struct vigil_scratch *sc;
	struct vigil_proc *p;
	bool snapped;

	if (vigil_capture_skip())
		return;
	sc = vigil_scratch_get();
	if (!sc)
		return;

	/* Whatever the path, the new image replaces the old entry. */
	img.exe = vigil_capture_path(&bprm->file->f_path, sc->path, PATH_MAX,
				     &img.exe_len, &img.exe_cut);
	vigil_capture_file_id(bprm->file, &img.exe_dev, &img.exe_ino);
	snapped = exec_name(&img, bprm, &snap);
	img.args = sc->argv;
	img.args_len = read_argv(sc->argv, sc->argv_cap, &img.args_kept,
				 &img.truncated);
	/* The count exec was given, however much of argv was kept. */
	img.args_count = bprm->argc;

	rcu_read_lock();
	vigil_capture_entry_facts(current, &img);
	p = vigil_proctab_set(task_tgid_nr(current), &img, true);
	if (!vigil_detect_wants(VIGIL_EV_EXEC))
		goto out_unlock;

	vigil_capture_begin(sc, VIGIL_EV_EXEC);
	vigil_capture_actor(sc, p, &img);
	set_env(sc);
	if (img.truncated)
		vigil_stat_inc(VIGIL_STAT_ARGV_TRUNCATED);

	vigil_capture_cwd(sc);
	vigil_capture_parent(sc, p);
	vigil_capture_emit(sc);
out_unlock:
	rcu_read_unlock();
	if (snapped)
		release_dentry_name_snapshot(&snap);
	vigil_scratch_put(sc);
}

/* ---------------- processes that predate the module ---------------- */

/*
 * Adds one running process to the table (unless the hooks already did):
 * executable from its mm, name from its comm, argv read with
 * access_process_vm().  Process context; @buf holds PATH_MAX bytes,
 * @args @cap bytes.
 */
static void seed_one(struct task_struct *t, char *buf, char *args, u32 cap)
{
	struct vigil_proc_image img = { .exe = "" };
	char comm[TASK_COMM_LEN];
	unsigned long start, end;
	struct mm_struct *mm;
	struct file *f;
	int got;

	mm = get_task_mm(t);
	if (!mm)
		return;
	f = vigil_mm_exe_file_get(mm);
	if (f) {
		img.exe = vigil_capture_path(&f->f_path, buf, PATH_MAX,
					     &img.exe_len, &img.exe_cut);
		vigil_capture_file_id(f, &img.exe_dev, &img.exe_ino);
		fput(f);
	}
	get_task_comm(comm, t);
	img.name = vigil_capture_comm_name(comm, img.exe, img.exe_len,
					   &img.name_len);
	spin_lock(&mm->arg_lock);
	start = mm->arg_start;
	end = mm->arg_end;
	spin_unlock(&mm->arg_lock);
	mmput(mm);
	if (end > start) {
		img.truncated = end - start > cap;
		got = access_process_vm(t, start, args,
					min_t(unsigned long, end - start, cap),
					0);
		if (got > 0) {
			img.args = args;
			img.args_len = argv_parse(args, got, &img.args_kept,
						  &img.truncated);
			img.args_count = img.args_kept;
		}
	}
	rcu_read_lock();
	vigil_capture_entry_facts(t, &img);
	vigil_proctab_set(task_tgid_nr(t), &img, false);
	rcu_read_unlock();
}

/*
 * One already_running event for @t, held by a reference: its entry, its
 * credentials and its parent, as any event of it would have them (no
 * working directory: another task's is not read).  Process context.
 */
static void running_one(struct task_struct *t)
{
	struct vigil_scratch *sc;
	struct vigil_proc *p;

	if (!vigil_detect_wants(VIGIL_EV_ALREADY_RUNNING))
		return;
	sc = vigil_scratch_get();
	if (!sc)
		return;
	rcu_read_lock();
	vigil_capture_begin(sc, VIGIL_EV_ALREADY_RUNNING);
	sc->task = t;
	sc->cred = __task_cred(t);
	p = vigil_capture_find(sc, task_tgid_nr(t));
	vigil_capture_actor(sc, p, NULL);
	vigil_capture_parent(sc, p);
	vigil_capture_emit(sc);
	sc->cred = NULL;
	rcu_read_unlock();
	vigil_scratch_put(sc);
}

/*
 * Up to @cap user processes, each with a reference, into @tasks.
 * Return: how many.
 */
static unsigned int running_tasks(struct task_struct **tasks, unsigned int cap)
{
	struct task_struct *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(t) {
		if (n == cap)
			break;
		if (t->flags & PF_KTHREAD)
			continue;
		get_task_struct(t);
		tasks[n++] = t;
	}
	rcu_read_unlock();
	return n;
}

/**
 * vigil_capture_already_running() - report the running processes
 *
 * After a ruleset is loaded, when one of its rules asks for
 * already_running events (Elastic Defend's snapshot of the processes
 * running when it starts): one event per user process, at most the
 * process table's capacity of them (when that many run, some may be left
 * out: counted once in capture_errors).  Process context, after the
 * load; sleeps between processes.
 */
void vigil_capture_already_running(void)
{
	unsigned int cap = vigil_proctab_capacity(), n, i;
	struct task_struct **tasks;

	if (!vigil_detect_may_want(VIGIL_EV_ALREADY_RUNNING))
		return;
	tasks = kvmalloc_array(cap, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		return;
	}
	n = running_tasks(tasks, cap);
	if (n == cap)
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
	for (i = 0; i < n; i++) {
		running_one(tasks[i]);
		put_task_struct(tasks[i]);
		cond_resched();
	}
	kvfree(tasks);
}

/**
 * vigil_capture_seed() - add the processes that predate the hooks
 *
 * Process context, after the hooks are registered (so a process that
 * execs meanwhile is recorded by its exec, which wins).  Entries get new
 * entity ids.  Processes that could not be added (no memory, the table
 * is full) fall back as described in vigil_capture_parent().
 *
 * Return: 0 or -ENOMEM (nothing seeded; not fatal).
 */
int vigil_capture_seed(void)
{
	unsigned int cap = vigil_proctab_capacity(), n, i;
	u32 argv_cap = vigil_capture_argv_cap();
	struct task_struct **tasks;
	char *buf = NULL, *args = NULL;
	int ret = -ENOMEM;

	tasks = kvmalloc_array(cap, sizeof(*tasks), GFP_KERNEL);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	args = kvmalloc(argv_cap, GFP_KERNEL);
	if (!tasks || !buf || !args)
		goto out;

	n = running_tasks(tasks, cap);
	for (i = 0; i < n; i++) {
		seed_one(tasks[i], buf, args, argv_cap);
		put_task_struct(tasks[i]);
		cond_resched();
	}
	ret = 0;
out:
	kvfree(args);
	kfree(buf);
	kvfree(tasks);
	return ret;
}
