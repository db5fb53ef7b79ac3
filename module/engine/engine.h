/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The portable vigil engine: event model, pattern matcher, ruleset
 * validator and index, program interpreter, sequence correlator,
 * new-terms store and threshold groups.  The same sources build into vigil.ko and into
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

/**
 * struct vigil_value - the value of one event field
 * @str: STR: its bytes; ARRAY: NUL-terminated elements back to back
 *	(the event does not own them)
 * @len: STR: bytes; ARRAY: total bytes including the NULs
 * @count: ARRAY: number of elements
 * @num: NUM: the number
 */
struct vigil_value {
	const char *str;
	u32 len;
	u32 count;
	u64 num;
};

/**
 * struct vigil_event - one event, as rules see it
 * @present: bit (1ULL << field) set when the field has a value
 * @v: the values, by enum vigil_field; a value whose @present bit is
 *	clear is left as it was and must not be read
 * @boot_ns: CLOCK_BOOTTIME when it happened (capture sets it; 0 when
 *	unknown, e.g. a replayed event): history windows are measured on
 *	it, so a step of the wall clock neither expires nor keeps entries
 *	(see vigil_event_window_ns()); @timestamp stays the wall clock
 * @joined: bit (1ULL << f) for an args field (process.args,
 *	process.parent.args) whose command line is exactly its elements
 *	joined by single spaces, so that the prefilter scans that command
 *	line alone for the literals of both.  Capture sets it where it
 *	builds the command line from the args; events built elsewhere get
 *	it from vigil_event_note_joined().  A bit set wrongly could hide a
 *	literal of the args from the prefilter; a bit left clear only costs
 *	a second scan.
 */
struct vigil_event {
	u64 present;
	struct vigil_value v[__VIGIL_F_LAST];
	u64 boot_ns;
	u64 joined;
};

/*
 * The time windows are measured on: CLOCK_BOOTTIME (plus VIGIL_BOOT_BIAS,
 * os.h) when capture set @ev->boot_ns, else @timestamp (replay, tests).
 */
static inline u64 vigil_event_window_ns(const struct vigil_event *ev)
{
	if (ev->boot_ns)
		return VIGIL_BOOT_BIAS + ev->boot_ns;
	return (ev->present & (1ULL << VIGIL_F_TIMESTAMP)) ?
		       ev->v[VIGIL_F_TIMESTAMP].num :
		       0;
}

enum vigil_ftype vigil_field_type(enum vigil_field f);
bool vigil_field_is_bool(enum vigil_field f);
void vigil_event_note_joined(struct vigil_event *ev);
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
 * u16 type, payload padded to 4 bytes), attribute type = field.  When @ev
 * does not fit whole, each value gets a fair share of @cap: STR values
 * keep their head, ARRAY values are cut at an element boundary and
 * VIGIL_EVF_ARGS_TRUNCATED is set in the encoded EVENT_FLAGS.
 * Return: bytes written (always <= @cap).
 */
u32 vigil_event_encode(const struct vigil_event *ev, void *buf, u32 cap);
/* The @cap with which vigil_event_encode() cuts nothing of @ev. */
u32 vigil_event_encoded_size(const struct vigil_event *ev);
/* The payload cap of one value when @ev is encoded in @cap bytes. */
u32 vigil_event_value_cap(const struct vigil_event *ev, u32 cap);
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

/*
 * In-flight sequences kept, all rules and stages together, unless the
 * caller asks otherwise: the one default of vigil.ko's seq_capacity
 * parameter and of vigilctl replay (Documentation/engine.rst).
 */
#define VIGIL_SEQ_DEFAULT_CAP 4096
/* Groups kept per threshold rule: vigil.ko's threshold_capacity default. */
#define VIGIL_THR_DEFAULT_CAP 1024

/**
 * struct vigil_engine_limits - capacities of an engine's state
 * @seq_capacity: pending sequences, all rules together (0: VIGIL_SEQ_DEFAULT_CAP)
 * @terms_capacity: learned terms per new_terms rule (0: 16384)
 * @thr_capacity: groups per threshold rule (0: VIGIL_THR_DEFAULT_CAP)
 * @state_max: bytes of sequence and new-terms state the ruleset may ask
 *	for at these capacities (0: 512 MiB); a ruleset over it is refused
 *	before anything is allocated
 */
struct vigil_engine_limits {
	u32 seq_capacity;
	u32 terms_capacity;
	u64 state_max;
	u32 thr_capacity;
};

/*
 * Validates @blob completely, then builds an engine for it (a private
 * copy of the blob, its indexes, and all state).  May sleep.
 * Return: the engine, or ERR_PTR(-EINVAL) (invalid blob), ERR_PTR(-E2BIG)
 * (its state would exceed @lim->state_max) or ERR_PTR(-ENOMEM), with
 * *@reason set to a static string that names the problem (for example
 * "insn: jump past end", "out of memory").
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

/* 1..VIGIL_RULE_ID_MAX bytes of [A-Za-z0-9_.-]: the validator's rule. */
bool vigil_rule_id_ok(const char *s, u32 len);

u32 vigil_engine_rule_count(const struct vigil_engine *e);
/*
 * The event kinds some step of some rule accepts, as 1 << enum
 * vigil_event_kind bits: events of other kinds cannot match anything.
 */
u32 vigil_engine_kind_mask(const struct vigil_engine *e);
u64 vigil_engine_fields_read(const struct vigil_engine *e);

/* ---------------- process.env_vars (env.c) ---------------- */

/**
 * struct vigil_env_name - one environment variable a rule names
 * @len: bytes of @s, 1..VIGIL_ENV_NAME_MAX
 * @nocase: match it ASCII case-insensitively (@s is folded)
 * @s: the name, without '='
 */
struct vigil_env_name {
	u8 len;
	bool nocase;
	char s[VIGIL_ENV_NAME_MAX];
};

/**
 * struct vigil_env_names - the variables the loaded rules name
 * @n: how many, 0..VIGIL_ENV_MAX_NAMES
 * @name: the names
 */
struct vigil_env_names {
	u32 n;
	struct vigil_env_name name[VIGIL_ENV_MAX_NAMES];
};

/**
 * struct vigil_env_scan - a scan of one environment in progress
 * @names: the variables to keep
 * @out: kept elements, NUL-terminated, back to back
 * @cap: bytes of @out
 * @used: bytes of @out used
 * @start: where the element being kept starts in @out
 * @count: elements kept
 * @cand: bit k: the element's name so far is a prefix of name k
 * @pos: bytes of the current element seen, while @cand is not 0
 * @keep: the current element is being copied to @out
 * @cut: an element was dropped for room, or the input ended in one
 * @name: the current element's bytes so far (its name, while @cand)
 */
struct vigil_env_scan {
	const struct vigil_env_names *names;
	char *out;
	u32 cap;
	u32 used;
	u32 start;
	u32 count;
	u64 cand;
	u32 pos;
	bool keep;
	bool cut;
	char name[VIGIL_ENV_NAME_MAX];
};

bool vigil_env_pat_name(const struct vigil_rs_pat *p, const char *s, u32 *off,
			u32 *len);
const struct vigil_env_names *
vigil_engine_env_names(const struct vigil_engine *e);
void vigil_env_scan_init(struct vigil_env_scan *st,
			 const struct vigil_env_names *names, char *out,
			 u32 cap);
void vigil_env_scan_feed(struct vigil_env_scan *st, const char *in, u32 len);
u32 vigil_env_scan_end(struct vigil_env_scan *st, u32 *count);
/*
 * Of those, the kinds that only steps after the first of sequence rules
 * accept: such an event can matter only while a sequence is pending
 * (vigil_engine_seq_pending() non-zero).
 */
u32 vigil_engine_kind_mask_later(const struct vigil_engine *e);
/* Pending sequences, all rules; a racy snapshot (atomic context safe). */
u64 vigil_engine_seq_pending(const struct vigil_engine *e);

/*
 * Early decision (early.c): capture sets the early fields of an event of
 * an early kind first (vigil_early_fields() of its kind), and builds the
 * rest only if vigil_engine_early() says some rule may still match it.
 * Capture must set every early field the event will carry before asking,
 * and none may change afterwards.
 */
#define VIGIL_EARLY_KINDS                                     \
	((1U << VIGIL_EV_CONNECT) | (1U << VIGIL_EV_ACCEPT) | \
	 (1U << VIGIL_EV_END) | (1U << VIGIL_EV_OPEN) |       \
	 (1U << VIGIL_EV_BIND) | (1U << VIGIL_EV_CREATE) |    \
	 (1U << VIGIL_EV_DELETE) | (1U << VIGIL_EV_RENAME) |  \
	 (1U << VIGIL_EV_SYMLINK))
/* The kind strings, which every early kind has (vigil_event_set_kind()). */
#define VIGIL_EARLY_KIND_STRINGS                                           \
	((1ULL << VIGIL_F_EVENT_KIND) | (1ULL << VIGIL_F_EVENT_CATEGORY) | \
	 (1ULL << VIGIL_F_EVENT_TYPE) | (1ULL << VIGIL_F_EVENT_ACTION) |   \
	 (1ULL << VIGIL_F_HOST_OS_TYPE))
/* connect and accept: what the socket tells */
#define VIGIL_EARLY_NET_FIELDS                                              \
	(VIGIL_EARLY_KIND_STRINGS | (1ULL << VIGIL_F_SOURCE_IP) |           \
	 (1ULL << VIGIL_F_SOURCE_PORT) | (1ULL << VIGIL_F_DESTINATION_IP) | \
	 (1ULL << VIGIL_F_DESTINATION_PORT) |                               \
	 (1ULL << VIGIL_F_NETWORK_TRANSPORT) |                              \
	 (1ULL << VIGIL_F_NETWORK_DIRECTION))
/* the actor's name and program, from the process table */
#define VIGIL_EARLY_ACTOR_FIELDS \
	((1ULL << VIGIL_F_PROCESS_NAME) | (1ULL << VIGIL_F_PROCESS_EXECUTABLE))
/* end: the exit code, and the actor */
#define VIGIL_EARLY_END_FIELDS                                 \
	(VIGIL_EARLY_KIND_STRINGS | VIGIL_EARLY_ACTOR_FIELDS | \
	 (1ULL << VIGIL_F_PROCESS_EXIT_CODE))
/*
 * open, creation, deletion, rename, symlink: the file's path (a rename's
 * new one, a link's own) and what vigil_event_derive_file() makes of it,
 * and the actor; a rename's old path and a link's target are late
 */
#define VIGIL_EARLY_FILE_FIELDS                                      \
	(VIGIL_EARLY_KIND_STRINGS | VIGIL_EARLY_ACTOR_FIELDS |       \
	 (1ULL << VIGIL_F_FILE_PATH) | (1ULL << VIGIL_F_FILE_NAME) | \
	 (1ULL << VIGIL_F_FILE_DIRECTORY) | (1ULL << VIGIL_F_FILE_EXTENSION))
u64 vigil_early_fields(u32 kind);
bool vigil_engine_early(struct vigil_engine *e, const struct vigil_event *ev);
struct vigil_pf_memo;
bool vigil_engine_early_memo(struct vigil_engine *e,
			     const struct vigil_event *ev,
			     struct vigil_pf_memo *memo);
/**
 * struct vigil_rule_info - what vigil_engine_rule_info() tells of a rule
 * @id: rule_id, NUL-terminated, in the engine's copy of the blob
 * @name: its name (at most VIGIL_RS_MAX_NAME bytes)
 * @threat: its threat lines (at most VIGIL_RS_MAX_THREAT bytes)
 * @kind: enum vigil_rule_kind
 * @severity: enum vigil_severity
 * @risk_score: 0..100
 */
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

/**
 * struct vigil_thr_result - what a threshold alert tells of its group
 * @count: events of the group in the window: exact while every event it
 *	counted since it (re)started lies in the window, else the at least
 *	value of them the group keeps (Documentation/engine.rst)
 * @cardinality: distinct values of the cardinality field in the window,
 *	at most the rule's card_value; 0 without a cardinality field
 * @spec: the rule's threshold record (its fields), in the engine's blob
 */
struct vigil_thr_result {
	u64 count;
	u64 cardinality;
	const struct vigil_rs_threshold *spec;
};

/**
 * struct vigil_match - one alert, as the alert callback gets it
 * @rule: rule index
 * @thr: THRESHOLD: what the group counted; NULL for other rules
 * @event: the event that completed the match
 * @n_prior: SEQUENCE: how many earlier steps @prior holds
 * @prior: SEQUENCE: the earlier steps' events, encoded
 *	(vigil_event_encode()), valid during the callback only
 * @prior_len: their lengths
 */
struct vigil_match {
	u32 rule;
	const struct vigil_thr_result *thr;
	const struct vigil_event *event;
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

/* Steps the literal prefilter can filter; a bit each in a scan's result. */
#define VIGIL_PF_SLOTS 1024U
#define VIGIL_PF_WORDS (VIGIL_PF_SLOTS / 64)
/* Bytes of a group's fields a memo keeps; longer ones are scanned each time. */
#define VIGIL_PF_MEMO_BYTES 1024U

/**
 * struct vigil_pf_memo_group - what the prefilter found in one group of
 *	one event's fields
 * @engine: id of the engine that scanned (struct vigil_engine); 0: empty
 * @fields: the fields of the group the event had for the scan
 * @scanned: those of them scanned (an args field that its command line
 *	joins is found in the command line's scan)
 * @len: per field of @scanned, in field order, its bytes in @bytes
 * @hits: the prefilter slots the literals found in them set
 * @bytes: the bytes scanned, field after field
 */
struct vigil_pf_memo_group {
	u64 engine;
	u64 fields;
	u64 scanned;
	u32 len[4];
	u64 hits[VIGIL_PF_WORDS];
	char bytes[VIGIL_PF_MEMO_BYTES];
};

/* The groups of fields a memo keeps (prefilter.h: their fields) */
enum vigil_pf_memo_groups {
	VIGIL_PF_MEMO_PARENT, /* process.parent.*: a process's children */
	VIGIL_PF_MEMO_ACTOR, /* process.*: one process's events */
	VIGIL_PF_MEMO_GROUPS
};

/*
 * The early kinds whose early fields hold the actor's
 * (VIGIL_EARLY_ACTOR_FIELDS): a row of struct vigil_early_memo each.
 */
#define VIGIL_EARLY_ACTOR_KINDS                              \
	((1U << VIGIL_EV_END) | (1U << VIGIL_EV_OPEN) |      \
	 (1U << VIGIL_EV_CREATE) | (1U << VIGIL_EV_DELETE) | \
	 (1U << VIGIL_EV_RENAME) | (1U << VIGIL_EV_SYMLINK))
#define VIGIL_EARLY_MEMO_ROWS 6U
/* Steps of a kind whose actor atoms a memo keeps; the others run them. */
#define VIGIL_EARLY_MEMO_STEPS 128U
/* Bytes of the actor's fields a memo keys on; a longer actor: none kept. */
#define VIGIL_EARLY_MEMO_BYTES 512U
#define VIGIL_EARLY_MEMO_FIELDS 2U

/**
 * struct vigil_early_memo - what the early atoms on the actor's fields
 *	gave for the last actor (early.c)
 * @engine: id of the engine whose atoms (struct vigil_engine); 0: empty
 * @present: which of VIGIL_EARLY_ACTOR_FIELDS the actor had
 * @len: per field of @present, in field order, its bytes in @bytes
 * @stamp: the stamp of this actor's entries in @step, never 0
 * @bytes: the actor's fields, one after the other
 * @step: per kind of VIGIL_EARLY_ACTOR_KINDS (a row each, in kind order)
 *	and per step of the kind's early decision (struct vigil_early,
 *	@steps), @stamp << 16, then how many of the step's leading actor
 *	atoms ran << 10, then their results (bit j: atom j); an entry with
 *	another stamp is not known
 *
 * The file events and the end of one process name the same program, and
 * a busy process's come one after another.  The early atoms that read
 * the actor's fields come first in each step (early.c), so their results
 * hold for every event of the actor.
 */
struct vigil_early_memo {
	u64 engine;
	u64 present;
	u32 len[VIGIL_EARLY_MEMO_FIELDS];
	u32 stamp;
	char bytes[VIGIL_EARLY_MEMO_BYTES];
	u32 step[VIGIL_EARLY_MEMO_ROWS][VIGIL_EARLY_MEMO_STEPS];
};

/**
 * struct vigil_pf_memo - what the prefilter found in the last event's
 *	parent and actor fields, and what the early atoms found in the
 *	actor's
 * @group: per enum vigil_pf_memo_groups
 * @early: the early decisions' (vigil_engine_early_memo())
 *
 * The children of one process carry the same process.parent.* fields,
 * and a shell's children come one after another; the file and network
 * events of one process carry the same process.* fields, and a busy
 * process's events come one after another (an exec's are a new image's:
 * they do not go through the memo).  An event whose fields of a
 * group are byte for byte those of the memo, for the same engine, takes
 * the group's hits without scanning them (prefilter_scan.c); any other
 * event replaces the group.  The caller owns the memo and runs one event
 * at a time with it: vigil.ko keeps one per CPU (struct vigil_scratch).
 */
struct vigil_pf_memo {
	struct vigil_pf_memo_group group[VIGIL_PF_MEMO_GROUPS];
	struct vigil_early_memo early;
};

/*
 * vigil_engine_process() with a memo of the parent fields' prefilter
 * hits (struct vigil_pf_memo); @memo NULL: none.
 */
u32 vigil_engine_process_memo(struct vigil_engine *e,
			      const struct vigil_event *ev,
			      struct vigil_pf_memo *memo, vigil_alert_fn fn,
			      void *ctx);

/*
 * The process with this process.entity_id is gone: drop the pending
 * sequences keyed by it alone.
 */
void vigil_engine_forget_entity(struct vigil_engine *e, const char *entity_id,
				u32 len);

/**
 * struct vigil_engine_stats - an engine's own counters
 * @seq_pending: sequences waiting for a next step
 * @seq_evictions: pending sequences evicted for room
 * @seq_expired: pending sequences dropped past their maxspan
 * @seq_nomem: sequences lost because a step's event could not be kept
 *	(an atomic allocation failed)
 * @terms_learned: terms held, all new_terms rules together
 * @terms_evictions: terms evicted for room
 * @thr_groups: threshold groups held, all threshold rules together
 * @thr_evictions: threshold groups with events in their window evicted
 *	for room
 * @work_stops: events some rule of which was not run because the event's
 *	work budget ran out (VIGIL_EVENT_WORK)
 */
struct vigil_engine_stats {
	u64 seq_pending, seq_evictions, seq_expired, seq_nomem;
	u64 terms_learned, terms_evictions;
	u64 thr_groups, thr_evictions;
	u64 work_stops;
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
 * Copies all learned terms and hit counters of rules with the same
 * rule_id from @old to @e (used on ruleset replace).  May be called only
 * before @e is published; @old may be in use.  May sleep.
 * Return: 0 or -ENOMEM.
 */
int vigil_engine_inherit(struct vigil_engine *e, struct vigil_engine *old);
/*
 * After @old is out of use (an RCU grace period after @e was published):
 * adds to @e the hits @old counted after vigil_engine_inherit().
 */
void vigil_engine_inherit_hits(struct vigil_engine *e,
			       const struct vigil_engine *old);
/* new_terms rules record without alerting until window time @until_ns. */
void vigil_engine_set_learn(struct vigil_engine *e, u64 until_ns);

#endif /* VIGIL_ENGINE_H */
