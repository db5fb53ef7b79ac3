// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Engine lifetime, rule table, per-event dispatch, and the new-terms API.
 *
 * The dispatch runs, for one event, the candidates (rule, step) that can
 * match it, in a fixed order:
 *
 *  - the kind list of the event's kind (struct vigil_dispatch): every
 *    rule that neither the index nor a prefilter slot finds for that
 *    kind;
 *  - its wait list: the sequence rules whose later steps take the kind,
 *    each only while it has a sequence in flight (and when its slot will
 *    not run it anyway);
 *  - the prefilter's candidates whose bits the event's scan set
 *    (prefilter_scan.c), in slot order;
 *  - the index's candidates (index.c), field by field.
 */
#include "internal.h"
#include "index.h"

#define VIGIL_CAP_MAX (1U << 22)

/* Numbers engines (struct vigil_engine.id): a memo names its engine. */
static struct vg_atomic64 engine_ids;

static u32 cap_of(u32 want, u32 dflt)
{
	if (!want)
		return dflt;
	return want < VIGIL_CAP_MAX ? want : VIGIL_CAP_MAX;
}

/* Precomputes the search tables of CONTAINS and glob patterns. */
static int compile_pats(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, n = 0, k;

	e->pat_tab = vg_zalloc(sizeof(u32) * (rs->h->n_pats + 1));
	e->plans = vg_zalloc(sizeof(*e->plans) * (rs->h->n_pats + 1));
	if (!e->pat_tab || !e->plans)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_pats; i++) {
		vg_cond_resched();
		k = vigil_pat_tabs(&rs->pats[i], rs->strtab + rs->pats[i].str);
		e->pat_tab[i] = k ? n : VIGIL_NIL;
		n += k;
	}
	e->tabs = vg_zalloc(sizeof(*e->tabs) * (n + 1));
	if (!e->tabs)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_pats; i++) {
		vg_cond_resched();
		vigil_pat_compile(&rs->pats[i], rs->strtab + rs->pats[i].str,
				  e->pat_tab[i] != VIGIL_NIL ?
					  &e->tabs[e->pat_tab[i]] :
					  NULL,
				  &e->plans[i]);
	}
	e->rs.pat_tab = e->pat_tab;
	e->rs.tabs = e->tabs;
	e->rs.plans = e->plans;
	return 0;
}

/* Transitions vigil_dfa_need() looks at, all REGEX patterns together. */
#define NEED_BUILD_WORK (1U << 26)

/*
 * Per REGEX or GLOB pattern, the bytes it cannot match without
 * (vigil_dfa_need(), vigil_glob_need()), checked before its DFA or glob
 * runs (pat_match() in interp.c).  Sets @map; false: none.
 */
static bool pat_need(const struct vigil_rs *rs, const struct vigil_rs_pat *p,
		     u64 *map, u8 *seen, u16 *stack, u32 *work)
{
	bool nocase = p->flags & VIGIL_PAT_F_NOCASE;

	if (p->kind == VIGIL_PAT_GLOB)
		return vigil_glob_need((const u8 *)rs->strtab + p->str, p->len,
				       nocase, map);
	return p->kind == VIGIL_PAT_REGEX &&
	       vigil_dfa_need(rs->dfas + p->str, nocase, map, seen, stack,
			      work);
}

static int compile_needs(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, x, n = 0, work = NEED_BUILD_WORK;
	struct vigil_dfa_need *nd;
	u16 *stack;
	u64 map[4];
	u8 *seen;
	int err = -ENOMEM;

	e->need_of = vg_zalloc(sizeof(u32) * (rs->h->n_pats + 1));
	seen = vg_zalloc(VIGIL_DFA_MAX_STATES);
	stack = vg_zalloc(sizeof(u16) * VIGIL_DFA_MAX_STATES);
	if (!e->need_of || !seen || !stack)
		goto out;
	for (i = 0; i < rs->h->n_pats; i++) {
		const struct vigil_rs_pat *p = &rs->pats[i];

		e->need_of[i] = VIGIL_NIL;
		if (pat_need(rs, p, map, seen, stack, &work))
			e->need_of[i] = n++;
	}
	e->needs = vg_zalloc(sizeof(*e->needs) * (n + 1));
	if (!e->needs)
		goto out;
	/* again, into the table: the same answers, for the same work */
	for (i = 0, n = 0, work = NEED_BUILD_WORK; i < rs->h->n_pats; i++) {
		const struct vigil_rs_pat *p = &rs->pats[i];

		if (e->need_of[i] == VIGIL_NIL)
			continue;
		nd = &e->needs[n++];
		pat_need(rs, p, nd->map, seen, stack, &work);
		for (x = 0; x < 256; x++) {
			if (!((nd->map[x / 64] >> (x % 64)) & 1))
				continue;
			if (nd->n < 2)
				nd->b[nd->n] = x;
			nd->n++;
		}
	}
	e->rs.need_of = e->need_of;
	e->rs.needs = e->needs;
	err = 0;
out:
	vg_free(seen);
	vg_free(stack);
	return err;
}

/* Builds the per-set EXACT hash tables and lists of other patterns. */
static int compile_sets(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, j, n_ex = 0, n_other = 0, nb_total = 0, ex = 0, ot = 0;
	u32 *fill;

	e->setplans = vg_zalloc(sizeof(*e->setplans) * (rs->h->n_sets + 1));
	if (!e->setplans)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_sets; i++) {
		const struct vigil_rs_set *st = &rs->sets[i];
		struct vigil_setplan *sp = &e->setplans[i];
		u32 nb = 1;

		vg_cond_resched();
		sp->min_len = VIGIL_NIL;
		for (j = 0; j < st->n_pats; j++) {
			const struct vigil_rs_pat *p =
				&rs->pats[st->first_pat + j];

			if (p->kind != VIGIL_PAT_EXACT) {
				sp->n_other++;
				continue;
			}
			sp->n_ex++;
			if (p->len < sp->min_len)
				sp->min_len = p->len;
			if (p->len > sp->max_len)
				sp->max_len = p->len;
		}
		while (nb < sp->n_ex)
			nb <<= 1;
		sp->mask = nb - 1;
		sp->bucket = nb_total;
		nb_total += nb + 1;
		sp->other = n_other;
		n_ex += sp->n_ex;
		n_other += sp->n_other;
	}
	e->sx_bucket = vg_zalloc(sizeof(u32) * (nb_total + 1));
	e->sx_ent = vg_zalloc(sizeof(*e->sx_ent) * (n_ex + 1));
	e->sx_other = vg_zalloc(sizeof(u32) * (n_other + 1));
	fill = vg_zalloc(sizeof(u32) * (nb_total + 1));
	if (!e->sx_bucket || !e->sx_ent || !e->sx_other || !fill) {
		vg_free(fill);
		return -ENOMEM;
	}
	for (i = 0; i < rs->h->n_sets; i++) {
		const struct vigil_rs_set *st = &rs->sets[i];
		struct vigil_setplan *sp = &e->setplans[i];
		u32 *b = &e->sx_bucket[sp->bucket], k;

		vg_cond_resched();
		for (j = 0; j < st->n_pats; j++) {
			u32 pi = st->first_pat + j;
			const struct vigil_rs_pat *p = &rs->pats[pi];

			if (p->kind != VIGIL_PAT_EXACT) {
				e->sx_other[ot++] = pi;
				continue;
			}
			b[(vigil_hash_folded(VIGIL_FNV_OFFSET,
					     rs->strtab + p->str, p->len) &
			   sp->mask) +
			  1]++;
		}
		for (k = 0; k <= sp->mask; k++)
			b[k + 1] += b[k];
		for (k = 0; k <= sp->mask + 1; k++)
			b[k] += ex;
		memcpy(&fill[sp->bucket], b, sizeof(u32) * (sp->mask + 2));
		for (j = 0; j < st->n_pats; j++) {
			u32 pi = st->first_pat + j;
			const struct vigil_rs_pat *p = &rs->pats[pi];
			u64 h;

			if (p->kind != VIGIL_PAT_EXACT)
				continue;
			h = vigil_hash_folded(VIGIL_FNV_OFFSET,
					      rs->strtab + p->str, p->len);
			k = fill[sp->bucket + (h & sp->mask)]++;
			e->sx_ent[k].hash = h;
			e->sx_ent[k].pat = pi;
		}
		ex += sp->n_ex;
	}
	vg_free(fill);
	e->rs.setplans = e->setplans;
	e->rs.sx_bucket = e->sx_bucket;
	e->rs.sx_ent = e->sx_ent;
	e->rs.sx_other = e->sx_other;
	return 0;
}

/* CONTAINS patterns grouped by compile_mc(): 1..64 bytes each. */
static bool mc_ok(const struct vigil_rs_pat *p)
{
	return p->kind == VIGIL_PAT_CONTAINS && p->len &&
	       p->len <= VIGIL_MC_BYTES;
}

/* Visits the groups of set @sp in order; fills them when @g is set. */
static u32 mc_walk(struct vigil_engine *e, struct vigil_setplan *sp,
		   struct vigil_mcgroup *g)
{
	const struct vigil_rs *rs = &e->rs;
	u32 *oth = &e->sx_other[sp->other], i, j, n = 0, used = 0, keep = 0;
	u32 cand = 0;

	for (i = 0; i < sp->n_other; i++)
		cand += mc_ok(&rs->pats[oth[i]]);
	if (cand < 2)
		return 0;
	for (i = 0; i < sp->n_other; i++) {
		const struct vigil_rs_pat *p = &rs->pats[oth[i]];
		const u8 *lit = (const u8 *)rs->strtab + p->str;

		if (!mc_ok(p)) {
			if (g) /* the others move to the front */
				oth[keep] = oth[i];
			keep++;
			continue;
		}
		if (!n || used + p->len > VIGIL_MC_BYTES) {
			n++;
			used = 0;
		}
		if (g) {
			struct vigil_mcgroup *m = &g[n - 1];

			m->starts |= 1ULL << used;
			m->ends |= 1ULL << (used + p->len - 1);
			for (j = 0; j < p->len; j++) {
				u8 c = lit[j];

				m->masks[c] |= 1ULL << (used + j);
				if ((p->flags & VIGIL_PAT_F_NOCASE) &&
				    c >= 'a' && c <= 'z')
					m->masks[c - 'a' + 'A'] |=
						1ULL << (used + j);
			}
		}
		used += p->len;
	}
	if (g)
		sp->n_other =
			keep; /* the grouped ones are searched as groups */
	return n;
}

/*
 * Per set with two or more short CONTAINS patterns: one-pass groups
 * (struct vigil_mcgroup) instead of one search per pattern.
 */
static int compile_mc(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, n = 0;

	for (i = 0; i < rs->h->n_sets; i++) {
		e->setplans[i].mc = n;
		n += mc_walk(e, &e->setplans[i], NULL);
	}
	e->mcgroups = vg_zalloc(sizeof(*e->mcgroups) * (n + 1));
	if (!e->mcgroups)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_sets; i++) {
		struct vigil_setplan *sp = &e->setplans[i];

		vg_cond_resched();
		sp->n_mc = mc_walk(e, sp, &e->mcgroups[sp->mc]);
	}
	e->rs.mcgroups = e->mcgroups;
	return 0;
}

/*
 * The work bound of a MATCH on each set (struct vigil_setplan work_*):
 * what set_match_plan() can do at most, per value and per value byte.
 * Every literal compare stops at the value's end, so it is charged per
 * byte; per value remain the length checks and, for a glob of more
 * middle segments than VIGIL_PAT_MAX_TABS, its tables built per call.
 * Runs after compile_sets() and compile_mc(), on their plans.
 */
static void compile_work(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, j, k, pi;

	for (i = 0; i < rs->h->n_sets; i++) {
		struct vigil_setplan *sp = &e->setplans[i];
		u64 fixed = 1 + sp->n_other, byte = sp->n_mc, most = 0;

		vg_cond_resched();
		if (sp->n_ex && sp->n_ex <= VIGIL_SET_SCAN) {
			fixed += sp->n_ex;
			byte += sp->n_ex;
		} else if (sp->n_ex) {
			/* one hash, then the longest bucket compared */
			const u32 *b = &e->sx_bucket[sp->bucket];

			for (k = 0; k <= sp->mask; k++)
				if (b[k + 1] - b[k] > most)
					most = b[k + 1] - b[k];
			fixed += most;
			byte += 1 + most;
		}
		for (j = 0; j < sp->n_other; j++) {
			const struct vigil_rs_pat *p;
			const u8 *lit;

			pi = e->sx_other[sp->other + j];
			p = &rs->pats[pi];
			lit = (const u8 *)rs->strtab + p->str;
			/*
			 * a compare, or one scan (a glob: plus its anchors; a
			 * glob or a regex: plus the look for its needed bytes)
			 */
			byte += 1 + (p->kind == VIGIL_PAT_GLOB) +
				(e->need_of[pi] != VIGIL_NIL);
			if (p->kind == VIGIL_PAT_PREFIX ||
			    p->kind == VIGIL_PAT_SUFFIX ||
			    p->kind == VIGIL_PAT_REGEX ||
			    p->kind == VIGIL_PAT_CIDR)
				continue;
			/* a segment over VIGIL_SEG_W verifies at each hit */
			if (p->len > VIGIL_SEG_W)
				byte += p->len - VIGIL_SEG_W;
			if (p->kind == VIGIL_PAT_GLOB &&
			    e->pat_tab[pi] == VIGIL_NIL)
				fixed += (u64)vigil_glob_middles(lit, p->len) *
					 sizeof(struct vigil_segtab);
		}
		sp->work_fixed = fixed < U32_MAX ? (u32)fixed : U32_MAX;
		sp->work_byte = byte < U32_MAX ? (u32)byte : U32_MAX;
	}
}

/*
 * Per step, the fields it needs (vigil_step_required()) and where its
 * program starts per event kind (vigil_step_start()).
 */
static int compile_req(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 i, k;
	u8 *reach = vg_zalloc(VIGIL_RS_MAX_INSNS + 1);

	e->step_req = vg_zalloc(sizeof(u64) * (rs->h->n_steps + 1));
	if (!reach || !e->step_req) {
		vg_free(reach);
		return -ENOMEM;
	}
	for (i = 0; i < rs->h->n_steps; i++) {
		vg_cond_resched();
		e->step_req[i] = vigil_step_required(rs, &rs->steps[i], reach);
	}
	vg_free(reach);
	e->rs.step_req = e->step_req;

	e->starts = vg_zalloc(sizeof(*e->starts) * __VIGIL_EV_LAST *
			      (rs->h->n_steps + 1));
	if (!e->starts)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_steps; i++)
		for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++)
			vigil_step_start(rs, &rs->steps[i], k,
					 &e->starts[i * __VIGIL_EV_LAST + k]);
	e->rs.starts = e->starts;
	return 0;
}

/*
 * The sequence, new-terms and threshold state @rs asks for at these
 * capacities, in bytes: what vigil_seq_new(), vigil_terms_new() and
 * vigil_thr_new() would allocate.
 */
static u64 state_bytes(const struct vigil_rs *rs, u32 seq_cap, u32 terms_cap,
		       u32 thr_cap)
{
	u64 n = vigil_seq_bytes(rs, seq_cap);
	u32 r, n_terms = 0;

	for (r = 0; r < rs->h->n_rules; r++)
		n_terms += rs->rules[r].kind == VIGIL_RULE_NEW_TERMS;
	for (r = 0; r < rs->h->n_thresholds; r++)
		n += vigil_thr_bytes(&rs->thrs[r], thr_cap);
	return n + n_terms * vigil_terms_bytes(terms_cap);
}

/**
 * vigil_engine_new() - validate a ruleset and build an engine for it
 * @blob: ruleset
 * @len: its length
 * @lim: capacities (NULL or 0 fields: defaults)
 * @reason: on failure, a static string naming the problem
 *
 * The state the ruleset asks for is computed and checked against
 * @lim->state_max before any of it is allocated.  May sleep.
 *
 * Return: the engine, or ERR_PTR(-EINVAL), ERR_PTR(-E2BIG) or
 * ERR_PTR(-ENOMEM).
 */
struct vigil_engine *vigil_engine_new(const void *blob, u32 len,
				      const struct vigil_engine_limits *lim,
				      const char **reason)
{
	const char *why = "out of memory";
	struct vigil_engine *e = NULL;
	u64 state_max;
	u32 r, seq_cap;
	int err = -ENOMEM;

	if (len > VIGIL_RS_MAX_SIZE) {
		why = "ruleset too large";
		err = -EINVAL;
		goto err;
	}
	e = vg_zalloc(sizeof(*e));
	if (!e)
		goto err;
	e->id = vg_atomic64_inc_return(&engine_ids);
	/* validate the private copy, so the blob cannot change under us */
	e->blob = vg_zalloc(len + 1);
	if (!e->blob)
		goto err;
	memcpy(e->blob, blob, len);
	e->len = len;
	err = vigil_ruleset_validate(e->blob, len, &why);
	if (err)
		goto err;
	err = -ENOMEM;
	why = "out of memory";
	vigil_rs_map(&e->rs, e->blob);
	e->terms_cap =
		cap_of(lim ? lim->terms_capacity : 0, VIGIL_TERMS_DEFAULT_CAP);
	seq_cap = cap_of(lim ? lim->seq_capacity : 0, VIGIL_SEQ_DEFAULT_CAP);
	e->thr_cap = cap_of(lim ? lim->thr_capacity : 0, VIGIL_THR_DEFAULT_CAP);
	state_max = lim && lim->state_max ? lim->state_max :
					    VIGIL_STATE_DEFAULT_MAX;
	if (state_bytes(&e->rs, seq_cap, e->terms_cap, e->thr_cap) >
	    state_max) {
		why = "ruleset state (sequences, new_terms and thresholds) exceeds state_max_mb";
		err = -E2BIG;
		goto err;
	}
	e->rstate = vg_zalloc(sizeof(*e->rstate) * (e->rs.h->n_rules + 1));
	if (!e->rstate)
		goto err;
	for (r = 0; r < e->rs.h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &e->rs.rules[r];

		vg_cond_resched();
		e->rstate[r].enabled = !(ru->flags & VIGIL_RULE_F_DISABLED);
		if (ru->kind == VIGIL_RULE_THRESHOLD) {
			e->rstate[r].thr = vigil_thr_new(
				vigil_rs_thr_of(&e->rs, r), e->thr_cap);
			if (!e->rstate[r].thr)
				goto err;
		}
		if (ru->kind != VIGIL_RULE_NEW_TERMS)
			continue;
		e->rstate[r].terms = vigil_terms_new(e->terms_cap);
		if (!e->rstate[r].terms)
			goto err;
	}
	if (vigil_seq_new(e, seq_cap))
		goto err;
	err = vigil_env_names_build(&e->rs, &e->env, &why);
	if (err)
		goto err;
	err = -ENOMEM;
	why = "out of memory";
	if (compile_pats(e) || compile_needs(e) || compile_sets(e) ||
	    compile_mc(e) || compile_req(e))
		goto err;
	compile_work(e);
	if (vigil_gate_build(e) || vigil_pf_build(e) || vigil_index_build(e) ||
	    vigil_dispatch_build(e) || vigil_early_build(e))
		goto err;
	return e;

err:
	vigil_engine_free(e);
	if (reason)
		*reason = why;
	return ERR_PTR(err);
}

/**
 * vigil_engine_free() - free an engine
 * @e: engine, NULL or an error pointer; nothing may be running in it
 */
void vigil_engine_free(struct vigil_engine *e)
{
	u32 r;

	if (IS_ERR_OR_NULL(e))
		return;
	vigil_early_free(e);
	vigil_gate_free(e);
	vigil_dispatch_free(&e->disp);
	vigil_index_free(&e->idx);
	vigil_pf_free(&e->pf);
	vigil_seq_free(e);
	if (e->rstate) {
		for (r = 0; r < e->rs.h->n_rules; r++) {
			vigil_terms_free(e->rstate[r].terms);
			vigil_thr_free(e->rstate[r].thr);
		}
	}
	vg_free(e->rstate);
	vg_free(e->tabs);
	vg_free(e->plans);
	vg_free(e->setplans);
	vg_free(e->sx_bucket);
	vg_free(e->sx_ent);
	vg_free(e->sx_other);
	vg_free(e->step_req);
	vg_free(e->need_of);
	vg_free(e->needs);
	vg_free(e->mcgroups);
	vg_free(e->starts);
	vg_free(e->pat_tab);
	vg_free(e->blob);
	vg_free(e);
}

/**
 * vigil_engine_rule_count() - number of rules
 * @e: engine
 *
 * Return: the count.
 */
u32 vigil_engine_rule_count(const struct vigil_engine *e)
{
	return e->rs.h->n_rules;
}

/**
 * vigil_engine_kind_mask() - the event kinds the rules can use
 * @e: engine
 *
 * Return: the union of every step's kind_mask.
 */
u32 vigil_engine_kind_mask(const struct vigil_engine *e)
{
	u32 i, m = 0;

	for (i = 0; i < e->rs.h->n_steps; i++)
		m |= e->rs.steps[i].kind_mask;
	return m;
}

/**
 * vigil_engine_env_names() - the environment variables the rules name
 * @e: engine
 *
 * Return: the names; capture reads no other variable.
 */
const struct vigil_env_names *
vigil_engine_env_names(const struct vigil_engine *e)
{
	return &e->env;
}

/**
 * vigil_engine_fields_read() - the fields some rule reads
 * @e: engine
 *
 * Return: bit (1ULL << field) for every field an instruction tests, a
 * step joins on or a new_terms rule learns.  Capture may leave out a
 * costly field no rule reads.
 */
u64 vigil_engine_fields_read(const struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u64 m = 0;
	u32 i, k;

	for (i = 0; i < rs->h->n_insns; i++)
		if (rs->insns[i].op == VIGIL_OP_MATCH ||
		    rs->insns[i].op == VIGIL_OP_EXISTS ||
		    rs->insns[i].op == VIGIL_OP_NUMCMP)
			m |= 1ULL << (rs->insns[i].field & 63);
	for (i = 0; i < rs->h->n_steps; i++)
		for (k = 0; k < rs->steps[i].n_by; k++)
			m |= 1ULL << (rs->steps[i].by_fields[k] & 63);
	for (i = 0; i < rs->h->n_rules; i++)
		for (k = 0; k < rs->rules[i].n_terms; k++)
			m |= 1ULL << (rs->rules[i].term_fields[k] & 63);
	for (i = 0; i < rs->h->n_thresholds; i++) {
		for (k = 0; k < rs->thrs[i].n_fields; k++)
			m |= 1ULL << (rs->thrs[i].fields[k] & 63);
		if (rs->thrs[i].card_field)
			m |= 1ULL << (rs->thrs[i].card_field & 63);
	}
	return m;
}

/**
 * vigil_engine_kind_mask_later() - kinds only later sequence steps use
 * @e: engine
 *
 * Return: the kinds of steps 2.. of sequence rules that no first step
 * and no other rule accepts.
 */
u32 vigil_engine_kind_mask_later(const struct vigil_engine *e)
{
	u32 r, k, first = 0, later = 0;

	for (r = 0; r < e->rs.h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &e->rs.rules[r];

		for (k = 0; k < ru->n_steps; k++) {
			u32 m = e->rs.steps[ru->first_step + k].kind_mask;

			if (ru->kind == VIGIL_RULE_SEQUENCE && k > 0)
				later |= m;
			else
				first |= m;
		}
	}
	return later & ~first;
}

/**
 * vigil_engine_seq_pending() - how many sequences wait for a next step
 * @e: engine
 *
 * Return: the count (expired ones that nothing touched yet included).
 */
u64 vigil_engine_seq_pending(const struct vigil_engine *e)
{
	return vigil_seq_pending(e);
}

/**
 * vigil_engine_rule_info() - describe a rule
 * @e: engine
 * @rule: index below vigil_engine_rule_count()
 * @info: filled; strings point into the engine
 */
void vigil_engine_rule_info(const struct vigil_engine *e, u32 rule,
			    struct vigil_rule_info *info)
{
	const struct vigil_rs_rule *ru;

	memset(info, 0, sizeof(*info));
	if (rule >= e->rs.h->n_rules)
		return;
	ru = &e->rs.rules[rule];
	info->id = e->rs.strtab + ru->id_str;
	info->name = e->rs.strtab + ru->name_str;
	info->threat = e->rs.strtab + ru->threat_str;
	info->kind = ru->kind;
	info->severity = ru->severity;
	info->risk_score = ru->risk_score;
	info->building_block = ru->flags & VIGIL_RULE_F_BUILDING_BLOCK;
}

/**
 * vigil_engine_find_rule() - look a rule up by rule_id
 * @e: engine
 * @id: NUL-terminated rule_id
 *
 * Return: the rule index, or -ENOENT.
 */
int vigil_engine_find_rule(const struct vigil_engine *e, const char *id)
{
	u32 r;

	for (r = 0; r < e->rs.h->n_rules; r++)
		if (!strcmp(e->rs.strtab + e->rs.rules[r].id_str, id))
			return (int)r;
	return -ENOENT;
}

/**
 * vigil_engine_set_enabled() - switch a rule on or off
 * @e: engine
 * @rule: rule index
 * @on: new state
 */
void vigil_engine_set_enabled(struct vigil_engine *e, u32 rule, bool on)
{
	if (rule >= e->rs.h->n_rules)
		return;
	WRITE_ONCE(e->rstate[rule].enabled, on);
	vigil_early_forget(e);
}

/**
 * vigil_engine_enabled() - is a rule on
 * @e: engine
 * @rule: rule index
 *
 * Return: the state (false for a bad index).
 */
bool vigil_engine_enabled(const struct vigil_engine *e, u32 rule)
{
	return rule < e->rs.h->n_rules && READ_ONCE(e->rstate[rule].enabled);
}

/**
 * vigil_engine_hits() - alerts raised by a rule
 * @e: engine
 * @rule: rule index
 *
 * Return: the count.
 */
u64 vigil_engine_hits(const struct vigil_engine *e, u32 rule)
{
	if (rule >= e->rs.h->n_rules)
		return 0;
	return vg_atomic64_read(&e->rstate[rule].hits);
}

static u16 rule_kinds(const struct vigil_rs *rs, const struct vigil_rs_rule *ru)
{
	u16 m = 0;
	u32 i;

	for (i = 0; i < ru->n_steps; i++)
		m |= rs->steps[ru->first_step + i].kind_mask;
	return m;
}

/* Adds candidate (@r, @step) to @list (or counts it when @fill is false). */
static void cand_add(struct vigil_cand *list, u32 *n, u32 r, u32 step,
		     bool fill)
{
	if (fill) {
		list[*n].rule = r;
		list[*n].step = step;
	}
	(*n)++;
}

/* The kinds the later steps of @ru take. */
static u32 later_kinds(const struct vigil_rs *rs,
		       const struct vigil_rs_rule *ru)
{
	u32 m = 0, k;

	for (k = 1; k < ru->n_steps; k++)
		m |= rs->steps[ru->first_step + k].kind_mask;
	return m;
}

/*
 * The one later step of @ru that takes @kind, whose filter gates a wait
 * list entry (vigil_pf_pass()); VIGIL_NIL when several do.
 */
static u32 later_step(const struct vigil_rs *rs, const struct vigil_rs_rule *ru,
		      u32 kind)
{
	u32 k, step = VIGIL_NIL;

	for (k = 1; k < ru->n_steps; k++) {
		if (!(rs->steps[ru->first_step + k].kind_mask & (1U << kind)))
			continue;
		if (step != VIGIL_NIL)
			return VIGIL_NIL;
		step = ru->first_step + k;
	}
	if (DISPATCH_MUT(DISPATCH_MUT_WAIT_GATE))
		return ru->first_step;
	return step;
}

/*
 * Fills the kind and wait lists (or counts them when @fill is false).
 * A rule joins the kind list of every kind that neither the index nor
 * its prefilter slot covers.  A sequence rule joins the kind lists of
 * its first step's kinds that its slot (the first step's literals) does
 * not cover, and the wait lists of its later steps' other kinds: those
 * run only while it has a sequence in flight.  An engine without a
 * prefilter (the plain engine of the differential tests) filters
 * nothing: it has no wait lists either.
 */
static void kinds_walk(struct vigil_engine *e, bool fill)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_dispatch *d = &e->disp;
	u32 r, k;

	for (k = 0; k < __VIGIL_EV_LAST; k++) {
		d->kind_n[k] = 0;
		d->wait_n[k] = 0;
	}
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];
		u32 m, wait = 0;

		if (e->idx.n_ent && vigil_index_covers(rs, ru, st))
			continue; /* found by the index */
		m = rule_kinds(rs, ru);
		if (ru->kind == VIGIL_RULE_SEQUENCE && e->pf.rule_slot) {
			m = st->kind_mask;
			if (e->pf.rule_slot[r] != VIGIL_PF_NONE)
				m &= ~e->pf.cand[e->pf.rule_slot[r]].kinds;
			wait = later_kinds(rs, ru) & ~m;
			if (DISPATCH_MUT(DISPATCH_MUT_WAIT_FIRST)) {
				wait |= m;
				m = 0;
			}
		} else if (e->pf.rule_slot &&
			   e->pf.rule_slot[r] != VIGIL_PF_NONE) {
			/* the kinds its prefilter slot takes */
			m &= ~e->pf.cand[e->pf.rule_slot[r]].kinds;
		}
		for (k = 1; k < __VIGIL_EV_LAST; k++) {
			if (wait & (1U << k))
				cand_add(d->wait_list[k], &d->wait_n[k], r,
					 later_step(rs, ru, k), fill);
			if (m & (1U << k))
				cand_add(d->kind_list[k], &d->kind_n[k], r,
					 ru->first_step, fill);
		}
	}
}

/**
 * vigil_dispatch_build() - build the kind lists of an engine's dispatch
 * @e: engine whose prefilter is built (or zeroed: no prefilter)
 *
 * May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_dispatch_build(struct vigil_engine *e)
{
	struct vigil_dispatch *d = &e->disp;
	u32 k;

	kinds_walk(e, false);
	for (k = 1; k < __VIGIL_EV_LAST; k++) {
		d->kind_list[k] = vg_zalloc(sizeof(struct vigil_cand) *
					    (d->kind_n[k] + 1));
		d->wait_list[k] = vg_zalloc(sizeof(struct vigil_cand) *
					    (d->wait_n[k] + 1));
		if (!d->kind_list[k] || !d->wait_list[k])
			return -ENOMEM;
	}
	kinds_walk(e, true);
	return 0;
}

/**
 * vigil_dispatch_free() - free what vigil_dispatch_build() allocated
 * @d: dispatch (may be partly built)
 */
void vigil_dispatch_free(struct vigil_dispatch *d)
{
	u32 k;

	for (k = 0; k < __VIGIL_EV_LAST; k++) {
		vg_free(d->kind_list[k]);
		vg_free(d->wait_list[k]);
	}
}

static u32 run_cand(struct vigil_engine *e, const struct vigil_event *ev,
		    const struct vigil_cand *c, const struct vigil_evctx *x,
		    vigil_alert_fn fn, void *ctx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[c->rule];
	struct vigil_thr_result thr;
	struct vigil_match m;
	u64 h, now;

	if (!READ_ONCE(e->rstate[c->rule].enabled))
		return 0;
	if (ru->kind == VIGIL_RULE_SEQUENCE) {
		const struct vigil_rs_step *st0 = &e->rs.steps[ru->first_step];

		/*
		 * Nothing in flight: only the first step can act (it starts
		 * a sequence), and not when its kind or cheap tests say no.
		 */
		if ((DISPATCH_MUT(DISPATCH_MUT_SEQ_FIRST) ||
		     !vigil_seq_waiting(e, c->rule)) &&
		    (!(st0->kind_mask & (1U << ev->v[VIGIL_F_EVENT_KIND].num)) ||
		     !vigil_step_may(&e->rs, st0, ev)))
			return 0;
		return vigil_seq_process(e, c->rule, ev, x, fn, ctx);
	}
	if (!vigil_pf_pass(e, x, c->step) ||
	    !vigil_step_eval(&e->rs, &e->rs.steps[c->step], ev, x))
		return 0;
	if (ru->kind == VIGIL_RULE_NEW_TERMS) {
		if (!vigil_tuple_hash(ev, ru->term_fields, ru->n_terms, &h))
			return 0;
		now = vigil_event_window_ns(ev);
		if (!vigil_terms_check(e->rstate[c->rule].terms, h, now,
				       (u64)ru->history_window_s *
					       1000000000ULL))
			return 0;
		/* learning (vigilctl load --learn): recorded, no alert */
		if (now < READ_ONCE(e->learn_until))
			return 0;
	}
	if (ru->kind == VIGIL_RULE_THRESHOLD) {
		if (!vigil_thr_check(e->rstate[c->rule].thr, ev,
				     vigil_event_window_ns(ev), &thr))
			return 0;
		thr.spec = vigil_rs_thr_of(&e->rs, c->rule);
	}
	vg_atomic64_inc(&e->rstate[c->rule].hits);
	memset(&m, 0, sizeof(m));
	m.rule = c->rule;
	if (ru->kind == VIGIL_RULE_THRESHOLD)
		m.thr = &thr;
	m.event = ev;
	fn(ctx, &m);
	return 1;
}

/* Will run_filtered() run rule @r on this event of @kind? */
static bool slot_runs(const struct vigil_engine *e, const struct vigil_evctx *x,
		      u32 r, u32 kind)
{
	u32 s = e->pf.rule_slot ? e->pf.rule_slot[r] : VIGIL_PF_NONE;

	if (s == VIGIL_PF_NONE || !(e->pf.cand[s].kinds & (1U << kind)))
		return false;
	return !x->hits || ((x->hits[s / 64] >> (s % 64)) & 1);
}

/*
 * The prefilter's candidates of an event of @kind: those whose bits are
 * set, every one without a bitmap.  In slot order, so that the order
 * does not depend on the bitmap.
 */
static u32 run_filtered(struct vigil_engine *e, const struct vigil_event *ev,
			u32 kind, const struct vigil_evctx *x,
			vigil_alert_fn fn, void *ctx)
{
	const struct vigil_pf *pf = &e->pf;
	u32 w, s, n = 0;
	u64 bits;

	for (w = 0; w < pf->n_words; w++) {
		bits = x->hits ? x->hits[w] : ~0ULL;
		while (bits) {
			s = w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (s >= pf->n_slots)
				break;
			if (pf->cand[s].c.rule == VIGIL_NIL ||
			    !(pf->cand[s].kinds & (1U << kind)))
				continue;
			n += run_cand(e, ev, &pf->cand[s].c, x, fn, ctx);
		}
	}
	return n;
}

/* The index's candidates of an event of @kind, field by field. */
static u32 run_indexed(struct vigil_engine *e, const struct vigil_event *ev,
		       u32 kind, const struct vigil_evctx *x, vigil_alert_fn fn,
		       void *ctx)
{
	const struct vigil_index *idx = &e->idx;
	const struct vigil_ientry *en, *end;
	u64 fields = idx->fields[kind] & ev->present, h = 0;
	u32 n = 0;

	while (fields) {
		u32 f = __builtin_ctzll(fields);

		fields &= fields - 1;
		for (en = vigil_index_lookup(idx, f, &ev->v[f], &h, &end);
		     en < end; en++) {
			if (en->hash != h ||
			    !(e->rs.steps[en->c.step].kind_mask & (1U << kind)))
				continue;
			n += run_cand(e, ev, &en->c, x, fn, ctx);
		}
	}
	return n;
}

/**
 * vigil_engine_process_memo() - run the applicable rules on an event
 * @e: engine
 * @ev: event (kind and timestamp set)
 * @memo: the prefilter's memo of parent fields (struct vigil_pf_memo),
 *	or NULL
 * @fn: alert callback
 * @ctx: its context
 *
 * Runs the event's candidates in the order given at the top of this
 * file, with what is known of the event (struct vigil_evctx): whether
 * its kind strings are canonical, the prefilter's bitmap, and the
 * event's work budget.  Atomic-context safe: no allocation, no sleeping.
 *
 * Return: number of alerts.
 */
u32 vigil_engine_process_memo(struct vigil_engine *e,
			      const struct vigil_event *ev,
			      struct vigil_pf_memo *memo, vigil_alert_fn fn,
			      void *ctx)
{
	const struct vigil_dispatch *d = &e->disp;
	struct vigil_work w = { VIGIL_EVENT_WORK, false };
	struct vigil_evctx x = { 0, NULL, &w };
	u64 kind, hits[VIGIL_PF_WORDS];
	u32 n = 0, i;

	if (!(ev->present & (1ULL << VIGIL_F_EVENT_KIND)))
		return 0;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	if (kind == VIGIL_EV_NONE || kind >= __VIGIL_EV_LAST)
		return 0;
	x.canon = vigil_event_canonical(ev, kind) ? kind : 0;
	if (e->pf.kslots[kind]) {
		vigil_pf_scan(e, ev, kind, hits, memo);
		x.hits = hits;
	}
	for (i = 0; i < d->kind_n[kind]; i++)
		n += run_cand(e, ev, &d->kind_list[kind][i], &x, fn, ctx);
	for (i = 0; i < d->wait_n[kind]; i++) {
		const struct vigil_cand *c = &d->wait_list[kind][i];

		/*
		 * in flight, its later step's literals there (when one step
		 * takes the kind), and not about to run from its slot
		 */
		if (vigil_seq_waiting(e, c->rule) &&
		    (c->step == VIGIL_NIL || vigil_pf_pass(e, &x, c->step)) &&
		    !slot_runs(e, &x, c->rule, kind))
			n += run_cand(e, ev, c, &x, fn, ctx);
	}
	if (e->pf.n_slots)
		n += run_filtered(e, ev, kind, &x, fn, ctx);
	n += run_indexed(e, ev, kind, &x, fn, ctx);
	if (w.stopped)
		vg_atomic64_inc(&e->work_stops);
	return n;
}

/**
 * vigil_engine_process() - vigil_engine_process_memo() without a memo
 * @e: engine
 * @ev: event (kind and timestamp set)
 * @fn: alert callback
 * @ctx: its context
 *
 * Return: number of alerts.
 */
u32 vigil_engine_process(struct vigil_engine *e, const struct vigil_event *ev,
			 vigil_alert_fn fn, void *ctx)
{
	return vigil_engine_process_memo(e, ev, NULL, fn, ctx);
}

/**
 * vigil_engine_forget_entity() - a process is gone
 * @e: engine
 * @entity_id: its process.entity_id
 * @len: length
 */
void vigil_engine_forget_entity(struct vigil_engine *e, const char *entity_id,
				u32 len)
{
	vigil_seq_forget(e, entity_id, len);
}

/**
 * vigil_engine_stats() - engine counters
 * @e: engine
 * @st: filled
 */
void vigil_engine_stats(const struct vigil_engine *e,
			struct vigil_engine_stats *st)
{
	u64 l, ev;
	u32 r;

	memset(st, 0, sizeof(*st));
	vigil_seq_stats(e, st);
	st->work_stops = vg_atomic64_read(&e->work_stops);
	for (r = 0; r < e->rs.h->n_rules; r++) {
		if (!e->rstate[r].terms)
			continue;
		vigil_terms_count(e->rstate[r].terms, &l, &ev);
		st->terms_learned += l;
		st->terms_evictions += ev;
	}
	for (r = 0; r < e->rs.h->n_rules; r++) {
		if (!e->rstate[r].thr)
			continue;
		vigil_thr_count(e->rstate[r].thr, &l, &ev);
		st->thr_groups += l;
		st->thr_evictions += ev;
	}
}

/* vigil_engine_terms_walk(): the window clock to the wall clock. */
struct walk_ctx {
	int (*fn)(void *ctx, u64 hash, u64 last_seen_ns);
	void *ctx;
	u64 to_real; /* added (mod 2^64) to a window time */
};

static int walk_one(void *ctx, u64 hash, u64 last)
{
	struct walk_ctx *w = ctx;

	return w->fn(w->ctx, hash, last + w->to_real);
}

/**
 * vigil_engine_terms_walk() - iterate the learned terms of a rule
 * @e: engine
 * @rule: rule index
 * @fn: callback under the store's lock; non-zero stops
 * @ctx: its context
 *
 * Return: 0, what @fn returned, -ENOENT (no such rule) or -EINVAL (not
 * a new_terms rule).
 */
int vigil_engine_terms_walk(struct vigil_engine *e, u32 rule,
			    int (*fn)(void *ctx, u64 hash, u64 last_seen_ns),
			    void *ctx)
{
	struct walk_ctx w = { fn, ctx, vg_window_to_real(0) };

	if (rule >= e->rs.h->n_rules)
		return -ENOENT;
	if (!e->rstate[rule].terms)
		return -EINVAL;
	return vigil_terms_each(e->rstate[rule].terms, walk_one, &w);
}

/**
 * vigil_engine_terms_add() - add or refresh a learned term
 * @e: engine
 * @rule: rule index
 * @hash: term tuple hash
 * @last_seen_ns: last sighting
 *
 * Return: 0, -ENOENT (no such rule) or -EINVAL (not a new_terms rule).
 */
int vigil_engine_terms_add(struct vigil_engine *e, u32 rule, u64 hash,
			   u64 last_seen_ns)
{
	if (rule >= e->rs.h->n_rules)
		return -ENOENT;
	if (!e->rstate[rule].terms)
		return -EINVAL;
	vigil_terms_put(e->rstate[rule].terms, hash,
			last_seen_ns - vg_window_to_real(0));
	return 0;
}

static bool kv_older(const void *ctx, u32 a, u32 b)
{
	const struct vigil_term_kv *kv = ctx;

	return kv[a].last < kv[b].last;
}

/*
 * Copies the terms of store @from into the unpublished store @to: chunks
 * of VIGIL_TERMS_CHUNK under @from's lock, then, holding no lock,
 * inserted oldest first so @to's LRU order follows the sightings.
 */
static void inherit_terms(struct vigil_terms *to, struct vigil_terms *from,
			  struct vigil_term_kv *kv, u32 *ord, u32 room)
{
	u32 pos = 0, n = 0, k, i;

	while (n < room) {
		k = vigil_terms_copy(from, &pos, kv + n,
				     min_t(u32, VIGIL_TERMS_CHUNK, room - n));
		if (!k)
			break;
		n += k;
		vg_cond_resched();
	}
	for (i = 0; i < n; i++)
		ord[i] = i;
	vigil_sort(ord, n, kv_older, kv);
	for (i = 0; i < n; i++)
		vigil_terms_put_private(to, kv[ord[i]].hash, kv[ord[i]].last);
}

/**
 * vigil_engine_set_learn() - new_terms rules learn without alerting
 * @e: engine, not yet running
 * @until_ns: window time (vigil_event_window_ns()) learning ends at
 *
 * Until then a new term is recorded as usual but raises no alert, the
 * way Elastic looks back over a rule's history window when it starts.
 */
void vigil_engine_set_learn(struct vigil_engine *e, u64 until_ns)
{
	WRITE_ONCE(e->learn_until, until_ns);
}

/**
 * vigil_engine_inherit() - carry learned terms and hit counts over
 * @e: the new engine, not yet published
 * @old: the running engine (probes may use it meanwhile)
 *
 * Rules are matched by rule_id; terms move only between new_terms rules.
 * Only one store lock is held at a time, and only for a chunk
 * (vigil_terms_copy()): @e's stores are private until it is published.
 * May sleep.
 *
 * Return: 0 or -ENOMEM (then @e has the hit counts, and the terms of the
 * rules done so far).
 *
 * A learning deadline (vigil_engine_set_learn()) is kept unless @e has
 * its own.
 */
int vigil_engine_inherit(struct vigil_engine *e, struct vigil_engine *old)
{
	struct vigil_term_kv *kv = NULL;
	u32 r, *ord = NULL, room = 0;
	int o, ret = 0;

	if (!old)
		return 0;
	for (r = 0; r < old->rs.h->n_rules; r++)
		if (old->rstate[r].terms)
			room = max(room, vigil_terms_cap(old->rstate[r].terms));
	if (room) {
		kv = vg_zalloc(sizeof(*kv) * room);
		ord = vg_zalloc(sizeof(*ord) * room);
		if (!kv || !ord)
			ret = -ENOMEM;
	}
	if (!e->learn_until)
		e->learn_until = READ_ONCE(old->learn_until);
	for (r = 0; r < e->rs.h->n_rules; r++) {
		vg_cond_resched();
		o = vigil_engine_find_rule(old, e->rs.strtab +
							e->rs.rules[r].id_str);
		if (o < 0)
			continue;
		e->rstate[r].prev = (u32)o + 1;
		e->rstate[r].prev_hits = vg_atomic64_read(&old->rstate[o].hits);
		vg_atomic64_set(&e->rstate[r].hits, e->rstate[r].prev_hits);
		if (!ret && e->rstate[r].terms && old->rstate[o].terms)
			inherit_terms(e->rstate[r].terms, old->rstate[o].terms,
				      kv, ord, room);
	}
	vg_free(kv);
	vg_free(ord);
	return ret;
}

/**
 * vigil_engine_inherit_hits() - the hits @old counted after the copy
 * @e: the new engine, published
 * @old: the engine vigil_engine_inherit() copied from, no longer in use
 *	(after an RCU grace period: no event can still count a hit in it)
 *
 * Events that started before @e was published run against @old and
 * count their hits there, after vigil_engine_inherit() copied them:
 * those are added to @e here, so that a rule's hits stay the number of
 * its matches across any number of loads.
 */
void vigil_engine_inherit_hits(struct vigil_engine *e,
			       const struct vigil_engine *old)
{
	u32 r, o;

	for (r = 0; r < e->rs.h->n_rules; r++) {
		o = e->rstate[r].prev;
		if (!o-- || o >= old->rs.h->n_rules)
			continue;
		vg_atomic64_add(&e->rstate[r].hits,
				vg_atomic64_read(&old->rstate[o].hits) -
					e->rstate[r].prev_hits);
	}
}
