/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Engine internals shared by the sources of module/engine.  Nothing
 * here is part of the engine API.
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
/*
 * Load-time bound on the sets themselves, referenced or not: the sum over
 * all sets of (patterns + their byte lengths, a REGEX counting 16).  It
 * bounds the duplicate check and the set plans vigil_engine_new() builds.
 */
#define VIGIL_MAX_SETS_COST (64U << 20)

/* Bytes of one stored sequence step event (vigil_event_encode). */
#define VIGIL_SEQ_SLOT 2048U
#define VIGIL_TERMS_DEFAULT_CAP 16384U
/* Sequence and new-terms state of one engine, when the limits say 0. */
#define VIGIL_STATE_DEFAULT_MAX (512ULL << 20)
#define VIGIL_NIL 0xffffffffU

#define VIGIL_SEG_W 32
/**
 * struct vigil_segtab - Shift-And search table of one glob or CONTAINS
 *	segment (its first VIGIL_SEG_W items)
 * @masks: class -> positions of the segment that accept it
 * @items: items of the segment (an escape counts once); VIGIL_NIL ends a
 *	glob's tables
 * @m: items in the table, min(@items, VIGIL_SEG_W)
 * @b: glob: the segment is pattern[@b, @e)
 * @e: see @b
 * @cls: byte -> class
 *
 * 32-bit masks keep it (~400 bytes) small enough for the stack when a
 * pattern has no precomputed table.
 */
struct vigil_segtab {
	u32 masks[VIGIL_SEG_W + 2];
	u32 items;
	u32 m;
	u16 b, e;
	u8 cls[256];
};

/**
 * struct vigil_gplan - geometry of a glob
 * @first_end: its first segment is [0, @first_end)
 * @first_items: items of the first segment
 * @last_start: its last segment is [@last_start, len)
 * @last_items: items of the last segment
 */
struct vigil_gplan {
	u16 first_end, first_items, last_start, last_items;
};

/* Globs with more middle segments build their tables at match time. */
#define VIGIL_PAT_MAX_TABS 8

/* match.c */
u32 vigil_glob_middles(const u8 *p, u32 plen);
u32 vigil_pat_tabs(const struct vigil_rs_pat *pat, const char *patstr);
void vigil_pat_compile(const struct vigil_rs_pat *pat, const char *patstr,
		       struct vigil_segtab *tabs, struct vigil_gplan *plan);
bool vigil_pat_match_tab(const struct vigil_rs_pat *pat, const char *patstr,
			 const char *s, u32 len,
			 const struct vigil_segtab *tabs,
			 const struct vigil_gplan *plan);
bool vigil_glob_need(const u8 *p, u32 plen, bool nocase, u64 *map);
bool vigil_dfa_need(const u8 *d, bool nocase, u64 *map, u8 *seen, u16 *stack,
		    u32 *work);

/**
 * struct vigil_dfa_need - the bytes a REGEX pattern cannot match without
 * @map: a bit per byte value (vigil_dfa_need())
 * @n: how many: with 1 or 2, they are @b (looked for a word at a time)
 * @b: see @n
 */
struct vigil_dfa_need {
	u64 map[4];
	u32 n;
	u8 b[2];
};

/**
 * struct vigil_setplan - how a set is matched, precomputed by the engine
 * @mask: buckets of its EXACT hash table, less one
 * @bucket: the first of its @mask + 2 offsets in sx_bucket (CSR)
 * @n_ex: its EXACT patterns (hashed by their ASCII-folded bytes)
 * @min_len: the shortest EXACT pattern
 * @max_len: the longest EXACT pattern
 * @other: its other patterns are sx_other[@other, + @n_other)
 * @n_other: see @other
 * @mc: its multi-pattern CONTAINS groups are mcgroups[@mc, + @n_mc)
 * @n_mc: see @mc
 * @work_fixed: work units of a MATCH on the set, per value (element)
 * @work_byte: and per byte of the value (vigil_step_eval())
 *
 * A MATCH costs one hash of the value plus the other patterns.
 */
struct vigil_setplan {
	u32 mask;
	u32 bucket;
	u32 n_ex;
	u32 min_len, max_len;
	u32 other, n_other;
	u32 mc, n_mc;
	u32 work_fixed;
	u32 work_byte;
};

/* EXACT patterns of a set up to this many are compared, not hashed. */
#define VIGIL_SET_SCAN 6

#define VIGIL_MC_BYTES 64
/**
 * struct vigil_mcgroup - several CONTAINS patterns of a set (up to
 *	VIGIL_MC_BYTES together) searched in one pass
 * @starts: the first position of each pattern
 * @ends: the last position of each pattern
 * @masks: byte -> the positions that accept it
 *
 * Multi-pattern Shift-And: the patterns' positions laid end to end,
 * indexed by the value byte directly.
 */
struct vigil_mcgroup {
	u64 starts;
	u64 ends;
	u64 masks[256];
};

/**
 * struct vigil_sxent - an EXACT pattern in its set's hash table
 * @hash: FNV-1a of its ASCII-folded bytes
 * @pat: its pattern index
 */
struct vigil_sxent {
	u64 hash;
	u32 pat;
};

/**
 * struct vigil_stepstart - where a step's program resumes for an event
 *	whose kind strings are canonical
 * @insn: the instruction to resume at
 * @acc: the accumulator there
 *
 * For an event whose host.os.type and event.* strings are the ones its
 * kind implies (vigil_event_canonical()), the leading tests of those
 * strings are decided once, in vigil_engine_new().
 */
struct vigil_stepstart {
	u16 insn;
	u16 acc;
};

/* Gate atoms of one step (gate.c): its levels fit one u64. */
#define VIGIL_GATE_ATOMS 5

/**
 * struct vigil_gate - the number tests of a step decided before its
 *	program (gate.c)
 * @any: for j = 0..@n, bit (1 << j) - 1 + p set when the program can be
 *	true with the first j atoms' results the bits of p (atom i: bit i)
 *	and some results of the others; level @n is the truth table
 * @all: the same, set when it can be true whatever the others give
 * @atom: the atoms' instruction indices (NUMCMP and EXISTS tests)
 * @n: atoms; 0: no gate
 */
struct vigil_gate {
	u64 any;
	u64 all;
	u16 atom[VIGIL_GATE_ATOMS];
	u8 n;
};

/**
 * struct vigil_rs - pointers into the engine's private copy of a
 *	validated blob, and into what the engine precomputed from it
 * @h: the header
 * @rules: the rule array
 * @steps: the step array
 * @insns: the instruction array
 * @sets: the set array
 * @pats: the pattern array
 * @strtab: the string table
 * @dfas: the DFA section
 * @thrs: the threshold records
 * @pat_tab: per pattern, its first search table or VIGIL_NIL (this and
 *	the members below: NULL in the bare validator)
 * @tabs: the search tables
 * @plans: per pattern, a glob's geometry
 * @setplans: per set, its plan
 * @sx_bucket: the sets' EXACT hash buckets (CSR offsets into @sx_ent)
 * @sx_ent: the sets' EXACT entries
 * @sx_other: the sets' other patterns
 * @mcgroups: the sets' multi-pattern CONTAINS groups
 * @step_req: per step, vigil_step_required()
 * @starts: per step and event kind, vigil_step_start()
 * @gates: per step, its numeric gate (NULL: none)
 * @need_of: per pattern, its entry in @needs or VIGIL_NIL (NULL: none)
 * @needs: the REGEX patterns' needed bytes
 */
struct vigil_rs {
	const struct vigil_rs_header *h;
	const struct vigil_rs_rule *rules;
	const struct vigil_rs_step *steps;
	const struct vigil_rs_insn *insns;
	const struct vigil_rs_set *sets;
	const struct vigil_rs_pat *pats;
	const char *strtab;
	const u8 *dfas;
	const struct vigil_rs_threshold *thrs;
	const u32 *pat_tab;
	const struct vigil_segtab *tabs;
	const struct vigil_gplan *plans;
	const struct vigil_setplan *setplans;
	const u32 *sx_bucket;
	const struct vigil_sxent *sx_ent;
	const u32 *sx_other;
	const struct vigil_mcgroup *mcgroups;
	const u64 *step_req;
	const struct vigil_stepstart *starts;
	const struct vigil_gate *gates;
	const u32 *need_of;
	const struct vigil_dfa_need *needs;
};

/**
 * struct vigil_cand - one candidate for an event
 * @rule: the rule index
 * @step: EVENT and NEW_TERMS: its step (a sequence runs all its steps)
 */
struct vigil_cand {
	u32 rule;
	u32 step;
};

/**
 * struct vigil_ientry - one index entry
 * @hash: the ASCII-folded value's hash, the index field mixed in
 * @c: the candidate whose index set holds that value
 */
struct vigil_ientry {
	u64 hash;
	struct vigil_cand c;
};

/**
 * struct vigil_index - the candidate index (index.c, lookup in index.h)
 * @fields: per event kind, a bit per field some hint hashes
 * @lens: per field, a bit per length of its hints' values (255: 255 or
 *	more): a value of another length is not hashed (vigil_index_len_ok())
 * @mask: buckets less one
 * @bucket: @mask + 2 offsets into @ent (CSR)
 * @ent: the entries, bucket by bucket
 * @n_ent: their number
 * @bloom: a bit per entry hash (its top bits), so most probes that miss
 *	touch no bucket
 */
struct vigil_index {
	u64 fields[__VIGIL_EV_LAST];
	u64 lens[64][4];
	u32 mask;
	u32 *bucket;
	struct vigil_ientry *ent;
	u32 n_ent;
	u64 *bloom;
};

/*
 * Literal prefilter (prefilter.c builds it, prefilter_scan.c scans an
 * event with it): a slot per filtered step, a bitmap of hashed 2- or
 * 3-byte grams, and the gram table of the filters' literals (CSR
 * buckets).  Slots: VIGIL_PF_SLOTS (engine.h, for struct vigil_pf_memo).
 */

/*
 * Dispatch mutants, one defect each, for user/tests/test_prefilter.c
 * (user/Makefile builds engine.c, prefilter.c and index.c with
 * -DVIGIL_DISPATCH_MUTANT=n): its differential must catch every one.
 */
#ifndef VIGIL_DISPATCH_MUTANT
#define VIGIL_DISPATCH_MUTANT 0
#endif
#define DISPATCH_MUT(n) (VIGIL_DISPATCH_MUTANT == (n))
#define DISPATCH_MUT_WAIT_FIRST 1 /* a first step's kind on the wait list */
#define DISPATCH_MUT_SLOT_OPEN 2 /* a rule slot takes its unfiltered kinds */
#define DISPATCH_MUT_NO_PASS 3 /* a kind a filter is not kept for stops it */
#define DISPATCH_MUT_INDEX_LEN 4 /* the index notes its hints one byte short */
#define DISPATCH_MUT_WAIT_GATE 5 /* a wait entry gated by its first step */
#define DISPATCH_MUT_GATE_MISSING 6 /* a gate compares a missing number as 0 */
#define DISPATCH_MUT_GATE_ORDER 7 /* a gate's table reads its atoms reversed */
#define DISPATCH_MUT_NEED_LAST 8 /* a value's last byte not looked at */
#define DISPATCH_MUT_NEED_ANY 9 /* any rare class is taken as needed */
#define DISPATCH_MUT_MEMO_KEY 10 /* a memo compares lengths, not bytes */
#define DISPATCH_MUT_SEQ_FIRST 11 /* a sequence in flight skipped by step 0 */
#define DISPATCH_MUT_GUARD_PASS 12 /* a guard stops kinds it is not kept for */
#define DISPATCH_MUT_PART_END 13 /* a path's part ends where the path does */
#define VIGIL_PF_NONE 0xffffU
#define VIGIL_PF_BLOOM_LOG2 17
#define VIGIL_PF_VERIFY_MAX 16384U /* literal bytes checked per event */

/**
 * struct vigil_pfent - one distinct literal of the prefilter
 * @gram: the literal's folded bytes [@off, @off + glen)
 * @field: the field it must be found in
 * @anchor: where it must sit (PF_AT_*, prefilter.h)
 * @off: where the gram starts in the literal
 * @str: strtab offset of the literal
 * @len: its length
 * @n_slots: the steps that need it are slots[@slot0, + @n_slots)
 * @slot0: see @n_slots
 */
struct vigil_pfent {
	u32 gram;
	u8 field;
	u8 anchor;
	u16 off;
	u32 str;
	u16 len;
	u16 n_slots;
	u32 slot0;
};

/**
 * struct vigil_pfcand - a filtered candidate: it runs only if its bit is set
 * @c: the rule and step (rule VIGIL_NIL: a sequence step's own slot)
 * @kinds: the event kinds it takes
 * @fields: the fields its filter reads (a literal in one of them sets
 *	the slot's bit)
 */
struct vigil_pfcand {
	struct vigil_cand c;
	u32 kinds;
	u64 fields;
};

/**
 * struct vigil_pf - the literal prefilter
 * @step_slot: per step, its slot or VIGIL_PF_NONE
 * @guard_slot: per step with a slot, the slot of its guard (a second
 *	filter, on fields the first does not read) or VIGIL_PF_NONE
 * @rule_slot: per rule, its candidate slot or VIGIL_PF_NONE
 * @cand: per slot, its candidate
 * @n_slots: slots in use (at most VIGIL_PF_SLOTS)
 * @n_words: words of the per-event bitmap in use
 * @kpass: per event kind, the slots its events always let through: the
 *	steps of that kind whose filter is kept only for their other kinds
 *	(prefilter.c, prune())
 * @kslots: per event kind, its filtered steps
 * @kfields: per event kind, the fields their filters read
 * @memo_fields: the parent fields some kind's filters read: all of them
 *	go through the memo (struct vigil_pf_memo), so that events of every
 *	kind from one parent find it
 * @glen: per field, gram bytes: 2 or 3 (its shortest literal)
 * @whole: per part of a path (vigil_field_whole()), that path when the
 *	part's literals are found by the path's scan (they are no shorter
 *	than the path's grams), else 0
 * @bloom: 1 << VIGIL_PF_BLOOM_LOG2 bits of gram hashes
 * @bmask: buckets less one
 * @bucket: @bmask + 2 offsets into @ent (CSR)
 * @ent: the literals
 * @n_ent: their number
 * @slots: the slots of each literal's steps (struct vigil_pfent)
 */
struct vigil_pf {
	u16 *step_slot;
	u16 *guard_slot;
	u16 *rule_slot;
	struct vigil_pfcand *cand;
	u32 n_slots;
	u32 n_words;
	u64 kpass[__VIGIL_EV_LAST][VIGIL_PF_WORDS];
	u32 kslots[__VIGIL_EV_LAST];
	u64 kfields[__VIGIL_EV_LAST];
	u64 memo_fields;
	u8 glen[64];
	u8 whole[64];
	u64 *bloom;
	u32 bmask;
	u32 *bucket;
	struct vigil_pfent *ent;
	u32 n_ent;
	u16 *slots;
};

/**
 * struct vigil_dispatch - what an event runs besides the index's and the
 *	prefilter's candidates (engine.c)
 * @kind_list: per event kind, the candidates that neither the index nor
 *	a prefilter slot finds: each runs on every event of its kind
 * @kind_n: their numbers
 * @wait_list: per event kind, the sequence rules whose later steps take
 *	it (and that are not on its kind list): each runs only while it
 *	has a sequence in flight (vigil_seq_waiting()) and, when one later
 *	step takes the kind (the entry's step; else VIGIL_NIL), its filter
 *	lets the event through
 * @wait_n: their numbers
 */
struct vigil_dispatch {
	struct vigil_cand *kind_list[__VIGIL_EV_LAST];
	u32 kind_n[__VIGIL_EV_LAST];
	struct vigil_cand *wait_list[__VIGIL_EV_LAST];
	u32 wait_n[__VIGIL_EV_LAST];
};

/*
 * Work budget of one event, in units of about one byte compared or
 * scanned (Documentation/engine.rst, "Work per event").  Every accepted
 * ruleset stays below it at the default argv capture; a step that would
 * exceed it is not run, and the event counts once in work_stops.
 */
#define VIGIL_EVENT_WORK (256ULL << 20)

/**
 * struct vigil_work - the work budget of one event
 * @left: units left
 * @stopped: some step was not run because it would have exceeded @left
 */
struct vigil_work {
	u64 left;
	bool stopped;
};

/**
 * struct vigil_evctx - what the dispatch knows of one event
 * @canon: the event's kind when vigil_event_canonical() holds, else 0
 *	(see vigil_step_eval())
 * @hits: the prefilter bitmap (NULL: no step is filtered out)
 * @work: the event's budget (NULL: unbounded, for tests and
 *	vigil_step_start())
 */
struct vigil_evctx {
	u32 canon;
	const u64 *hits;
	struct vigil_work *work;
};

struct vigil_seq_table;
struct vigil_terms;
struct vigil_thr;

/**
 * struct vigil_rule_state - the mutable state of one rule
 * @enabled: the rule runs (READ_ONCE/WRITE_ONCE, lock-free)
 * @hits: alerts it raised
 * @terms: NEW_TERMS: its store of learned terms; NULL otherwise
 * @thr: THRESHOLD: its group store; NULL otherwise
 * @prev: vigil_engine_inherit(): 1 + the index of the rule of the same
 *	rule_id in the replaced engine, or 0
 * @prev_hits: that rule's @hits when they were copied, so that
 *	vigil_engine_inherit_hits() adds only the ones counted later
 */
struct vigil_rule_state {
	u32 enabled;
	struct vg_atomic64 hits;
	struct vigil_terms *terms;
	struct vigil_thr *thr;
	u32 prev;
	u64 prev_hits;
};

/**
 * struct vigil_engine - one ruleset, ready to run
 * @blob: the private, validated copy of the ruleset
 * @len: its length
 * @rs: pointers into @blob and into what is precomputed below
 * @pat_tab: owner of @rs.pat_tab
 * @tabs: owner of @rs.tabs
 * @plans: owner of @rs.plans
 * @setplans: owner of @rs.setplans
 * @sx_bucket: owner of @rs.sx_bucket
 * @sx_ent: owner of @rs.sx_ent
 * @sx_other: owner of @rs.sx_other
 * @mcgroups: owner of @rs.mcgroups
 * @step_req: owner of @rs.step_req
 * @starts: owner of @rs.starts
 * @gates: owner of @rs.gates
 * @need_of: owner of @rs.need_of
 * @needs: owner of @rs.needs
 * @rstate: per rule, its mutable state
 * @idx: the candidate index
 * @pf: the literal prefilter
 * @disp: the per-kind candidate lists of the dispatch
 * @seq: the sequence table (NULL without sequence rules)
 * @terms_cap: capacity of each new-terms store
 * @work_stops: events whose work budget ran out (struct vigil_work)
 *
 * Everything but @rstate, @seq, the term stores and @work_stops is
 * immutable once vigil_engine_new() returns.
 */
/* Early atoms of one step (early.c); its table has 1 << this many bits. */
#define VIGIL_EARLY_ATOMS 10

/**
 * struct vigil_early_step - one step's early decision (early.c)
 * @rule: its rule
 * @step: the step
 * @later: a later step of a sequence: it counts only while one waits
 * @indexed: a first step the index finds (vigil_index_covers()) by a
 *	field early for the kind: it can be true only if the index finds
 *	it on the early fields
 * @n_atoms: its early atoms, at most VIGIL_EARLY_ATOMS
 * @n_actor: of them, those that read the actor's fields
 *	(VIGIL_EARLY_ACTOR_FIELDS) at a kind of VIGIL_EARLY_ACTOR_KINDS: they
 *	come first, and a memo keeps their results (struct vigil_early_memo)
 * @atom: each atom's instruction index in the step's program, the
 *	@n_actor first, each part cheapest first
 * @levels: for j = 0..@n_atoms, bit (1 << j) - 1 + p set when the step
 *	can be true with the first j atoms' results the bits of p (atom i:
 *	bit i) and some results of the others; level @n_atoms is the table
 */
struct vigil_early_step {
	u32 rule;
	u32 step;
	u8 later;
	u8 indexed;
	u8 n_atoms;
	u8 n_actor;
	u16 atom[VIGIL_EARLY_ATOMS];
	u64 levels[(2U << VIGIL_EARLY_ATOMS) / 64];
};

/*
 * Steps of one early kind that get a table (288 bytes each); a ruleset
 * with more builds every event of that kind, as without early decisions.
 */
#define VIGIL_EARLY_MAX_STEPS 1024

/* Remembered early decisions per kind (early.c): direct-mapped slots. */
#define VIGIL_EARLY_CACHE 64

/**
 * struct vigil_early - the early decision of one event kind (early.c)
 * @always: a first step of the kind may be true whatever the early
 *	fields: every event of it is built
 * @n: steps of the kind
 * @n_first: of them, first steps; the others, later steps, follow
 * @steps: them (NULL: not an early kind)
 * @fields: the early fields the atoms of first steps read, less the kind
 *	strings (fixed for the kind)
 * @cache: VIGIL_EARLY_CACHE keys of @fields' values (bit 1 set; 0:
 *	empty), bit 0 set when a first step may be true on them; read and
 *	written racily, one aligned word at a time
 * @decide: the prefilter slots (struct vigil_pf) whose filters read only
 *	early fields of the kind, one bit each: the literal scan of the
 *	early fields decides them as it would on the whole event
 * @scan: some first step of the kind has a slot in @decide
 * @indexed: some first step of the kind is @indexed
 * @first_of: per step of the ruleset, 1 + its place among the first steps
 *	of the kind, 0 for the others
 * @open: the first steps that neither their filter nor the index decide,
 *	bit i for the i-th: they run their atoms on every event
 */
struct vigil_early {
	bool always;
	bool scan;
	bool indexed;
	u32 n;
	u32 n_first;
	struct vigil_early_step *steps;
	u16 *first_of;
	u64 fields;
	u64 *cache;
	u64 decide[VIGIL_PF_WORDS];
	u64 open[VIGIL_EARLY_MAX_STEPS / 64];
};

struct vigil_engine {
	u64 id; /* unique among the engines of this boot (or run) */
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
	struct vigil_gate *gates;
	u32 *need_of;
	struct vigil_dfa_need *needs;
	struct vigil_rule_state *rstate;
	struct vigil_index idx;
	struct vigil_pf pf;
	struct vigil_dispatch disp;
	struct vigil_early early[__VIGIL_EV_LAST];
	siphash_key_t early_key; /* keys the early caches */
	u32 early_gen; /* bumped when a rule is enabled or disabled */
	struct vigil_seq_table *seq;
	struct vigil_env_names env; /* what capture may read of environments */
	u32 terms_cap;
	u32 thr_cap;
	struct vg_atomic64 work_stops;
	u64 learn_until; /* new_terms: no alert before this event time */
};

/* event.c: the strings vigil_event_set_kind() derives from the kind */
#define VIGIL_KIND_NF 4
extern const u8 vigil_kind_fields[VIGIL_KIND_NF];
const char *vigil_kind_value(u32 k, u32 i, u32 *len);
bool vigil_event_canonical(const struct vigil_event *ev, u32 k);

/* env.c */
int vigil_env_names_build(const struct vigil_rs *rs,
			  struct vigil_env_names *out, const char **why);

/* validate.c */
void vigil_rs_map(struct vigil_rs *rs, const void *blob);
/*
 * Heapsort of @n indices by @less(@ctx, a, b): O(n log n), no recursion,
 * no allocation.
 */
void vigil_sort(u32 *idx, u32 n, bool (*less)(const void *ctx, u32 a, u32 b),
		const void *ctx);

/* early.c */
int vigil_early_build(struct vigil_engine *e);
void vigil_early_free(struct vigil_engine *e);
void vigil_early_forget(struct vigil_engine *e);
bool vigil_early_possible(const struct vigil_rs *rs,
			  const struct vigil_rs_step *st, u32 start, bool acc0,
			  const u16 *atom, u32 n, u32 a, u8 *reach);

/* gate.c */
int vigil_gate_build(struct vigil_engine *e);
void vigil_gate_free(struct vigil_engine *e);

/* engine.c: the per-event dispatch */
int vigil_dispatch_build(struct vigil_engine *e);
void vigil_dispatch_free(struct vigil_dispatch *d);

/* index.c (the lookup: index.h) */
int vigil_index_build(struct vigil_engine *e);
void vigil_index_free(struct vigil_index *idx);
bool vigil_index_covers(const struct vigil_rs *rs,
			const struct vigil_rs_rule *ru,
			const struct vigil_rs_step *st);

/* prefilter.c */
int vigil_pf_build(struct vigil_engine *e);
void vigil_pf_free(struct vigil_pf *pf);
/* prefilter_scan.c */
void vigil_pf_scan(const struct vigil_engine *e, const struct vigil_event *ev,
		   u32 kind, u64 *hits, struct vigil_pf_memo *memo);

/* Can step @step match, as far as the prefilter knows? */
static inline bool vigil_pf_pass(const struct vigil_engine *e,
				 const struct vigil_evctx *x, u32 step)
{
	u32 s;

	if (!x->hits)
		return true;
	s = e->pf.step_slot[step];
	if (s == VIGIL_PF_NONE)
		return true;
	if (!((x->hits[s / 64] >> (s % 64)) & 1))
		return false;
	s = e->pf.guard_slot[step];
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
bool vigil_step_may(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		    const struct vigil_event *ev);
bool vigil_step_eval(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		     const struct vigil_event *ev, const struct vigil_evctx *x);
int vigil_insn_test(const struct vigil_rs *rs, const struct vigil_rs_insn *in,
		    const struct vigil_event *ev, struct vigil_work *w);

/**
 * struct vigil_field_desc - one event field (event.c: vigil_fields[], the
 *	only list of fields)
 * @name: its ECS name
 * @type: enum vigil_ftype
 */
struct vigil_field_desc {
	const char *name;
	u8 type;
	bool boolean; /* a NUM that is 0 or 1, ECS boolean */
};

extern const struct vigil_field_desc vigil_fields[__VIGIL_F_LAST];

/* Is @f an ARRAY field (matched element by element)? */
static inline bool vigil_is_array(u32 f)
{
	return f < __VIGIL_F_LAST && vigil_fields[f].type == VIGIL_FT_ARRAY;
}

/*
 * The args field and the command line that joins its elements by
 * spaces (capture builds process.command_line so, and the parent's):
 * each of a pair gives the other; VIGIL_F_UNSPEC for other fields.
 */
static inline u32 vigil_field_pair(u32 f)
{
	switch (f) {
	case VIGIL_F_PROCESS_ARGS:
		return VIGIL_F_PROCESS_COMMAND_LINE;
	case VIGIL_F_PROCESS_COMMAND_LINE:
		return VIGIL_F_PROCESS_ARGS;
	case VIGIL_F_PARENT_ARGS:
		return VIGIL_F_PARENT_COMMAND_LINE;
	case VIGIL_F_PARENT_COMMAND_LINE:
		return VIGIL_F_PARENT_ARGS;
	default:
		return VIGIL_F_UNSPEC;
	}
}

/*
 * The value @f is a part of: file.path of file.name, file.extension and
 * file.directory, the original path of the original's
 * (vigil_event_derive_file() makes them views into it); else
 * VIGIL_F_UNSPEC.  A part is @f - whole - 1 of VIGIL_FIELD_PARTS.
 */
#define VIGIL_FIELD_PARTS 3
_Static_assert(VIGIL_F_FILE_NAME - VIGIL_F_FILE_PATH == 1 &&
		       VIGIL_F_FILE_EXTENSION - VIGIL_F_FILE_PATH == 2 &&
		       VIGIL_F_FILE_DIRECTORY - VIGIL_F_FILE_PATH == 3 &&
		       VIGIL_F_FILE_ORIG_NAME - VIGIL_F_FILE_ORIG_PATH == 1 &&
		       VIGIL_F_FILE_ORIG_EXTENSION - VIGIL_F_FILE_ORIG_PATH ==
			       2 &&
		       VIGIL_F_FILE_ORIG_DIRECTORY - VIGIL_F_FILE_ORIG_PATH ==
			       3,
	       "a path's parts follow it");
static inline u32 vigil_field_whole(u32 f)
{
	if (f > VIGIL_F_FILE_PATH && f <= VIGIL_F_FILE_PATH + VIGIL_FIELD_PARTS)
		return VIGIL_F_FILE_PATH;
	if (f > VIGIL_F_FILE_ORIG_PATH &&
	    f <= VIGIL_F_FILE_ORIG_PATH + VIGIL_FIELD_PARTS)
		return VIGIL_F_FILE_ORIG_PATH;
	return VIGIL_F_UNSPEC;
}

/*
 * ASCII A-Z to a-z; every other byte as it is (NOCASE, hashes, index,
 * the prefilter's scan): a table, one load per byte (event.c).
 */
#define VIGIL_FOLD(c) ((u8)((u8)((c) - 'A') < 26 ? (c) + ('a' - 'A') : (c)))
extern const u8 vigil_fold_tab[256];
static inline u8 vigil_fold(u8 c)
{
	return vigil_fold_tab[c];
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

/**
 * vigil_hash_folded() - FNV-1a of the ASCII-folded bytes
 * @h: running hash
 * @s: bytes
 * @len: length
 *
 * Hashes EXACT patterns and values for the sets' tables, the index and
 * the prefilter's deduplication of literals.
 *
 * Return: the new hash.
 */
static inline u64 vigil_hash_folded(u64 h, const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= vigil_fold((u8)s[i]);
		h *= VIGIL_FNV_PRIME;
	}
	return h;
}

u64 vigil_hash_field(u64 h, u32 field, const struct vigil_value *v);
/* Return: false when a field is missing. */
bool vigil_tuple_hash(const struct vigil_event *ev, const u8 *fields, u32 n,
		      u64 *out);

/* seq.c */
u64 vigil_seq_bytes(const struct vigil_rs *rs, u32 capacity);
int vigil_seq_new(struct vigil_engine *e, u32 capacity);
void vigil_seq_free(struct vigil_engine *e);
u32 vigil_seq_process(struct vigil_engine *e, u32 rule,
		      const struct vigil_event *ev, const struct vigil_evctx *x,
		      vigil_alert_fn fn, void *ctx);
void vigil_seq_forget(struct vigil_engine *e, const char *id, u32 len);
bool vigil_seq_waiting(const struct vigil_engine *e, u32 rule);
u64 vigil_seq_pending(const struct vigil_engine *e);
void vigil_seq_stats(const struct vigil_engine *e,
		     struct vigil_engine_stats *st);

/* threshold.c */
u64 vigil_thr_bytes(const struct vigil_rs_threshold *spec, u32 capacity);
struct vigil_thr *vigil_thr_new(const struct vigil_rs_threshold *spec,
				u32 capacity);
void vigil_thr_free(struct vigil_thr *t);
bool vigil_thr_check(struct vigil_thr *t, const struct vigil_event *ev, u64 now,
		     struct vigil_thr_result *res);
void vigil_thr_count(const struct vigil_thr *t, u64 *groups, u64 *evictions);
/* The threshold record of THRESHOLD rule @rule (validated: there is one). */
const struct vigil_rs_threshold *vigil_rs_thr_of(const struct vigil_rs *rs,
						 u32 rule);

/* terms.c */
u64 vigil_terms_bytes(u32 capacity);
struct vigil_terms *vigil_terms_new(u32 capacity);
void vigil_terms_free(struct vigil_terms *t);
/* Return: true if the tuple is new (absent or older than the window). */
bool vigil_terms_check(struct vigil_terms *t, u64 hash, u64 now, u64 window_ns);
void vigil_terms_put(struct vigil_terms *t, u64 hash, u64 last_seen);
void vigil_terms_put_private(struct vigil_terms *t, u64 hash, u64 last_seen);

/**
 * struct vigil_term_kv - one learned term, copied out of a store
 * @hash: term tuple hash
 * @last: last sighting, ns
 */
struct vigil_term_kv {
	u64 hash;
	u64 last;
};

/* Term-store entries copied per lock hold by vigil_engine_inherit(). */
#define VIGIL_TERMS_CHUNK 256U
u32 vigil_terms_copy(struct vigil_terms *t, u32 *pos, struct vigil_term_kv *out,
		     u32 max);
u32 vigil_terms_cap(const struct vigil_terms *t);
int vigil_terms_each(struct vigil_terms *t,
		     int (*fn)(void *ctx, u64 hash, u64 last_seen_ns),
		     void *ctx);
void vigil_terms_count(const struct vigil_terms *t, u64 *learned,
		       u64 *evictions);

#endif /* VIGIL_ENGINE_INTERNAL_H */
