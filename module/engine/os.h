/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only OS dependency of the vigil engine: types, allocation, one lock
 * type, atomic counters and a few string helpers, for the kernel (vigil.ko)
 * and for userspace (vigilctl, tests, fuzzers).
 */
#ifndef VIGIL_ENGINE_OS_H
#define VIGIL_ENGINE_OS_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/compiler.h>

/* Only vigil_engine_new() and vigil_engine_free() allocate; both may sleep. */
static inline void *vg_zalloc(size_t n)
{
	return kvzalloc(n, GFP_KERNEL);
}

static inline void vg_free(const void *p)
{
	kvfree(p);
}

typedef spinlock_t vg_lock_t;

static inline void vg_lock_init(vg_lock_t *l)
{
	spin_lock_init(l);
}

static inline void vg_lock_destroy(vg_lock_t *l)
{
}

/* Callers run in process context with preemption disabled, never IRQ. */
static inline void vg_lock(vg_lock_t *l)
	__acquires(l)
{
	spin_lock(l);
}

static inline void vg_unlock(vg_lock_t *l)
	__releases(l)
{
	spin_unlock(l);
}

typedef atomic64_t vg_atomic64_t;
#define vg_atomic64_inc(a)	atomic64_inc(a)
#define vg_atomic64_read(a)	((u64)atomic64_read(a))
#define vg_atomic64_set(a, v)	atomic64_set(a, (s64)(v))

#define vg_snprintf		snprintf

#else /* !__KERNEL__ */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef READ_ONCE
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#endif

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

#ifndef __acquires
#define __acquires(x)
#define __releases(x)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static inline void *vg_zalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

static inline void vg_free(const void *p)
{
	free((void *)p);
}

typedef pthread_mutex_t vg_lock_t;

static inline void vg_lock_init(vg_lock_t *l)
{
	pthread_mutex_init(l, NULL);
}

static inline void vg_lock_destroy(vg_lock_t *l)
{
	pthread_mutex_destroy(l);
}

static inline void vg_lock(vg_lock_t *l)
{
	pthread_mutex_lock(l);
}

static inline void vg_unlock(vg_lock_t *l)
{
	pthread_mutex_unlock(l);
}

typedef struct {
	u64 v;
} vg_atomic64_t;

#define vg_atomic64_inc(a)	__atomic_add_fetch(&(a)->v, 1, __ATOMIC_RELAXED)
#define vg_atomic64_read(a)	__atomic_load_n(&(a)->v, __ATOMIC_RELAXED)
#define vg_atomic64_set(a, x)	__atomic_store_n(&(a)->v, (x), __ATOMIC_RELAXED)

#define vg_snprintf		snprintf

#endif /* __KERNEL__ */

#define vg_malloc(n)		vg_zalloc(n)

#endif /* VIGIL_ENGINE_OS_H */
