/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A tiny ruleset builder for tests (KUnit and userspace): append rules,
 * steps, instructions, sets, patterns and strings, then lay them out as
 * a blob.  No validation here: tests use it to build broken rulesets too.
 */
#ifndef VIGIL_RS_BUILDER_H
#define VIGIL_RS_BUILDER_H

#include "engine.h"

/* The kind mask of a step that matches execs (tests build exec events). */
#define RSB_EXEC (1U << VIGIL_EV_EXEC)

/* Capacities; a test may define bigger ones before including this. */
#ifndef RSB_RULES
#define RSB_RULES 64
#define RSB_STEPS 128
#define RSB_INSNS 512
#define RSB_SETS 128
#define RSB_PATS 4608
#define RSB_STRTAB 16384
#define RSB_DFA 8192
#endif

struct rsb {
	struct vigil_rs_rule rules[RSB_RULES];
	struct vigil_rs_step steps[RSB_STEPS];
	struct vigil_rs_insn insns[RSB_INSNS];
	struct vigil_rs_set sets[RSB_SETS];
	struct vigil_rs_pat pats[RSB_PATS];
	char strtab[RSB_STRTAB];
	u8 dfa[RSB_DFA];
	struct vigil_rs_threshold thrs[RSB_RULES];
	u32 n_rules, n_steps, n_insns, n_sets, n_pats, strtab_size, dfa_size;
	u32 n_thrs;
	u32 set_open, step_open;
};

static inline void rsb_init(struct rsb *b)
{
	memset(b, 0, sizeof(*b));
	b->strtab_size = 1; /* offset 0 is the empty string */
}

static inline u32 rsb_bytes(struct rsb *b, const char *s, u32 len)
{
	u32 off = b->strtab_size;

	if (off + len + 1 > RSB_STRTAB)
		return 0;
	memcpy(b->strtab + off, s, len);
	b->strtab[off + len] = 0;
	b->strtab_size += len + 1;
	return off;
}

static inline u32 rsb_str(struct rsb *b, const char *s)
{
	return rsb_bytes(b, s, strlen(s));
}

/* Opens a set; the patterns added until rsb_set_end() belong to it. */
static inline u32 rsb_set_begin(struct rsb *b)
{
	b->set_open = b->n_sets;
	b->sets[b->n_sets].first_pat = b->n_pats;
	return b->n_sets++;
}

static inline void rsb_set_end(struct rsb *b)
{
	b->sets[b->set_open].n_pats =
		b->n_pats - b->sets[b->set_open].first_pat;
}

static inline u32 rsb_pat_n(struct rsb *b, u8 kind, u8 flags, const char *s,
			    u32 len)
{
	struct vigil_rs_pat *p = &b->pats[b->n_pats];

	p->kind = kind;
	p->flags = flags;
	p->str = rsb_bytes(b, s, len);
	p->len = len;
	return b->n_pats++;
}

static inline u32 rsb_pat(struct rsb *b, u8 kind, u8 flags, const char *s)
{
	return rsb_pat_n(b, kind, flags, s, strlen(s));
}

/* A one-pattern set. */
static inline u32 rsb_set1(struct rsb *b, u8 kind, u8 flags, const char *s)
{
	u32 set = rsb_set_begin(b);

	rsb_pat(b, kind, flags, s);
	rsb_set_end(b);
	return set;
}

/* A REGEX pattern from a DFA: next[] has n_states * n_classes entries. */
static inline u32 rsb_dfa_pat(struct rsb *b, u8 flags, u16 n_states,
			      u16 n_classes, const u8 *classmap,
			      const u8 *accept, const u16 *next)
{
	struct vigil_rs_dfa d;
	struct vigil_rs_pat *p = &b->pats[b->n_pats];
	u32 off = b->dfa_size, len;

	len = sizeof(d) + n_states + 2U * n_states * n_classes;
	if (off + len > RSB_DFA)
		return 0;
	d.n_states = n_states;
	d.n_classes = n_classes;
	memcpy(d.classmap, classmap, 256);
	memcpy(b->dfa + off, &d, sizeof(d));
	memcpy(b->dfa + off + sizeof(d), accept, n_states);
	memcpy(b->dfa + off + sizeof(d) + n_states, next,
	       2U * n_states * n_classes);
	b->dfa_size += len;
	p->kind = VIGIL_PAT_REGEX;
	p->flags = flags;
	p->str = off;
	p->len = len;
	return b->n_pats++;
}

static inline u32 rsb_insn(struct rsb *b, u8 op, u8 field, u8 cmp, u32 arg)
{
	struct vigil_rs_insn *in = &b->insns[b->n_insns];

	in->op = op;
	in->field = field;
	in->cmp = cmp;
	in->arg = arg;
	return b->n_insns++;
}

/* Opens a step; the instructions added until rsb_step_end() are its. */
static inline u32 rsb_step_begin(struct rsb *b, u16 kind_mask)
{
	struct vigil_rs_step *st = &b->steps[b->n_steps];

	b->step_open = b->n_steps;
	st->first_insn = b->n_insns;
	st->kind_mask = kind_mask;
	st->runs = 1;
	st->index_set = VIGIL_RS_NO_SET;
	return b->n_steps++;
}

static inline void rsb_step_end(struct rsb *b)
{
	struct vigil_rs_step *st = &b->steps[b->step_open];

	st->n_insns = b->n_insns - st->first_insn;
}

static inline void rsb_step_by(struct rsb *b, u32 step, u8 f0)
{
	b->steps[step].n_by = 1;
	b->steps[step].by_fields[0] = f0;
}

static inline u32 rsb_rule(struct rsb *b, const char *id, u8 kind,
			   u32 first_step, u32 n_steps)
{
	struct vigil_rs_rule *r = &b->rules[b->n_rules];

	r->id_str = rsb_str(b, id);
	r->name_str = rsb_str(b, id);
	r->threat_str = 0;
	r->kind = kind;
	r->severity = VIGIL_SEV_HIGH;
	r->risk_score = 73;
	r->first_step = first_step;
	r->n_steps = n_steps;
	return b->n_rules++;
}

/* An EVENT rule: one step, "field MATCH one pattern". */
static inline u32 rsb_simple(struct rsb *b, const char *id, u16 kind_mask,
			     u8 field, u8 pkind, u8 pflags, const char *s)
{
	u32 set = rsb_set1(b, pkind, pflags, s), step;

	step = rsb_step_begin(b, kind_mask);
	rsb_insn(b, VIGIL_OP_MATCH, field, 0, set);
	rsb_step_end(b);
	return rsb_rule(b, id, VIGIL_RULE_EVENT, step, 1);
}

static inline u32 rsb_align4(u32 n)
{
	return (n + 3U) & ~3U;
}

/* Size of the blob rsb_finish() will write. */
static inline u32 rsb_size(const struct rsb *b)
{
	return sizeof(struct vigil_rs_header) +
	       b->n_rules * sizeof(struct vigil_rs_rule) +
	       b->n_steps * sizeof(struct vigil_rs_step) +
	       b->n_insns * sizeof(struct vigil_rs_insn) +
	       b->n_sets * sizeof(struct vigil_rs_set) +
	       b->n_pats * sizeof(struct vigil_rs_pat) +
	       b->n_thrs * sizeof(struct vigil_rs_threshold) +
	       rsb_align4(b->strtab_size) + rsb_align4(b->dfa_size);
}

/* Lays out the blob into @out (zeroed here).  Return: its length or 0. */
static inline u32 rsb_finish(const struct rsb *b, void *out, u32 cap)
{
	struct vigil_rs_header h;
	u8 *o = out;
	u32 off = sizeof(h), len = rsb_size(b);

	if (len > cap)
		return 0;
	memset(out, 0, len);
	memset(&h, 0, sizeof(h));
	h.magic = VIGIL_RS_MAGIC;
	h.version = VIGIL_RS_VERSION;
	h.header_size = sizeof(h);
	h.total_size = len;
#define RSB_SECT(n, o_, arr, cnt)                             \
	do {                                                  \
		h.n = cnt;                                    \
		h.o_ = off;                                   \
		memcpy(o + off, arr, (cnt) * sizeof(arr[0])); \
		off += (cnt) * sizeof(arr[0]);                \
	} while (0)
	RSB_SECT(n_rules, rules_off, b->rules, b->n_rules);
	RSB_SECT(n_steps, steps_off, b->steps, b->n_steps);
	RSB_SECT(n_insns, insns_off, b->insns, b->n_insns);
	RSB_SECT(n_sets, sets_off, b->sets, b->n_sets);
	RSB_SECT(n_pats, pats_off, b->pats, b->n_pats);
	if (b->n_thrs)
		RSB_SECT(n_thresholds, thresholds_off, b->thrs, b->n_thrs);
#undef RSB_SECT
	h.strtab_size = b->strtab_size;
	h.strtab_off = off;
	memcpy(o + off, b->strtab, b->strtab_size);
	off += rsb_align4(b->strtab_size);
	h.dfa_size = b->dfa_size;
	h.dfa_off = off;
	memcpy(o + off, b->dfa, b->dfa_size);
	memcpy(o, &h, sizeof(h));
	return len;
}

/* A DFA for "/usr/bin/.*" style tests: accepts strings starting with "/". */
static inline u32 rsb_dfa_slash(struct rsb *b)
{
	u8 classmap[256], accept[2] = { 0, 1 };
	u16 next[2 * 2] = { 1, VIGIL_DFA_DEAD, 1, 1 };

	memset(classmap, 1, sizeof(classmap));
	classmap['/'] = 0;
	return rsb_dfa_pat(b, 0, 2, 2, classmap, accept, next);
}

/*
 * The engine of @b's blob with these capacities (0: the defaults), or
 * NULL with *@why set.
 */
static inline struct vigil_engine *rsb_engine(const struct rsb *b, u32 seq_cap,
					      u32 terms_cap, const char **why)
{
	struct vigil_engine_limits lim = { seq_cap, terms_cap };
	u32 cap = rsb_size(b);
	void *blob = vg_zalloc(cap);
	struct vigil_engine *e;

	*why = "out of memory";
	if (!blob)
		return NULL;
	e = vigil_engine_new(blob, rsb_finish(b, blob, cap), &lim, why);
	vg_free(blob);
	return IS_ERR(e) ? NULL : e;
}

/* An exec event of process @name (entity @ent unless NULL) at @ts ns. */
static inline void rsb_exec_event(struct vigil_event *ev, const char *name,
				  const char *ent, u64 ts)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_EXEC);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	if (ent)
		vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, ent,
				    strlen(ent));
}

/*
 * Makes rule @r (its one step already built) a threshold rule: @value
 * events within @window_ms per value of @field (VIGIL_F_UNSPEC: one
 * group), and with @card_value, that many distinct values of
 * @card_field.  Records must be added in rule order.
 */
static inline void rsb_threshold(struct rsb *b, u32 r, u32 value, u32 window_ms,
				 u8 field, u8 card_field, u32 card_value)
{
	struct vigil_rs_threshold *t = &b->thrs[b->n_thrs++];

	memset(t, 0, sizeof(*t));
	b->rules[r].kind = VIGIL_RULE_THRESHOLD;
	t->rule = r;
	t->value = value;
	t->window_ms = window_ms;
	if (field) {
		t->n_fields = 1;
		t->fields[0] = field;
	}
	t->card_field = card_field;
	t->card_value = card_value;
}

/* @b holds one rule "nt": new_terms on process.name, window 10 s. */
static inline void rsb_terms(struct rsb *b)
{
	u32 r;

	rsb_init(b);
	r = rsb_simple(b, "nt", RSB_EXEC, VIGIL_F_PROCESS_NAME,
		       VIGIL_PAT_PREFIX, 0, "");
	b->rules[r].kind = VIGIL_RULE_NEW_TERMS;
	b->rules[r].n_terms = 1;
	b->rules[r].term_fields[0] = VIGIL_F_PROCESS_NAME;
	b->rules[r].history_window_s = 10;
}

/*
 * A new builder (vg_zalloc; free with vg_free) holding one rule "seq":
 * sequence by process.entity_id with maxspan=1s of @n_steps steps (at
 * most 4), step k matching process.name == "a", "b", "c", "d" in turn,
 * and step 1 needing @runs1 matches.  Return: NULL when out of memory.
 */
static inline struct rsb *rsb_seq_chain(u32 n_steps, u16 runs1)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	struct rsb *b = vg_zalloc(sizeof(*b));
	u32 k, first = 0, st, set;

	if (!b)
		return NULL;
	rsb_init(b);
	for (k = 0; k < n_steps && k < ARRAY_SIZE(names); k++) {
		set = rsb_set1(b, VIGIL_PAT_EXACT, 0, names[k]);
		st = rsb_step_begin(b, RSB_EXEC);
		rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
		rsb_step_end(b);
		rsb_step_by(b, st, VIGIL_F_PROCESS_ENTITY_ID);
		if (!k)
			first = st;
		if (k == 1)
			b->steps[st].runs = runs1;
	}
	rsb_rule(b, "seq", VIGIL_RULE_SEQUENCE, first, n_steps);
	b->rules[0].maxspan_ms = 1000;
	return b;
}

/*
 * A valid ruleset using every feature; the validator tests corrupt it.
 *   rule 0 "event-rule"  EVENT, step 0, indexed on process.name
 *   rule 1 "seq-rule"    SEQUENCE, steps 1-2, by process.entity_id
 *   rule 2 "terms-rule"  NEW_TERMS, step 3
 *   rule 3 "thr-rule"    THRESHOLD, step 4: 15 per executable and user.id
 *                        in 9 min, 100 distinct process.args
 * Sets: 0 {EXACT bash, EXACT sh NOCASE}, 1 {GLOB *-c*}, 2 {PREFIX /tmp/},
 * 3 {REGEX}.
 */
static inline void rsb_sample(struct rsb *b)
{
	u32 s0, s1, s2, s3, st;

	rsb_init(b);
	s0 = rsb_set_begin(b);
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "bash");
	rsb_pat(b, VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, "sh");
	rsb_set_end(b);
	s1 = rsb_set1(b, VIGIL_PAT_GLOB, 0, "*-c*");
	s2 = rsb_set1(b, VIGIL_PAT_PREFIX, 0, "/tmp/");
	s3 = rsb_set_begin(b);
	rsb_dfa_slash(b);
	rsb_set_end(b);

	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, s0);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 3);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_ARGS, 0, s1);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_NUMCMP, VIGIL_F_USER_ID, VIGIL_CMP_EQ, 0);
	rsb_step_end(b);
	b->steps[st].index_field = VIGIL_F_PROCESS_NAME;
	b->steps[st].index_set = s0;
	rsb_rule(b, "event-rule", VIGIL_RULE_EVENT, st, 1);

	st = rsb_step_begin(b, 1U << VIGIL_EV_CREATE);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_FILE_PATH, 0, s2);
	rsb_step_end(b);
	rsb_step_by(b, st, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_EXECUTABLE, 0, s3);
	rsb_step_end(b);
	rsb_step_by(b, st + 1, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_rule(b, "seq-rule", VIGIL_RULE_SEQUENCE, st, 2);
	b->rules[1].maxspan_ms = 5000;

	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_EXISTS, VIGIL_F_PARENT_NAME, 0, 0);
	rsb_insn(b, VIGIL_OP_JT, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_CONST, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_RET, 0, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "terms-rule", VIGIL_RULE_NEW_TERMS, st, 1);
	b->rules[2].n_terms = 2;
	b->rules[2].term_fields[0] = VIGIL_F_PROCESS_NAME;
	b->rules[2].term_fields[1] = VIGIL_F_PARENT_NAME;
	b->rules[2].history_window_s = 3600;

	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, s0);
	rsb_step_end(b);
	rsb_rule(b, "thr-rule", VIGIL_RULE_EVENT, st, 1);
	rsb_threshold(b, 3, 15, 540000, VIGIL_F_PROCESS_EXECUTABLE,
		      VIGIL_F_PROCESS_ARGS, 100);
	b->thrs[0].n_fields = 2;
	b->thrs[0].fields[1] = VIGIL_F_USER_ID;
}

#endif /* VIGIL_RS_BUILDER_H */
