/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A least-recently-used list threaded through a fixed array by index, as
 * the sequence table and the new-terms stores keep their entries.  Each
 * entry embeds a struct vigil_lru_link; the list finds entry i's link at
 * @links + i * @stride, where @links is the address of entry 0's link and
 * @stride the size of an entry.  Not locked: callers hold their table's
 * lock.
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

static inline struct vigil_lru_link *vigil_lru_at(void *links, u32 stride,
						  u32 i)
{
	return (struct vigil_lru_link *)((char *)links + (size_t)i * stride);
}

static inline void vigil_lru_unlink(struct vigil_lru *l, void *links,
				    u32 stride, u32 i)
{
	struct vigil_lru_link *e = vigil_lru_at(links, stride, i);

	if (e->prev != VIGIL_LRU_NIL)
		vigil_lru_at(links, stride, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != VIGIL_LRU_NIL)
		vigil_lru_at(links, stride, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
}

/* Makes entry @i the most recently used; it must not be on the list. */
static inline void vigil_lru_push(struct vigil_lru *l, void *links, u32 stride,
				  u32 i)
{
	struct vigil_lru_link *e = vigil_lru_at(links, stride, i);

	e->prev = VIGIL_LRU_NIL;
	e->next = l->head;
	if (l->head != VIGIL_LRU_NIL)
		vigil_lru_at(links, stride, l->head)->prev = i;
	l->head = i;
	if (l->tail == VIGIL_LRU_NIL)
		l->tail = i;
}

#endif /* VIGIL_ENGINE_LRU_H */
