// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * process.env_vars: which environment variables the rules name, and the
 * scan that picks them out of a process's environment.
 *
 * Privacy is the point: capture reads no variable a loaded rule does not
 * name.  Each pattern on process.env_vars is "NAME=..." (uapi/vigil.h);
 * the names of all of them, folded when a pattern is NOCASE, are the only
 * variables a scan keeps.  Elastic Defend does the same with the list an
 * operator configures (capture_env_vars); here the rules are that list.
 *
 * The scan is a byte-at-a-time state machine over "NAME=value\0..." fed
 * in chunks, so capture can copy the environment from user memory a
 * piece at a time: its work is linear in the bytes fed and it keeps whole
 * elements only.
 */
#include "internal.h"

/* Names are candidate bits of a u64 in a scan. */
_Static_assert(VIGIL_ENV_MAX_NAMES <= 64, "more names than candidate bits");

/*
 * user/tests/test_env.c builds this file a second time with
 * VIGIL_ENV_MUTANT, a scan that ignores NOCASE, and checks that its
 * differential test tells the two apart.
 */
#ifdef VIGIL_ENV_MUTANT
#define ENV_FOLD(nocase, c) (c)
#else
#define ENV_FOLD(nocase, c) ((nocase) ? vigil_fold(c) : (c))
#endif

static bool name_byte_ok(u8 c)
{
	return c && c != '=' && c != '*' && c != '?' && c != '\\';
}

/**
 * vigil_env_pat_name() - the variable a process.env_vars pattern names
 * @p: the pattern (validated as a pattern)
 * @s: its bytes in the string table
 * @off: set to the name's offset in @s
 * @len: set to the name's length
 *
 * Return: true when @p is "NAME=..." (EXACT, PREFIX, CONTAINS, or a GLOB
 * after its leading '*'s) with a name of 1..VIGIL_ENV_NAME_MAX bytes.
 */
bool vigil_env_pat_name(const struct vigil_rs_pat *p, const char *s, u32 *off,
			u32 *len)
{
	u32 i = 0, j;

	switch (p->kind) {
	case VIGIL_PAT_EXACT:
	case VIGIL_PAT_PREFIX:
	case VIGIL_PAT_CONTAINS:
		break;
	case VIGIL_PAT_GLOB:
		while (i < p->len && s[i] == '*')
			i++;
		break;
	default:
		return false;
	}
	for (j = i; j < p->len && name_byte_ok(s[j]); j++)
		;
	if (j == i || j >= p->len || s[j] != '=' || j - i > VIGIL_ENV_NAME_MAX)
		return false;
	*off = i;
	*len = j - i;
	return true;
}

static bool name_eq(const struct vigil_env_name *n, const char *s, u32 len)
{
	u32 i;

	if (n->len != len)
		return false;
	for (i = 0; i < len; i++)
		if ((n->nocase ? vigil_fold(s[i]) : (u8)s[i]) != (u8)n->s[i])
			return false;
	return true;
}

/*
 * Adds the name of pattern @k to @out, once: a NOCASE name stands for
 * the exact one too.  Return: 0, or -E2BIG past VIGIL_ENV_MAX_NAMES.
 */
static int add_name(struct vigil_env_names *out, const struct vigil_rs *rs,
		    u32 k)
{
	const struct vigil_rs_pat *p = &rs->pats[k];
	const char *s = rs->strtab + p->str;
	bool nocase = p->flags & VIGIL_PAT_F_NOCASE;
	struct vigil_env_name *n;
	u32 off, len, i;

	if (!vigil_env_pat_name(p, s, &off, &len))
		return -EINVAL; /* the validator refused it already */
	for (i = 0; i < out->n; i++) {
		n = &out->name[i];
		if (n->nocase && name_eq(n, s + off, len))
			return 0;
		if (!n->nocase && !nocase && name_eq(n, s + off, len))
			return 0;
	}
	if (out->n == VIGIL_ENV_MAX_NAMES)
		return -E2BIG;
	n = &out->name[out->n++];
	n->len = (u8)len;
	n->nocase = nocase;
	/* a NOCASE literal is stored folded already */
	memcpy(n->s, s + off, len);
	return 0;
}

/**
 * vigil_env_names_build() - the variables a ruleset names
 * @rs: validated ruleset
 * @out: filled
 * @why: set on error
 *
 * Return: 0, or -E2BIG when the rules name more than VIGIL_ENV_MAX_NAMES
 * variables.
 */
int vigil_env_names_build(const struct vigil_rs *rs,
			  struct vigil_env_names *out, const char **why)
{
	const struct vigil_rs_insn *in;
	const struct vigil_rs_set *set;
	u32 s, i, j;
	int err;

	memset(out, 0, sizeof(*out));
	/*
	 * The steps' programs only: the validator checks the instructions
	 * of steps, and an instruction outside every step may hold anything
	 */
	for (s = 0; s < rs->h->n_steps; s++)
		for (i = 0; i < rs->steps[s].n_insns; i++) {
			in = &rs->insns[rs->steps[s].first_insn + i];
			if (in->op != VIGIL_OP_MATCH ||
			    in->field != VIGIL_F_PROCESS_ENV_VARS)
				continue;
			set = &rs->sets[in->arg];
			for (j = 0; j < set->n_pats; j++) {
				err = add_name(out, rs, set->first_pat + j);
				if (err) {
					*why = "rules name more than VIGIL_ENV_MAX_NAMES environment variables";
					return err;
				}
			}
		}
	return 0;
}

/* A candidate bit for each name. */
static u64 all_names(const struct vigil_env_names *n)
{
	return n->n >= 64 ? ~0ULL : (1ULL << n->n) - 1;
}

/**
 * vigil_env_scan_init() - start a scan of one environment
 * @st: the scan
 * @names: the names to keep (valid until the scan ends)
 * @out: where kept elements go, NUL-terminated back to back
 * @cap: bytes of @out
 */
void vigil_env_scan_init(struct vigil_env_scan *st,
			 const struct vigil_env_names *names, char *out,
			 u32 cap)
{
	memset(st, 0, sizeof(*st));
	st->names = names;
	st->out = out;
	st->cap = cap;
	st->cand = all_names(names);
}

/* The element in hand is done (its NUL was seen, or the input ended). */
static void elem_end(struct vigil_env_scan *st)
{
	st->pos = 0;
	st->keep = false;
	st->cand = all_names(st->names);
}

/**
 * vigil_env_scan_feed() - feed the next bytes of an environment
 * @st: the scan
 * @in: bytes, elements separated by NULs
 * @len: how many
 *
 * An element is kept when its name, the bytes before its first '=', is
 * one of @st->names; it is copied whole or not at all: one that does
 * not fit in what is left of @out is dropped and @st->cut set.
 */
void vigil_env_scan_feed(struct vigil_env_scan *st, const char *in, u32 len)
{
	const struct vigil_env_names *nm = st->names;
	u32 i, k;

	for (i = 0; i < len; i++) {
		u8 c = in[i];

		if (st->keep && st->used == st->cap) {
			/* too long: drop the element, note the cut */
			st->used = st->start;
			st->keep = false;
			st->cand = 0;
			st->cut = true;
		} else if (st->keep) {
			st->out[st->used++] = c;
			if (!c) {
				st->count++;
				elem_end(st);
			}
			continue;
		}
		if (!c) {
			elem_end(st);
			continue;
		}
		if (!st->cand)
			continue;
		if (c == '=') {
			for (k = 0; k < nm->n; k++)
				if ((st->cand & (1ULL << k)) &&
				    nm->name[k].len == st->pos)
					break;
			st->cand = 0;
			if (k == nm->n)
				continue;
			/* keep it: the name seen so far, then the rest */
			if (st->cap - st->used < st->pos + 2) {
				st->cut = true;
				continue;
			}
			st->start = st->used;
			memcpy(st->out + st->used, st->name, st->pos);
			st->used += st->pos;
			st->out[st->used++] = '=';
			st->keep = true;
			continue;
		}
		for (k = 0; k < nm->n; k++) {
			const struct vigil_env_name *n = &nm->name[k];

			if (!(st->cand & (1ULL << k)))
				continue;
			if (st->pos >= n->len ||
			    ENV_FOLD(n->nocase, c) != (u8)n->s[st->pos])
				st->cand &= ~(1ULL << k);
		}
		if (st->cand)
			st->name[st->pos++] = c;
	}
}

/**
 * vigil_env_scan_end() - finish a scan
 * @st: the scan
 * @count: set to the number of elements kept
 *
 * An element the input ended inside (the environment was cut) is
 * dropped.  Return: bytes used in @out.
 */
u32 vigil_env_scan_end(struct vigil_env_scan *st, u32 *count)
{
	if (st->keep) {
		st->used = st->start;
		st->cut = true;
	}
	*count = st->count;
	return st->used;
}
