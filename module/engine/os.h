/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only OS dependency of the vigil engine: types, allocation, one lock
 * type, atomic counters and a few string helpers, for the kernel (vigil.ko)
 * and for userspace (vigilctl, tests, fuzzers).
 */
#ifndef VIGIL_ENGINE_OS_H
#define VIGIL_ENGINE_OS_H

/*
 * Added to CLOCK_BOOTTIME for window times, so a time up to 146 years
 * before this boot (an imported term) is still a positive u64.
 */
#define VIGIL_BOOT_BIAS (1ULL << 62)

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/random.h>
#include <linux/siphash.h>

/*
 * Only vigil_engine_new() and vigil_engine_free() allocate; both may sleep.
 * Sizes come from a hostile ruleset: fail rather than push the host into
 * reclaim storms or the OOM killer, and charge the loader's memory cgroup.
 * A failure is reported to the loader (-ENOMEM and its reason), not with
 * an allocation-failure splat in the kernel log.
 */
static inline void *vg_zalloc(size_t n)
{
	return kvzalloc(n, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN |
				   __GFP_ACCOUNT);
}

static inline void vg_free(const void *p)
{
	kvfree(p);
}

/*
 * The allocations in probe context, under a spinlock: a sequence's step
 * slot, when the step matches (seq.c), and a new-terms store's next chunk
 * of 4 KiB, when it fills (terms.c).  Atomic, so they never sleep;
 * charged to no memory cgroup, since the task that triggers one may be an
 * attacker's, who could fill its own cgroup to make vigil lose a sequence
 * or a term; a failure is counted by the caller, never printed.
 */
static inline void *vg_alloc_atomic(size_t n)
{
	return kmalloc(n, GFP_ATOMIC | __GFP_NOWARN);
}

static inline void vg_free_atomic(const void *p)
{
	kfree(p);
}

/* A struct, not a typedef: the userspace build defines its own. */
struct vg_lock {
	spinlock_t l;
	unsigned long flags; /* the holder's saved IRQ state */
};

static inline void vg_lock_init(struct vg_lock *l)
{
	spin_lock_init(&l->l);
}

static inline void vg_lock_destroy(struct vg_lock *l)
{
}

/*
 * Callers run in process context with preemption disabled, never IRQ;
 * some of them (an accept's hook) under a lock that softirqs take, so
 * this lock is taken with interrupts off: held, it can never be waited
 * for from an interrupted holder of its own CPU.
 */
static inline void vg_lock(struct vg_lock *l) __acquires(&l->l)
{
	unsigned long flags;

	spin_lock_irqsave(&l->l, flags);
	l->flags = flags;
}

static inline void vg_unlock(struct vg_lock *l) __releases(&l->l)
{
	spin_unlock_irqrestore(&l->l, l->flags);
}

struct vg_atomic64 {
	atomic64_t a;
};

#define vg_atomic64_inc(x) atomic64_inc(&(x)->a)
#define vg_atomic64_add(x, v) atomic64_add((s64)(v), &(x)->a)
#define vg_atomic64_read(x) ((u64)atomic64_read(&(x)->a))
#define vg_atomic64_set(x, v) atomic64_set(&(x)->a, (s64)(v))
#define vg_atomic64_inc_return(x) ((u64)atomic64_inc_return(&(x)->a))

#define vg_snprintf snprintf

/* In the long loops of validation and engine building (process context). */
#define vg_cond_resched() cond_resched()

/*
 * A window time (vigil_event_window_ns(): biased CLOCK_BOOTTIME, as
 * capture stamps events) to CLOCK_REALTIME: the wall clock's offset now.
 * Export and import of learned terms convert at this boundary, so their
 * times stay wall-clock times across reboots.
 */
/* Now on the window clock (vigil_event_window_ns() of an event stamped now). */
static inline u64 vg_window_now(void)
{
	return VIGIL_BOOT_BIAS + ktime_get_boottime_ns();
}

static inline u64 vg_window_to_real(u64 w)
{
	return w - VIGIL_BOOT_BIAS + ktime_get_real_ns() -
	       ktime_get_boottime_ns();
}

/* Keyed hashing of values a user controls: SipHash-2-4, a key per boot. */
static inline void vg_sipkey_init(siphash_key_t *k)
{
	get_random_bytes(k, sizeof(*k));
}

static inline u64 vg_siphash(const void *p, size_t len, const siphash_key_t *k)
{
	return siphash(p, len, k);
}

#else /* !__KERNEL__ */

#include "os_user.h"

#endif /* __KERNEL__ */

#define vg_malloc(n) vg_zalloc(n)

#endif /* VIGIL_ENGINE_OS_H */
