/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The userspace half of os.h: what the engine needs from the kernel,
 * provided by libc for vigilctl, the unit tests, fuzzers and benchmarks.
 * Never included by the kernel build.
 */
#ifndef VIGIL_ENGINE_OS_USER_H
#define VIGIL_ENGINE_OS_USER_H

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
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#endif

#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#ifndef __acquires
#define __acquires(x)
#define __releases(x)
#endif

#ifndef ARRAY_SIZE
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline void *vg_zalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

static inline void vg_free(const void *p)
{
	free((void *)p);
}

struct vg_lock {
	pthread_mutex_t m;
};

static inline void vg_lock_init(struct vg_lock *l)
{
	pthread_mutex_init(&l->m, NULL);
}

static inline void vg_lock_destroy(struct vg_lock *l)
{
	pthread_mutex_destroy(&l->m);
}

/*
 * Engine locks never nest: the kernel's are of one lockdep class per
 * file, so a second one taken while one is held is "possible recursive
 * locking".  Userspace builds check it per file (this counter is per
 * translation unit and thread) and abort, so the unit tests catch it too.
 */
static __thread int vg_locks_held;

static inline void vg_lock(struct vg_lock *l)
{
	if (vg_locks_held++) {
		fprintf(stderr, "vigil: two engine locks held at once\n");
		abort();
	}
	pthread_mutex_lock(&l->m);
}

static inline void vg_unlock(struct vg_lock *l)
{
	pthread_mutex_unlock(&l->m);
	vg_locks_held--;
}

struct vg_atomic64 {
	u64 v;
};

#define vg_atomic64_inc(a) __atomic_add_fetch(&(a)->v, 1, __ATOMIC_RELAXED)
#define vg_atomic64_read(a) __atomic_load_n(&(a)->v, __ATOMIC_RELAXED)
#define vg_atomic64_set(a, x) __atomic_store_n(&(a)->v, (x), __ATOMIC_RELAXED)

#define vg_snprintf snprintf

#ifndef MAX_ERRNO
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}
#endif

#define vg_cond_resched() do { } while (0)

/* Userspace windows are measured on @timestamp: no conversion. */
static inline u64 vg_window_to_real(u64 w)
{
	return w;
}

#ifndef min_t
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif

#endif /* VIGIL_ENGINE_OS_USER_H */
