/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything in vigil.ko that depends on the kernel version or the
 * architecture.  The VIGIL_HAVE_* macros come from compat-gen.h, written
 * at build time by compat-probe.sh from the headers of the target kernel
 * (see compat.mk); nothing else in the module tests a kernel version.
 */
#ifndef VIGIL_COMPAT_H
#define VIGIL_COMPAT_H

#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "compat-gen.h"

/*
 * Spinlocks become sleeping locks on PREEMPT_RT, and vigil allocates
 * with GFP_ATOMIC and takes spinlocks in probe context with preemption
 * disabled (tracepoints, kprobes): invalid there.
 */
#ifdef CONFIG_PREEMPT_RT
#error "vigil does not support PREEMPT_RT kernels: its probes take spinlocks and allocate with GFP_ATOMIC with preemption disabled, which RT forbids; build against a non-RT kernel"
#endif

/* The "alerts" group is joined by CAP_NET_ADMIN only (genl checks it). */
#ifndef VIGIL_HAVE_GENL_MCAST_CAP
#error "vigil needs GENL_MCAST_CAP_NET_ADMIN in <net/genetlink.h> (Linux 6.7, backported to Debian 6.1)"
#endif

#ifndef VIGIL_HAVE_FOR_EACH_KERNEL_TRACEPOINT
#error "vigil needs for_each_kernel_tracepoint()"
#endif

#ifdef VIGIL_HAVE_TP_EXIT_GROUP_DEAD
#define VIGIL_TP_EXIT_PROTO struct task_struct *p, bool group_dead
#else
#define VIGIL_TP_EXIT_PROTO struct task_struct *p
#endif

/**
 * vigil_kprobe_arg() - argument @n (0-based) of a probed function
 * @regs: registers at the function's entry (a kprobe pre-handler's regs)
 * @n: argument number; only register arguments (n < 6 on x86_64)
 *
 * Return: the argument as an unsigned long.
 */
static inline unsigned long vigil_kprobe_arg(struct pt_regs *regs,
					     unsigned int n)
{
#ifdef VIGIL_HAVE_REGS_GET_KERNEL_ARGUMENT
	return regs_get_kernel_argument(regs, n);
#else
#error "vigil needs regs_get_kernel_argument() on this architecture"
#endif
}

/**
 * vigil_mm_exe_file_get() - reference to @mm's executable file
 * @mm: an mm the caller keeps alive (task_lock() on its owner)
 *
 * get_mm_exe_file() is not exported; this is the same RCU lookup.
 * Atomic-context safe.  Release the result with fput().
 *
 * Return: the file, or NULL.
 */
static inline struct file *vigil_mm_exe_file_get(struct mm_struct *mm)
{
	struct file *f;

	rcu_read_lock();
#ifdef VIGIL_HAVE_GET_FILE_RCU_PP
	f = get_file_rcu(&mm->exe_file);
#else
	f = rcu_dereference(mm->exe_file);
	if (f && !get_file_rcu(f))
		f = NULL;
#endif
	rcu_read_unlock();
	return f;
}

/**
 * vigil_in_mknod_syscall() - is current inside mknod(2) or mknodat(2)?
 *
 * security_path_mknod() is reached both from mknod(2) and from every
 * O_CREAT open (may_o_create() in fs/namei.c); the syscall number tells
 * them apart.  In-kernel callers (io_uring workers, nfsd) have no user
 * syscall number here and are never mknod(2).
 *
 * Return: true inside mknod(2)/mknodat(2), native or compat.
 */
static inline bool vigil_in_mknod_syscall(void)
{
	struct pt_regs *regs = task_pt_regs(current);
	long nr;

	if (current->flags & PF_KTHREAD)
		return false;
	nr = syscall_get_nr(current, regs);
#if defined(CONFIG_IA32_EMULATION) && defined(__NR_ia32_mknodat)
	if (in_ia32_syscall())
		return nr == __NR_ia32_mknod || nr == __NR_ia32_mknodat;
#endif
#ifdef __X32_SYSCALL_BIT
	nr &= ~(long)__X32_SYSCALL_BIT;
#endif
#ifdef __NR_mknod
	if (nr == __NR_mknod)
		return true;
#endif
	return nr == __NR_mknodat;
}

/**
 * vigil_bprm_empty_path() - was this exec given a file descriptor alone?
 * @bprm: the exec
 *
 * execveat(fd, "", AT_EMPTY_PATH) (fexecve(3)) has no path: the kernel
 * makes up bprm->filename "/dev/fd/N", and since comm_from_dentry (6.14,
 * backported to Debian's 6.1 and 6.12) names the task after the file's
 * dentry instead.  Without the bit the made-up name is recognised.
 *
 * Return: true when exec was given no path.
 */
static inline bool vigil_bprm_empty_path(const struct linux_binprm *bprm)
{
#ifdef VIGIL_HAVE_BPRM_COMM_FROM_DENTRY
	return bprm->comm_from_dentry;
#else
	return bprm->fdpath && bprm->filename == bprm->fdpath &&
	       !strchr(bprm->fdpath + sizeof("/dev/fd/") - 1, '/');
#endif
}

/**
 * vigil_cap_bits() - a capability set as one mask, bit n for capability n
 * @c: the set
 *
 * Return: the mask (kernel_cap_t is a u64 since 6.3, two u32 before).
 */
static inline u64 vigil_cap_bits(kernel_cap_t c)
{
#ifdef VIGIL_HAVE_KERNEL_CAP_U64
	return c.val;
#else
	return c.cap[0] | (u64)c.cap[1] << 32;
#endif
}

#endif /* VIGIL_COMPAT_H */
