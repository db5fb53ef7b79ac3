/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The portable vigil engine: event model, pattern matcher, ruleset
 * validator and index, program interpreter, sequence correlator and
 * new-terms store.  The same sources build into vigil.ko and into
 * userspace (vigilctl replay, unit tests, fuzzers, benchmarks); the only
 * difference is os.h.
 *
 * Concurrency: vigil_engine_process() may run on several CPUs at once, in
 * atomic context in the kernel (no sleeping, no allocation).  Everything
 * it needs is allocated by vigil_engine_new().  Sequence and new-terms
 * state is protected by engine-internal spinlocks; the alert callback is
 * called with such a lock held and must neither sleep nor re-enter the
 * engine.
 */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include "os.h"
#include "../uapi/vigil.h"

/* ---------------- events ---------------- */

struct vigil_value {
	const char *
		str; /* STR: bytes; ARRAY: NUL-terminated elements back to back */
	u32 len; /* STR: bytes; ARRAY: total bytes including the NULs */
	u32 count; /* ARRAY: number of elements */
	u64 num; /* NUM */
};

struct vigil_event {
	u64 present; /* bit (1ULL << field) set when the field has a value */
	struct vigil_value v[__VIGIL_F_LAST];
};

enum vigil_ftype vigil_field_type(enum vigil_field f);
const char *vigil_field_name(enum vigil_field f); /* ECS name, or NULL */

void vigil_event_init(struct vigil_event *ev);
void vigil_event_set_str(struct vigil_event *ev, enum vigil_field f,
			 const char *s, u32 len);
void vigil_event_set_num(struct vigil_event *ev, enum vigil_field f, u64 n);
void vigil_event_set_array(struct vigil_event *ev, enum vigil_field f,
			   const char *buf, u32 len, u32 count);
/* Sets EVENT_KIND and the derived event.category/type/action strings. */
void vigil_event_set_kind(struct vigil_event *ev, enum vigil_event_kind k);
/*
 * Derives file.name, file.extension and file.directory from file.path
 * (and the file.Ext.original.* ones from file.Ext.original.path); the
 * values point into the path.
 */
void vigil_event_derive_file(struct vigil_event *ev);

/*
 * Encodes @ev as netlink attributes (struct nlattr layout: u16 len,
 * u16 type, payload padded to 4 bytes), attribute type = field.  ARRAY
 * fields that do not fit are cut at an element boundary and
 * VIGIL_EVF_ARGS_TRUNCATED is set in the encoded EVENT_FLAGS.
 * Return: bytes written (always <= @cap).
 */
u32 vigil_event_encode(const struct vigil_event *ev, void *buf, u32 cap);
/*
 * Decodes what vigil_event_encode() wrote; values point into @buf.
 * Unknown attribute types are skipped.  Return: 0 or -EINVAL.
 */
int vigil_event_decode(struct vigil_event *ev, const void *buf, u32 len);

/* ---------------- patterns ---------------- */

/* Linear-time matching of one pattern against one value. */
bool vigil_pat_match(const struct vigil_rs_pat *pat, const char *patstr,
		     const char *s, u32 len);

/* ---------------- rulesets and engine ---------------- */

struct vigil_engine;

struct vigil_engine_limits {
	u32 seq_capacity; /* pending sequences, all rules together */
	u32 terms_capacity; /* learned terms per new_terms rule */
};

/*
 * Validates @blob completely, then builds an engine for it (a private
 * copy of the blob, its indexes, and all state).  May sleep.
 * Return: the engine, or NULL with *@reason set to a static string that
 * names the first problem found (for example "insn 12 of step 3: jump
 * past end").  *@reason is "out of memory" when allocation failed.
 */
struct vigil_engine *vigil_engine_new(const void *blob, u32 len,
				      const struct vigil_engine_limits *lim,
				      const char **reason);
void vigil_engine_free(struct vigil_engine *e);

/* Validation only, for tests and `vigilctl check`. Return 0 or -EINVAL. */
int vigil_ruleset_validate(const void *blob, u32 len, const char **reason);
/*
 * Same, but writes the reason into @buf prefixed with the location, for
 * example "rule 3 step 7 insn 12: insn: jump past end".
 */
int vigil_ruleset_validate_r(const void *blob, u32 len, char *buf, u32 buflen);

u32 vigil_engine_rule_count(const struct vigil_engine *e);
/*
 * The event kinds some step of some rule accepts, as 1 << enum
 * vigil_event_kind bits: events of other kinds cannot match anything.
 */
u32 vigil_engine_kind_mask(const struct vigil_engine *e);
/*
 * Of those, the kinds that only steps after the first of sequence rules
 * accept: such an event can matter only while a sequence is pending
 * (vigil_engine_seq_pending() non-zero).
 */
u32 vigil_engine_kind_mask_later(const struct vigil_engine *e);
/* Pending sequences, all rules; a racy snapshot (atomic context safe). */
u64 vigil_engine_seq_pending(const struct vigil_engine *e);
struct vigil_rule_info {
	const char *id, *name, *threat;
	u8 kind, severity, risk_score;
	bool building_block; /* VIGIL_RULE_F_BUILDING_BLOCK */
};
void vigil_engine_rule_info(const struct vigil_engine *e, u32 rule,
			    struct vigil_rule_info *info);
/* Return: rule index, or -ENOENT. */
int vigil_engine_find_rule(const struct vigil_engine *e, const char *id);

/* Per-rule switch and hit counter (lock-free). */
void vigil_engine_set_enabled(struct vigil_engine *e, u32 rule, bool on);
bool vigil_engine_enabled(const struct vigil_engine *e, u32 rule);
u64 vigil_engine_hits(const struct vigil_engine *e, u32 rule);

struct vigil_match {
	u32 rule; /* rule index */
	const struct vigil_event *event; /* the event that completed the match */
	/* SEQUENCE: encoded events (vigil_event_encode) of the earlier steps */
	u32 n_prior;
	const void *prior[VIGIL_RS_MAX_STEPS];
	u32 prior_len[VIGIL_RS_MAX_STEPS];
};

typedef void (*vigil_alert_fn)(void *ctx, const struct vigil_match *m);

/*
 * Runs every enabled rule that can apply to @ev (by its kind and the
 * index hints) and calls @fn for each alert.  Atomic-context safe.
 * @ev's VIGIL_F_TIMESTAMP drives maxspan and history windows.
 * Return: number of alerts.
 */
u32 vigil_engine_process(struct vigil_engine *e, const struct vigil_event *ev,
			 vigil_alert_fn fn, void *ctx);

/*
 * The process with this process.entity_id is gone: drop the pending
 * sequences keyed by it alone.
 */
void vigil_engine_forget_entity(struct vigil_engine *e, const char *entity_id,
				u32 len);

struct vigil_engine_stats {
	u64 seq_pending, seq_evictions, seq_expired;
	u64 terms_learned, terms_evictions;
};
void vigil_engine_stats(const struct vigil_engine *e,
			struct vigil_engine_stats *st);

/* ---------------- new-terms history ---------------- */

/*
 * Iterates the learned terms of rule @rule: calls @fn(ctx, hash,
 * last_seen_ns) for each; stops early when @fn returns non-zero and
 * returns that value.  @fn runs under the store's lock.
 */
int vigil_engine_terms_walk(struct vigil_engine *e, u32 rule,
			    int (*fn)(void *ctx, u64 hash, u64 last_seen_ns),
			    void *ctx);
/* Adds or refreshes one learned term.  Return 0, or -EINVAL/-ENOENT. */
int vigil_engine_terms_add(struct vigil_engine *e, u32 rule, u64 hash,
			   u64 last_seen_ns);
/*
 * Moves all learned terms and hit counters of rules with the same rule_id
 * from @old to @e (used on ruleset replace).  May be called only before
 * @e is published.
 */
void vigil_engine_inherit(struct vigil_engine *e, struct vigil_engine *old);
/* new_terms rules record without alerting until event time @until_ns. */
void vigil_engine_set_learn(struct vigil_engine *e, u64 until_ns);

#endif /* VIGIL_ENGINE_H */
