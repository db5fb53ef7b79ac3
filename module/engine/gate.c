// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Numeric gates: the number tests of a step decided before its program.
 *
 * A program runs its tests in the order of the query, and some queries
 * put their costly tests first: a privilege-escalation rule matches the
 * 41 capability names of a root process against "CAP_SET?ID" and only
 * then finds user.id != 0 false.  The literal prefilter cannot help (a
 * number has no literal), so such steps ran whole on every root exec.
 *
 * Built once per engine, per step: its gate atoms, the NUMCMP and EXISTS
 * instructions of its program (one load and one compare each), at most
 * VIGIL_GATE_ATOMS, in program order; and a truth table with one bit per
 * assignment of their results, set when the program can return true
 * under it whatever its other tests give.  The table comes from
 * vigil_early_possible(), the three-valued run that the early decision
 * uses (early.c): a test that is not an atom is both true and false, so
 * "impossible" is exact.  Above the table, one level per atom as in
 * early.c: per assignment of the first atoms, whether some assignment of
 * the others is possible, and whether all are, so that the atoms run in
 * order only until the step is decided.  A step gets a gate only when
 * some assignment is impossible and a costly MATCH (costly()) comes
 * before one of the atoms: otherwise the program finds what the gate
 * would, as cheaply -- except for a sequence's first step, which
 * run_cand() tests before the sequence machinery (vigil_step_may()) when
 * nothing is in flight: there a gate spares the call into seq.c.
 *
 * Per event, vigil_step_eval() runs a step's atoms (unbudgeted: at most
 * VIGIL_GATE_ATOMS loads and compares) and skips the program when the
 * levels say it cannot be true.
 */
#include "internal.h"

/* Table bits times instructions computed at build, all steps together. */
#define GATE_BUILD_WORK (1U << 24)
_Static_assert(VIGIL_GATE_ATOMS <= 5, "a gate's levels are one u64");

static bool is_kind_field(u32 f)
{
	u32 i;

	for (i = 0; i < VIGIL_KIND_NF; i++)
		if (vigil_kind_fields[i] == f)
			return true;
	return false;
}

/*
 * Is MATCH @in costly enough that deciding a step before it pays: on an
 * ARRAY (every element matched: the 41 capability names of root), or
 * with a pattern that is searched or run (GLOB, CONTAINS, REGEX)?  An
 * EXACT, PREFIX or SUFFIX set over a string costs a hash or a compare.
 */
static bool costly(const struct vigil_rs *rs, const struct vigil_rs_insn *in)
{
	const struct vigil_rs_set *set;
	u32 k;

	if (in->op != VIGIL_OP_MATCH || is_kind_field(in->field))
		return false;
	if (vigil_is_array(in->field))
		return true;
	set = &rs->sets[in->arg];
	for (k = 0; k < set->n_pats; k++) {
		u8 kind = rs->pats[set->first_pat + k].kind;

		if (kind != VIGIL_PAT_EXACT && kind != VIGIL_PAT_PREFIX &&
		    kind != VIGIL_PAT_SUFFIX)
			return true;
	}
	return false;
}

/* A NUMCMP, or an EXISTS whose answer vigil_step_required() does not give. */
static bool is_atom(const struct vigil_rs_insn *in, u64 req)
{
	if (in->op == VIGIL_OP_NUMCMP)
		return true;
	if (in->op != VIGIL_OP_EXISTS)
		return false;
	/* a required string or number is there when the program runs */
	return vigil_is_array(in->field) || !((req >> in->field) & 1);
}

/*
 * The gate atoms of step @i into @atom: the NUMCMP tests of its program
 * and the EXISTS tests of the fields it does not require (for those,
 * vigil_step_required() has decided already), the first VIGIL_GATE_ATOMS
 * of them (the others stay unknown).  @seq: @i is a sequence's first
 * step.  Return: how many, or 0 when no costly MATCH comes before one of
 * them and @seq is false.
 */
static u32 gate_atoms(const struct vigil_rs *rs, u32 i, bool seq, u16 *atom)
{
	const struct vigil_rs_step *st = &rs->steps[i];
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u64 req = rs->step_req ? rs->step_req[i] : 0;
	bool seen = false, pays = false;
	u32 j, n = 0;

	for (j = 0; j < st->n_insns && n < VIGIL_GATE_ATOMS; j++) {
		const struct vigil_rs_insn *in = &prog[j];

		seen |= costly(rs, in);
		if (!is_atom(in, req))
			continue;
		atom[n++] = j;
		pays |= seen;
	}
	return pays || seq ? n : 0;
}

/* @a's low @n bits in reverse order (DISPATCH_MUT_GATE_ORDER only) */
static u32 rev_bits(u32 a, u32 n)
{
	u32 r = 0, j;

	for (j = 0; j < n; j++)
		r |= ((a >> j) & 1) << (n - 1 - j);
	return r;
}

/* Bit of prefix @p (the first @j atoms' results) in a gate's levels. */
static u32 level_bit(u32 j, u32 p)
{
	return (1U << j) - 1 + p;
}

/*
 * Builds @g for step @i; an unknown or useless table leaves no gate.
 * Level @n is the table; a prefix is possible (any) when one of its two
 * extensions is, decided possible (all) when both are.
 */
static void gate_step(const struct vigil_rs *rs, u32 i, bool seq,
		      struct vigil_gate *g, u8 *reach, u32 *work)
{
	const struct vigil_rs_step *st = &rs->steps[i];
	u64 any = 0, all = 0;
	u32 n, a, j, lo, hi;

	g->n = 0;
	n = gate_atoms(rs, i, seq, g->atom);
	if (!n || *work < (st->n_insns + 1U) << n)
		return;
	*work -= (st->n_insns + 1U) << n;
	for (a = 0; a < (1U << n); a++)
		if (vigil_early_possible(rs, st, 0, false, g->atom, n, a,
					 reach))
			any |= 1ULL << level_bit(
				       n,
				       DISPATCH_MUT(DISPATCH_MUT_GATE_ORDER) ?
					       rev_bits(a, n) :
					       a);
	all = any;
	for (j = n; j-- > 0;)
		for (a = 0; a < (1U << j); a++) {
			lo = level_bit(j + 1, a);
			hi = level_bit(j + 1, a | (1U << j));
			if (((any >> lo) | (any >> hi)) & 1)
				any |= 1ULL << level_bit(j, a);
			if ((all >> lo) & (all >> hi) & 1)
				all |= 1ULL << level_bit(j, a);
		}
	if (all & 1)
		return; /* every assignment possible: nothing to skip */
	g->n = n;
	g->any = any;
	g->all = all;
}

/**
 * vigil_gate_build() - the numeric gates of an engine's steps
 * @e: engine
 *
 * Bounded by GATE_BUILD_WORK table bits times instructions; past it,
 * steps have no gate.  May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_gate_build(struct vigil_engine *e)
{
	struct vigil_rs *rs = &e->rs;
	u32 r, k, i, work = GATE_BUILD_WORK;
	u8 *reach;

	e->gates = vg_zalloc(sizeof(*e->gates) * (rs->h->n_steps + 1));
	reach = vg_zalloc(VIGIL_RS_MAX_INSNS + 1);
	if (!e->gates || !reach) {
		vg_free(reach);
		return -ENOMEM;
	}
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];

		vg_cond_resched();
		for (k = 0; k < ru->n_steps; k++) {
			i = ru->first_step + k;
			gate_step(rs, i, ru->kind == VIGIL_RULE_SEQUENCE && !k,
				  &e->gates[i], reach, &work);
		}
	}
	vg_free(reach);
	rs->gates = e->gates;
	return 0;
}

/**
 * vigil_gate_free() - free what vigil_gate_build() allocated
 * @e: engine
 */
void vigil_gate_free(struct vigil_engine *e)
{
	vg_free(e->gates);
	e->gates = NULL;
	e->rs.gates = NULL;
}
