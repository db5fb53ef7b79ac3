// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The step interpreter: one boolean accumulator, forward jumps only, so a
 * program runs at most n_insns instructions (see uapi/vigil.h).
 */
#include "internal.h"

static bool pat_match(const struct vigil_rs *rs, u32 k, const char *s,
		      u32 len)
{
	const struct vigil_rs_pat *p = &rs->pats[k];
	const char *ps = p->kind == VIGIL_PAT_REGEX ?
			 (const char *)rs->dfas + p->str : rs->strtab + p->str;
	const struct vigil_segtab *t = NULL;
	const struct vigil_gplan *g = NULL;

	if (rs->plans) {
		if (rs->pat_tab[k] != VIGIL_NIL)
			t = &rs->tabs[rs->pat_tab[k]];
		if (p->kind == VIGIL_PAT_GLOB)
			g = &rs->plans[k];
	}
	return vigil_pat_match_tab(p, ps, s, len, t, g);
}

/* With the engine's set plan: one hash probe for the EXACT patterns. */
static bool set_match_plan(const struct vigil_rs *rs, u32 set, const char *s,
			   u32 len)
{
	const struct vigil_setplan *sp = &rs->setplans[set];
	u32 i, end;

	if (sp->n_ex && len >= sp->min_len && len <= sp->max_len) {
		u64 h = vigil_hash_folded(VIGIL_FNV_OFFSET, s, len);
		const u32 *b = &rs->sx_bucket[sp->bucket + (h & sp->mask)];

		for (i = b[0], end = b[1]; i < end; i++)
			if (rs->sx_ent[i].hash == h &&
			    pat_match(rs, rs->sx_ent[i].pat, s, len))
				return true;
	}
	for (i = 0; i < sp->n_other; i++)
		if (pat_match(rs, rs->sx_other[sp->other + i], s, len))
			return true;
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

	while (p < end) {
		z = memchr(p, 0, end - p);
		if (!z)
			z = end;
		if (set_match(rs, set, p, z - p))
			return true;
		p = z + 1;
	}
	return false;
}

static bool numcmp(u64 a, u8 cmp, u64 b)
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

/**
 * vigil_step_eval() - run a step's program against an event
 * @rs: validated ruleset
 * @st: the step
 * @ev: the event
 *
 * Missing fields make MATCH, NUMCMP and EXISTS false; MATCH on an ARRAY
 * is true when any element matches.
 *
 * Return: the accumulator at RET or at the end.
 */
bool vigil_step_eval(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		     const struct vigil_event *ev)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 n = st->n_insns, i = 0;
	bool acc = false;

	while (i < n) {
		const struct vigil_rs_insn *in = &prog[i++];
		const struct vigil_value *v;
		bool present;

		if (in->field < __VIGIL_F_LAST) {
			v = &ev->v[in->field];
			present = ev->present & (1ULL << in->field);
		} else {
			v = NULL;
			present = false;
		}
		switch (in->op) {
		case VIGIL_OP_MATCH:
			if (!present)
				acc = false;
			else if (vigil_field_type(in->field) == VIGIL_FT_ARRAY)
				acc = array_match(rs, in->arg, v);
			else
				acc = set_match(rs, in->arg, v->str, v->len);
			break;
		case VIGIL_OP_EXISTS:
			acc = present &&
			      (vigil_field_type(in->field) != VIGIL_FT_ARRAY ||
			       v->len > 0);
			break;
		case VIGIL_OP_NUMCMP:
			acc = present && numcmp(v->num, in->cmp, in->arg);
			break;
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
