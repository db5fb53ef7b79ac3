// SPDX-License-Identifier: GPL-2.0
/*
 * Credential changes, from kprobes on two LSM hooks:
 *
 *   security_task_fix_setuid(new, old, flags)   UID_CHANGE
 *   security_task_fix_setgid(new, old, flags)   GID_CHANGE
 *
 * The kernel calls them from setuid(2), setreuid(2), setresuid(2) and
 * setfsuid(2) (and the gid calls), after its own permission checks and
 * just before it installs @new: what Elastic reports as "uid_change" and
 * "gid_change".  An exec of a set-user-ID program changes credentials
 * too, but it is reported as the exec, with the new ids; so is a change
 * of the file-system ids alone (setfsuid(2), flags LSM_SETID_FS), which
 * gives no new rights beyond file access.  A change is reported when the
 * real, effective or saved id differs; a set*id call that changes
 * nothing is not.  An LSM that refuses the change after vigil's hook (the
 * SafeSetID module, not enabled on Debian) leaves a reported attempt.
 *
 * The event is the acting process's, with the credentials it is about to
 * hold: user.id is the new effective uid, user.Ext.real.id the new real
 * uid, and the capability sets the new ones.
 */
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/security.h>

#include "capture.h"
#include "compat.h"

static void cred_event(enum vigil_event_kind kind, const struct cred *new)
{
	if (!vigil_capture_skip() && vigil_detect_wants(kind))
		vigil_capture_process(kind, new, false);
}

#define ARG(regs, n) ((const struct cred *)vigil_kprobe_arg(regs, n))

static int on_setuid(struct kprobe *kp, struct pt_regs *regs)
{
	const struct cred *new = ARG(regs, 0), *old = ARG(regs, 1);

	if (!new || !old || (int)vigil_kprobe_arg(regs, 2) == LSM_SETID_FS)
		return 0;
	if (!uid_eq(new->uid, old->uid) || !uid_eq(new->euid, old->euid) ||
	    !uid_eq(new->suid, old->suid))
		cred_event(VIGIL_EV_UID_CHANGE, new);
	return 0;
}

static int on_setgid(struct kprobe *kp, struct pt_regs *regs)
{
	const struct cred *new = ARG(regs, 0), *old = ARG(regs, 1);

	if (!new || !old || (int)vigil_kprobe_arg(regs, 2) == LSM_SETID_FS)
		return 0;
	if (!gid_eq(new->gid, old->gid) || !gid_eq(new->egid, old->egid) ||
	    !gid_eq(new->sgid, old->sgid))
		cred_event(VIGIL_EV_GID_CHANGE, new);
	return 0;
}

/* Registered by capture.c after the network hooks, in this order. */
const struct vigil_capture_hook
	vigil_capture_cred_hooks[VIGIL_CAPTURE_CRED_HOOKS] = {
		{ { "security_task_fix_setuid" }, on_setuid },
		{ { "security_task_fix_setgid" }, on_setgid },
	};
