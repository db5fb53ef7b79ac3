/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Engine internals shared by engine.c, index.c, interp.c, seq.c, terms.c
 * and validate.c.  Nothing here is part of the engine API.
 */
#ifndef VIGIL_ENGINE_INTERNAL_H
#define VIGIL_ENGINE_INTERNAL_H

#include "engine.h"

/*
 * Work bound checked by the validator: the sum over all steps of
 * (instructions + for each MATCH instruction, the patterns of its set
 * plus their lengths).  See Documentation/engine.rst.
 */
#define VIGIL_MAX_COST (8U << 20)

/* Bytes of one stored sequence step event (vigil_event_encode). */
#define VIGIL_SEQ_SLOT 2048U
#define VIGIL_SEQ_DEFAULT_CAP 4096U
#define VIGIL_TERMS_DEFAULT_CAP 16384U
#define VIGIL_NIL 0xffffffffU

/*
 * Shift-And search table of one glob or CONTAINS segment (first
 * VIGIL_SEG_W items): byte -> class, class -> position mask.  32-bit
 * masks keep the table (~400 bytes) small enough for the stack when a
 * pattern has no precomputed table.
 */
#define VIGIL_SEG_W 32
struct vigil_segtab {
	u32 masks[VIGIL_SEG_W + 2];
	u32 items; /* VIGIL_NIL: end of a glob's tables */
	u32 m;
	u16 b, e; /* glob: the segment is pattern[b, e) */
	u8 cls[256];
};

/* Geometry of a glob: first segment [0, first_end), last [last_start, len). */
struct vigil_gplan {
	u16 first_end, first_items, last_start, last_items;
};

/* Globs with more middle segments build their tables at match time. */
#define VIGIL_PAT_MAX_TABS 8

/* match.c */
u32 vigil_pat_tabs(const struct vigil_rs_pat *pat, const char *patstr);
void vigil_pat_compile(const struct vigil_rs_pat *pat, const char *patstr,
		       struct vigil_segtab *tabs, struct vigil_gplan *plan);
bool vigil_pat_match_tab(const struct vigil_rs_pat *pat, const char *patstr,
			 const char *s, u32 len,
			 const struct vigil_segtab *tabs,
			 const struct vigil_gplan *plan);

/*
 * Per set, precomputed by the engine: its EXACT patterns in a hash table
 * keyed by the ASCII-folded value (CSR buckets), the other patterns in a
 * list.  A MATCH then costs one hash of the value plus the others.
 */
struct vigil_setplan {
	u32 mask; /* buckets - 1 */
	u32 bucket; /* first of mask + 2 offsets in sx_bucket */
	u32 n_ex; /* EXACT patterns */
	u32 min_len, max_len; /* of the EXACT patterns */
	u32 other, n_other; /* range in sx_other */
	u32 mc, n_mc; /* range in mcgroups */
};

/*
 * Several CONTAINS patterns of a set (up to 64 bytes together) searched
 * in one pass: multi-pattern Shift-And, positions of all the patterns
 * laid end to end, indexed by the value byte directly.
 */
#define VIGIL_MC_BYTES 64
struct vigil_mcgroup {
	u64 starts; /* first position of each pattern */
	u64 ends; /* last position of each pattern */
	u64 masks[256]; /* byte -> positions that accept it */
};

struct vigil_sxent {
	u64 hash;
	u32 pat;
};

/*
 * Where a step's program resumes, and with what accumulator, for an event
 * whose host.os.type and event.* strings are the ones its kind implies
 * (vigil_event_canonical()): the leading tests of those strings are
 * decided once, in vigil_engine_new().
 */
struct vigil_stepstart {
	u16 insn;
	u16 acc;
};

/* Pointers into the engine's private copy of a validated blob. */
struct vigil_rs {
	const struct vigil_rs_header *h;
	const struct vigil_rs_rule *rules;
	const struct vigil_rs_step *steps;
	const struct vigil_rs_insn *insns;
	const struct vigil_rs_set *sets;
	const struct vigil_rs_pat *pats;
	const char *strtab;
	const u8 *dfas;
	/* precomputed by the engine; NULL in the bare validator */
	const u32 *pat_tab; /* per pattern: first table or NIL */
	const struct vigil_segtab *tabs;
	const struct vigil_gplan *plans; /* per pattern */
	const struct vigil_setplan *setplans; /* per set */
	const u32 *sx_bucket;
	const struct vigil_sxent *sx_ent;
	const u32 *sx_other;
	const struct vigil_mcgroup *mcgroups;
	const u64 *step_req; /* per step: vigil_step_required() */
	/* per step and event kind: vigil_step_start() */
	const struct vigil_stepstart *starts;
};

/* One candidate for an event: a rule and (EVENT, NEW_TERMS) its step. */
struct vigil_cand {
	u32 rule;
	u32 step;
};

struct vigil_ientry {
	u64 hash; /* folded value hash, index field mixed in */
	struct vigil_cand c;
};

struct vigil_index {
	/* per event kind: candidates without a usable index hint */
	struct vigil_cand *kind_list[__VIGIL_EV_LAST];
	u32 kind_n[__VIGIL_EV_LAST];
	/* per event kind: bit per field with EXACT hint patterns */
	u64 fields[__VIGIL_EV_LAST];
	u32 mask; /* buckets - 1 */
	u32 *bucket; /* mask + 2 offsets into ent (CSR) */
	struct vigil_ientry *ent;
	u32 n_ent;
	u64 *bloom; /* bit per entry hash (its top bits): probes that miss */
};

#define VIGIL_IDX_BLOOM_LOG2 16

/*
 * Literal prefilter (prefilter.c): a slot per filtered step, a bitmap of
 * hashed 2- or 3-byte grams, and the gram table of the filters' literals (CSR
 * buckets).
 */
#define VIGIL_PF_SLOTS 1024U
#define VIGIL_PF_WORDS (VIGIL_PF_SLOTS / 64)
#define VIGIL_PF_NONE 0xffffU
#define VIGIL_PF_BLOOM_LOG2 15
#define VIGIL_PF_VERIFY_MAX 16384U /* literal bytes checked per event */

/* One distinct literal: a field, folded bytes, where it must sit. */
struct vigil_pfent {
	u32 gram; /* folded bytes [off, off + glen) of the literal */
	u8 field;
	u8 anchor; /* PF_AT_* (prefilter.c) */
	u16 off;
	u32 str; /* strtab offset of the literal */
	u16 len;
	u16 n_slots; /* the steps that need it: slots[slot0, + n_slots) */
	u32 slot0;
};

/* A filtered candidate: a rule (and step) that runs only if its bit is set. */
struct vigil_pfcand {
	struct vigil_cand c; /* rule VIGIL_NIL: a sequence step's own slot */
	u32 kinds; /* event kinds it takes */
};

struct vigil_pf {
	u16 *step_slot; /* per step: its slot, or VIGIL_PF_NONE */
	u16 *rule_slot; /* per rule: its candidate slot, or VIGIL_PF_NONE */
	struct vigil_pfcand *cand; /* per slot */
	u32 n_slots;
	u32 n_words; /* of the per-event bitmap in use */
	u32 kslots[__VIGIL_EV_LAST]; /* filtered steps per event kind */
	u64 kfields[__VIGIL_EV_LAST]; /* fields their filters read */
	u8 glen[64]; /* per field: gram bytes, 2 or 3 (its shortest literal) */
	u8 fold[256]; /* ASCII A-Z to a-z */
	u64 *bloom; /* 1 << VIGIL_PF_BLOOM_LOG2 bits */
	u32 bmask; /* buckets - 1 */
	u32 *bucket; /* bmask + 2 offsets into ent */
	struct vigil_pfent *ent;
	u32 n_ent;
	u16 *slots;
};

/*
 * What the dispatch knows of one event: @canon (see vigil_step_eval())
 * and @hits, the prefilter bitmap (NULL: no step is filtered out).
 */
struct vigil_evctx {
	u32 canon;
	const u64 *hits;
};

/*
 * Runs one candidate of an event (engine.c: run_cand()); returns the
 * alerts it raised.
 */
typedef u32 (*vigil_cand_fn)(struct vigil_engine *e,
			     const struct vigil_event *ev,
			     const struct vigil_cand *c,
			     const struct vigil_evctx *x, vigil_alert_fn afn,
			     void *ctx);

struct vigil_seq_table;
struct vigil_terms;

struct vigil_rule_state {
	u32 enabled;
	struct vg_atomic64 hits;
	struct vigil_terms *terms; /* NEW_TERMS only */
};

struct vigil_engine {
	void *blob;
	u32 len;
	struct vigil_rs rs;
	u32 *pat_tab;
	struct vigil_segtab *tabs;
	struct vigil_gplan *plans;
	struct vigil_setplan *setplans;
	u32 *sx_bucket;
	struct vigil_sxent *sx_ent;
	u32 *sx_other;
	struct vigil_mcgroup *mcgroups;
	u64 *step_req;
	struct vigil_stepstart *starts;
	struct vigil_rule_state *rstate;
	struct vigil_index idx;
	struct vigil_pf pf;
	struct vigil_seq_table *seq;
	u32 terms_cap;
	u64 learn_until; /* new_terms: no alert before this event time */
};

/* event.c: the strings vigil_event_set_kind() derives from the kind */
#define VIGIL_KIND_NF 4
extern const u8 vigil_kind_fields[VIGIL_KIND_NF];
const char *vigil_kind_value(u32 k, u32 i, u32 *len);
bool vigil_event_canonical(const struct vigil_event *ev, u32 k);

/* validate.c */
void vigil_rs_map(struct vigil_rs *rs, const void *blob);

/* index.c */
int vigil_index_build(struct vigil_engine *e);
void vigil_index_free(struct vigil_index *idx);
u64 vigil_hash_folded(u64 h, const char *s, u32 len);
bool vigil_index_covers(const struct vigil_rs *rs,
			const struct vigil_rs_rule *ru,
			const struct vigil_rs_step *st);
/*
 * Calls fn for every candidate of @ev that the prefilter lets through,
 * with what is known of the event (struct vigil_evctx).
 */
u32 vigil_index_lookup(const struct vigil_engine *e,
		       const struct vigil_event *ev, vigil_cand_fn fn,
		       vigil_alert_fn afn, void *ctx);

/* prefilter.c */
int vigil_pf_build(struct vigil_engine *e);
void vigil_pf_free(struct vigil_pf *pf);
void vigil_pf_scan(const struct vigil_engine *e, const struct vigil_event *ev,
		   u32 kind, u64 *hits);
u32 vigil_pf_candidates(const struct vigil_engine *e,
			const struct vigil_event *ev, u32 kind,
			const struct vigil_evctx *x, vigil_cand_fn fn,
			vigil_alert_fn afn, void *ctx);

/* Can step @step match, as far as the prefilter knows? */
static inline bool vigil_pf_pass(const struct vigil_engine *e,
				 const struct vigil_evctx *x, u32 step)
{
	u32 s;

	if (!x->hits)
		return true;
	s = e->pf.step_slot[step];
	return s == VIGIL_PF_NONE || (x->hits[s / 64] >> (s % 64)) & 1;
}

/* interp.c */
bool vigil_step_hint_match(const struct vigil_rs *rs,
			   const struct vigil_rs_step *st,
			   const struct vigil_event *ev);
void vigil_step_start(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		      u32 kind, struct vigil_stepstart *out);
u64 vigil_step_required(const struct vigil_rs *rs,
			const struct vigil_rs_step *st, u8 *reach);
bool vigil_step_eval(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		     const struct vigil_event *ev, u32 canon);

/* The ARRAY fields (see vigil_field_type()), for the interpreter. */
#define VIGIL_ARRAY_FIELDS \
	((1ULL << VIGIL_F_PROCESS_ARGS) | (1ULL << VIGIL_F_PARENT_ARGS))
static inline bool vigil_is_array(u32 f)
{
	return f < 64 && (VIGIL_ARRAY_FIELDS & (1ULL << f));
}

/* ASCII A-Z to a-z; every other byte as it is (NOCASE, hashes, index). */
static inline u8 vigil_fold(u8 c)
{
	return (u8)(c - 'A') < 26 ? c + ('a' - 'A') : c;
}

/* hashing of field tuples (seq keys, term tuples) */
#define VIGIL_FNV_OFFSET 0xcbf29ce484222325ULL
#define VIGIL_FNV_PRIME 0x100000001b3ULL
static inline u64 vigil_fnv(u64 h, const void *p, u32 len)
{
	const u8 *b = p;
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= VIGIL_FNV_PRIME;
	}
	return h;
}

u64 vigil_hash_field(u64 h, u32 field, const struct vigil_value *v);
/* Return: false when a field is missing. */
bool vigil_tuple_hash(const struct vigil_event *ev, const u8 *fields, u32 n,
		      u64 *out);

/* seq.c */
int vigil_seq_new(struct vigil_engine *e, u32 capacity);
void vigil_seq_free(struct vigil_engine *e);
u32 vigil_seq_process(struct vigil_engine *e, u32 rule,
		      const struct vigil_event *ev, const struct vigil_evctx *x,
		      vigil_alert_fn fn, void *ctx);
void vigil_seq_forget(struct vigil_engine *e, const char *id, u32 len);
u64 vigil_seq_pending(const struct vigil_engine *e);
void vigil_seq_stats(const struct vigil_engine *e,
		     struct vigil_engine_stats *st);

/* terms.c */
struct vigil_terms *vigil_terms_new(u32 capacity);
void vigil_terms_free(struct vigil_terms *t);
/* Return: true if the tuple is new (absent or older than the window). */
bool vigil_terms_check(struct vigil_terms *t, u64 hash, u64 now, u64 window_ns);
void vigil_terms_put(struct vigil_terms *t, u64 hash, u64 last_seen);
int vigil_terms_each(struct vigil_terms *t,
		     int (*fn)(void *ctx, u64 hash, u64 last_seen_ns),
		     void *ctx);
void vigil_terms_count(const struct vigil_terms *t, u64 *learned,
		       u64 *evictions);

#endif /* VIGIL_ENGINE_INTERNAL_H */
