// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The step interpreter: one boolean accumulator, forward jumps only, so a
 * program runs at most n_insns instructions (see uapi/vigil.h).
 */
#include "internal.h"

/*
 * Does @s hold a byte of @n (a pattern's needed bytes)?  One or two
 * bytes are looked for a word at a time (a byte of w is zero when
 * (w - 0x01..) & ~w & 0x80.. says so; the kernel's memchr() goes byte
 * by byte).  Out of line, so that pat_match() stays small.
 */
static noinline bool has_needed(const struct vigil_dfa_need *n, const char *s,
				u32 len)
{
	const u64 ones = 0x0101010101010101ULL, highs = ones << 7;
	u64 p0 = ones * n->b[0], p1 = ones * n->b[n->n > 1], w, x, y;
	u32 i = 0;
	u8 c;

	if (DISPATCH_MUT(DISPATCH_MUT_NEED_LAST) && len)
		len--;
	if (n->n <= 2) {
		for (; i + 8 <= len; i += 8) {
			memcpy(&w, s + i, 8);
			x = w ^ p0;
			y = w ^ p1;
			if (((x - ones) & ~x & highs) |
			    ((y - ones) & ~y & highs))
				return true;
		}
		for (; i < len; i++)
			if ((u8)s[i] == n->b[0] || (u8)s[i] == n->b[n->n > 1])
				return true;
		return false;
	}
	for (; i < len; i++) {
		c = (u8)s[i];
		if ((n->map[c / 64] >> (c % 64)) & 1)
			return true;
	}
	return false;
}

static __always_inline bool pat_match(const struct vigil_rs *rs, u32 k,
				      const char *s, u32 len)
{
	const struct vigil_rs_pat *p = &rs->pats[k];
	const char *ps = p->kind == VIGIL_PAT_REGEX ?
				 (const char *)rs->dfas + p->str :
				 rs->strtab + p->str;
	const struct vigil_segtab *t = NULL;
	const struct vigil_gplan *g = NULL;

	if (rs->plans) {
		if (rs->pat_tab[k] != VIGIL_NIL)
			t = &rs->tabs[rs->pat_tab[k]];
		if (p->kind == VIGIL_PAT_GLOB)
			g = &rs->plans[k];
	}
	/* a regex or glob whose needed bytes are not there cannot match */
	if (rs->need_of && rs->need_of[k] != VIGIL_NIL &&
	    !has_needed(&rs->needs[rs->need_of[k]], s, len))
		return false;
	return vigil_pat_match_tab(p, ps, s, len, t, g);
}

/* The literal of pattern @p against @len bytes at @s, inline. */
static inline bool affix_eq(const struct vigil_rs *rs,
			    const struct vigil_rs_pat *p, const char *s,
			    u32 len)
{
	const u8 *a = (const u8 *)rs->strtab + p->str, *b = (const u8 *)s;
	u32 i;

	if (p->flags & VIGIL_PAT_F_NOCASE) {
		for (i = 0; i < len; i++)
			if (a[i] != vigil_fold(b[i]))
				return false;
		return true;
	}
	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* EXACT pattern @k against a value of the same length. */
static inline bool exact_eq(const struct vigil_rs *rs, u32 k, const char *s,
			    u32 len)
{
	return affix_eq(rs, &rs->pats[k], s, len);
}

/* With the engine's set plan: one hash probe for the EXACT patterns. */
static bool set_match_plan(const struct vigil_rs *rs, u32 set, const char *s,
			   u32 len)
{
	const struct vigil_setplan *sp = &rs->setplans[set];
	u32 i, end;

	if (sp->n_ex && sp->n_ex <= VIGIL_SET_SCAN && len >= sp->min_len &&
	    len <= sp->max_len) {
		/* few EXACT patterns: compare lengths first, no hashing */
		const u32 *b = &rs->sx_bucket[sp->bucket];

		for (i = b[0], end = b[sp->mask + 1]; i < end; i++) {
			u32 k = rs->sx_ent[i].pat;

			if (rs->pats[k].len == len && exact_eq(rs, k, s, len))
				return true;
		}
	} else if (sp->n_ex && len >= sp->min_len && len <= sp->max_len) {
		u64 h = vigil_hash_folded(VIGIL_FNV_OFFSET, s, len);
		const u32 *b = &rs->sx_bucket[sp->bucket + (h & sp->mask)];

		for (i = b[0], end = b[1]; i < end; i++)
			if (rs->sx_ent[i].hash == h &&
			    rs->pats[rs->sx_ent[i].pat].len == len &&
			    exact_eq(rs, rs->sx_ent[i].pat, s, len))
				return true;
	}
	for (i = 0; i < sp->n_mc; i++) {
		const struct vigil_mcgroup *g = &rs->mcgroups[sp->mc + i];
		u64 d = 0;
		u32 j;

		for (j = 0; j < len; j++) {
			d = ((d << 1) | g->starts) & g->masks[(u8)s[j]];
			if (d & g->ends)
				return true;
		}
	}
	for (i = 0; i < sp->n_other; i++) {
		u32 k = rs->sx_other[sp->other + i];
		const struct vigil_rs_pat *p = &rs->pats[k];

		/* PREFIX and SUFFIX inline: the commonest others */
		if (p->kind == VIGIL_PAT_PREFIX) {
			if (p->len <= len && affix_eq(rs, p, s, p->len))
				return true;
		} else if (p->kind == VIGIL_PAT_SUFFIX) {
			if (p->len <= len &&
			    affix_eq(rs, p, s + len - p->len, p->len))
				return true;
		} else if (pat_match(rs, k, s, len)) {
			return true;
		}
	}
	return false;
}

static bool set_match(const struct vigil_rs *rs, u32 set, const char *s,
		      u32 len)
{
	const struct vigil_rs_set *st = &rs->sets[set];
	u32 i;

	if (rs->setplans)
		return set_match_plan(rs, set, s, len);
	for (i = 0; i < st->n_pats; i++)
		if (pat_match(rs, st->first_pat + i, s, len))
			return true;
	return false;
}

/* Any element of an ARRAY value; a last element without NUL counts too. */
static bool array_match(const struct vigil_rs *rs, u32 set,
			const struct vigil_value *v)
{
	const char *p = v->str, *end = v->str + v->len, *z;
	u32 lo = 0, hi = VIGIL_NIL, n;

	/* a set of EXACT patterns only: skip elements by length first */
	if (rs->setplans && !rs->setplans[set].n_other &&
	    !rs->setplans[set].n_mc) {
		lo = rs->setplans[set].min_len;
		hi = rs->setplans[set].max_len;
	}
	while (p < end) {
		z = memchr(p, 0, end - p);
		if (!z)
			z = end;
		n = z - p;
		if (n >= lo && n <= hi && set_match(rs, set, p, n))
			return true;
		p = z + 1;
	}
	return false;
}

/**
 * vigil_step_hint_match() - does an event pass a step's index hint
 * @rs: validated ruleset
 * @st: the step
 * @ev: the event
 *
 * Return: false only when the step cannot match @ev (its index_field is
 * missing or matches none of the index_set patterns); true otherwise,
 * and for steps without a hint.
 */
bool vigil_step_hint_match(const struct vigil_rs *rs,
			   const struct vigil_rs_step *st,
			   const struct vigil_event *ev)
{
	const struct vigil_value *v;

	if (!st->index_field || st->index_set == VIGIL_RS_NO_SET ||
	    st->index_field >= __VIGIL_F_LAST)
		return true;
	if (!(ev->present & (1ULL << st->index_field)))
		return false;
	v = &ev->v[st->index_field];
	return set_match(rs, st->index_set, v->str, v->len);
}

static __always_inline bool numcmp(u64 a, u8 cmp, u64 b)
{
	switch (cmp) {
	case VIGIL_CMP_EQ:
		return a == b;
	case VIGIL_CMP_NE:
		return a != b;
	case VIGIL_CMP_LT:
		return a < b;
	case VIGIL_CMP_LE:
		return a <= b;
	case VIGIL_CMP_GT:
		return a > b;
	case VIGIL_CMP_GE:
		return a >= b;
	}
	return false;
}

static bool kind_field(u32 f)
{
	u32 i;

	for (i = 0; i < VIGIL_KIND_NF; i++)
		if (vigil_kind_fields[i] == f)
			return true;
	return false;
}

/**
 * vigil_step_start() - decide a step's leading kind-string tests
 * @rs: validated ruleset, with the engine's set plans
 * @st: the step
 * @kind: event kind, VIGIL_EV_EXEC..__VIGIL_EV_LAST - 1
 * @out: where the program resumes, and the accumulator there
 *
 * Follows the program's leading "MATCH kind-field; JF n" pairs with the
 * strings vigil_event_set_kind() gives @kind, as vigil_step_eval() would.
 */
void vigil_step_start(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		      u32 kind, struct vigil_stepstart *out)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 i = 0, n = st->n_insns, j, len = 0;
	bool acc = false;

	while (i + 1 < n && prog[i].op == VIGIL_OP_MATCH &&
	       kind_field(prog[i].field) && prog[i + 1].op == VIGIL_OP_JF) {
		const char *s = NULL;

		for (j = 0; j < VIGIL_KIND_NF; j++)
			if (vigil_kind_fields[j] == prog[i].field)
				s = vigil_kind_value(kind, j, &len);
		acc = set_match(rs, prog[i].arg, s, len);
		i += 2 + (acc ? 0 : prog[i + 1].arg); /* validated: <= n */
	}
	out->insn = i;
	out->acc = acc;
}

/* Abstract accumulator values: which results are possible. */
#define ACC_F 1U
#define ACC_T 2U

/* Can the program be true when field @f is missing?  See below. */
static bool may_be_true_without(const struct vigil_rs_insn *prog, u32 n, u32 f,
				u8 *reach)
{
	u32 i, to;
	u8 a, res = 0;

	memset(reach, 0, n + 1);
	reach[0] = ACC_F;
	for (i = 0; i < n; i++) {
		const struct vigil_rs_insn *in = &prog[i];

		a = reach[i];
		if (!a)
			continue;
		switch (in->op) {
		case VIGIL_OP_MATCH:
		case VIGIL_OP_EXISTS:
		case VIGIL_OP_NUMCMP:
			a = in->field == f ? ACC_F : ACC_F | ACC_T;
			break;
		case VIGIL_OP_NOT:
			a = ((a & ACC_F) ? ACC_T : 0) |
			    ((a & ACC_T) ? ACC_F : 0);
			break;
		case VIGIL_OP_CONST:
			a = in->arg ? ACC_T : ACC_F;
			break;
		case VIGIL_OP_JF:
		case VIGIL_OP_JT:
			to = i + 1 + in->arg; /* validated: <= n */
			if (in->op == VIGIL_OP_JF) {
				reach[to] |= a & ACC_F;
				a &= ACC_T;
			} else {
				reach[to] |= a & ACC_T;
				a &= ACC_F;
			}
			break;
		case VIGIL_OP_RET:
			res |= a;
			a = 0;
			break;
		}
		reach[i + 1] |= a;
	}
	res |= reach[n];
	return res & ACC_T;
}

/**
 * vigil_step_required() - fields a step cannot match without
 * @rs: validated ruleset
 * @st: the step
 * @reach: scratch, at least st->n_insns + 1 bytes
 *
 * Abstract interpretation of the program over the possible accumulator
 * values, once per field it reads, with that field missing (so MATCH,
 * EXISTS and NUMCMP on it are false) and everything else unknown.  A
 * field is required when no path then ends true.  Exact: a skipped step
 * is one whose program would have returned false.  May be slow
 * (instructions times fields); for vigil_engine_new() only.
 *
 * Return: bit (1ULL << field) per required field.
 */
u64 vigil_step_required(const struct vigil_rs *rs,
			const struct vigil_rs_step *st, u8 *reach)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u64 seen = 0, req = 0;
	u32 i, f;

	for (i = 0; i < st->n_insns; i++) {
		u8 op = prog[i].op;

		if ((op == VIGIL_OP_MATCH || op == VIGIL_OP_EXISTS ||
		     op == VIGIL_OP_NUMCMP) &&
		    prog[i].field < __VIGIL_F_LAST && prog[i].field < 64)
			seen |= 1ULL << prog[i].field;
	}
	while (seen) {
		f = __builtin_ctzll(seen);
		seen &= seen - 1;
		if (!may_be_true_without(prog, st->n_insns, f, reach))
			req |= 1ULL << f;
	}
	return req;
}

/*
 * Work units of a MATCH of set @set on @v: its set's per-value cost once
 * per element (once for a STR), plus its per-byte cost times the bytes,
 * plus the element walk.  An upper bound of what set_match_plan() and
 * array_match() do, computed before they run.
 */
static u64 match_work(const struct vigil_rs *rs, u32 set,
		      const struct vigil_value *v, u32 field)
{
	u64 fixed, byte, elems = 1;

	if (rs->setplans) {
		fixed = rs->setplans[set].work_fixed;
		byte = rs->setplans[set].work_byte;
	} else {
		fixed = 1;
		byte = rs->sets[set].n_pats;
	}
	if (vigil_is_array(field)) {
		elems = (u64)v->count + 1;
		byte++; /* memchr for the element ends */
	}
	return elems * fixed + byte * v->len;
}

/* Takes @units from the budget, or stops: Return: false when it ran out. */
static bool charge(struct vigil_work *w, u64 units)
{
	if (units > w->left) {
		w->left = 0;
		w->stopped = true;
		return false;
	}
	w->left -= units;
	return true;
}

/*
 * insn_test() - run one test instruction (MATCH, EXISTS, NUMCMP)
 * @rs: validated ruleset
 * @in: the instruction
 * @ev: the event
 * @w: the event's work budget, charged as vigil_step_eval() charges
 *	(NULL: unbounded)
 *
 * Missing fields make the test false; MATCH on an ARRAY is true when
 * any element matches.
 *
 * Return: 1 or 0, the test's result, or -1 when the budget cannot pay
 * for it (it did not run; @w->stopped is set).  Inlined into
 * vigil_step_eval(); vigil_insn_test() for the others.
 */
static __always_inline int insn_test(const struct vigil_rs *rs,
				     const struct vigil_rs_insn *in,
				     const struct vigil_event *ev,
				     struct vigil_work *w)
{
	const struct vigil_value *v = NULL;
	bool present = false;

	if (in->field < __VIGIL_F_LAST) {
		v = &ev->v[in->field];
		present = ev->present & (1ULL << in->field);
	}
	if (w && !charge(w, 1 + (in->op == VIGIL_OP_MATCH && present ?
					 match_work(rs, in->arg, v, in->field) :
					 0)))
		return -1;
	if (!present)
		return 0;
	switch (in->op) {
	case VIGIL_OP_MATCH:
		if (vigil_is_array(in->field))
			return array_match(rs, in->arg, v);
		return set_match(rs, in->arg, v->str, v->len);
	case VIGIL_OP_EXISTS:
		return !vigil_is_array(in->field) || v->len > 0;
	case VIGIL_OP_NUMCMP:
		return numcmp(v->num, in->cmp, in->arg);
	}
	return 0;
}

/**
 * vigil_insn_test() - insn_test() for the other files (early.c)
 * @rs: validated ruleset
 * @in: a MATCH, EXISTS or NUMCMP instruction
 * @ev: the event
 * @w: its work budget (NULL: unbounded)
 *
 * Return: 1 or 0, or -1 when the budget cannot pay for it.
 */
int vigil_insn_test(const struct vigil_rs *rs, const struct vigil_rs_insn *in,
		    const struct vigil_event *ev, struct vigil_work *w)
{
	return insn_test(rs, in, ev, w);
}

/*
 * The numeric gate of step @step (gate.c): can its program be true, by
 * the results of its gate atoms on @ev?  They run in order until the
 * levels decide: at most VIGIL_GATE_ATOMS loads and compares, not
 * charged to the budget.
 */
static __always_inline bool gate_pass(const struct vigil_rs *rs, u32 step,
				      const struct vigil_event *ev)
{
	const struct vigil_gate *g = &rs->gates[step];
	const struct vigil_rs_insn *prog, *in;
	const struct vigil_value *v;
	u32 j, p = 0, b;
	bool t;

	if (!g->n)
		return true;
	prog = &rs->insns[rs->steps[step].first_insn];
	for (j = 0;; j++) {
		/* level g->n is the table, where any and all agree */
		b = (1U << j) - 1 + p;
		if (!((g->any >> b) & 1))
			return false;
		if ((g->all >> b) & 1 || j >= g->n)
			return true;
		in = &prog[g->atom[j]];
		v = &ev->v[in->field];
		/* validated: a test's field is a field, below 64 */
		t = ev->present & (1ULL << in->field);
		if (DISPATCH_MUT(DISPATCH_MUT_GATE_MISSING) && !t &&
		    in->op == VIGIL_OP_NUMCMP)
			t = numcmp(0, in->cmp, in->arg);
		else if (t && in->op == VIGIL_OP_NUMCMP)
			t = numcmp(v->num, in->cmp, in->arg);
		else if (t)
			t = !vigil_is_array(in->field) || v->len > 0;
		p |= (u32)t << j;
	}
}

/* vigil_step_may(), inlined into vigil_step_eval() */
static __always_inline bool step_may(const struct vigil_rs *rs,
				     const struct vigil_rs_step *st,
				     const struct vigil_event *ev)
{
	/* a field the program needs is missing: it cannot be true */
	if (rs->step_req && (rs->step_req[st - rs->steps] & ~ev->present))
		return false;
	/* its number tests say it cannot be true */
	return !rs->gates || gate_pass(rs, st - rs->steps, ev);
}

/**
 * vigil_step_may() - can a step be true, by its cheap tests alone?
 * @rs: validated ruleset
 * @st: the step
 * @ev: the event
 *
 * The tests vigil_step_eval() makes before its program: the fields the
 * program needs (vigil_step_required()) and its numeric gate (gate.c).
 *
 * Return: false when the program cannot be true on @ev.
 */
bool vigil_step_may(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		    const struct vigil_event *ev)
{
	return step_may(rs, st, ev);
}

/**
 * vigil_step_eval() - run a step's program against an event
 * @rs: validated ruleset
 * @st: the step
 * @ev: the event
 * @x: what is known of the event: @x->canon, @ev's kind when
 *	vigil_event_canonical() holds for it (then the program's leading
 *	kind-string tests are skipped, see vigil_step_start()), else 0;
 *	@x->work, the event's budget (NULL: unbounded)
 *
 * Missing fields make MATCH, NUMCMP and EXISTS false; MATCH on an ARRAY
 * is true when any element matches.  Each instruction is charged to the
 * budget before it runs, a MATCH by match_work(); an instruction the
 * budget cannot pay for is not run, the step is false and
 * @x->work->stopped is set.
 *
 * Return: the accumulator at RET or at the end.
 */
bool vigil_step_eval(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		     const struct vigil_event *ev, const struct vigil_evctx *x)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	struct vigil_work *w = x->work;
	u32 n = st->n_insns, i = 0, canon = x->canon;
	bool acc = false;

	if (!step_may(rs, st, ev))
		return false;
	/* skip the kind-string tests decided in advance */
	if (rs->starts && canon > VIGIL_EV_NONE && canon < __VIGIL_EV_LAST) {
		const struct vigil_stepstart *ss =
			&rs->starts[(st - rs->steps) * __VIGIL_EV_LAST + canon];

		i = ss->insn;
		acc = ss->acc;
	}
	while (i < n) {
		const struct vigil_rs_insn *in = &prog[i++];
		int t;

		switch (in->op) {
		case VIGIL_OP_MATCH:
		case VIGIL_OP_EXISTS:
		case VIGIL_OP_NUMCMP:
			t = insn_test(rs, in, ev, w);
			if (t < 0)
				return false;
			acc = t;
			continue;
		}
		if (w && !charge(w, 1))
			return false;
		switch (in->op) {
		case VIGIL_OP_NOT:
			acc = !acc;
			break;
		case VIGIL_OP_CONST:
			acc = in->arg;
			break;
		case VIGIL_OP_JF:
			if (!acc)
				i += in->arg;
			break;
		case VIGIL_OP_JT:
			if (acc)
				i += in->arg;
			break;
		case VIGIL_OP_RET:
			return acc;
		}
	}
	return acc;
}

/**
 * vigil_hash_field() - mix one field value into a 64-bit FNV-1a hash
 * @h: running hash
 * @field: field id (mixed in)
 * @v: value; NUM fields hash their 8 bytes, others their length and bytes
 *
 * Return: the new hash.
 */
u64 vigil_hash_field(u64 h, u32 field, const struct vigil_value *v)
{
	u8 f = (u8)field;

	h = vigil_fnv(h, &f, 1);
	if (vigil_field_type(field) == VIGIL_FT_NUM)
		return vigil_fnv(h, &v->num, 8);
	h = vigil_fnv(h, &v->len, 4);
	return vigil_fnv(h, v->str, v->len);
}

/**
 * vigil_tuple_hash() - hash the values of several fields of an event
 * @ev: event
 * @fields: field ids
 * @n: how many
 * @out: the hash
 *
 * Return: false when one of the fields is missing.
 */
bool vigil_tuple_hash(const struct vigil_event *ev, const u8 *fields, u32 n,
		      u64 *out)
{
	u64 h = VIGIL_FNV_OFFSET;
	u32 i;

	for (i = 0; i < n; i++) {
		if (fields[i] >= __VIGIL_F_LAST ||
		    !(ev->present & (1ULL << fields[i])))
			return false;
		h = vigil_hash_field(h, fields[i], &ev->v[fields[i]]);
	}
	*out = h;
	return true;
}
