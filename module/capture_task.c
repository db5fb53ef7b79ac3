// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle (fork, exit), hook registration as a whole, and the
 * process fields shared by every event.
 *
 * fork: sched_process_fork; a new thread group gets a copy of its
 *	parent's process-table entry, with the same entity id (same image).
 * exit: sched_process_exit; when the last thread of a group exits
 *	(signal->live already dropped to zero) the entry is removed, and
 *	the state of its entity id is dropped if no other process has it.
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "capture.h"
#include "compat.h"

static bool capture_debug;
module_param(capture_debug, bool, 0644);
MODULE_PARM_DESC(capture_debug, "Log every captured event (rate-limited)");

struct tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tp_match(struct tracepoint *tp, void *priv)
{
	struct tp_lookup *l = priv;

	if (!l->tp && !strcmp(tp->name, l->name))
		l->tp = tp;
}

/**
 * vigil_capture_tp_find() - a core-kernel tracepoint by name
 * @name: e.g. "sched_process_exec"
 *
 * Process context.  The sched tracepoints are not exported for direct
 * use, so they are looked up by name.
 *
 * Return: the tracepoint, or NULL.
 */
struct tracepoint *vigil_capture_tp_find(const char *name)
{
	struct tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(tp_match, &l);
	return l.tp;
}

/**
 * vigil_capture_skip() - should the current task's activity be ignored?
 *
 * Kernel threads (this includes vigil's own alert worker) are not
 * captured: they have no user image, argv or parent of interest.
 *
 * Return: true to ignore.
 */
bool vigil_capture_skip(void)
{
	return (current->flags & PF_KTHREAD) || !current->mm;
}

/**
 * vigil_capture_task_exe() - d_path of a task's executable
 * @t: the task; RCU or a reference keeps it alive
 * @buf: PATH_MAX bytes
 * @len: set to the length of the result
 *
 * Return: the path inside @buf, or NULL if @t has no executable.
 */
const char *vigil_capture_task_exe(struct task_struct *t, char *buf, u32 *len)
{
	struct file *f = NULL;
	char *s;

	task_lock(t);
	if (t->mm && !(t->flags & PF_KTHREAD))
		f = vigil_mm_exe_file_get(t->mm);
	task_unlock(t);
	if (!f)
		return NULL;
	s = d_path(&f->f_path, buf, PATH_MAX);
	fput(f);
	if (IS_ERR(s))
		return NULL;
	*len = buf + PATH_MAX - 1 - s;
	return s;
}

/**
 * vigil_capture_current_proc() - the current process's table entry
 * @sc: scratch (its argv and path buffers are used)
 *
 * Caller holds rcu_read_lock().  A process not yet tracked (it existed
 * before insmod or was evicted) is added now from its mm: executable
 * and argv, with a new entity id.
 *
 * Return: the entry, or NULL when it could not be allocated.
 */
struct vigil_proc *vigil_capture_current_proc(struct vigil_scratch *sc)
{
	struct vigil_proc_image img = { .exe = "" };
	struct vigil_proc *p;

	p = vigil_proctab_lookup(current->tgid);
	if (p)
		return p;
	img.exe = vigil_capture_task_exe(current, sc->path3, &img.exe_len);
	if (!img.exe) {
		img.exe = "";
		img.exe_len = 0;
	}
	img.args = sc->argv;
	img.args_len = vigil_capture_read_argv(sc->argv, sc->argv_cap,
					       &img.args_count, &img.truncated);
	return vigil_proctab_set(current->tgid, &img, false);
}

/**
 * vigil_capture_begin() - start a new event in @sc
 * @sc: scratch
 * @k: what happened
 *
 * Sets kind, timestamp (CLOCK_REALTIME), the window clock (CLOCK_BOOTTIME,
 * see vigil_event_window_ns()) and host.os.type.
 */
void vigil_capture_begin(struct vigil_scratch *sc, enum vigil_event_kind k)
{
	struct vigil_event *ev = &sc->ev;

	vigil_event_init(ev);
	sc->flags = 0;
	vigil_event_set_kind(ev, k);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ktime_get_real_ns());
	ev->boot_ns = ktime_get_boottime_ns(); /* history windows */
	vigil_event_set_str(ev, VIGIL_F_HOST_OS_TYPE, "linux", 5);
}

/**
 * vigil_capture_set_name() - set a name field to a path's basename
 * @ev: the event
 * @f: VIGIL_F_PROCESS_NAME or VIGIL_F_PARENT_NAME
 * @path: the path (need not be NUL-terminated)
 * @len: bytes of @path
 */
void vigil_capture_set_name(struct vigil_event *ev, enum vigil_field f,
			    const char *path, u32 len)
{
	u32 off = len;

	while (off && path[off - 1] != '/')
		off--;
	vigil_event_set_str(ev, f, path + off, len - off);
}

/**
 * vigil_capture_cmdline() - set a command line joined from args
 * @sc: scratch
 * @f: VIGIL_F_PROCESS_COMMAND_LINE or VIGIL_F_PARENT_COMMAND_LINE
 * @args: NUL-terminated elements back to back
 * @len: bytes of @args
 * @buf: at least @len bytes
 */
void vigil_capture_cmdline(struct vigil_scratch *sc, enum vigil_field f,
			   const char *args, u32 len, char *buf)
{
	u32 i;

	if (!len)
		return;
	for (i = 0; i < len - 1; i++)
		buf[i] = args[i] ? args[i] : ' ';
	buf[len - 1] = '\0';
	vigil_event_set_str(&sc->ev, f, buf, len - 1);
}

static void set_creds(struct vigil_event *ev)
{
	const struct cred *cred = current_cred();

	vigil_event_set_num(ev, VIGIL_F_USER_ID,
			    from_kuid_munged(&init_user_ns, cred->euid));
	vigil_event_set_num(ev, VIGIL_F_USER_REAL_ID,
			    from_kuid_munged(&init_user_ns, cred->uid));
	vigil_event_set_num(ev, VIGIL_F_GROUP_ID,
			    from_kgid_munged(&init_user_ns, cred->egid));
	vigil_event_set_num(ev, VIGIL_F_GROUP_REAL_ID,
			    from_kgid_munged(&init_user_ns, cred->gid));
}

/**
 * vigil_capture_actor() - the acting process's fields
 * @sc: scratch with an event begun
 * @p: current's entry (NULL: only pid and credentials are known)
 *
 * Caller holds rcu_read_lock().  The args are the entry's snapshot
 * (exec events override them with the complete argv).
 */
void vigil_capture_actor(struct vigil_scratch *sc, const struct vigil_proc *p)
{
	struct vigil_event *ev = &sc->ev;

	vigil_event_set_num(ev, VIGIL_F_PROCESS_PID, task_tgid_nr(current));
	set_creds(ev);
	if (!p)
		return;
	vigil_proc_entity_str(p->entity_id, sc->eid);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, sc->eid,
			    VIGIL_ENTITY_ID_LEN);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, vigil_proc_exe(p),
			    p->exe_len);
	vigil_capture_set_name(ev, VIGIL_F_PROCESS_NAME, vigil_proc_exe(p),
			       p->exe_len);
	vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, vigil_proc_args(p),
			      p->args_len, p->args_snap_count);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_ARGS_COUNT, p->args_count);
	vigil_capture_cmdline(sc, VIGIL_F_PROCESS_COMMAND_LINE,
			      vigil_proc_args(p), p->args_len, sc->cmdline);
	if (p->flags & VIGIL_PROC_F_ARGS_TRUNCATED)
		sc->flags |= VIGIL_EVF_ARGS_TRUNCATED;
}

/**
 * vigil_capture_parent() - the process.parent.* fields of current
 * @sc: scratch with an event begun
 *
 * Caller holds rcu_read_lock().  The parent is current's real parent.
 * When it is not tracked (a kernel thread, an entry evicted or never
 * allocated), its executable comes from its mm, its name is its comm, it
 * has no args or entity id, and VIGIL_EVF_PARENT_FALLBACK is set.
 */
void vigil_capture_parent(struct vigil_scratch *sc)
{
	struct vigil_event *ev = &sc->ev;
	struct task_struct *parent;
	const struct cred *cred;
	struct vigil_proc *pp;
	const char *exe;
	u32 len;

	parent = rcu_dereference(current->real_parent);
	cred = __task_cred(parent);
	vigil_event_set_num(ev, VIGIL_F_PARENT_PID, task_tgid_nr(parent));
	vigil_event_set_num(ev, VIGIL_F_PARENT_USER_ID,
			    from_kuid_munged(&init_user_ns, cred->euid));
	vigil_event_set_num(ev, VIGIL_F_PARENT_GROUP_ID,
			    from_kgid_munged(&init_user_ns, cred->egid));

	pp = vigil_proctab_lookup(task_tgid_nr(parent));
	if (pp) {
		vigil_proc_entity_str(pp->entity_id, sc->peid);
		vigil_event_set_str(ev, VIGIL_F_PARENT_ENTITY_ID, sc->peid,
				    VIGIL_ENTITY_ID_LEN);
		vigil_event_set_str(ev, VIGIL_F_PARENT_EXECUTABLE,
				    vigil_proc_exe(pp), pp->exe_len);
		vigil_capture_set_name(ev, VIGIL_F_PARENT_NAME,
				       vigil_proc_exe(pp), pp->exe_len);
		vigil_event_set_array(ev, VIGIL_F_PARENT_ARGS,
				      vigil_proc_args(pp), pp->args_len,
				      pp->args_snap_count);
		vigil_event_set_num(ev, VIGIL_F_PARENT_ARGS_COUNT,
				    pp->args_count);
		vigil_capture_cmdline(sc, VIGIL_F_PARENT_COMMAND_LINE,
				      vigil_proc_args(pp), pp->args_len,
				      sc->pcmdline);
		return;
	}

	sc->flags |= VIGIL_EVF_PARENT_FALLBACK;
	exe = vigil_capture_task_exe(parent, sc->path3, &len);
	if (exe)
		vigil_event_set_str(ev, VIGIL_F_PARENT_EXECUTABLE, exe, len);
	task_lock(parent);
	strscpy(sc->pcomm, parent->comm, sizeof(sc->pcomm));
	task_unlock(parent);
	vigil_event_set_str(ev, VIGIL_F_PARENT_NAME, sc->pcomm,
			    strlen(sc->pcomm));
}

struct dbg_str {
	int len;
	const char *s;
};

static struct dbg_str dbg(const struct vigil_event *ev, enum vigil_field f)
{
	struct dbg_str d = { 0, "" };

	if (ev->present & (1ULL << f)) {
		d.len = min_t(u32, ev->v[f].len, 256);
		d.s = ev->v[f].str;
	}
	return d;
}

static DEFINE_RATELIMIT_STATE(debug_rs, 5 * HZ, 500);

static void debug_log(const struct vigil_event *ev)
{
	struct dbg_str act = dbg(ev, VIGIL_F_EVENT_ACTION);
	struct dbg_str eid = dbg(ev, VIGIL_F_PROCESS_ENTITY_ID);
	struct dbg_str exe = dbg(ev, VIGIL_F_PROCESS_EXECUTABLE);
	struct dbg_str cmd = dbg(ev, VIGIL_F_PROCESS_COMMAND_LINE);
	struct dbg_str path = dbg(ev, VIGIL_F_FILE_PATH);
	struct dbg_str tgt = dbg(ev, VIGIL_F_FILE_TARGET_PATH);
	struct dbg_str orig = dbg(ev, VIGIL_F_FILE_ORIG_PATH);
	struct dbg_str peid = dbg(ev, VIGIL_F_PARENT_ENTITY_ID);
	struct dbg_str pname = dbg(ev, VIGIL_F_PARENT_NAME);

	if (!__ratelimit(&debug_rs))
		return;
	pr_info("vigil: %.*s pid=%llu eid=%.*s exe=%.*s cmd=[%.*s] path=%.*s target=%.*s orig=%.*s ppid=%llu peid=%.*s pname=%.*s flags=%llu\n",
		act.len, act.s, ev->v[VIGIL_F_PROCESS_PID].num, eid.len, eid.s,
		exe.len, exe.s, cmd.len, cmd.s, path.len, path.s, tgt.len,
		tgt.s, orig.len, orig.s, ev->v[VIGIL_F_PARENT_PID].num,
		peid.len, peid.s, pname.len, pname.s,
		ev->v[VIGIL_F_EVENT_FLAGS].num);
}

/**
 * vigil_capture_emit() - hand the finished event in @sc to detection
 * @sc: scratch with a complete event
 *
 * Sets the event flags; vigil_detect_event() counts the event.
 */
void vigil_capture_emit(struct vigil_scratch *sc)
{
	struct vigil_event *ev = &sc->ev;

	vigil_event_set_num(ev, VIGIL_F_EVENT_FLAGS, sc->flags);
	if (unlikely(READ_ONCE(capture_debug)))
		debug_log(ev);
	vigil_detect_event(ev);
}

/* ---------------- processes that predate the module ---------------- */

/*
 * Adds one running process to the table (unless the hooks already did):
 * executable from its mm, argv read with access_process_vm().  Process
 * context; @buf holds PATH_MAX bytes, @args @cap bytes.
 */
static void seed_one(struct task_struct *t, char *buf, char *args, u32 cap)
{
	struct vigil_proc_image img = { .exe = "" };
	unsigned long start, end;
	struct mm_struct *mm;
	struct file *f;
	char *s;
	int got;

	mm = get_task_mm(t);
	if (!mm)
		return;
	f = vigil_mm_exe_file_get(mm);
	if (f) {
		s = d_path(&f->f_path, buf, PATH_MAX);
		fput(f);
		if (!IS_ERR(s)) {
			img.exe = s;
			img.exe_len = buf + PATH_MAX - 1 - s;
		}
	}
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
			img.args_len = vigil_capture_argv_parse(
				args, got, &img.args_count, &img.truncated);
		}
	}
	rcu_read_lock();
	vigil_proctab_set(task_tgid_nr(t), &img, false);
	rcu_read_unlock();
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
	unsigned int cap = vigil_proctab_capacity(), n = 0, i;
	u32 argv_cap = vigil_capture_argv_cap();
	struct task_struct **tasks, *t;
	char *buf = NULL, *args = NULL;
	int ret = -ENOMEM;

	tasks = kvmalloc_array(cap, sizeof(*tasks), GFP_KERNEL);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	args = kvmalloc(argv_cap, GFP_KERNEL);
	if (!tasks || !buf || !args)
		goto out;

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

/* ---------------- fork and exit ---------------- */

static struct tracepoint *tp_fork, *tp_exit;

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if ((child->flags & PF_KTHREAD) || !thread_group_leader(child))
		return;
	vigil_proctab_fork(task_tgid_nr(parent), task_tgid_nr(child));
}

static void probe_exit(void *data, VIGIL_TP_EXIT_PROTO)
{
	if (p->flags & PF_KTHREAD)
		return;
	/* do_exit() dropped signal->live before this tracepoint. */
	if (atomic_read(&p->signal->live))
		return;
	vigil_proctab_exit(task_tgid_nr(p));
}

static int tp_register(struct tracepoint **slot, const char *name, void *probe)
{
	struct tracepoint *tp = vigil_capture_tp_find(name);
	int ret;

	if (!tp) {
		pr_err("vigil: required tracepoint %s not found; not loading\n",
		       name);
		return -ENOENT;
	}
	ret = tracepoint_probe_register(tp, probe, NULL);
	if (ret) {
		pr_err("vigil: cannot attach to tracepoint %s (%d); not loading\n",
		       name, ret);
		return ret;
	}
	*slot = tp;
	return 0;
}

static void tp_unregister(struct tracepoint **slot, void *probe)
{
	if (*slot)
		tracepoint_probe_unregister(*slot, probe, NULL);
	*slot = NULL;
}

/**
 * vigil_capture_init() - allocate scratch and register every hook
 *
 * Process context; vigil_proctab_init() has run.  Either every hook is
 * registered or none: a missing required hook fails the load with a
 * message naming it.
 *
 * Return: 0 or a negative errno.
 */
int vigil_capture_init(void)
{
	int ret;

	ret = vigil_scratch_init(vigil_capture_argv_cap());
	if (ret)
		return ret;
	ret = tp_register(&tp_exit, "sched_process_exit", probe_exit);
	if (ret)
		goto err_free_scratch;
	ret = tp_register(&tp_fork, "sched_process_fork", probe_fork);
	if (ret)
		goto err_unregister_exit;
	ret = vigil_capture_exec_init();
	if (ret)
		goto err_unregister_fork;
	ret = vigil_capture_file_init();
	if (ret)
		goto err_uninit_exec;
	if (vigil_capture_seed())
		pr_warn("vigil: no memory to record running processes\n");
	return 0;

err_uninit_exec:
	vigil_capture_exec_uninit();
err_unregister_fork:
	tp_unregister(&tp_fork, probe_fork);
err_unregister_exit:
	tp_unregister(&tp_exit, probe_exit);
	tracepoint_synchronize_unregister();
err_free_scratch:
	vigil_scratch_uninit();
	return ret;
}

/**
 * vigil_capture_uninit() - unregister every hook, wait, free scratch
 *
 * Process context.  On return no hook is running or can run.
 */
void vigil_capture_uninit(void)
{
	vigil_capture_file_uninit();
	vigil_capture_exec_uninit();
	tp_unregister(&tp_fork, probe_fork);
	tp_unregister(&tp_exit, probe_exit);
	/* Tracepoint probes still running finish; kprobes already did. */
	tracepoint_synchronize_unregister();
	synchronize_rcu();
	vigil_scratch_uninit();
}
