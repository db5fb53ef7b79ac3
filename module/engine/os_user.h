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

/* An impossible state: the tests stop at once. */
static inline bool vg_warn_on(bool c, const char *file, int line)
{
	if (c) {
		fprintf(stderr, "%s:%d: WARN_ON_ONCE\n", file, line);
		abort();
	}
	return c;
}

#ifndef WARN_ON_ONCE
#define WARN_ON_ONCE(c) vg_warn_on(!!(c), __FILE__, __LINE__)
#endif

#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
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

/*
 * The probe-context allocation (os.h) with two test hooks, defined in
 * seq.c (its users: seq.c and terms.c): vg_atomic_fail makes that many
 * next allocations fail, vg_atomic_live counts the blocks held.
 */
extern int vg_atomic_fail;
extern long vg_atomic_live;

static inline void *vg_alloc_atomic(size_t n)
{
	void *p;

	if (__atomic_load_n(&vg_atomic_fail, __ATOMIC_RELAXED) > 0 &&
	    __atomic_sub_fetch(&vg_atomic_fail, 1, __ATOMIC_RELAXED) >= 0)
		return NULL;
	p = malloc(n);
	if (p)
		__atomic_add_fetch(&vg_atomic_live, 1, __ATOMIC_RELAXED);
	return p;
}

static inline void vg_free_atomic(const void *p)
{
	if (p)
		__atomic_sub_fetch(&vg_atomic_live, 1, __ATOMIC_RELAXED);
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
#define vg_atomic64_add(a, x) __atomic_add_fetch(&(a)->v, (x), __ATOMIC_RELAXED)
#define vg_atomic64_read(a) __atomic_load_n(&(a)->v, __ATOMIC_RELAXED)
#define vg_atomic64_set(a, x) __atomic_store_n(&(a)->v, (x), __ATOMIC_RELAXED)
#define vg_atomic64_inc_return(a) \
	__atomic_add_fetch(&(a)->v, 1, __ATOMIC_RELAXED)

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

#define vg_cond_resched() \
	do {              \
	} while (0)

/* Userspace windows are measured on @timestamp: no conversion. */
static inline u64 vg_window_to_real(u64 w)
{
	return w;
}

#ifndef min_t
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif

/*
 * SipHash-2-4 as the kernel's siphash(): the keyed hash of values a user
 * controls.  The userspace key is fixed, so replays are reproducible.
 */
typedef struct {
	u64 key[2];
} siphash_key_t;

static inline void vg_sipkey_init(siphash_key_t *k)
{
	k->key[0] = 0x0706050403020100ULL;
	k->key[1] = 0x0f0e0d0c0b0a0908ULL;
}

#define VG_ROTL(x, b) (u64)(((x) << (b)) | ((x) >> (64 - (b))))
#define VG_SIPROUND(v0, v1, v2, v3)   \
	do {                          \
		v0 += v1;             \
		v1 = VG_ROTL(v1, 13); \
		v1 ^= v0;             \
		v0 = VG_ROTL(v0, 32); \
		v2 += v3;             \
		v3 = VG_ROTL(v3, 16); \
		v3 ^= v2;             \
		v0 += v3;             \
		v3 = VG_ROTL(v3, 21); \
		v3 ^= v0;             \
		v2 += v1;             \
		v1 = VG_ROTL(v1, 17); \
		v1 ^= v2;             \
		v2 = VG_ROTL(v2, 32); \
	} while (0)

static inline u64 vg_siphash(const void *p, size_t len, const siphash_key_t *k)
{
	const u8 *in = p;
	u64 v0 = 0x736f6d6570736575ULL ^ k->key[0];
	u64 v1 = 0x646f72616e646f6dULL ^ k->key[1];
	u64 v2 = 0x6c7967656e657261ULL ^ k->key[0];
	u64 v3 = 0x7465646279746573ULL ^ k->key[1];
	u64 m, b = (u64)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, in + i, 8);
		v3 ^= m;
		VG_SIPROUND(v0, v1, v2, v3);
		VG_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (i = 0; i < tail; i++)
		b |= (u64)in[len - tail + i] << (8 * i);
	v3 ^= b;
	VG_SIPROUND(v0, v1, v2, v3);
	VG_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		VG_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif /* VIGIL_ENGINE_OS_USER_H */
