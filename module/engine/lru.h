/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A least-recently-used list threaded through a table by index, as the
 * sequence table, the threshold groups and the new-terms stores keep their
 * entries.  Each entry embeds a struct vigil_lru_link.  In a flat array
 * (vigil_lru_unlink(), vigil_lru_push()) the list finds entry i's link at
 * @links + i * @stride, where @links is the address of entry 0's link and
 * @stride the size of an entry; a table laid out otherwise gives its own
 * vigil_lru_at_fn (vigil_lru_unlink_at(), vigil_lru_push_at()).  Not
 * locked: callers hold their table's lock.
 */
#ifndef VIGIL_ENGINE_LRU_H
#define VIGIL_ENGINE_LRU_H

#include "os.h"

#define VIGIL_LRU_NIL 0xffffffffU

struct vigil_lru_link {
	u32 prev, next;
};

struct vigil_lru {
	u32 head; /* the most recently used entry */
	u32 tail; /* the least recently used: the next to evict */
};

static inline void vigil_lru_init(struct vigil_lru *l)
{
	l->head = VIGIL_LRU_NIL;
	l->tail = VIGIL_LRU_NIL;
}

/*
 * Entry @i's link in a table laid out its own way (terms.c: in chunks):
 * the list's operations take the table and this, inlined.
 */
typedef struct vigil_lru_link *(*vigil_lru_at_fn)(const void *table, u32 i);

static __always_inline void vigil_lru_unlink_at(struct vigil_lru *l,
						vigil_lru_at_fn at,
						const void *table, u32 i)
{
	struct vigil_lru_link *e = at(table, i);

	if (e->prev != VIGIL_LRU_NIL)
		at(table, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != VIGIL_LRU_NIL)
		at(table, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
}

/* Makes entry @i the most recently used; it must not be on the list. */
static __always_inline void vigil_lru_push_at(struct vigil_lru *l,
					      vigil_lru_at_fn at,
					      const void *table, u32 i)
{
	struct vigil_lru_link *e = at(table, i);

	e->prev = VIGIL_LRU_NIL;
	e->next = l->head;
	if (l->head != VIGIL_LRU_NIL)
		at(table, l->head)->prev = i;
	l->head = i;
	if (l->tail == VIGIL_LRU_NIL)
		l->tail = i;
}

/* A flat array: entry i's link at @links + i * @stride. */
struct vigil_lru_flat {
	char *links;
	u32 stride;
};

static __always_inline struct vigil_lru_link *vigil_lru_flat_at(const void *f,
								u32 i)
{
	const struct vigil_lru_flat *a = f;

	return (struct vigil_lru_link *)(a->links + (size_t)i * a->stride);
}

static inline void vigil_lru_unlink(struct vigil_lru *l, void *links,
				    u32 stride, u32 i)
{
	struct vigil_lru_flat f = { links, stride };

	vigil_lru_unlink_at(l, vigil_lru_flat_at, &f, i);
}

/* Makes entry @i the most recently used; it must not be on the list. */
static inline void vigil_lru_push(struct vigil_lru *l, void *links, u32 stride,
				  u32 i)
{
	struct vigil_lru_flat f = { links, stride };

	vigil_lru_push_at(l, vigil_lru_flat_at, &f, i);
}

#endif /* VIGIL_ENGINE_LRU_H */
