// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ruleset validator: every byte of a blob from userspace is checked
 * before the engine uses it, and a work bound is enforced.  A rejected
 * blob gets a static reason; vigil_ruleset_validate_r() also names the
 * rule, step, instruction, set or pattern concerned.
 */
#include "internal.h"

struct where {
	u32 rule, step, insn, set, pat;
};

#define NONE VIGIL_NIL

struct sect {
	u32 off;
	u64 size;
};

/**
 * vigil_rs_map() - point a struct vigil_rs into a validated blob
 * @rs: output
 * @blob: the blob
 */
void vigil_rs_map(struct vigil_rs *rs, const void *blob)
{
	const u8 *b = blob;
	const struct vigil_rs_header *h = blob;

	rs->h = h;
	rs->rules = (const void *)(b + h->rules_off);
	rs->steps = (const void *)(b + h->steps_off);
	rs->insns = (const void *)(b + h->insns_off);
	rs->sets = (const void *)(b + h->sets_off);
	rs->pats = (const void *)(b + h->pats_off);
	rs->strtab = (const char *)(b + h->strtab_off);
	rs->dfas = b + h->dfa_off;
	rs->thrs = (const void *)(b + h->thresholds_off);
	rs->pat_tab = NULL;
	rs->tabs = NULL;
	rs->plans = NULL;
	rs->setplans = NULL;
}

/* Moves idx[@root] down the max-heap idx[0, @n) to its place. */
static void sift_down(u32 *idx, u32 root, u32 n,
		      bool (*less)(const void *ctx, u32 a, u32 b),
		      const void *ctx)
{
	u32 child, t;

	for (; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && less(ctx, idx[child], idx[child + 1]))
			child++;
		if (!less(ctx, idx[root], idx[child]))
			return;
		t = idx[root];
		idx[root] = idx[child];
		idx[child] = t;
	}
}

/**
 * vigil_sort() - sort indices
 * @idx: the indices
 * @n: how many
 * @less: order: is a before b
 * @ctx: passed to @less
 *
 * Heapsort: O(n log n) comparisons, no recursion, no allocation.
 */
void vigil_sort(u32 *idx, u32 n, bool (*less)(const void *ctx, u32 a, u32 b),
		const void *ctx)
{
	u32 i, t, end;

	for (i = n / 2; i-- > 0;)
		sift_down(idx, i, n, less, ctx);
	for (end = n; end > 1;) {
		end--;
		t = idx[0];
		idx[0] = idx[end];
		idx[end] = t;
		sift_down(idx, 0, end, less, ctx);
	}
}

static bool field_ok(u32 f)
{
	return f > VIGIL_F_UNSPEC && f <= VIGIL_F_MAX;
}

/*
 * A NUL-terminated string of at most @max bytes at @off inside the
 * strtab; the scan stops there, so a rule costs O(@max), never the whole
 * strtab.
 */
static bool str_ok(const struct vigil_rs *rs, u32 off, u32 max, u32 *len)
{
	const char *p;
	u32 size = rs->h->strtab_size, i;

	if (off >= size)
		return false;
	p = rs->strtab + off;
	for (i = 0; i < size - off && i <= max; i++) {
		if (!p[i]) {
			if (len)
				*len = i;
			return true;
		}
	}
	return false;
}

static bool id_ok(const char *s, u32 len)
{
	u32 i;

	if (len < 1 || len > VIGIL_RULE_ID_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/**
 * vigil_rule_id_ok() - is a string a rule_id
 * @s: the bytes
 * @len: their count
 *
 * The validator's rule, also used by the compiler and vigilctl.
 *
 * Return: true for 1..VIGIL_RULE_ID_MAX bytes of [A-Za-z0-9_.-].
 */
bool vigil_rule_id_ok(const char *s, u32 len)
{
	return id_ok(s, len);
}

static const char *check_header(const u8 *b, u32 len)
{
	const struct vigil_rs_header *h = (const void *)b;
	struct sect s[8], t;
	u32 i, j, end;

	if (len < sizeof(*h))
		return "ruleset shorter than its header";
	if (h->magic != VIGIL_RS_MAGIC)
		return "bad magic";
	if (h->version != VIGIL_RS_VERSION)
		return "unsupported ruleset version";
	if (h->header_size != sizeof(*h))
		return "bad header_size";
	if (h->total_size != len)
		return "total_size does not match the blob length";
	if (len > VIGIL_RS_MAX_SIZE)
		return "ruleset too large";
	for (i = 0; i < ARRAY_SIZE(h->reserved); i++)
		if (h->reserved[i])
			return "reserved header field not zero";
	if (h->n_rules > VIGIL_RS_MAX_RULES)
		return "too many rules";
	if (h->n_steps > VIGIL_RS_MAX_RULES * VIGIL_RS_MAX_STEPS)
		return "too many steps";
	if (h->n_thresholds > h->n_rules)
		return "more threshold records than rules";
	s[0] = (struct sect){ h->rules_off,
			      (u64)h->n_rules * sizeof(struct vigil_rs_rule) };
	s[1] = (struct sect){ h->steps_off,
			      (u64)h->n_steps * sizeof(struct vigil_rs_step) };
	s[2] = (struct sect){ h->insns_off,
			      (u64)h->n_insns * sizeof(struct vigil_rs_insn) };
	s[3] = (struct sect){ h->sets_off,
			      (u64)h->n_sets * sizeof(struct vigil_rs_set) };
	s[4] = (struct sect){ h->pats_off,
			      (u64)h->n_pats * sizeof(struct vigil_rs_pat) };
	s[5] = (struct sect){ h->strtab_off, h->strtab_size };
	s[6] = (struct sect){ h->dfa_off, h->dfa_size };
	s[7] = (struct sect){ h->thresholds_off,
			      (u64)h->n_thresholds *
				      sizeof(struct vigil_rs_threshold) };
	/* a blob of before threshold rules has 0 and 0: at the header's end */
	if (!h->n_thresholds && !h->thresholds_off)
		s[7].off = sizeof(*h);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		if (s[i].off % 4)
			return "section offset not 4-byte aligned";
		if (s[i].off < sizeof(*h) || s[i].off > len ||
		    s[i].size > len - s[i].off)
			return "section outside the blob";
	}
	/* sort by offset; check no overlap and zero padding in the gaps */
	for (i = 1; i < ARRAY_SIZE(s); i++) {
		t = s[i];
		for (j = i; j > 0 && s[j - 1].off > t.off; j--)
			s[j] = s[j - 1];
		s[j] = t;
	}
	end = sizeof(*h);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		if (!s[i].size)
			continue;
		if (s[i].off < end)
			return "sections overlap";
		for (j = end; j < s[i].off; j++)
			if (b[j])
				return "padding between sections not zero";
		end = s[i].off + (u32)s[i].size;
	}
	for (j = end; j < len; j++)
		if (b[j])
			return "trailing bytes after the last section";
	return NULL;
}

static const char *check_dfa(const struct vigil_rs *rs, u32 off, u32 len)
{
	const u8 *d;
	u16 ns, nc, nx;
	u32 i, n;

	if (off > rs->h->dfa_size || len > rs->h->dfa_size - off)
		return "regex outside the dfa section";
	if (len < sizeof(struct vigil_rs_dfa))
		return "regex record truncated";
	d = rs->dfas + off;
	memcpy(&ns, d + offsetof(struct vigil_rs_dfa, n_states), 2);
	memcpy(&nc, d + offsetof(struct vigil_rs_dfa, n_classes), 2);
	if (ns < 1 || ns > VIGIL_DFA_MAX_STATES)
		return "regex: bad n_states";
	if (nc < 1 || nc > 256)
		return "regex: bad n_classes";
	if (len != sizeof(struct vigil_rs_dfa) + ns + 2U * ns * nc)
		return "regex: record size does not match its states";
	for (i = 0; i < 256; i++)
		if (d[offsetof(struct vigil_rs_dfa, classmap) + i] >= nc)
			return "regex: class out of range";
	d += sizeof(struct vigil_rs_dfa);
	for (i = 0; i < ns; i++)
		if (d[i] > 1)
			return "regex: accept flag not 0 or 1";
	d += ns;
	n = (u32)ns * nc;
	for (i = 0; i < n; i++) {
		memcpy(&nx, d + 2 * i, 2);
		if (nx != VIGIL_DFA_DEAD && nx >= ns)
			return "regex: transition out of range";
	}
	return NULL;
}

/*
 * CIDR patterns match IP fields, and nothing else does: an address is
 * 16 raw bytes, which a string pattern would compare without meaning.
 * Sets are checked before instructions, so @set's patterns are in range.
 */
static bool set_fits_type(const struct vigil_rs *rs,
			  const struct vigil_rs_set *set, u32 type)
{
	u32 i;

	for (i = 0; i < set->n_pats; i++)
		if ((rs->pats[set->first_pat + i].kind == VIGIL_PAT_CIDR) !=
		    (type == VIGIL_FT_IP))
			return false;
	return true;
}

/* Does every pattern of @set name an environment variable? */
static bool set_names_env(const struct vigil_rs *rs,
			  const struct vigil_rs_set *set)
{
	const struct vigil_rs_pat *p;
	u32 i, off, len;

	for (i = 0; i < set->n_pats; i++) {
		p = &rs->pats[set->first_pat + i];
		if (p->kind == VIGIL_PAT_REGEX ||
		    !vigil_env_pat_name(p, rs->strtab + p->str, &off, &len))
			return false;
	}
	return true;
}

static const char *check_pats(const struct vigil_rs *rs, struct where *w)
{
	const struct vigil_rs_pat *p;
	const char *r;
	u64 total = 0;
	u32 i, j;

	for (i = 0; i < rs->h->n_pats; i++) {
		w->pat = i;
		p = &rs->pats[i];
		vg_cond_resched();
		total += 1 + (p->kind == VIGIL_PAT_REGEX ? 16 : p->len);
		if (total > VIGIL_MAX_SETS_COST)
			return "patterns exceed the load bound";
		if (p->kind >= __VIGIL_PAT_LAST)
			return "pattern: bad kind";
		if (p->flags & ~VIGIL_PAT_F_NOCASE)
			return "pattern: unknown flags";
		if (p->kind == VIGIL_PAT_REGEX) {
			r = check_dfa(rs, p->str, p->len);
			if (r)
				return r;
			continue;
		}
		if (p->len > VIGIL_RS_MAX_STR)
			return "pattern too long";
		if (p->str > rs->h->strtab_size ||
		    p->len > rs->h->strtab_size - p->str)
			return "pattern outside the string table";
		if (p->kind == VIGIL_PAT_CIDR) {
			if (p->len != VIGIL_CIDR_LEN || p->flags)
				return "pattern: CIDR not 17 bytes without flags";
			if ((u8)rs->strtab[p->str + VIGIL_IP_LEN] >
			    8 * VIGIL_IP_LEN)
				return "pattern: CIDR prefix longer than 128 bits";
			continue;
		}
		if (!(p->flags & VIGIL_PAT_F_NOCASE))
			continue;
		for (j = 0; j < p->len; j++) {
			char c = rs->strtab[p->str + j];

			if (c >= 'A' && c <= 'Z')
				return "pattern: NOCASE literal not folded";
		}
	}
	w->pat = NONE;
	return NULL;
}

/*
 * Validates sets and computes each set's cost into @cost.  Equal patterns
 * in a set are allowed (a rule may list a name twice); they are charged
 * like any other, and the index keeps each hash of a rule once.
 */
static const char *check_sets(const struct vigil_rs *rs, u32 *cost,
			      struct where *w)
{
	const struct vigil_rs_set *s;
	u64 c, total = 0;
	u32 i, j;

	for (i = 0; i < rs->h->n_sets; i++) {
		w->set = i;
		s = &rs->sets[i];
		vg_cond_resched();
		if (s->n_pats < 1 || s->n_pats > VIGIL_RS_MAX_SET)
			return "set: bad pattern count";
		if ((u64)s->first_pat + s->n_pats > rs->h->n_pats)
			return "set: patterns out of range";
		c = 0;
		for (j = 0; j < s->n_pats; j++) {
			const struct vigil_rs_pat *p =
				&rs->pats[s->first_pat + j];

			c += 1 + (p->kind == VIGIL_PAT_REGEX ? 16 : p->len);
		}
		total += c;
		if (total > VIGIL_MAX_SETS_COST)
			return "sets exceed the load bound";
		cost[i] = (u32)(c < VIGIL_MAX_COST ? c : VIGIL_MAX_COST);
	}
	w->set = NONE;
	return NULL;
}

static const char *check_insn(const struct vigil_rs *rs,
			      const struct vigil_rs_insn *in, u32 i, u32 n)
{
	u32 t;

	if (in->op >= __VIGIL_OP_LAST)
		return "insn: bad opcode";
	if (in->flags)
		return "insn: flags not zero";
	switch (in->op) {
	case VIGIL_OP_MATCH:
	case VIGIL_OP_EXISTS:
	case VIGIL_OP_NUMCMP:
		if (!field_ok(in->field))
			return "insn: bad field";
		t = vigil_field_type(in->field);
		if (in->op == VIGIL_OP_MATCH) {
			if (t == VIGIL_FT_NUM)
				return "insn: MATCH on a NUM field";
			if (in->arg >= rs->h->n_sets)
				return "insn: MATCH set out of range";
			if (!set_fits_type(rs, &rs->sets[in->arg], t))
				return "insn: MATCH of an IP field with a non-CIDR pattern, or of another field with a CIDR";
			if (in->field == VIGIL_F_PROCESS_ENV_VARS &&
			    !set_names_env(rs, &rs->sets[in->arg]))
				return "insn: a process.env_vars pattern names no variable (NAME=...)";
		} else if (in->op == VIGIL_OP_NUMCMP) {
			if (t != VIGIL_FT_NUM)
				return "insn: NUMCMP on a non-NUM field";
			if (in->cmp >= __VIGIL_CMP_LAST)
				return "insn: bad comparison";
			return NULL;
		} else if (in->arg) {
			return "insn: EXISTS arg not zero";
		}
		break;
	case VIGIL_OP_CONST:
		if (in->arg > 1)
			return "insn: CONST arg not 0 or 1";
		fallthrough;
	case VIGIL_OP_NOT:
	case VIGIL_OP_RET:
		if (in->field)
			return "insn: field not zero";
		if (in->op != VIGIL_OP_CONST && in->arg)
			return "insn: arg not zero";
		break;
	case VIGIL_OP_JF:
	case VIGIL_OP_JT:
		if (in->field)
			return "insn: field not zero";
		if (in->arg < 1)
			return "insn: jump by zero";
		if ((u64)i + 1 + in->arg > n)
			return "insn: jump past end";
		break;
	}
	if (in->cmp)
		return "insn: cmp not zero";
	return NULL;
}

static const char *check_step(const struct vigil_rs *rs,
			      const struct vigil_rs_step *st,
			      const u32 *set_cost, u64 *cost, u32 *n_index,
			      struct where *w)
{
	const char *r;
	u32 i;

	if (st->n_insns < 1 || st->n_insns > VIGIL_RS_MAX_INSNS)
		return "step: bad instruction count";
	if ((u64)st->first_insn + st->n_insns > rs->h->n_insns)
		return "step: instructions out of range";
	if (!st->kind_mask || (st->kind_mask & ~VIGIL_EV_MASK_ALL))
		return "step: bad kind_mask";
	if (st->runs < 1 || st->runs > VIGIL_RS_MAX_RUNS)
		return "step: bad runs";
	if (st->n_by > VIGIL_RS_MAX_BY)
		return "step: too many by fields";
	for (i = 0; i < VIGIL_RS_MAX_BY; i++) {
		if (i < st->n_by && !field_ok(st->by_fields[i]))
			return "step: bad by field";
		if (i >= st->n_by && st->by_fields[i])
			return "step: unused by field not zero";
	}
	if (st->reserved)
		return "step: reserved not zero";
	if (st->index_field) {
		const struct vigil_rs_set *s;

		if (!field_ok(st->index_field) ||
		    vigil_field_type(st->index_field) != VIGIL_FT_STR)
			return "step: index_field not a STR field";
		if (st->index_set >= rs->h->n_sets)
			return "step: index_set out of range";
		s = &rs->sets[st->index_set];
		/* the index holds every pattern of the set, for this step */
		*cost += set_cost[st->index_set];
		*n_index += s->n_pats;
		if (*n_index > VIGIL_RS_MAX_INDEX)
			return "step: index sets hold too many patterns";
		for (i = 0; i < s->n_pats; i++) {
			const struct vigil_rs_pat *p =
				&rs->pats[s->first_pat + i];

			if (p->kind != VIGIL_PAT_EXACT &&
			    p->kind != VIGIL_PAT_PREFIX &&
			    p->kind != VIGIL_PAT_SUFFIX)
				return "step: index_set has a non-EXACT/PREFIX/SUFFIX pattern";
			if (p->kind != VIGIL_PAT_EXACT && !p->len)
				return "step: index_set has an empty PREFIX/SUFFIX";
		}
	} else if (st->index_set != VIGIL_RS_NO_SET) {
		return "step: index_set without index_field";
	}
	for (i = 0; i < st->n_insns; i++) {
		const struct vigil_rs_insn *in = &rs->insns[st->first_insn + i];

		w->insn = i;
		r = check_insn(rs, in, i, st->n_insns);
		if (r)
			return r;
		*cost += 1;
		if (in->op == VIGIL_OP_MATCH)
			*cost += set_cost[in->arg];
	}
	w->insn = NONE;
	if (*cost > VIGIL_MAX_COST)
		return "ruleset exceeds the work bound";
	return NULL;
}

static const char *check_rule(const struct vigil_rs *rs, u32 r, u8 *owned)
{
	const struct vigil_rs_rule *ru = &rs->rules[r];
	u32 i, len;

	if (!str_ok(rs, ru->id_str, 64, &len))
		return "rule: id not [A-Za-z0-9_.-]{1,64}";
	if (!id_ok(rs->strtab + ru->id_str, len))
		return "rule: id not [A-Za-z0-9_.-]{1,64}";
	if (!str_ok(rs, ru->name_str, VIGIL_RS_MAX_STR, &len))
		return "rule: name not a string";
	if (len > VIGIL_RS_MAX_NAME)
		return "rule: name longer than VIGIL_RS_MAX_NAME";
	if (!str_ok(rs, ru->threat_str, VIGIL_RS_MAX_STR, &len))
		return "rule: threat not a string";
	if (len > VIGIL_RS_MAX_THREAT)
		return "rule: threat longer than VIGIL_RS_MAX_THREAT";
	if (ru->kind >= __VIGIL_RULE_KIND_LAST)
		return "rule: bad kind";
	if (ru->severity >= __VIGIL_SEV_LAST)
		return "rule: bad severity";
	if (ru->risk_score > VIGIL_RS_MAX_RISK_SCORE)
		return "rule: risk_score above 100";
	if (ru->flags & ~(VIGIL_RULE_F_DISABLED | VIGIL_RULE_F_BUILDING_BLOCK))
		return "rule: unknown flags";
	if ((u32)ru->first_step + ru->n_steps > rs->h->n_steps)
		return "rule: steps out of range";
	for (i = 0; i < ru->n_steps; i++) {
		if (owned[ru->first_step + i])
			return "rule: step shared with another rule";
		owned[ru->first_step + i] = 1;
	}
	if (ru->kind == VIGIL_RULE_SEQUENCE) {
		if (ru->n_steps < 2 || ru->n_steps > VIGIL_RS_MAX_STEPS)
			return "rule: sequence needs 2..8 steps";
		if (ru->maxspan_ms < 1 ||
		    ru->maxspan_ms > VIGIL_RS_MAX_MAXSPAN_MS)
			return "rule: maxspan out of range";
		for (i = 1; i < ru->n_steps; i++)
			if (rs->steps[ru->first_step + i].n_by !=
			    rs->steps[ru->first_step].n_by)
				return "rule: steps differ in by field count";
	} else {
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		if (ru->n_steps != 1)
			return "rule: needs exactly one step";
		if (ru->maxspan_ms)
			return "rule: maxspan on a non-sequence rule";
		if (st->n_by || st->runs != 1)
			return "rule: by/runs on a non-sequence rule";
	}
	if (ru->kind == VIGIL_RULE_NEW_TERMS) {
		if (ru->n_terms < 1 || ru->n_terms > VIGIL_RS_MAX_TERMS)
			return "rule: new_terms needs 1..3 terms";
		if (!ru->history_window_s)
			return "rule: history window is zero";
	} else {
		if (ru->kind == VIGIL_RULE_THRESHOLD && !vigil_rs_thr_of(rs, r))
			return "rule: threshold rule without its threshold record";
		if (ru->n_terms)
			return "rule: terms on a non-new_terms rule";
		if (ru->history_window_s)
			return "rule: history window on a non-new_terms rule";
	}
	for (i = 0; i < VIGIL_RS_MAX_TERMS; i++) {
		if (i < ru->n_terms && !field_ok(ru->term_fields[i]))
			return "rule: bad term field";
		if (i >= ru->n_terms && ru->term_fields[i])
			return "rule: unused term field not zero";
	}
	return NULL;
}

/**
 * vigil_rs_thr_of() - the threshold record of a THRESHOLD rule
 * @rs: validated ruleset (records in rule order, one per such rule)
 * @rule: the rule
 *
 * Return: its record; NULL if it has none (not a THRESHOLD rule).
 */
const struct vigil_rs_threshold *vigil_rs_thr_of(const struct vigil_rs *rs,
						 u32 rule)
{
	u32 lo = 0, hi = rs->h->n_thresholds, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rs->thrs[mid].rule == rule)
			return &rs->thrs[mid];
		if (rs->thrs[mid].rule < rule)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Threshold record @i: its rule (in increasing rule order, so each rule
 * has at most one), the bounds of what the engine keeps per group, and
 * fields the engine can hash.  Checked before the rules, so that
 * check_rule() finds a THRESHOLD rule's record by binary search
 * (vigil_rs_thr_of()) and refuses a rule without one.
 */
static const char *check_thr(const struct vigil_rs *rs, u32 i, struct where *w)
{
	const struct vigil_rs_threshold *t = &rs->thrs[i];
	u32 k, j;

	if (t->rule >= rs->h->n_rules)
		return "threshold: rule out of range";
	w->rule = t->rule;
	if (i && t->rule <= rs->thrs[i - 1].rule)
		return "threshold: records not in increasing rule order";
	if (rs->rules[t->rule].kind != VIGIL_RULE_THRESHOLD)
		return "threshold: record of a rule that is not a threshold rule";
	if (t->value < 1 || t->value > VIGIL_RS_MAX_THR_VALUE)
		return "threshold: value not 1..VIGIL_RS_MAX_THR_VALUE";
	if (t->window_ms < 1 || t->window_ms > VIGIL_RS_MAX_THR_WINDOW_MS)
		return "threshold: window not 1..VIGIL_RS_MAX_THR_WINDOW_MS";
	if (t->n_fields > VIGIL_RS_MAX_THR_FIELDS)
		return "threshold: too many fields";
	for (k = 0; k < VIGIL_RS_MAX_THR_FIELDS; k++) {
		if (k >= t->n_fields) {
			if (t->fields[k])
				return "threshold: unused field not zero";
			continue;
		}
		if (!field_ok(t->fields[k]))
			return "threshold: bad field";
		if (vigil_is_array(t->fields[k]))
			return "threshold: group field is an ARRAY";
		for (j = 0; j < k; j++)
			if (t->fields[j] == t->fields[k])
				return "threshold: field given twice";
	}
	if (t->card_value > VIGIL_RS_MAX_THR_CARD)
		return "threshold: cardinality above VIGIL_RS_MAX_THR_CARD";
	if (!t->card_value != !t->card_field)
		return "threshold: cardinality value without field or field without value";
	if (t->card_field && !field_ok(t->card_field))
		return "threshold: bad cardinality field";
	if (t->reserved[0] || t->reserved[1])
		return "threshold: reserved not zero";
	return NULL;
}

static bool id_less(const void *ctx, u32 a, u32 b)
{
	const struct vigil_rs *rs = ctx;

	return strcmp(rs->strtab + rs->rules[a].id_str,
		      rs->strtab + rs->rules[b].id_str) < 0;
}

/* Duplicate ids, by sorting: O(n log n) compares of at most 65 bytes. */
static const char *check_ids(const struct vigil_rs *rs, u32 *idx,
			     struct where *w)
{
	u32 i, n = rs->h->n_rules;

	for (i = 0; i < n; i++)
		idx[i] = i;
	vigil_sort(idx, n, id_less, rs);
	for (i = 1; i < n; i++) {
		if (!strcmp(rs->strtab + rs->rules[idx[i]].id_str,
			    rs->strtab + rs->rules[idx[i - 1]].id_str)) {
			w->rule = idx[i] > idx[i - 1] ? idx[i] : idx[i - 1];
			return "rule: duplicate id";
		}
	}
	return NULL;
}

static const char *check(const void *blob, u32 len, struct where *w)
{
	struct vigil_rs rs;
	const char *r;
	u32 *set_cost = NULL, *ids = NULL, n_index = 0;
	u8 *owned = NULL;
	u64 cost = 0;
	u32 i;

	r = check_header(blob, len);
	if (r)
		return r;
	vigil_rs_map(&rs, blob);
	set_cost = vg_zalloc((size_t)rs.h->n_sets * sizeof(u32) + 1);
	owned = vg_zalloc((size_t)rs.h->n_steps + 1);
	ids = vg_zalloc((size_t)rs.h->n_rules * sizeof(u32) + 1);
	if (!set_cost || !owned || !ids) {
		r = "out of memory";
		goto out;
	}
	r = check_pats(&rs, w);
	if (r)
		goto out;
	r = check_sets(&rs, set_cost, w);
	if (r)
		goto out;
	for (i = 0; i < rs.h->n_steps; i++) {
		w->step = i;
		vg_cond_resched();
		r = check_step(&rs, &rs.steps[i], set_cost, &cost, &n_index, w);
		if (r)
			goto out;
	}
	w->step = NONE;
	/* before the rules: a rule's record is found by binary search */
	for (i = 0; i < rs.h->n_thresholds; i++) {
		r = check_thr(&rs, i, w);
		if (r)
			goto out;
	}
	w->rule = NONE;
	for (i = 0; i < rs.h->n_rules; i++) {
		w->rule = i;
		vg_cond_resched();
		r = check_rule(&rs, i, owned);
		if (r)
			goto out;
	}
	w->rule = NONE;
	w->rule = NONE;
	for (i = 0; i < rs.h->n_steps; i++) {
		if (!owned[i]) {
			w->step = i;
			r = "step: not owned by any rule";
			goto out;
		}
	}
	w->step = NONE;
	r = check_ids(&rs, ids, w);
out:
	vg_free(ids);
	vg_free(owned);
	vg_free(set_cost);
	return r;
}

/**
 * vigil_ruleset_validate() - validate a ruleset blob completely
 * @blob: the blob
 * @len: its length
 * @reason: set to a static string naming the problem on failure
 *
 * May sleep (allocates scratch memory).
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int vigil_ruleset_validate(const void *blob, u32 len, const char **reason)
{
	struct where w = { NONE, NONE, NONE, NONE, NONE };
	const char *r = check(blob, len, &w);

	if (reason)
		*reason = r;
	if (!r)
		return 0;
	return strcmp(r, "out of memory") ? -EINVAL : -ENOMEM;
}

static u32 put(char *buf, u32 buflen, u32 off, const char *what, u32 idx)
{
	int n;

	if (idx == NONE || off >= buflen)
		return off;
	n = vg_snprintf(buf + off, buflen - off, "%s %u ", what, idx);
	return n < 0 ? off : off + (u32)n;
}

/**
 * vigil_ruleset_validate_r() - validate, with the location in the reason
 * @blob: the blob
 * @len: its length
 * @buf: receives e.g. "rule 3 step 7 insn 12: insn: jump past end"
 * @buflen: size of @buf (> 0)
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int vigil_ruleset_validate_r(const void *blob, u32 len, char *buf, u32 buflen)
{
	struct where w = { NONE, NONE, NONE, NONE, NONE };
	const char *r = check(blob, len, &w);
	u32 off = 0;

	if (!buflen)
		return r ? -EINVAL : 0;
	buf[0] = 0;
	if (!r)
		return 0;
	off = put(buf, buflen, off, "rule", w.rule);
	off = put(buf, buflen, off, "step", w.step);
	off = put(buf, buflen, off, "insn", w.insn);
	off = put(buf, buflen, off, "set", w.set);
	off = put(buf, buflen, off, "pattern", w.pat);
	if (off && off < buflen)
		buf[off - 1] = ':';
	if (off < buflen)
		vg_snprintf(buf + off, buflen - off, off ? " %s" : "%s", r);
	return strcmp(r, "out of memory") ? -EINVAL : -ENOMEM;
}
