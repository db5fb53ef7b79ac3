/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The candidate index's hash and lookup: index.c builds the index with
 * them, the per-event dispatch (engine.c) looks events up inline.
 */
#ifndef VIGIL_ENGINE_INDEX_H
#define VIGIL_ENGINE_INDEX_H

#include "internal.h"

/* The index's bloom filter: 1 << VIGIL_IDX_BLOOM_LOG2 bits. */
#define VIGIL_IDX_BLOOM_LOG2 16

/**
 * vigil_index_hash() - the index hash of a field's value
 * @field: the field, mixed into the seed
 * @s: the value's bytes
 * @len: their number
 *
 * Return: FNV-1a of the ASCII-folded bytes, from a seed of @field.
 */
static inline u64 vigil_index_hash(u32 field, const char *s, u32 len)
{
	return vigil_hash_folded(VIGIL_FNV_OFFSET ^
					 ((u64)field * 0x9e3779b97f4a7c15ULL),
				 s, len);
}

/* Length @len as a bit of vigil_index.lens. */
static inline u32 vigil_index_len_bit(u32 len)
{
	return len < 255 ? len : 255;
}

/**
 * vigil_index_len_ok() - can a value of @len bytes be a hint of @field?
 * @idx: index
 * @field: the field (below 64)
 * @len: the value's length
 *
 * An EXACT hint matches only a value of its own length (ASCII folding
 * keeps lengths), so a value of no hint's length needs no hash.
 *
 * Return: false when no hint of @field has that length.
 */
static inline bool vigil_index_len_ok(const struct vigil_index *idx, u32 field,
				      u32 len)
{
	u32 b = vigil_index_len_bit(len);

	return (idx->lens[field][b / 64] >> (b % 64)) & 1;
}

/* Notes hash @h in the bloom filter: its top bits pick the bit. */
static inline void vigil_index_bloom_set(struct vigil_index *idx, u64 h)
{
	u32 bit = (h >> (64 - VIGIL_IDX_BLOOM_LOG2)) & 63;

	idx->bloom[h >> (64 - VIGIL_IDX_BLOOM_LOG2 + 6)] |= 1ULL << bit;
}

/**
 * vigil_index_may_hold() - can the index hold an entry of hash @h?
 * @idx: index
 * @h: vigil_index_hash() of a value
 *
 * Most probes miss: one bit says so without touching a bucket.
 *
 * Return: false when no entry has hash @h.
 */
static inline bool vigil_index_may_hold(const struct vigil_index *idx, u64 h)
{
	u32 bit = (h >> (64 - VIGIL_IDX_BLOOM_LOG2)) & 63;

	return (idx->bloom[h >> (64 - VIGIL_IDX_BLOOM_LOG2 + 6)] >> bit) & 1;
}

/**
 * vigil_index_bucket() - the entries of the bucket of hash @h
 * @idx: index
 * @h: vigil_index_hash() of a value
 * @end: set to one past the bucket's last entry
 *
 * Entries of other hashes share the bucket: only those whose @hash is
 * @h hold the value.
 *
 * Return: the bucket's first entry.
 */
static inline const struct vigil_ientry *
vigil_index_bucket(const struct vigil_index *idx, u64 h,
		   const struct vigil_ientry **end)
{
	u32 b = h & idx->mask;

	*end = &idx->ent[idx->bucket[b + 1]];
	return &idx->ent[idx->bucket[b]];
}

/*
 * The entries [return, *@end) of value @v of field @f, whose hash *@h
 * is; an entry whose hash is not *@h is another value's.  An empty range
 * when no hint has a value of that length or hash.
 */
static inline const struct vigil_ientry *
vigil_index_lookup(const struct vigil_index *idx, u32 f,
		   const struct vigil_value *v, u64 *h,
		   const struct vigil_ientry **end)
{
	*end = NULL;
	if (!vigil_index_len_ok(idx, f, v->len))
		return NULL;
	*h = vigil_index_hash(f, v->str, v->len);
	if (!vigil_index_may_hold(idx, *h))
		return NULL;
	return vigil_index_bucket(idx, *h, end);
}

#endif /* VIGIL_ENGINE_INDEX_H */
