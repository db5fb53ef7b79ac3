// SPDX-License-Identifier: GPL-2.0
/*
 * File events, from kprobes on the LSM path hooks (CONFIG_SECURITY_PATH):
 *
 *   security_path_symlink(dir, dentry, old_name)     SYMLINK
 *   security_path_link(old_dentry, new_dir, new_dentry)  CREATE (hard link)
 *   security_path_mknod(dir, dentry, mode, dev)      CREATE, mknod(2) only
 *   security_file_open(file) with FMODE_CREATED      CREATE (open O_CREAT)
 *   security_file_open(file), any other open         OPEN (opened-file)
 *   security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags)
 *                                                    RENAME
 *   security_path_unlink(dir, dentry)                DELETE
 *
 * Paths are d_path() of the directory plus the new entry's name, so they
 * are absolute in the caller's mount namespace view, as d_path gives them.
 *
 * When each fires: the security_path_* hooks run after the name lookup
 * (the target's existence is already checked) but before the
 * filesystem's permission check and the operation itself, so an
 * operation that then fails (EACCES on the directory, ENOSPC, a
 * filesystem error) is still reported as an attempt.  security_file_open
 * runs after the file was created, so open(O_CREAT) events are always
 * real creations.
 *
 * Opens: every open of an existing file, directory or device by a user
 * process, as auditd's "opened-file" (open(2), openat(2), creat(2) of
 * an existing file).  An open that creates the file is its CREATE
 * event only; execve's and uselib's opens of the program are left out
 * (the exec event reports them), and so are the kernel's own opens
 * behind an overlay file (vigil_file_open_not_users()).  O_PATH opens
 * never reach the hook.
 *
 * Every file event is described by its path first (d_path, and the
 * name, directory and extension made of it; a rename's new path) and
 * the actor's name and program from the process table, and built
 * further (a rename's old path, a symlink's target, the process and its
 * parent) only when a rule may match what they show
 * (vigil_detect_early()).
 *
 * mknod: may_o_create() calls security_path_mknod() for every O_CREAT
 * open too, so that hook reports only when current is inside mknod(2)
 * or mknodat(2) (vigil_in_mknod_syscall()); an open that creates a file
 * is reported once, at security_file_open.
 *
 * Each hook has a chain of symbol names that capture.c tries in order.
 * Only names with the same calling convention are listed: a
 * compiler-cloned variant (.isra, .constprop, .part) has a rewritten
 * argument list, and probing it with this handler would read the wrong
 * registers.  If no name of a chain can be probed, the module does not
 * load.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/path.h>

#include "capture.h"
#include "compat.h"

/*
 * Writes d_path(@dir) + "/" + @d's name into @buf (PATH_MAX bytes).  A
 * directory too long for the room left is kept as its marked tail
 * (vigil_capture_path()) and *@cut is set; the name is always whole.
 */
static const char *entry_path(char *buf, const struct path *dir,
			      const struct dentry *d, u32 *len, bool *cut)
{
	u32 nlen = min_t(u32, READ_ONCE(d->d_name.len), NAME_MAX);
	const char *s;
	char *end;
	u32 dlen;

	/* Leave room after the directory for '/', the name and a NUL. */
	s = vigil_capture_path(dir, buf, PATH_MAX - nlen - 1, &dlen, cut);
	end = (char *)s + dlen; /* the directory's NUL */
	if (dlen != 1 || *s != '/')
		*end++ = '/';
	memcpy(end, d->d_name.name, nlen);
	end[nlen] = '\0';
	*len = end + nlen - s;
	return s;
}

/*
 * Opens that are not the user's own: execve(2) and uselib(2) open the
 * program with __FMODE_EXEC in f_flags (do_open_execat(); since 6.8 LSMs
 * test the same bit for it), and the kernel's internal opens on a
 * process's behalf are FMODE_NOACCOUNT: overlayfs opening the real file
 * behind an overlay file, at the overlay path and with the mounter's
 * credentials (open_with_fake_path() in 6.1, backing_file_open() in
 * 6.12), and cachefiles.  An open of an overlay file would otherwise be
 * reported twice, the second time as the mounter's.
 */
static bool vigil_file_open_not_users(const struct file *file)
{
	return (READ_ONCE(file->f_flags) & __FMODE_EXEC) ||
	       (READ_ONCE(file->f_mode) & FMODE_NOACCOUNT);
}

struct file_op {
	enum vigil_event_kind kind;
	const struct path *dir; /* with dentry: the new entry */
	const struct dentry *dentry;
	const struct path *path; /* or: a path (open) */
	const struct path *odir; /* rename: the old entry */
	const struct dentry *odentry;
	const char *target; /* symlink: target as written */
};

static void file_event(const struct file_op *op)
{
	struct vigil_scratch *sc;
	struct vigil_event *ev;
	struct vigil_proc *p;
	bool cut = false, ocut = false;
	const char *s;
	u32 len;

	if (vigil_capture_skip() || !vigil_detect_wants(op->kind))
		return;
	sc = vigil_scratch_get();
	if (!sc)
		return;
	ev = &sc->ev;

	if (op->path)
		s = vigil_capture_path(op->path, sc->path, PATH_MAX, &len,
				       &cut);
	else
		s = entry_path(sc->path, op->dir, op->dentry, &len, &cut);

	rcu_read_lock();
	vigil_capture_begin(sc, op->kind);
	vigil_event_set_str(ev, VIGIL_F_FILE_PATH, s, len);
	if (cut)
		vigil_capture_cut(sc, VIGIL_F_FILE_PATH);
	p = vigil_capture_current_proc(sc);
	/* the path and the actor's name and program may rule it out */
	if (vigil_early_fields(op->kind)) {
		vigil_event_derive_file(ev);
		vigil_capture_name(sc, p);
		if (!vigil_detect_early(ev, &sc->memo))
			goto out;
	}
	if (op->odir) {
		s = entry_path(sc->path2, op->odir, op->odentry, &len, &ocut);
		vigil_event_set_str(ev, VIGIL_F_FILE_ORIG_PATH, s, len);
		if (ocut)
			vigil_capture_cut(sc, VIGIL_F_FILE_ORIG_PATH);
	}
	if (op->target) {
		len = strnlen(op->target, PATH_MAX);
		vigil_event_set_str(ev, VIGIL_F_FILE_TARGET_PATH, op->target,
				    len);
		if (len == PATH_MAX)
			vigil_capture_cut(sc, VIGIL_F_FILE_TARGET_PATH);
	}
	vigil_event_derive_file(ev);
	vigil_capture_actor(sc, p, NULL);
	vigil_capture_parent(sc, p);
	vigil_capture_emit(sc);
out:
	rcu_read_unlock();
	vigil_scratch_put(sc);
}

#define ARG(regs, n) ((void *)vigil_kprobe_arg(regs, n))

static int on_symlink(struct kprobe *kp, struct pt_regs *regs)
{
	struct file_op op = {
		.kind = VIGIL_EV_SYMLINK,
		.dir = ARG(regs, 0),
		.dentry = ARG(regs, 1),
		.target = ARG(regs, 2),
	};

	file_event(&op);
	return 0;
}

static int on_link(struct kprobe *kp, struct pt_regs *regs)
{
	struct file_op op = {
		.kind = VIGIL_EV_CREATE,
		.dir = ARG(regs, 1),
		.dentry = ARG(regs, 2),
	};

	file_event(&op);
	return 0;
}

static int on_mknod(struct kprobe *kp, struct pt_regs *regs)
{
	struct file_op op = {
		.kind = VIGIL_EV_CREATE,
		.dir = ARG(regs, 0),
		.dentry = ARG(regs, 1),
	};

	if (vigil_in_mknod_syscall())
		file_event(&op);
	return 0;
}

static int on_open(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *file = ARG(regs, 0);
	struct file_op op = {
		.kind = VIGIL_EV_OPEN,
		.path = &file->f_path,
	};

	if (file->f_mode & FMODE_CREATED) {
		op.kind = VIGIL_EV_CREATE;
		if (S_ISREG(file_inode(file)->i_mode))
			file_event(&op);
	} else if (!vigil_file_open_not_users(file)) {
		file_event(&op);
	}
	return 0;
}

static int on_rename(struct kprobe *kp, struct pt_regs *regs)
{
	struct file_op op = {
		.kind = VIGIL_EV_RENAME,
		.odir = ARG(regs, 0),
		.odentry = ARG(regs, 1),
		.dir = ARG(regs, 2),
		.dentry = ARG(regs, 3),
	};

	file_event(&op);
	return 0;
}

static int on_unlink(struct kprobe *kp, struct pt_regs *regs)
{
	struct file_op op = {
		.kind = VIGIL_EV_DELETE,
		.dir = ARG(regs, 0),
		.dentry = ARG(regs, 1),
	};

	file_event(&op);
	return 0;
}

/* Registered by capture.c, in this order. */
const struct vigil_capture_hook
	vigil_capture_file_hooks[VIGIL_CAPTURE_FILE_HOOKS] = {
		{ { "security_path_symlink" }, on_symlink },
		{ { "security_path_link" }, on_link },
		{ { "security_path_mknod" }, on_mknod },
		{ { "security_file_open" }, on_open },
		{ { "security_path_rename" }, on_rename },
		{ { "security_path_unlink" }, on_unlink },
	};
