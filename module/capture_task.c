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
#include <linux/kdev_t.h>
#include <linux/nsproxy.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

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
 * vigil_capture_find() - a process's entry, as the hook may look it up
 * @sc: scratch of the event being built
 * @tgid: the process
 *
 * Caller holds rcu_read_lock().  Under @sc->table_only the entry's
 * recency is left alone: refreshing it takes the table's lock.
 *
 * Return: the entry, or NULL if the process is not tracked.
 */
struct vigil_proc *vigil_capture_find(const struct vigil_scratch *sc,
				      pid_t tgid)
{
	return sc->table_only ? vigil_proctab_peek(tgid) :
				vigil_proctab_lookup(tgid);
}

/**
 * vigil_capture_cut() - field @f of the event in @sc is not whole
 * @sc: scratch with an event begun
 * @f: the field
 *
 * vigil_capture_emit() lists it in vigil.event.truncated.
 */
void vigil_capture_cut(struct vigil_scratch *sc, enum vigil_field f)
{
	sc->cut |= 1ULL << f;
}

/**
 * vigil_capture_path() - d_path that always gives a path
 * @path: what to resolve
 * @buf: destination
 * @size: bytes of @buf, more than NAME_MAX + 4
 * @len: set to the length of the result
 * @cut: set when the result is not the whole path (left set if set)
 *
 * A path longer than @size (nested directories reached with relative
 * paths) is not dropped: its tail is kept behind VIGIL_CUT_MARK, so its
 * last components, and always the name, stay whole (vigil_path_tail()).
 *
 * Return: the path inside @buf.
 */
const char *vigil_capture_path(const struct path *path, char *buf, u32 size,
			       u32 *len, bool *cut)
{
	char *s;

	buf[0] = '\0'; /* vigil_path_tail() tells a filled buffer by it */
	s = d_path(path, buf, size);
	if (!IS_ERR(s)) {
		*len = buf + size - 1 - s;
		return s;
	}
	*cut = true;
	return buf + vigil_path_tail(buf, size, len);
}

/**
 * vigil_capture_file_id() - the identity of a file that a path cannot fake
 * @f: the file
 * @dev: set to its device, encoded as stat(2)'s st_dev
 * @ino: set to its inode number
 */
void vigil_capture_file_id(const struct file *f, u32 *dev, u64 *ino)
{
	const struct inode *inode = file_inode(f);

	*dev = new_encode_dev(inode->i_sb->s_dev);
	*ino = inode->i_ino;
}

/**
 * vigil_capture_task_exe() - the path of a task's executable
 * @t: the task; RCU or a reference keeps it alive
 * @buf: PATH_MAX bytes
 * @len: set to the length of the result
 * @cut: set when the result is not the whole path
 * @dev: NULL, or set to the executable's device (as stat(2) gives it)
 * @ino: NULL, or set to the executable's inode number
 *
 * Return: the path inside @buf, or NULL if @t has no executable.
 */
const char *vigil_capture_task_exe(struct task_struct *t, char *buf, u32 *len,
				   bool *cut, u32 *dev, u64 *ino)
{
	struct file *file = NULL;
	const char *s;

	task_lock(t);
	if (t->mm && !(t->flags & PF_KTHREAD))
		file = vigil_mm_exe_file_get(t->mm);
	task_unlock(t);
	if (!file)
		return NULL;
	s = vigil_capture_path(&file->f_path, buf, PATH_MAX, len, cut);
	if (dev && ino)
		vigil_capture_file_id(file, dev, ino);
	fput(file);
	return s;
}

/**
 * vigil_capture_comm_name() - the name of a process vigil did not see exec
 * @comm: its comm, as get_task_comm() copied it
 * @exe: its executable's path (need not be NUL-terminated)
 * @exe_len: bytes of @exe
 * @len: set to the length of the result
 *
 * Return: @comm, or the executable's basename when @comm is that name
 * cut to fit comm (vigil_comm_name()).
 */
const char *vigil_capture_comm_name(const char *comm, const char *exe,
				    u32 exe_len, u32 *len)
{
	return vigil_comm_name(comm, strnlen(comm, TASK_COMM_LEN),
			       TASK_COMM_LEN - 1, exe, exe_len, len);
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
	sc->cut = 0;
	sc->task = current;
	vigil_event_set_kind(ev, k);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ktime_get_real_ns());
	ev->boot_ns = ktime_get_boottime_ns(); /* history windows */
}

/*
 * Sets @f to @args joined by spaces, in @buf (at least @len bytes), and
 * notes in @ev->joined that the command line joins @args_f, which holds
 * the same @args (whole elements: the last ends in a NUL).
 */
static void set_cmdline(struct vigil_event *ev, enum vigil_field f,
			enum vigil_field args_f, const char *args, u32 len,
			char *buf)
{
	if (!len)
		return;
	vigil_event_set_str(ev, f, buf, vigil_argv_join(buf, args, len));
	if (!args[len - 1])
		ev->joined |= 1ULL << args_f;
}

/*
 * Capability set @caps as field @f, built in @buf if need be: as Elastic,
 * the set as the task holds it, in its own user namespace.  Only when a
 * rule reads it: 41 names make a root alert 0.7 KiB longer.
 */
static void set_caps(struct vigil_event *ev, enum vigil_field f,
		     kernel_cap_t caps, char *buf)
{
	const char *names;
	u32 len, n;

	if (!vigil_detect_reads(f))
		return;
	names = vigil_caps_names(vigil_cap_bits(caps), buf, &len, &n);
	if (names)
		vigil_event_set_array(ev, f, names, len, n);
}

static void set_creds(struct vigil_scratch *sc)
{
	const struct cred *cred = sc->cred ?: current_cred();
	struct vigil_event *ev = &sc->ev;

	vigil_event_set_num(ev, VIGIL_F_USER_ID,
			    from_kuid_munged(&init_user_ns, cred->euid));
	vigil_event_set_num(ev, VIGIL_F_USER_REAL_ID,
			    from_kuid_munged(&init_user_ns, cred->uid));
	vigil_event_set_num(ev, VIGIL_F_GROUP_ID,
			    from_kgid_munged(&init_user_ns, cred->egid));
	vigil_event_set_num(ev, VIGIL_F_GROUP_REAL_ID,
			    from_kgid_munged(&init_user_ns, cred->gid));
	set_caps(ev, VIGIL_F_CAPS_EFFECTIVE, cred->cap_effective, sc->caps_eff);
	set_caps(ev, VIGIL_F_CAPS_PERMITTED, cred->cap_permitted, sc->caps_prm);
}

/*
 * Whether the task runs outside the initial mount and user namespaces,
 * where a path (a bind mount over /usr/bin/true in `unshare -Urm`) no
 * longer says which file runs.  Pointers are only compared.  Another
 * task's nsproxy is read under its task_lock(), as the kernel does.
 */
static void set_namespaces(struct vigil_scratch *sc)
{
	struct mnt_namespace *init_mnt = init_task.nsproxy->mnt_ns;
	struct task_struct *t = sc->task;
	struct vigil_event *ev = &sc->ev;
	const struct cred *cred;
	struct nsproxy *ns;
	bool known, other;

	cred = t == current ? current_cred() : __task_cred(t);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_USER_NS_OTHER,
			    cred->user_ns != &init_user_ns);
	if (t == current) {
		ns = current->nsproxy;
		known = ns;
		other = ns && ns->mnt_ns != init_mnt;
	} else {
		task_lock(t);
		ns = t->nsproxy;
		known = ns;
		other = ns && ns->mnt_ns != init_mnt;
		task_unlock(t);
	}
	if (known)
		vigil_event_set_num(ev, VIGIL_F_PROCESS_MNT_NS_OTHER, other);
}

/**
 * struct proc_fields - the fields one process entry fills
 * @exe: its executable
 * @name: its name
 * @args: its args
 * @cmdline: its command line (VIGIL_F_UNSPEC: none)
 */
struct proc_fields {
	u8 exe;
	u8 name;
	u8 args;
	u8 cmdline;
};

static const struct proc_fields actor_fields = { VIGIL_F_PROCESS_EXECUTABLE,
						 VIGIL_F_PROCESS_NAME,
						 VIGIL_F_PROCESS_ARGS,
						 VIGIL_F_PROCESS_COMMAND_LINE };

static const struct proc_fields parent_fields = { VIGIL_F_PARENT_EXECUTABLE,
						  VIGIL_F_PARENT_NAME,
						  VIGIL_F_PARENT_ARGS,
						  VIGIL_F_PARENT_COMMAND_LINE };

static const struct proc_fields entry_fields = {
	VIGIL_F_ENTRY_LEADER_EXECUTABLE, VIGIL_F_ENTRY_LEADER_NAME,
	VIGIL_F_ENTRY_LEADER_ARGS, VIGIL_F_UNSPEC
};

/* Marks the fields of @pf that @flags (VIGIL_PROC_F_*) says are cut. */
static void proc_cuts(struct vigil_scratch *sc, u32 flags,
		      const struct proc_fields *pf)
{
	if (flags & VIGIL_PROC_F_EXE_TRUNCATED)
		vigil_capture_cut(sc, pf->exe);
	if (flags & VIGIL_PROC_F_NAME_TRUNCATED)
		vigil_capture_cut(sc, pf->name);
	if (flags & VIGIL_PROC_F_ARGS_TRUNCATED) {
		vigil_capture_cut(sc, pf->args);
		if (pf->cmdline)
			vigil_capture_cut(sc, pf->cmdline);
	}
}

/**
 * vigil_capture_entry_facts() - what decides @t's entry leader, into @img
 * @t: current, or a task held by a reference
 * @img: the image being recorded
 *
 * Caller holds rcu_read_lock().  The controlling terminal is read for
 * current only (through get_current_tty(): the lock that guards another
 * task's is not for modules), so processes that predate the module are
 * seeded without one.
 */
void vigil_capture_entry_facts(struct task_struct *t,
			       struct vigil_proc_image *img)
{
	struct tty_struct *tty;

	img->ppid = task_tgid_nr(rcu_dereference(t->real_parent));
	img->sid = pid_nr(task_session(t));
	img->pgid = pid_nr(task_pgrp(t));
	if (t != current)
		return;
	tty = get_current_tty();
	if (!tty)
		return;
	img->tty_major = tty->driver->major;
	img->tty_minor = tty->driver->minor_start + tty->index;
	tty_kref_put(tty);
}

/*
 * The name and entity id of the session or group leader @pid into
 * @name_f and @eid_f (with @eid as the id's buffer): the task's entry @p
 * when @pid is the task, else the table's entry, if tracked.
 */
static void set_relative(struct vigil_scratch *sc, const struct vigil_proc *p,
			 pid_t pid, u8 name_f, u8 eid_f, char *eid)
{
	const struct vigil_proc *r;

	r = pid == task_tgid_nr(sc->task) ? p : vigil_capture_find(sc, pid);
	if (!r)
		return;
	vigil_proc_entity_str(r->entity_id, eid);
	vigil_event_set_str(&sc->ev, eid_f, eid, VIGIL_ENTITY_ID_LEN);
	vigil_event_set_str(&sc->ev, name_f, vigil_proc_name(r), r->name_len);
}

/*
 * process.entry_leader.* from @p's entry, process.session_leader.* and
 * process.group_leader.* from the entries of the task's session and
 * process group leaders.
 */
static void set_leaders(struct vigil_scratch *sc, const struct vigil_proc *p)
{
	const struct vigil_proc *l = vigil_proc_entry_leader(p);
	struct vigil_event *ev = &sc->ev;
	const char *type;
	u32 len;

	type = vigil_entry_type_name(p->entry_type, &len);
	if (l && type) {
		vigil_event_set_str(ev, VIGIL_F_ENTRY_LEADER_TYPE, type, len);
		vigil_proc_entity_str(l->entity_id, sc->leid);
		vigil_event_set_str(ev, VIGIL_F_ENTRY_LEADER_ENTITY_ID,
				    sc->leid, VIGIL_ENTITY_ID_LEN);
		vigil_event_set_str(ev, VIGIL_F_ENTRY_LEADER_EXECUTABLE,
				    vigil_proc_exe(l), l->exe_len);
		vigil_event_set_str(ev, VIGIL_F_ENTRY_LEADER_NAME,
				    vigil_proc_name(l), l->name_len);
		vigil_event_set_array(ev, VIGIL_F_ENTRY_LEADER_ARGS,
				      vigil_proc_args(l), l->args_len,
				      l->args_snap_count);
		proc_cuts(sc, l->flags, &entry_fields);
	}
	set_relative(sc, p, pid_nr(task_session(sc->task)),
		     VIGIL_F_SESSION_LEADER_NAME,
		     VIGIL_F_SESSION_LEADER_ENTITY_ID, sc->seid);
	set_relative(sc, p, pid_nr(task_pgrp(sc->task)),
		     VIGIL_F_GROUP_LEADER_NAME, VIGIL_F_GROUP_LEADER_ENTITY_ID,
		     sc->geid);
}

/*
 * Under @sc->table_only, a process the table does not know: @name_f from
 * @t's comm, copied as it is (its lock is not to be taken), into @buf
 * (TASK_COMM_LEN bytes), and @exe_f marked cut, for it is unknown.
 */
static void name_by_comm(struct vigil_scratch *sc, struct task_struct *t,
			 char *buf, enum vigil_field name_f,
			 enum vigil_field exe_f)
{
	memcpy(buf, t->comm, TASK_COMM_LEN);
	buf[TASK_COMM_LEN - 1] = '\0';
	vigil_event_set_str(&sc->ev, name_f, buf, strlen(buf));
	vigil_capture_cut(sc, exe_f);
}

/**
 * vigil_capture_name() - process.name and process.executable alone, as
 *	vigil_capture_actor() will set them
 * @sc: scratch with an event begun
 * @p: current's process-table entry, or NULL
 *
 * For an early decision (vigil_detect_early(), VIGIL_EARLY_ACTOR_FIELDS)
 * before the rest of the actor is built: from the table entry, or under
 * @sc->table_only without one, the name from comm.
 */
void vigil_capture_name(struct vigil_scratch *sc, const struct vigil_proc *p)
{
	if (p) {
		vigil_event_set_str(&sc->ev, VIGIL_F_PROCESS_EXECUTABLE,
				    vigil_proc_exe(p), p->exe_len);
		vigil_event_set_str(&sc->ev, VIGIL_F_PROCESS_NAME,
				    vigil_proc_name(p), p->name_len);
	} else if (sc->table_only) {
		memcpy(sc->comm, current->comm, TASK_COMM_LEN);
		sc->comm[TASK_COMM_LEN - 1] = '\0';
		vigil_event_set_str(&sc->ev, VIGIL_F_PROCESS_NAME, sc->comm,
				    strlen(sc->comm));
	}
}

/**
 * vigil_capture_cwd() - process.working_directory, current's
 * @sc: scratch with an event begun; its path2 buffer is used
 *
 * Not under @sc->table_only (d_path and fs->lock).
 */
void vigil_capture_cwd(struct vigil_scratch *sc)
{
	struct fs_struct *fs = current->fs;
	bool cut = false;
	const char *cwd;
	u32 len;

	if (!fs || sc->table_only)
		return;
	/* fs->lock keeps fs->pwd (and its references) stable for d_path. */
	spin_lock(&fs->lock);
	cwd = vigil_capture_path(&fs->pwd, sc->path2, PATH_MAX, &len, &cut);
	spin_unlock(&fs->lock);
	vigil_event_set_str(&sc->ev, VIGIL_F_PROCESS_WORKING_DIRECTORY, cwd,
			    len);
	if (cut)
		vigil_capture_cut(sc, VIGIL_F_PROCESS_WORKING_DIRECTORY);
}

/**
 * vigil_capture_process() - report an event of the acting process alone
 * @k: the kind (its hook counted and checked it: vigil_detect_wants())
 * @cred: the credentials the event reports; NULL: current's
 * @cwd: include process.working_directory
 *
 * For the kinds whose fields are all the process's: credential changes
 * and module loads.  Process context, no lock of the kernel's held.
 */
void vigil_capture_process(enum vigil_event_kind k, const struct cred *cred,
			   bool cwd)
{
	struct vigil_scratch *sc = vigil_scratch_get();
	struct vigil_proc *p;

	if (!sc)
		return;
	sc->cred = cred;
	rcu_read_lock();
	p = vigil_capture_current_proc(sc);
	vigil_capture_begin(sc, k);
	vigil_capture_actor(sc, p, NULL);
	if (cwd)
		vigil_capture_cwd(sc);
	vigil_capture_parent(sc, p);
	vigil_capture_emit(sc);
	rcu_read_unlock();
	vigil_scratch_put(sc);
}

/**
 * vigil_capture_actor() - the acting process's fields
 * @sc: scratch with an event begun (@sc->task: the acting task)
 * @p: its entry (NULL: not tracked)
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
	const char *exe, *name, *args;
	u32 exe_len, name_len, args_len, snap_count, args_count, flags, dev;
	u64 ino;

	vigil_event_set_num(ev, VIGIL_F_PROCESS_PID, task_tgid_nr(sc->task));
	set_creds(sc);
	set_namespaces(sc);
	if (!p && !img && sc->table_only)
		name_by_comm(sc, sc->task, sc->comm, VIGIL_F_PROCESS_NAME,
			     VIGIL_F_PROCESS_EXECUTABLE);
	if (!p && !img)
		return;
	vigil_proc_entity_str(p ? p->entity_id : vigil_proctab_new_id(),
			      sc->eid);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, sc->eid,
			    VIGIL_ENTITY_ID_LEN);
	if (img) {
		exe = img->exe;
		exe_len = img->exe_len;
		name = img->name;
		name_len = img->name_len;
		args = img->args;
		args_len = img->args_len;
		snap_count = img->args_kept;
		args_count = img->args_count;
		flags = (img->exe_cut ? VIGIL_PROC_F_EXE_TRUNCATED : 0) |
			(img->truncated ? VIGIL_PROC_F_ARGS_TRUNCATED : 0) |
			(img->tty_major ? VIGIL_PROC_F_INTERACTIVE : 0);
		dev = img->exe_dev;
		ino = img->exe_ino;
	} else {
		exe = vigil_proc_exe(p);
		exe_len = p->exe_len;
		name = vigil_proc_name(p);
		name_len = p->name_len;
		args = vigil_proc_args(p);
		args_len = p->args_len;
		snap_count = p->args_snap_count;
		args_count = p->args_count;
		flags = p->flags;
		dev = p->exe_dev;
		ino = p->exe_ino;
	}
	if (ino) {
		vigil_event_set_num(ev, VIGIL_F_PROCESS_EXE_DEVICE, dev);
		vigil_event_set_num(ev, VIGIL_F_PROCESS_EXE_INODE, ino);
	}
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, exe, exe_len);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, name_len);
	vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, args, args_len,
			      snap_count);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_ARGS_COUNT, args_count);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_INTERACTIVE,
			    !!(flags & VIGIL_PROC_F_INTERACTIVE));
	set_cmdline(ev, VIGIL_F_PROCESS_COMMAND_LINE, VIGIL_F_PROCESS_ARGS,
		    args, args_len, sc->cmdline);
	if (flags & VIGIL_PROC_F_ARGS_TRUNCATED)
		sc->flags |= VIGIL_EVF_ARGS_TRUNCATED;
	proc_cuts(sc, flags, &actor_fields);
	if (p)
		set_leaders(sc, p);
}

/* The parent's fields from its entry @pp. */
static void parent_from_entry(struct vigil_scratch *sc,
			      const struct vigil_proc *pp)
{
	struct vigil_event *ev = &sc->ev;

	vigil_proc_entity_str(pp->entity_id, sc->peid);
	vigil_event_set_str(ev, VIGIL_F_PARENT_ENTITY_ID, sc->peid,
			    VIGIL_ENTITY_ID_LEN);
	vigil_event_set_str(ev, VIGIL_F_PARENT_EXECUTABLE, vigil_proc_exe(pp),
			    pp->exe_len);
	vigil_event_set_str(ev, VIGIL_F_PARENT_NAME, vigil_proc_name(pp),
			    pp->name_len);
	vigil_event_set_array(ev, VIGIL_F_PARENT_ARGS, vigil_proc_args(pp),
			      pp->args_len, pp->args_snap_count);
	vigil_event_set_num(ev, VIGIL_F_PARENT_ARGS_COUNT, pp->args_count);
	vigil_event_set_num(ev, VIGIL_F_PARENT_INTERACTIVE,
			    !!(pp->flags & VIGIL_PROC_F_INTERACTIVE));
	set_cmdline(ev, VIGIL_F_PARENT_COMMAND_LINE, VIGIL_F_PARENT_ARGS,
		    vigil_proc_args(pp), pp->args_len, sc->pcmdline);
	proc_cuts(sc, pp->flags, &parent_fields);
}

/* The parent's user and group ids, from its live credentials. */
static void parent_creds(struct vigil_event *ev, struct task_struct *parent)
{
	const struct cred *cred = __task_cred(parent);

	vigil_event_set_num(ev, VIGIL_F_PARENT_USER_ID,
			    from_kuid_munged(&init_user_ns, cred->euid));
	vigil_event_set_num(ev, VIGIL_F_PARENT_GROUP_ID,
			    from_kgid_munged(&init_user_ns, cred->egid));
}

/**
 * vigil_capture_parent() - the process.parent.* fields of @sc->task
 * @sc: scratch with an event begun
 * @p: the task's entry (NULL: not tracked)
 *
 * Caller holds rcu_read_lock().  The parent is the process that forked
 * current, as recorded in @p at the fork (its image then), so it
 * survives that process's exit and current's reparenting (a double
 * fork).  Its user and group ids come from its live credentials, so they
 * are set only while it is still current's real parent; otherwise they
 * are left out.  Without a recorded parent (current is untracked, or was
 * first seen untracked: forked before insmod, evicted) the parent is
 * current's real parent, looked up in the table.  When that is not
 * tracked either (a kernel thread, an entry evicted or never allocated),
 * its executable comes from its mm, its name from its comm
 * (vigil_capture_comm_name()), it has no args or entity id, and
 * VIGIL_EVF_PARENT_FALLBACK is set.
 */
void vigil_capture_parent(struct vigil_scratch *sc, const struct vigil_proc *p)
{
	struct vigil_event *ev = &sc->ev;
	const struct vigil_proc *pp = p ? vigil_proc_parent(p) : NULL;
	struct task_struct *parent;
	const char *exe, *name;
	bool cut = false;
	u32 len;

	parent = rcu_dereference(sc->task->real_parent);
	if (pp) {
		vigil_event_set_num(ev, VIGIL_F_PARENT_PID, pp->tgid);
		if (task_tgid_nr(parent) == pp->tgid)
			parent_creds(ev, parent);
		parent_from_entry(sc, pp);
		return;
	}
	vigil_event_set_num(ev, VIGIL_F_PARENT_PID, task_tgid_nr(parent));
	parent_creds(ev, parent);
	pp = vigil_capture_find(sc, task_tgid_nr(parent));
	if (pp) {
		parent_from_entry(sc, pp);
		return;
	}

	sc->flags |= VIGIL_EVF_PARENT_FALLBACK;
	if (sc->table_only) {
		name_by_comm(sc, parent, sc->pcomm, VIGIL_F_PARENT_NAME,
			     VIGIL_F_PARENT_EXECUTABLE);
		return;
	}
	exe = vigil_capture_task_exe(parent, sc->path3, &len, &cut, NULL, NULL);
	if (exe)
		vigil_event_set_str(ev, VIGIL_F_PARENT_EXECUTABLE, exe, len);
	if (cut)
		vigil_capture_cut(sc, VIGIL_F_PARENT_EXECUTABLE);
	get_task_comm(sc->pcomm, parent);
	name = vigil_capture_comm_name(sc->pcomm, exe ? exe : "", exe ? len : 0,
				       &len);
	vigil_event_set_str(ev, VIGIL_F_PARENT_NAME, name, len);
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

static u64 dbg_num(const struct vigil_event *ev, enum vigil_field f)
{
	return (ev->present & (1ULL << f)) ? ev->v[f].num : 0;
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
		act.len, act.s, dbg_num(ev, VIGIL_F_PROCESS_PID), eid.len,
		eid.s, exe.len, exe.s, cmd.len, cmd.s, path.len, path.s,
		tgt.len, tgt.s, orig.len, orig.s,
		dbg_num(ev, VIGIL_F_PARENT_PID), peid.len, peid.s, pname.len,
		pname.s, dbg_num(ev, VIGIL_F_EVENT_FLAGS));
}

/*
 * vigil.event.truncated: the names of the fields vigil_capture_cut()
 * marked, with the parts derived from a cut path.  Counted once per event.
 */
static void set_truncated(struct vigil_scratch *sc)
{
	u64 cut = sc->cut;
	u32 len = 0, n = 0, l;
	const char *name;

	if (cut & (1ULL << VIGIL_F_FILE_PATH))
		cut |= 1ULL << VIGIL_F_FILE_DIRECTORY;
	if (cut & (1ULL << VIGIL_F_FILE_ORIG_PATH))
		cut |= 1ULL << VIGIL_F_FILE_ORIG_DIRECTORY;
	for (; cut; cut &= cut - 1) {
		name = vigil_field_name(__builtin_ctzll(cut));
		if (!name)
			continue;
		l = strlen(name) + 1;
		if (WARN_ON_ONCE(l > sizeof(sc->cutnames) - len))
			break;
		memcpy(sc->cutnames + len, name, l);
		len += l;
		n++;
	}
	vigil_event_set_array(&sc->ev, VIGIL_F_EVENT_TRUNCATED, sc->cutnames,
			      len, n);
	sc->flags |= VIGIL_EVF_TRUNCATED;
	vigil_stat_inc(VIGIL_STAT_FIELDS_TRUNCATED);
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

	if (sc->cut)
		set_truncated(sc);
	vigil_event_set_num(ev, VIGIL_F_EVENT_FLAGS, sc->flags);
	if (unlikely(READ_ONCE(capture_debug)))
		debug_log(ev);
	vigil_detect_event(ev, &sc->memo);
}
