// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Early decision: can an event of a kind match any rule, knowing only
 * the fields capture sets first?
 *
 * A network event costs little to describe (its addresses, ports and
 * kind strings) and much to build whole (the process and its parent
 * from the process table, their command lines, credentials, leaders).
 * Most network rules exclude what most connections are: loopback and
 * private destinations, other ports.  Likewise most process-end rules
 * name the process that ends (sshd), and its name is in the process
 * table; and the rules on file events name the paths they watch, which
 * d_path gives, and the programs they suspect or trust, whose names the
 * process table holds.  So capture sets the
 * early fields of the kind (vigil_early_fields()), asks
 * vigil_engine_early(), and builds the rest only when some step of the
 * event's kind may still be true.
 *
 * Built once per engine, for each kind in VIGIL_EARLY_KINDS and each
 * step that takes it: the step's early atoms, the test instructions
 * (MATCH, EXISTS, NUMCMP) that read an early field, at most
 * VIGIL_EARLY_ATOMS of them, cheapest first; and a truth table with one
 * bit per assignment of the atoms, set when the program can return true
 * under that assignment whatever the other tests give, with above it
 * one level per atom: a bit per assignment of the first atoms, set when
 * some assignment of the others is possible.  The table comes from
 * a three-valued run of the program (early_possible()): each test of a
 * field not early is both true and false, and since jumps go forward
 * only, one pass in instruction order carries the accumulator values
 * that reach each instruction.  That over-approximates the program, so
 * "impossible" is exact and "possible" may not be.  A step with more
 * early tests than a table holds gets the tests it needs (those without
 * which it cannot be true) first, then the others in program order; the
 * rest are unknown, as tests of late fields are.
 *
 * The dispatch's filters decide first steps too: a step whose literal
 * filter (prefilter.c) reads only early fields of the kind (struct
 * vigil_early, @decide) and finds none of its literals in them cannot be
 * true, as on the whole event; nor can a step the index finds by an
 * early field (vigil_index_covers()) when the index does not find it.
 * A first step that may always be true, by its atoms, its filter and
 * the index, makes every event of its kind built.
 *
 * Per event: the literal scan of the early fields (through the caller's
 * memo) and the index lookups give the first steps that may be true
 * (early_cands()); each of them runs its atoms on the early fields,
 * those of the actor's first, then cheapest first, and only until the
 * levels decide the step (charged to a work budget like
 * vigil_step_eval(); when it runs out, the event is built).  What the
 * actor's atoms gave is kept in the caller's actor memo (struct
 * vigil_early_memo) for the actor's next events.  A sequence's later
 * step counts only while the rule has a sequence in flight
 * (vigil_seq_waiting()); a disabled rule does not count.
 */
#include "index.h"

#ifndef VIGIL_EARLY_MUTANT
#define VIGIL_EARLY_MUTANT 0
#endif
#define EARLY_MUT(n) (VIGIL_EARLY_MUTANT == (n))
#define EARLY_MUT_NOT 1 /* NOT does not swap the accumulator's values */
#define EARLY_MUT_LATE 2 /* a late field's test is false, not unknown */
#define EARLY_MUT_JUMP 3 /* a jump's taken side is lost */
#define EARLY_MUT_LEVEL 4 /* a prefix needs both extensions possible */
#define EARLY_MUT_CACHE_KEY 5 /* the cache key leaves out numbers (ports) */
#define EARLY_MUT_DECIDE 6 /* a filter reading a late field is decided */
#define EARLY_MUT_INDEX 7 /* a step indexed by a late field is indexed */
#define EARLY_MUT_MEMO_KEY 8 /* the actor memo's key leaves out the program */

/* Table bits computed at build, all steps of all early kinds together. */
#define EARLY_BUILD_WORK (1U << 24)

/* Accumulator values reaching an instruction: bit 0 false, bit 1 true. */
#define ACC_F 1U
#define ACC_T 2U

/**
 * vigil_early_fields() - the early fields of an event kind
 * @kind: enum vigil_event_kind
 *
 * Return: the fields capture sets before vigil_engine_early() for an
 * event of @kind (0: not an early kind).
 */
u64 vigil_early_fields(u32 kind)
{
	switch (kind) {
	case VIGIL_EV_CONNECT:
	case VIGIL_EV_ACCEPT:
	case VIGIL_EV_BIND:
		return VIGIL_EARLY_NET_FIELDS;
	case VIGIL_EV_END:
		return VIGIL_EARLY_END_FIELDS;
	case VIGIL_EV_OPEN:
	case VIGIL_EV_CREATE:
	case VIGIL_EV_DELETE:
	case VIGIL_EV_RENAME:
	case VIGIL_EV_SYMLINK:
		return VIGIL_EARLY_FILE_FIELDS;
	}
	return 0;
}

static bool early_field(u32 kind, u32 f)
{
	return f < 64 && (vigil_early_fields(kind) & (1ULL << f));
}

static bool is_test(const struct vigil_rs_insn *in)
{
	return in->op == VIGIL_OP_MATCH || in->op == VIGIL_OP_EXISTS ||
	       in->op == VIGIL_OP_NUMCMP;
}

/**
 * vigil_early_possible() - can a step be true, some of its tests known?
 * @rs: validated ruleset
 * @st: the step
 * @start: the instruction to start at
 * @acc0: the accumulator there
 * @atom: the known tests (instruction indices)
 * @n: how many
 * @a: their results, bit j for @atom[j]
 * @reach: scratch for n_insns + 1 entries
 *
 * Every other test gives either value (the early decision, and the
 * numeric gates of gate.c).
 *
 * Return: whether some path from @start returns true.
 */
bool vigil_early_possible(const struct vigil_rs *rs,
			  const struct vigil_rs_step *st, u32 start, bool acc0,
			  const u16 *atom, u32 n, u32 a, u8 *reach)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 len = st->n_insns, i, j, to, res = 0;
	u8 s, o;

	memset(reach, 0, len + 1);
	reach[start] = acc0 ? ACC_T : ACC_F;
	for (i = start; i < len; i++) {
		const struct vigil_rs_insn *in = &prog[i];

		s = reach[i];
		if (!s)
			continue;
		o = s;
		switch (in->op) {
		case VIGIL_OP_MATCH:
		case VIGIL_OP_EXISTS:
		case VIGIL_OP_NUMCMP:
			o = ACC_F | ACC_T;
			if (EARLY_MUT(EARLY_MUT_LATE))
				o = ACC_F;
			for (j = 0; j < n; j++)
				if (atom[j] == i)
					o = (a >> j) & 1 ? ACC_T : ACC_F;
			break;
		case VIGIL_OP_NOT:
			if (!EARLY_MUT(EARLY_MUT_NOT))
				o = ((s & ACC_F) ? ACC_T : 0) |
				    ((s & ACC_T) ? ACC_F : 0);
			break;
		case VIGIL_OP_CONST:
			o = in->arg ? ACC_T : ACC_F;
			break;
		case VIGIL_OP_JF:
		case VIGIL_OP_JT:
			/* validated: i + 1 + arg <= len */
			to = i + 1 + in->arg;
			o = in->op == VIGIL_OP_JF ? ACC_F : ACC_T;
			if (!EARLY_MUT(EARLY_MUT_JUMP))
				reach[to] |= s & o;
			o = s & ~o;
			break;
		case VIGIL_OP_RET:
			res |= s;
			o = 0;
			break;
		}
		reach[i + 1] |= o;
	}
	res |= reach[len];
	return res & ACC_T;
}

/* What running test @in costs, roughly: the patterns it may compare. */
static u32 atom_cost(const struct vigil_rs *rs, const struct vigil_rs_insn *in)
{
	return in->op == VIGIL_OP_MATCH ? 1 + rs->sets[in->arg].n_pats : 1;
}

/* Is @in a test of the actor's fields at @kind, kept by an actor memo? */
static bool actor_atom(u32 kind, const struct vigil_rs_insn *in)
{
	return (VIGIL_EARLY_ACTOR_KINDS & (1U << kind)) && in->field < 64 &&
	       (VIGIL_EARLY_ACTOR_FIELDS & (1ULL << in->field));
}

/* The order atoms run in: the actor's first, each part cheapest first. */
static u64 atom_rank(const struct vigil_rs *rs, u32 kind,
		     const struct vigil_rs_insn *in)
{
	return ((u64)!actor_atom(kind, in) << 32) | atom_cost(rs, in);
}

/*
 * Does step @st, from its start @ss, need the test at its instruction
 * @i: is it impossible when the test gives one of its values?
 */
static bool early_needed(const struct vigil_rs *rs,
			 const struct vigil_rs_step *st,
			 const struct vigil_stepstart *ss, u16 i, u8 *reach)
{
	return !vigil_early_possible(rs, st, ss->insn, ss->acc, &i, 1, 0,
				     reach) ||
	       !vigil_early_possible(rs, st, ss->insn, ss->acc, &i, 1, 1,
				     reach);
}

/*
 * The early atoms of @st from its start @ss, at @kind, those of the
 * actor's fields first (actor_atom()), each part cheapest first (they
 * run in that order and stop once the step is decided).  When a
 * table cannot hold them all, the tests the step needs come first, then
 * the others in program order, up to VIGIL_EARLY_ATOMS; a test left out
 * is unknown, as a late field's is.  The search is charged to @work.
 * Return: how many; *@n_actor: how many of them the actor's.
 */
static u32 early_atoms(const struct vigil_rs *rs,
		       const struct vigil_rs_step *st, u32 kind,
		       const struct vigil_stepstart *ss, u16 *atom, u8 *n_actor,
		       u8 *reach, u32 *work)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 i, j, n = 0, all = 0, pass, cost = 2 * (st->n_insns + 1U);
	u16 t;

	for (i = ss->insn; i < st->n_insns; i++)
		all += is_test(&prog[i]) && early_field(kind, prog[i].field);
	/* pass 0, when they do not all fit: the needed tests */
	for (pass = all <= VIGIL_EARLY_ATOMS; pass < 2; pass++) {
		for (i = ss->insn; i < st->n_insns && n < VIGIL_EARLY_ATOMS;
		     i++) {
			if (!is_test(&prog[i]) ||
			    !early_field(kind, prog[i].field))
				continue;
			for (j = 0; j < n && atom[j] != i; j++)
				;
			if (j < n)
				continue;
			if (pass) {
				atom[n++] = i;
				continue;
			}
			if (*work < cost)
				break;
			*work -= cost;
			if (early_needed(rs, st, ss, i, reach))
				atom[n++] = i;
		}
	}
	/* insertion sort by rank, stable: at most VIGIL_EARLY_ATOMS */
	for (i = 1; i < n; i++)
		for (j = i;
		     j > 0 && atom_rank(rs, kind, &prog[atom[j]]) <
				      atom_rank(rs, kind, &prog[atom[j - 1]]);
		     j--) {
			t = atom[j];
			atom[j] = atom[j - 1];
			atom[j - 1] = t;
		}
	for (i = 0; i < n && actor_atom(kind, &prog[atom[i]]); i++)
		;
	*n_actor = i;
	return n;
}

/* Bit of prefix @p (its first @j atoms' results) in a step's levels. */
static u32 level_bit(u32 j, u32 p)
{
	return (1U << j) - 1 + p;
}

static bool level_get(const u64 *lv, u32 j, u32 p)
{
	u32 b = level_bit(j, p);

	return (lv[b / 64] >> (b % 64)) & 1;
}

static void level_set(u64 *lv, u32 j, u32 p)
{
	u32 b = level_bit(j, p);

	lv[b / 64] |= 1ULL << (b % 64);
}

/*
 * Builds @es for (@r, @step) at @kind.  A step past the build's work
 * bound may always be true.
 * Return: whether it may always be true.
 */
static bool early_step(struct vigil_engine *e, u32 kind, u32 r, u32 step,
		       struct vigil_early_step *es, u8 *reach, u32 *work)
{
	const struct vigil_rs *rs = &e->rs;
	const struct vigil_rs_step *st = &rs->steps[step];
	struct vigil_stepstart ss = { 0, 0 };
	u32 a, j, n, all = 1;

	es->rule = r;
	es->step = step;
	es->later = step != rs->rules[r].first_step;
	memset(es->levels, 0, sizeof(es->levels));
	if (rs->starts)
		ss = rs->starts[step * __VIGIL_EV_LAST + kind];
	n = early_atoms(rs, st, kind, &ss, es->atom, &es->n_actor, reach, work);
	if (*work < (st->n_insns + 1U) << n) {
		es->n_atoms = 0;
		es->n_actor = 0;
		level_set(es->levels, 0, 0);
		return true;
	}
	*work -= (st->n_insns + 1U) << n;
	es->n_atoms = n;
	for (a = 0; a < (1U << n); a++) {
		if (vigil_early_possible(rs, st, ss.insn, ss.acc, es->atom, n,
					 a, reach))
			level_set(es->levels, n, a);
		else
			all = 0;
	}
	/* a prefix is possible when one of its two extensions is */
	for (j = n; j-- > 0;)
		for (a = 0; a < (1U << j); a++)
			if (EARLY_MUT(EARLY_MUT_LEVEL) ?
				    level_get(es->levels, j + 1, a) &&
					    level_get(es->levels, j + 1,
						      a | (1U << j)) :
				    level_get(es->levels, j + 1, a) ||
					    level_get(es->levels, j + 1,
						      a | (1U << j)))
				level_set(es->levels, j, a);
	return all;
}

/*
 * The fields the atoms of @es read, and with @slot those its filter
 * reads, less the kind strings: those are the same in every event
 * vigil_engine_early() decides (it checks them).
 */
static u64 key_fields(const struct vigil_engine *e,
		      const struct vigil_early_step *es, bool slot)
{
	const struct vigil_rs *rs = &e->rs;
	const struct vigil_rs_insn *prog =
		&rs->insns[rs->steps[es->step].first_insn];
	u64 m = 0;
	u32 j;

	for (j = 0; j < es->n_atoms; j++)
		m |= 1ULL << prog[es->atom[j]].field;
	if (slot)
		m |= e->pf.cand[e->pf.step_slot[es->step]].fields;
	if (es->indexed)
		m |= 1ULL << rs->steps[es->step].index_field;
	for (j = 0; j < VIGIL_KIND_NF; j++)
		m &= ~(1ULL << vigil_kind_fields[j]);
	return m;
}

/*
 * The slots of the prefilter whose filters read only early fields of
 * @kind, into @ek->decide: on the early fields their literals are found
 * as on the whole event.  Not the guards': a guard's bit alone would
 * say that its step runs.
 */
static void early_decide(const struct vigil_engine *e, u32 kind,
			 struct vigil_early *ek)
{
	const struct vigil_pf *pf = &e->pf;
	u64 late = ~vigil_early_fields(kind);
	u32 s;

	if (EARLY_MUT(EARLY_MUT_DECIDE))
		late = 0;
	for (s = 0; s < pf->n_slots; s++)
		if (!(pf->cand[s].fields & late) &&
		    pf->guard_slot[pf->cand[s].c.step] != s)
			ek->decide[s / 64] |= 1ULL << (s % 64);
}

/* Is step @step's filter decided by the literals of @ek's early fields? */
static bool early_slot(const struct vigil_engine *e,
		       const struct vigil_early *ek, u32 step)
{
	u32 s = e->pf.step_slot ? e->pf.step_slot[step] : VIGIL_PF_NONE;

	return s != VIGIL_PF_NONE && ((ek->decide[s / 64] >> (s % 64)) & 1);
}

/* Is first step @step of rule @r found by the index on an early field? */
static bool early_indexed(const struct vigil_engine *e, u32 kind, u32 r,
			  u32 step)
{
	const struct vigil_rs *rs = &e->rs;
	const struct vigil_rs_step *st = &rs->steps[step];

	return e->idx.n_ent && vigil_index_covers(rs, &rs->rules[r], st) &&
	       (early_field(kind, st->index_field) ||
		EARLY_MUT(EARLY_MUT_INDEX));
}

/*
 * Builds first step @step of rule @r, the @n-th of @kind, into @ek: its
 * table, and what its filter and the index decide of it.
 */
static void early_first(struct vigil_engine *e, u32 kind,
			struct vigil_early *ek, u32 r, u32 step, u32 n,
			u8 *reach, u32 *work)
{
	struct vigil_early_step *es = &ek->steps[n];
	bool slot = early_slot(e, ek, step), always;

	es->indexed = early_indexed(e, kind, r, step);
	always = early_step(e, kind, r, step, es, reach, work);
	if (always && !slot && !es->indexed)
		ek->always = true;
	ek->fields |= key_fields(e, es, slot) & vigil_early_fields(kind);
	ek->scan |= slot;
	ek->indexed |= es->indexed;
	ek->first_of[step] = n + 1;
	if (!slot && !es->indexed)
		ek->open[n / 64] |= 1ULL << (n % 64);
}

/*
 * The steps of @kind into @ek, first steps then later ones (only
 * counted while @ek->steps is NULL); @ek->always when a first step may
 * always be true, by its atoms, its filter and the index; @ek->scan and
 * @ek->indexed when the filter or the index decide some first step on
 * the early fields.
 */
static void early_kind(struct vigil_engine *e, u32 kind, struct vigil_early *ek,
		       u8 *reach, u32 *work)
{
	const struct vigil_rs *rs = &e->rs;
	u32 r, k, n = 0, later;

	for (later = 0; later < 2; later++) {
		if (later)
			ek->n_first = n;
		for (r = 0; r < rs->h->n_rules; r++) {
			const struct vigil_rs_rule *ru = &rs->rules[r];

			vg_cond_resched();
			for (k = !!later; k < (later ? ru->n_steps : 1); k++) {
				u32 step = ru->first_step + k;

				if (!(rs->steps[step].kind_mask & (1U << kind)))
					continue;
				if (ek->steps && later)
					early_step(e, kind, r, step,
						   &ek->steps[n], reach, work);
				else if (ek->steps)
					early_first(e, kind, ek, r, step, n,
						    reach, work);
				n++;
			}
		}
	}
	ek->n = n;
}

/*
 * An actor memo's entry (struct vigil_early_memo, @step): the stamp, how
 * many atoms ran, their results.
 */
#define MEMO_RAN_SHIFT 10 /* below: the results, a bit per atom */
#define MEMO_RAN_MASK 0x3fU /* then: how many atoms ran */
#define MEMO_STAMP_SHIFT (MEMO_RAN_SHIFT + 6)
#define MEMO_RESULTS_MASK ((1U << MEMO_RAN_SHIFT) - 1)
_Static_assert(VIGIL_EARLY_ATOMS <= 10,
	       "an actor memo's entry holds the results of 10 atoms");
_Static_assert(__builtin_popcount(VIGIL_EARLY_ACTOR_KINDS) ==
			       VIGIL_EARLY_MEMO_ROWS &&
		       !(VIGIL_EARLY_ACTOR_KINDS & ~VIGIL_EARLY_KINDS) &&
		       __builtin_popcountll(VIGIL_EARLY_ACTOR_FIELDS) ==
			       VIGIL_EARLY_MEMO_FIELDS &&
		       !(VIGIL_EARLY_ACTOR_FIELDS & ~VIGIL_EARLY_FILE_FIELDS) &&
		       !(VIGIL_EARLY_ACTOR_FIELDS & ~VIGIL_EARLY_END_FIELDS),
	       "an actor memo has a row per actor kind, room per actor field");

/* The row of @kind (of VIGIL_EARLY_ACTOR_KINDS) in an actor memo. */
static u32 memo_row_of(u32 kind)
{
	u32 below = VIGIL_EARLY_ACTOR_KINDS & ((1U << kind) - 1), n = 0;

	for (; below; below &= below - 1) /* no libgcc popcount in a module */
		n++;
	return n;
}

/*
 * @m keyed to the actor of @ev (its fields VIGIL_EARLY_ACTOR_FIELDS),
 * as engine @e runs its atoms: a new actor or another engine gets a new
 * stamp, so that no entry of the last one is known.  Return: the row of
 * @kind, or NULL when @kind has none or the actor's fields are too long
 * to keep.
 */
static u32 *early_memo_row(const struct vigil_engine *e, u32 kind,
			   const struct vigil_event *ev,
			   struct vigil_early_memo *m)
{
	u64 present = ev->present & VIGIL_EARLY_ACTOR_FIELDS, left = present;
	bool same = m->engine == e->id && m->present == present;
	u32 off = 0, n = 0, f, len;

	if (!(VIGIL_EARLY_ACTOR_KINDS & (1U << kind)))
		return NULL;
	while (left) {
		f = __builtin_ctzll(left);
		left &= left - 1;
		len = ev->v[f].len;
		if (len > VIGIL_EARLY_MEMO_BYTES - off) {
			m->engine = 0;
			return NULL;
		}
		if (EARLY_MUT(EARLY_MUT_MEMO_KEY) &&
		    f == VIGIL_F_PROCESS_EXECUTABLE)
			continue;
		if (!same || m->len[n] != len ||
		    memcmp(m->bytes + off, ev->v[f].str, len)) {
			same = false;
			memcpy(m->bytes + off, ev->v[f].str, len);
			m->len[n] = len;
		}
		n++;
		off += len;
	}
	if (!same) {
		m->engine = e->id;
		m->present = present;
		m->stamp = (m->stamp + 1) & 0xffffU;
		if (!m->stamp) { /* wrapped: forget the entries of old stamps */
			memset(m->step, 0, sizeof(m->step));
			m->stamp = 1;
		}
	}
	return m->step[memo_row_of(kind)];
}

/*
 * Runs the atoms of @es from *@j, while the results *@a so far leave the
 * step possible, up to @stop.  Return: 0, or -1 when @w cannot pay for
 * an atom.
 */
static int early_run_atoms(const struct vigil_engine *e,
			   const struct vigil_early_step *es,
			   const struct vigil_event *ev, struct vigil_work *w,
			   u32 stop, u32 *j, u32 *a)
{
	const struct vigil_rs_insn *prog =
		&e->rs.insns[e->rs.steps[es->step].first_insn];
	int t;

	for (; *j < stop && level_get(es->levels, *j, *a); (*j)++) {
		t = vigil_insn_test(&e->rs, &prog[es->atom[*j]], ev, w);
		if (t < 0)
			return -1;
		*a |= (u32)t << *j;
	}
	return 0;
}

/*
 * Can step @es be true on @ev by its early atoms?  The actor's come from
 * @memo, its entry in an actor memo's row, when it holds them for
 * @stamp, and else are kept there; @memo NULL: none.  Return: 1 or 0, or
 * -1 when @w cannot pay for an atom.
 */
static int early_step_may(const struct vigil_engine *e,
			  const struct vigil_early_step *es,
			  const struct vigil_event *ev, struct vigil_work *w,
			  u32 *memo, u32 stamp)
{
	u32 j = 0, a = 0;

	if (!READ_ONCE(e->rstate[es->rule].enabled))
		return 0;
	if (memo && *memo >> MEMO_STAMP_SHIFT == stamp) {
		j = (*memo >> MEMO_RAN_SHIFT) & MEMO_RAN_MASK;
		a = *memo & MEMO_RESULTS_MASK;
	} else if (memo && es->n_actor) {
		if (early_run_atoms(e, es, ev, w, es->n_actor, &j, &a))
			return -1;
		*memo = stamp << MEMO_STAMP_SHIFT | j << MEMO_RAN_SHIFT | a;
	}
	if (early_run_atoms(e, es, ev, w, es->n_atoms, &j, &a))
		return -1;
	return level_get(es->levels, j, a);
}

/* Step @i's entry in actor memo row @row, or NULL. */
static u32 *memo_entry(u32 *row, u32 i)
{
	return row && i < VIGIL_EARLY_MEMO_STEPS ? &row[i] : NULL;
}

/**
 * vigil_early_build() - the early decisions of an engine
 * @e: engine with its step starts computed
 *
 * Bounded by EARLY_BUILD_WORK table bits times instructions, and by
 * VIGIL_EARLY_MAX_STEPS tables per kind.  May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_early_build(struct vigil_engine *e)
{
	u32 kind, work = EARLY_BUILD_WORK;
	u8 *reach;

	reach = vg_zalloc(VIGIL_RS_MAX_INSNS + 1);
	if (!reach)
		return -ENOMEM;
	vg_sipkey_init(&e->early_key);
	for (kind = 1; kind < __VIGIL_EV_LAST; kind++) {
		struct vigil_early *ek = &e->early[kind];

		if (!(VIGIL_EARLY_KINDS & (1U << kind)))
			continue;
		early_kind(e, kind, ek, reach, &work);
		ek->n_first = 0;
		if (ek->n > VIGIL_EARLY_MAX_STEPS) {
			ek->n = 0; /* no steps: no early decision */
			continue;
		}
		ek->steps = vg_zalloc(sizeof(*ek->steps) * (ek->n + 1));
		ek->cache = vg_zalloc(sizeof(u64) * VIGIL_EARLY_CACHE);
		ek->first_of = vg_zalloc(sizeof(u16) * (e->rs.h->n_steps + 1));
		if (!ek->steps || !ek->cache || !ek->first_of) {
			vg_free(reach);
			return -ENOMEM;
		}
		early_decide(e, kind, ek);
		early_kind(e, kind, ek, reach, &work);
	}
	vg_free(reach);
	return 0;
}

/**
 * vigil_early_free() - free what vigil_early_build() allocated
 * @e: engine (its early lists may be partly built)
 */
void vigil_early_free(struct vigil_engine *e)
{
	u32 kind;

	for (kind = 0; kind < __VIGIL_EV_LAST; kind++) {
		vg_free(e->early[kind].steps);
		vg_free(e->early[kind].cache);
		vg_free(e->early[kind].first_of);
	}
}

/*
 * The key of @ev's early fields that the first steps of @ek read, with
 * the kind and @gen (rules enabled or disabled since change it), into
 * @buf (EARLY_KEY_MAX bytes).  Return: its length, or 0 when a value is
 * too long to key (the decision is then not cached).
 */
#define EARLY_KEY_STR 24 /* longer strings: not cached (an IP is 16) */
#define EARLY_KEY_FIELDS 11
#define EARLY_KEY_MAX (8 + EARLY_KEY_FIELDS * (2 + EARLY_KEY_STR))
_Static_assert(__builtin_popcountll(VIGIL_EARLY_NET_FIELDS) <=
			       EARLY_KEY_FIELDS &&
		       __builtin_popcountll(VIGIL_EARLY_END_FIELDS) <=
			       EARLY_KEY_FIELDS &&
		       __builtin_popcountll(VIGIL_EARLY_FILE_FIELDS) <=
			       EARLY_KEY_FIELDS,
	       "EARLY_KEY_MAX holds every early field");
static u32 early_key(const struct vigil_early *ek, u32 kind, u32 gen,
		     const struct vigil_event *ev, u8 *buf)
{
	u64 fields = ek->fields;
	u32 n = 0;

	memcpy(buf, &kind, 4);
	memcpy(buf + 4, &gen, 4);
	n = 8;
	while (fields) {
		u32 f = __builtin_ctzll(fields);
		const struct vigil_value *v = &ev->v[f];

		fields &= fields - 1;
		buf[n++] = !!(ev->present & (1ULL << f));
		if (!(ev->present & (1ULL << f)))
			continue;
		if (vigil_field_type(f) == VIGIL_FT_NUM) {
			if (!EARLY_MUT(EARLY_MUT_CACHE_KEY))
				memcpy(buf + n, &v->num, 8);
			n += 8;
			continue;
		}
		if (v->len >= EARLY_KEY_STR)
			return 0;
		buf[n++] = v->len;
		memcpy(buf + n, v->str, v->len);
		n += v->len;
	}
	return n;
}

/* Words of a bitmap of @ek's first steps (struct vigil_early, @open). */
static u32 early_words(const struct vigil_early *ek)
{
	return (ek->n_first + 63) / 64;
}

/*
 * The first steps of @ek that may be true on @ev's early fields, bit i
 * for the i-th, into @run (early_words() words): those neither
 * their filter nor the index decide, those whose filter the literals of
 * the early fields let through (scanned through @memo), and those the
 * index finds on them.
 */
static void early_cands(const struct vigil_engine *e,
			const struct vigil_early *ek, u32 kind,
			const struct vigil_event *ev,
			struct vigil_pf_memo *memo, u64 *run)
{
	const struct vigil_index *idx = &e->idx;
	const struct vigil_ientry *en, *end;
	u64 fields = idx->fields[kind] & ev->present & vigil_early_fields(kind);
	u64 hits[VIGIL_PF_WORDS], h = 0, m;
	u32 i, w, s;

	memcpy(run, ek->open, sizeof(u64) * early_words(ek));
	if (ek->scan) {
		vigil_pf_scan(e, ev, kind, hits, memo);
		for (w = 0; w < e->pf.n_words; w++) {
			m = hits[w] & ek->decide[w];
			while (m) {
				s = w * 64 + __builtin_ctzll(m);
				m &= m - 1;
				i = ek->first_of[e->pf.cand[s].c.step];
				if (i--)
					run[i / 64] |= 1ULL << (i % 64);
			}
		}
	}
	while (ek->indexed && fields) {
		u32 f = __builtin_ctzll(fields);

		fields &= fields - 1;
		for (en = vigil_index_lookup(idx, f, &ev->v[f], &h, &end);
		     en < end; en++) {
			i = en->hash == h ? ek->first_of[en->c.step] : 0;
			if (i--)
				run[i / 64] |= 1ULL << (i % 64);
		}
	}
}

/**
 * vigil_engine_early_memo() - may an event match, by its early fields alone?
 * @e: engine
 * @ev: an event of a kind in VIGIL_EARLY_KINDS whose early fields
 *	(vigil_early_fields() of its kind, and only those so far) are set
 *	as they will be in the whole event
 * @memo: the prefilter's memo (struct vigil_pf_memo), or NULL; its
 *	actor memo (struct vigil_early_memo) keeps what the atoms on the
 *	actor's fields gave, for the next event of the same actor
 *
 * What the first steps decide on the early fields they read is
 * remembered (keyed by SipHash with the engine's secret key, the low bit
 * the answer, VIGIL_EARLY_CACHE slots per kind): an event with the same
 * values is then built at once when a first step may be true, and else
 * runs only the later steps of the rules with a sequence in flight.
 * Enabling or disabling a rule forgets them all (early_gen).
 * Atomic-context safe.
 *
 * Return: false when no step of the event's kind can be true whatever
 * its other fields, so the event need not be built; true otherwise.
 */
bool vigil_engine_early_memo(struct vigil_engine *e,
			     const struct vigil_event *ev,
			     struct vigil_pf_memo *memo)
{
	struct vigil_work w = { VIGIL_EVENT_WORK, false };
	enum { EARLY_UNKNOWN, EARLY_NOT, EARLY_MAY } known = EARLY_UNKNOWN;
	struct vigil_early *ek;
	u64 run[VIGIL_EARLY_MAX_STEPS / 64], m;
	u8 key[EARLY_KEY_MAX];
	u32 kind, i, klen, wd, stamp = 0, *row = NULL;
	u64 h = 0, slot;
	int t;

	if (!(ev->present & (1ULL << VIGIL_F_EVENT_KIND)))
		return true;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	if (kind >= __VIGIL_EV_LAST || !(VIGIL_EARLY_KINDS & (1U << kind)))
		return true;
	ek = &e->early[kind];
	/* the tables assume the kind strings vigil_event_set_kind() gives */
	if (!ek->steps || ek->always || !vigil_event_canonical(ev, kind))
		return true;
	/*
	 * Paths seldom come again while their key is remembered: keying
	 * and hashing one costs more than the cache saves (measured on a
	 * creation storm).
	 */
	klen = ek->fields & (1ULL << VIGIL_F_FILE_PATH) ?
		       0 :
		       early_key(ek, kind, READ_ONCE(e->early_gen), ev, key);
	if (klen) {
		/* bit 1 set: an empty slot (0) never matches */
		h = (vg_siphash(key, klen, &e->early_key) | 2) & ~1ULL;
		slot = READ_ONCE(ek->cache[h % VIGIL_EARLY_CACHE]);
		if ((slot & ~1ULL) == h)
			known = slot & 1 ? EARLY_MAY : EARLY_NOT;
	}
	if (known == EARLY_MAY)
		return true;
	if (memo) {
		row = early_memo_row(e, kind, ev, &memo->early);
		stamp = memo->early.stamp;
	}
	if (known == EARLY_UNKNOWN)
		early_cands(e, ek, kind, ev, memo, run);
	for (wd = 0; wd < early_words(ek) && known == EARLY_UNKNOWN; wd++) {
		for (m = run[wd]; m; m &= m - 1) {
			i = wd * 64 + __builtin_ctzll(m);
			t = early_step_may(e, &ek->steps[i], ev, &w,
					   memo_entry(row, i), stamp);
			if (t < 0)
				return true; /* the budget ran out: not kept */
			if (t) {
				if (klen)
					WRITE_ONCE(
						ek->cache[h % VIGIL_EARLY_CACHE],
						h | 1);
				return true;
			}
		}
	}
	if (klen && known == EARLY_UNKNOWN)
		WRITE_ONCE(ek->cache[h % VIGIL_EARLY_CACHE], h);
	/* later steps: only while a sequence of their rule is in flight */
	for (i = ek->n_first; i < ek->n && vigil_seq_pending(e); i++)
		if (vigil_seq_waiting(e, ek->steps[i].rule) &&
		    early_step_may(e, &ek->steps[i], ev, &w, memo_entry(row, i),
				   stamp))
			return true;
	return false;
}

/**
 * vigil_engine_early() - vigil_engine_early_memo() without a memo
 * @e: engine
 * @ev: event, as there
 *
 * Return: as there.
 */
bool vigil_engine_early(struct vigil_engine *e, const struct vigil_event *ev)
{
	return vigil_engine_early_memo(e, ev, NULL);
}

/**
 * vigil_early_forget() - rules were enabled or disabled
 * @e: engine
 *
 * The early decisions remembered so far may no longer hold: their keys
 * carry the old generation.  Callers serialize (as for
 * vigil_engine_set_enabled()).
 */
void vigil_early_forget(struct vigil_engine *e)
{
	WRITE_ONCE(e->early_gen, e->early_gen + 1);
}
