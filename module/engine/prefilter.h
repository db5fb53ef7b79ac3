/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Literal prefilter, private to its build (prefilter.c) and its scan
 * (prefilter_scan.c): where a literal must sit, and how a gram is
 * hashed into the bitmap and the gram table (struct vigil_pf).
 */
#ifndef VIGIL_ENGINE_PREFILTER_H
#define VIGIL_ENGINE_PREFILTER_H

#include "internal.h"

#define PF_AT_START 1U /* the literal starts the value (element) */
#define PF_AT_END 2U /* the literal ends it */

/*
 * The fields of each memo group (enum vigil_pf_memo_groups): the parent's,
 * the same in every child, and the process's own, the same in its events
 * (struct vigil_pf_memo).
 */
#define PF_MEMO_PARENT_FIELDS                                                  \
	((1ULL << VIGIL_F_PARENT_NAME) | (1ULL << VIGIL_F_PARENT_EXECUTABLE) | \
	 (1ULL << VIGIL_F_PARENT_ARGS) |                                       \
	 (1ULL << VIGIL_F_PARENT_COMMAND_LINE))
#define PF_MEMO_ACTOR_FIELDS                    \
	((1ULL << VIGIL_F_PROCESS_NAME) |       \
	 (1ULL << VIGIL_F_PROCESS_EXECUTABLE) | \
	 (1ULL << VIGIL_F_PROCESS_ARGS) |       \
	 (1ULL << VIGIL_F_PROCESS_COMMAND_LINE))

/*
 * An args field and its command line (vigil_field_pair()) share one
 * hash seed, so that one scan of a command line that joins the args
 * (struct vigil_event.joined) finds the literals of both.
 */
static inline u32 pf_pair_of(u32 f)
{
	return vigil_field_pair(f);
}

/*
 * So do a path and each of its parts that @pf scans with it
 * (vigil_pf.whole): one scan of the path finds the literals of its
 * name, extension and directory where each lies in it.
 */
static inline u32 pf_seed_of(const struct vigil_pf *pf, u32 f)
{
	if (vigil_is_array(f))
		return pf_pair_of(f) << 24;
	return (pf->whole[f] ? pf->whole[f] : f) << 24;
}

/* Multiplicative: the bitmap takes the high bits, buckets a mix. */
#define PF_HASH_MUL 0x9e3779b1U
static inline u32 pf_hash(u32 gram, u32 seed)
{
	return (gram ^ seed) * PF_HASH_MUL;
}

static inline u32 pf_gram_hash(const struct vigil_pf *pf, u32 gram, u32 field)
{
	return pf_hash(gram, pf_seed_of(pf, field));
}

/*
 * The bitmap's bit of gram hash @h: its high bits.  The test is written
 * as a shift so that it compiles to one bit test where it is inlined.
 */
#define PF_BLOOM_SHIFT (32 - VIGIL_PF_BLOOM_LOG2)
static inline void pf_bloom_set(u64 *bloom, u32 h)
{
	u32 bit = (h >> PF_BLOOM_SHIFT) & 63;

	bloom[h >> (PF_BLOOM_SHIFT + 6)] |= 1ULL << bit;
}

static inline bool pf_bloom_has(const u64 *bloom, u32 h)
{
	u32 bit = (h >> PF_BLOOM_SHIFT) & 63;

	return (bloom[h >> (PF_BLOOM_SHIFT + 6)] >> bit) & 1;
}

static inline u32 pf_bucket_of(const struct vigil_pf *pf, u32 h)
{
	return (h ^ (h >> 16)) & pf->bmask;
}

#endif /* VIGIL_ENGINE_PREFILTER_H */
