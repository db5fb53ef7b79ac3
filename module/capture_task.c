// SPDX-License-Identifier: GPL-2.0
/*
 * The base layer of capture: what every event carries.  An event is
 * begun, gets the acting process's fields and its parent's, and is
 * emitted to detection; capture_exec.c and capture_file.c build on this
 * and nothing here calls back up into them.
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
 * vigil_capture_begin() - start a new event in @sc
 * @sc: scratch
 * @k: what happened
 *
 * Sets kind, timestamp (CLOCK_REALTIME) and host.os.type.
 */
void vigil_capture_begin(struct vigil_scratch *sc, enum vigil_event_kind k)
{
	struct vigil_event *ev = &sc->ev;

	vigil_event_init(ev);
	sc->flags = 0;
	vigil_event_set_kind(ev, k);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ktime_get_real_ns());
	vigil_event_set_str(ev, VIGIL_F_HOST_OS_TYPE, "linux", 5);
}

/* Sets @f to the basename of @path. */
static void set_name(struct vigil_event *ev, enum vigil_field f,
		     const char *path, u32 len)
{
	u32 off = vigil_path_base(path, len);

	vigil_event_set_str(ev, f, path + off, len - off);
}

/* Sets @f to @args joined by spaces, in @buf (at least @len bytes). */
static void set_cmdline(struct vigil_event *ev, enum vigil_field f,
			const char *args, u32 len, char *buf)
{
	if (len)
		vigil_event_set_str(ev, f, buf, vigil_argv_join(buf, args, len));
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
 * @p: current's entry (NULL: not tracked)
 * @img: at exec, the new image as read (complete argv); NULL for other
 *	events, which take the entry's snapshot
 *
 * Caller holds rcu_read_lock().  Each field is set once.  Without @p or
 * @img only pid and credentials are known; without @p at exec the image
 * still gets a new entity id.
 */
void vigil_capture_actor(struct vigil_scratch *sc, const struct vigil_proc *p,
			 const struct vigil_proc_image *img)
{
	struct vigil_event *ev = &sc->ev;
	const char *exe, *args;
	u32 exe_len, args_len, snap_count, args_count;
	bool cut;

	vigil_event_set_num(ev, VIGIL_F_PROCESS_PID, task_tgid_nr(current));
	set_creds(ev);
	if (!p && !img)
		return;
	vigil_proc_entity_str(p ? p->entity_id : vigil_proctab_new_id(),
			      sc->eid);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, sc->eid,
			    VIGIL_ENTITY_ID_LEN);
	if (img) {
		exe = img->exe;
		exe_len = img->exe_len;
		args = img->args;
		args_len = img->args_len;
		snap_count = img->args_kept;
		args_count = img->args_count;
		cut = img->truncated;
	} else {
		exe = vigil_proc_exe(p);
		exe_len = p->exe_len;
		args = vigil_proc_args(p);
		args_len = p->args_len;
		snap_count = p->args_snap_count;
		args_count = p->args_count;
		cut = p->flags & VIGIL_PROC_F_ARGS_TRUNCATED;
	}
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, exe, exe_len);
	set_name(ev, VIGIL_F_PROCESS_NAME, exe, exe_len);
	vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, args, args_len,
			      snap_count);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_ARGS_COUNT, args_count);
	set_cmdline(ev, VIGIL_F_PROCESS_COMMAND_LINE, args, args_len,
		    sc->cmdline);
	if (cut)
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
		set_name(ev, VIGIL_F_PARENT_NAME, vigil_proc_exe(pp),
			 pp->exe_len);
		vigil_event_set_array(ev, VIGIL_F_PARENT_ARGS,
				      vigil_proc_args(pp), pp->args_len,
				      pp->args_snap_count);
		vigil_event_set_num(ev, VIGIL_F_PARENT_ARGS_COUNT,
				    pp->args_count);
		set_cmdline(ev, VIGIL_F_PARENT_COMMAND_LINE,
			    vigil_proc_args(pp), pp->args_len, sc->pcmdline);
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
