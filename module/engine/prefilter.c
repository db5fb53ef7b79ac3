// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Literal prefilter, its build: which literals each step needs, and the
 * gram table an event is scanned with (prefilter_scan.c).
 *
 * The index (index.c) narrows steps that test a name or a path affix.
 * Most of the others still need some literal: "process.command_line :
 * *base64 -d*", "process.args in (...)", "file.path : /etc/cron*".  For
 * each such step -- every step the index does not narrow or narrows only
 * by a common path prefix, and every step of a sequence rule -- an
 * abstract interpretation of its program (the
 * same walk over the accumulator as vigil_step_required()) derives a
 * filter: a disjunction of (field, set) atoms such that whenever the
 * program returns true, some pattern of some atom's set matched that
 * field.  A MATCH makes its atom known on the true branch; paths that
 * meet take the union; along one path the most selective known filter is
 * kept (a conjunction implies each of its parts).
 *
 * Each pattern of an atom's set needs one literal: the string of an
 * EXACT, PREFIX, SUFFIX or CONTAINS pattern, a glob's longest run of
 * fixed bytes, with where it must sit (at the start or the end of the
 * value, or of an ARRAY element).  REGEX patterns, literals under 2
 * bytes and fields that every event of a kind carries (event.*,
 * host.os.type) give no filter.  Equal literals of several steps are one
 * entry listing those steps, filed under one 2- or 3-byte gram of the
 * literal (pick_gram()).  Rules whose filters cover them
 * leave the dispatch's kind lists (engine.c): an event runs only the
 * rules whose bits its scan set.
 *
 * A filter is one disjunction, so a step that tests two things keeps
 * the more selective-looking one, and the odds are only guessed from the
 * literals: "process.parent.name : (bash, sh, ...) and
 * process.executable : (/tmp/..., ...)" keeps the shells, which nearly
 * every exec's parent is.  Such a step gets a second filter, its guard:
 * derived the same way from the same program, on the fields its first
 * filter does not read (derive_all()).  Each is implied by the program,
 * so the step may match only if both let the event through
 * (vigil_pf_pass()); the guard is looked at only when the first does.
 *
 * Scanning costs instructions per byte of every event of the kind, so a
 * cost model keeps only the fields whose filtered steps would cost more
 * to run (prune()); a guard reads only fields its kind scans anyway
 * (guard_kinds()).  Deriving the filters costs instructions times atoms
 * per step, under a global work bound: steps past it get no filter.
 */
#include "prefilter.h"

#define PF_MAX 16 /* atoms per filter; more: no filter */
#define PF_BOT 0xfe /* no path reaches here */
#define PF_TOP 0xff /* nothing known */
#define PF_MIN_LIT 2 /* shorter literals give no filter */
#define PF_WORK (1U << 19) /* derive_step() work, all steps */
#define PF_MAX_LITS (1U << 16) /* literals, all filters */

struct pf_filt {
	u8 n; /* atoms, PF_BOT or PF_TOP */
	u8 f[PF_MAX];
	u32 s[PF_MAX];
};

/* Fields that carry text worth a literal search. */
#define PF_FIELDS                                                              \
	((1ULL << VIGIL_F_PROCESS_NAME) |                                      \
	 (1ULL << VIGIL_F_PROCESS_EXECUTABLE) |                                \
	 (1ULL << VIGIL_F_PROCESS_ARGS) |                                      \
	 (1ULL << VIGIL_F_PROCESS_COMMAND_LINE) |                              \
	 (1ULL << VIGIL_F_PROCESS_WORKING_DIRECTORY) |                         \
	 (1ULL << VIGIL_F_PARENT_NAME) | (1ULL << VIGIL_F_PARENT_EXECUTABLE) | \
	 (1ULL << VIGIL_F_PARENT_ARGS) |                                       \
	 (1ULL << VIGIL_F_PARENT_COMMAND_LINE) | (1ULL << VIGIL_F_FILE_PATH) | \
	 (1ULL << VIGIL_F_FILE_NAME) | (1ULL << VIGIL_F_FILE_EXTENSION) |      \
	 (1ULL << VIGIL_F_FILE_DIRECTORY) |                                    \
	 (1ULL << VIGIL_F_FILE_TARGET_PATH) |                                  \
	 (1ULL << VIGIL_F_FILE_ORIG_PATH) | (1ULL << VIGIL_F_FILE_ORIG_NAME) | \
	 (1ULL << VIGIL_F_FILE_ORIG_EXTENSION) |                               \
	 (1ULL << VIGIL_F_FILE_ORIG_DIRECTORY))

/*
 * The literal pattern @p cannot match without: its string, or a glob's
 * longest run of fixed bytes that stands in its string as it must stand
 * in a value: bytes other than '*' and '?', where an escaped byte starts
 * a run (the hex-payload rule's "*\\x*" needs "\x", which is the
 * string's bytes after the first backslash).  Return: its length (0:
 * none); *@off its offset in the pattern's string, *@anchor where it
 * must sit (PF_AT_*).
 */
static u32 pat_literal(const struct vigil_rs *rs, const struct vigil_rs_pat *p,
		       u32 *off, u8 *anchor)
{
	const char *s = rs->strtab + p->str;
	u32 i, run = 0, best = 0;

	*off = 0;
	*anchor = 0;
	switch (p->kind) {
	case VIGIL_PAT_EXACT:
		*anchor = PF_AT_START | PF_AT_END;
		return p->len;
	case VIGIL_PAT_PREFIX:
		*anchor = PF_AT_START;
		return p->len;
	case VIGIL_PAT_SUFFIX:
		*anchor = PF_AT_END;
		return p->len;
	case VIGIL_PAT_CONTAINS:
		return p->len;
	case VIGIL_PAT_GLOB:
		for (i = 0; i < p->len; i++) {
			if (s[i] == '*' || s[i] == '?') {
				run = 0;
				continue;
			}
			if (s[i] == '\\') {
				if (++i == p->len)
					break;
				run = 0; /* the escaped byte starts a run */
			}
			if (++run > best) {
				best = run;
				*off = i + 1 - run;
			}
		}
		/* at the start: nothing before it, or only its escape */
		if (best && (!*off || (*off == 1 && s[0] == '\\')))
			*anchor |= PF_AT_START;
		if (best && *off + best == p->len)
			*anchor |= PF_AT_END;
		return best;
	default:
		return 0;
	}
}

/* Path prefixes nearly every exec or file event carries. */
static const char *const common_prefixes[] = {
	"/usr/local/bin/", "/usr/local/sbin/",
	"/usr/local/",	   "/usr/bin/",
	"/usr/sbin/",	   "/usr/lib/",
	"/usr/share/",	   "/usr/",
	"/bin/",	   "/sbin/",
	"/lib/",	   "/etc/",
	"/tmp/",	   "/var/tmp/",
	"/var/lib/",	   "/var/",
	"/home/",	   "/root/",
	"/dev/",	   "/proc/",
	"/run/",	   "/opt/",
};

/*
 * Rough odds that a literal occurs, lower is better: by its length, not
 * counting a leading common path prefix.
 */
static u64 lit_weight(const char *s, u32 len)
{
	u32 i, l, n = len;

	for (i = 0; i < ARRAY_SIZE(common_prefixes); i++) {
		l = strlen(common_prefixes[i]);
		if (l <= len && !memcmp(s, common_prefixes[i], l)) {
			n = len - l;
			break;
		}
	}
	return 1ULL << (3 * (12 - (n < 8 ? n : 8)));
}

/* Per set: the sum of its literals' weights, or U64_MAX if one has none. */
static u64 set_score(const struct vigil_rs *rs, u32 set)
{
	const struct vigil_rs_set *s = &rs->sets[set];
	u64 sum = 0;
	u32 i, len, off;
	u8 anchor;

	for (i = 0; i < s->n_pats; i++) {
		const struct vigil_rs_pat *p = &rs->pats[s->first_pat + i];

		len = pat_literal(rs, p, &off, &anchor);
		if (len < PF_MIN_LIT)
			return U64_MAX;
		sum += lit_weight(rs->strtab + p->str + off, len);
	}
	return sum;
}

static u64 filt_score(const u64 *scores, const struct pf_filt *a)
{
	u64 sum = 0;
	u32 i;

	if (a->n == PF_TOP)
		return U64_MAX;
	for (i = 0; i < a->n; i++) {
		if (sum + scores[a->s[i]] < sum)
			return U64_MAX;
		sum += scores[a->s[i]];
	}
	return sum;
}

/* @a = @a or @b. */
static void filt_join(struct pf_filt *a, const struct pf_filt *b)
{
	u32 i, j;

	if (b->n == PF_BOT || a->n == PF_TOP)
		return;
	if (a->n == PF_BOT || b->n == PF_TOP) {
		*a = *b;
		return;
	}
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n; j++)
			if (a->f[j] == b->f[i] && a->s[j] == b->s[i])
				break;
		if (j < a->n)
			continue;
		if (a->n == PF_MAX) {
			a->n = PF_TOP;
			return;
		}
		a->f[a->n] = b->f[i];
		a->s[a->n++] = b->s[i];
	}
}

/*
 * @out = @p and (field @f matches set @s): the more selective side, or
 * with @first, the side known first (@p unless nothing is known).
 */
static void filt_and_atom(struct pf_filt *out, const struct pf_filt *p,
			  const u64 *scores, u32 f, u32 s, bool first,
			  u64 fields)
{
	struct pf_filt atom = { .n = 1 };

	*out = *p;
	if (p->n == PF_BOT || f >= 64 || !(fields & (1ULL << f)) ||
	    scores[s] == U64_MAX || (first && p->n != PF_TOP))
		return;
	atom.f[0] = f;
	atom.s[0] = s;
	if (scores[s] < filt_score(scores, p))
		*out = atom;
}

/*
 * Derives the filter of one step into @res.  @st2 is scratch for
 * 2 * (n_insns + 1) filters: per instruction, what holds on the paths
 * reaching it with the accumulator false ([2i]) and true ([2i + 1]).
 * With @first, each path keeps the first atom it learns rather than the
 * most selective one (see derive_step()).  Atoms are over @fields only.
 */
static void derive(const struct vigil_rs *rs, const struct vigil_rs_step *st,
		   const u64 *scores, struct pf_filt *st2, struct pf_filt *res,
		   bool first, u64 fields)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 n = st->n_insns, i, to;
	struct pf_filt p, nf, nt;

	for (i = 0; i < 2 * (n + 1); i++)
		st2[i].n = PF_BOT;
	st2[0].n = PF_TOP; /* the start: acc false, nothing known */
	res->n = PF_BOT;
	for (i = 0; i < n; i++) {
		const struct vigil_rs_insn *in = &prog[i];
		struct pf_filt *f = &st2[2 * i], *t = &st2[2 * i + 1];

		if (f->n == PF_BOT && t->n == PF_BOT)
			continue;
		p = *f;
		filt_join(&p, t);
		switch (in->op) {
		case VIGIL_OP_MATCH:
			nf = p;
			filt_and_atom(&nt, &p, scores, in->field, in->arg,
				      first, fields);
			break;
		case VIGIL_OP_NOT:
			nf = *t;
			nt = *f;
			break;
		case VIGIL_OP_CONST:
			nf = p;
			nt = p;
			if (in->arg)
				nf.n = PF_BOT;
			else
				nt.n = PF_BOT;
			break;
		case VIGIL_OP_JF:
		case VIGIL_OP_JT:
			to = i + 1 + in->arg; /* validated: <= n */
			nf = *f;
			nt = *t;
			if (in->op == VIGIL_OP_JF) {
				filt_join(&st2[2 * to], f);
				nf.n = PF_BOT;
			} else {
				filt_join(&st2[2 * to + 1], t);
				nt.n = PF_BOT;
			}
			break;
		case VIGIL_OP_RET:
			filt_join(res, t);
			nf.n = PF_BOT;
			nt.n = PF_BOT;
			break;
		default: /* EXISTS, NUMCMP: either result, same condition */
			nf = p;
			nt = p;
			break;
		}
		filt_join(&st2[2 * (i + 1)], &nf);
		filt_join(&st2[2 * (i + 1) + 1], &nt);
	}
	filt_join(res, &st2[2 * n + 1]);
}

/*
 * The filter of a step: the most selective atom along each path; when
 * their union overflows PF_MAX, the first atom along each path.  The
 * second helps a rule that lists alternatives and then exclusions: each
 * exclusion "not (a and b)" knows on its way out that a matched, which
 * is more selective than what the alternatives gave, and would
 * otherwise add one atom per exclusion to the union.  Either choice is
 * sound: every atom kept along a path is one its program tested true.
 * Atoms are over @fields only.
 */
static void derive_step(const struct vigil_rs *rs,
			const struct vigil_rs_step *st, const u64 *scores,
			struct pf_filt *st2, struct pf_filt *res, u64 fields)
{
	derive(rs, st, scores, st2, res, false, fields);
	if (res->n == PF_TOP)
		derive(rs, st, scores, st2, res, true, fields);
}

/* The fields filter @a reads. */
static u64 filt_fields(const struct pf_filt *a)
{
	u64 m = 0;
	u32 i;

	for (i = 0; a->n != PF_TOP && a->n != PF_BOT && i < a->n; i++)
		m |= 1ULL << a->f[i];
	return m;
}

static u32 gram_of(const char *s, u32 g)
{
	u32 w = 0, i;

	for (i = 0; i < g; i++)
		w = (w << 8) | vigil_fold((u8)s[i]);
	return w;
}

/*
 * The steps that get a filter: those the index does not narrow, those
 * whose hint most events match (a literal that is all common path
 * prefix, such as "/usr/bin/" in a glob), and the steps of sequence
 * rules (each of which vigil_seq_process() tries on every event of its
 * kinds).
 */
#define PF_WEAK_HINT (1ULL << 33) /* a literal of at most 1 rare byte */

static bool wants_filter(const struct vigil_rs *rs, const u64 *scores,
			 const struct vigil_rs_rule *ru, u32 k)
{
	const struct vigil_rs_step *st = &rs->steps[ru->first_step + k];

	return ru->kind == VIGIL_RULE_SEQUENCE ||
	       !vigil_index_covers(rs, ru, st) ||
	       scores[st->index_set] >= PF_WEAK_HINT;
}

/*
 * A step whose program gives no filter (an atom over a regex) may still
 * have the compiler's index hint, such as the PREFIX "/var/run/" that
 * every match of "/var/run/\w+\.(pid|lock)" starts with: a sequence
 * step is already skipped when its hint fails (vigil_step_hint_match()),
 * so the hint is as good a filter as one derived here.
 */
static void hint_filter(const struct vigil_rs_step *st, const u64 *scores,
			struct pf_filt *res)
{
	if (!st->index_field || st->index_field >= 64 ||
	    !(PF_FIELDS & (1ULL << st->index_field)) ||
	    st->index_set == VIGIL_RS_NO_SET ||
	    scores[st->index_set] == U64_MAX)
		return;
	res->n = 1;
	res->f[0] = st->index_field;
	res->s[0] = st->index_set;
}

/*
 * The filter of step @st into @filt, and its guard into @guard: its
 * filter on the fields @filt does not read.
 */
static void derive_filter(const struct vigil_rs *rs,
			  const struct vigil_rs_step *st, const u64 *scores,
			  struct pf_filt *st2, struct pf_filt *filt,
			  struct pf_filt *guard)
{
	derive_step(rs, st, scores, st2, filt, PF_FIELDS);
	if (filt->n == PF_TOP)
		hint_filter(st, scores, filt);
	if (filt->n == PF_BOT) /* never true */
		filt->n = 0;
	if (!filt->n || filt->n == PF_TOP)
		return;
	derive_step(rs, st, scores, st2, guard, PF_FIELDS & ~filt_fields(filt));
	if (guard->n == PF_BOT || !guard->n)
		guard->n = PF_TOP;
}

/*
 * Derives the filter of every step that wants one into @filt, and the
 * guard of each step with a filter into @guard (PF_TOP: none).
 */
static int derive_all(const struct vigil_rs *rs, struct pf_filt *filt,
		      struct pf_filt *guard)
{
	struct pf_filt *st2;
	u64 *scores;
	u32 i, r, k, max_insns = 1, work = 0;

	for (i = 0; i < rs->h->n_steps; i++) {
		filt[i].n = PF_TOP;
		guard[i].n = PF_TOP;
		if (rs->steps[i].n_insns > max_insns)
			max_insns = rs->steps[i].n_insns;
	}
	scores = vg_zalloc(sizeof(u64) * (rs->h->n_sets + 1));
	st2 = vg_zalloc(sizeof(*st2) * 2 * (max_insns + 1));
	if (!scores || !st2) {
		vg_free(scores);
		vg_free(st2);
		return -ENOMEM;
	}
	for (i = 0; i < rs->h->n_sets; i++) {
		vg_cond_resched();
		scores[i] = set_score(rs, i);
	}
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];

		vg_cond_resched();
		for (k = 0; k < ru->n_steps; k++) {
			i = ru->first_step + k;
			if (!wants_filter(rs, scores, ru, k))
				continue;
			work += 4 * rs->steps[i].n_insns; /* derive_step() */
			if (work > PF_WORK)
				goto out;
			derive_filter(rs, &rs->steps[i], scores, st2, &filt[i],
				      &guard[i]);
		}
	}
out:
	vg_free(scores);
	vg_free(st2);
	return 0;
}

/* Typical bytes of a field's value, for the cost model below. */
static u32 field_len(u32 f)
{
	switch (f) {
	case VIGIL_F_PROCESS_NAME:
	case VIGIL_F_PARENT_NAME:
	case VIGIL_F_FILE_EXTENSION:
	case VIGIL_F_FILE_ORIG_EXTENSION:
		return 8;
	case VIGIL_F_PROCESS_ARGS:
	case VIGIL_F_PROCESS_COMMAND_LINE:
	case VIGIL_F_PARENT_ARGS:
	case VIGIL_F_PARENT_COMMAND_LINE:
		return 48;
	default:
		return 24;
	}
}

/* Rough instructions a step's program costs when it runs. */
static u32 step_cost(const struct vigil_rs *rs, const struct vigil_rs_step *st)
{
	const struct vigil_rs_insn *prog = &rs->insns[st->first_insn];
	u32 i, j, c = 16 + 4 * st->n_insns;

	for (i = 0; i < st->n_insns; i++) {
		const struct vigil_rs_set *set;

		if (prog[i].op != VIGIL_OP_MATCH)
			continue;
		set = &rs->sets[prog[i].arg];
		c += 24;
		/* EXACT ones are hashed; the others scan the value */
		for (j = 0; j < set->n_pats; j++)
			if (rs->pats[set->first_pat + j].kind !=
			    VIGIL_PAT_EXACT)
				c += 8 + 2 * field_len(prog[i].field);
	}
	return c;
}

/*
 * Scanning a field costs about PF_SCAN_COST instructions per byte, paid
 * by every event of a kind whose filters read it.  A field is worth it
 * for a kind only when the steps filtered on it for that kind would cost
 * more to run; a step keeps its filter for the kinds where every field
 * of it is worth it (@fk, per step), which can make further fields not
 * worth it.  A step of several kinds (process where event.type ==
 * "start" takes exec and load_module events) so keeps its filter for
 * the common kind when a rare one does not pay for the scan; for the
 * rare kind it runs unfiltered.
 */
#define PF_SCAN_COST 16U

static int prune(const struct vigil_rs *rs, struct pf_filt *filt, u16 *fk)
{
	u32 *benefit, i, j, k, round, f;
	bool changed = true;

	benefit = vg_zalloc(sizeof(u32) * __VIGIL_EV_LAST * 64);
	if (!benefit)
		return -ENOMEM;
	for (i = 0; i < rs->h->n_steps; i++)
		fk[i] = filt[i].n == PF_TOP ? 0 : rs->steps[i].kind_mask;
	for (round = 0; changed && round < 16; round++) {
		changed = false;
		memset(benefit, 0, sizeof(u32) * __VIGIL_EV_LAST * 64);
		for (i = 0; i < rs->h->n_steps; i++) {
			u32 c;

			vg_cond_resched();
			if (!fk[i])
				continue;
			c = step_cost(rs, &rs->steps[i]);
			for (k = 1; k < __VIGIL_EV_LAST; k++)
				if (fk[i] & (1U << k))
					for (j = 0; j < filt[i].n; j++)
						benefit[k * 64 + filt[i].f[j]] +=
							c;
		}
		for (i = 0; i < rs->h->n_steps; i++) {
			for (k = 1; k < __VIGIL_EV_LAST; k++) {
				if (!(fk[i] & (1U << k)))
					continue;
				for (j = 0; j < filt[i].n; j++) {
					f = filt[i].f[j];
					if (benefit[k * 64 + f] <
					    PF_SCAN_COST * field_len(f))
						break;
				}
				if (j < filt[i].n) {
					fk[i] &= ~(1U << k);
					changed = true;
				}
			}
			if (!fk[i])
				filt[i].n = PF_TOP;
		}
	}
	vg_free(benefit);
	return 0;
}

/*
 * The kinds each step's guard is kept for, into @gk: those its filter
 * is kept for (@fk) whose events have every field of the guard scanned
 * for the filters anyway, so that a guard adds literals to the scan and
 * no field.
 */
static void guard_kinds(const struct vigil_rs *rs, const struct pf_filt *filt,
			const u16 *fk, const struct pf_filt *guard, u16 *gk)
{
	u64 kf[__VIGIL_EV_LAST] = { 0 }, g;
	u32 i, k;

	for (i = 0; i < rs->h->n_steps; i++)
		for (k = 1; k < __VIGIL_EV_LAST; k++)
			if (fk[i] & (1U << k))
				kf[k] |= filt_fields(&filt[i]);
	for (i = 0; i < rs->h->n_steps; i++) {
		gk[i] = 0;
		if (guard[i].n == PF_TOP || !fk[i])
			continue;
		g = filt_fields(&guard[i]);
		for (k = 1; k < __VIGIL_EV_LAST; k++)
			if ((fk[i] & (1U << k)) && !(g & ~kf[k]))
				gk[i] |= 1U << k;
	}
}

/* One literal of one step's filter, before deduplication. */
struct pf_lit {
	u32 str; /* strtab offset */
	u16 len;
	u8 field;
	u8 anchor;
	u16 slot;
	u32 uid; /* its entry */
};

/* The literals of a filter (@out NULL: count them).  Return: how many. */
static u32 collect(const struct vigil_rs *rs, const struct pf_filt *a, u16 slot,
		   struct pf_lit *out)
{
	u32 i, j, n = 0, off, len;
	u8 anchor;

	for (i = 0; i < a->n; i++) {
		const struct vigil_rs_set *s = &rs->sets[a->s[i]];

		for (j = 0; j < s->n_pats; j++, n++) {
			const struct vigil_rs_pat *p =
				&rs->pats[s->first_pat + j];

			len = pat_literal(rs, p, &off, &anchor);
			if (!out)
				continue;
			out[n].str = p->str + off;
			out[n].len = len;
			out[n].field = a->f[i];
			out[n].anchor = anchor;
			out[n].slot = slot;
		}
	}
	return n;
}

static bool lit_same(const char *strtab, const struct pf_lit *a,
		     const struct pf_lit *b)
{
	u32 i;

	if (a->field != b->field || a->anchor != b->anchor || a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++)
		if (vigil_fold((u8)strtab[a->str + i]) !=
		    vigil_fold((u8)strtab[b->str + i]))
			return false;
	return true;
}

/*
 * Gives equal literals (folded, same field and anchors) one entry id.
 * Return: the number of entries, *@rep the first literal of each.
 */
static int dedup(const char *strtab, struct pf_lit *lits, u32 n, u32 *rep,
		 u32 *n_uid)
{
	u32 i, j, nb = 2, *tab, u = 0;
	u64 h;

	while (nb < 2 * n)
		nb <<= 1;
	tab = vg_zalloc(sizeof(u32) * nb);
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		tab[i] = VIGIL_NIL;
	for (i = 0; i < n; i++) {
		h = vigil_hash_folded(VIGIL_FNV_OFFSET ^ lits[i].field,
				      strtab + lits[i].str, lits[i].len);
		for (j = h & (nb - 1); tab[j] != VIGIL_NIL;
		     j = (j + 1) & (nb - 1))
			if (lit_same(strtab, &lits[rep[tab[j]]], &lits[i]))
				break;
		if (tab[j] == VIGIL_NIL) {
			rep[u] = i;
			tab[j] = u++;
		}
		lits[i].uid = tab[j];
	}
	vg_free(tab);
	*n_uid = u;
	return 0;
}

/*
 * Rough odds of a byte in paths and command lines, relative: the
 * separators, then the letters of English text and file names by
 * frequency, then other letters, digits and '_', then the rest.
 */
static u32 byte_weight(u8 c)
{
	c = vigil_fold(c);
	if (c == '/' || c == ' ' || c == '.' || c == '-' || c == 0)
		return 16;
	if (strchr("etaoinsrlub", c))
		return 6;
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
		return 2;
	return 1;
}

/*
 * How many literals of each field are filed under each gram so far: an
 * open-addressed table of at least twice the literals, one key added
 * per literal.
 */
struct gram_counts {
	u32 *key; /* ((field + 1) << 24) | gram; 0: free */
	u32 *n;
	u32 mask;
};

/* The slot of (@field, @gram): its own, or the free one it would take. */
static u32 gram_slot(const struct gram_counts *gc, u32 field, u32 gram)
{
	u32 key = ((field + 1) << 24) | gram, i;

	for (i = ((key * PF_HASH_MUL) >> 8) & gc->mask;
	     gc->key[i] && gc->key[i] != key; i = (i + 1) & gc->mask)
		;
	return i;
}

/*
 * The window of literal @l to file it under: the one whose gram looks
 * rarest in values (the product of byte_weight()) times the literals of
 * the field filed under it already (each one more to verify when the gram
 * occurs).  Return: its offset.
 */
static u32 pick_gram(struct gram_counts *gc, const char *strtab,
		     const struct pf_lit *l, u32 g)
{
	const char *s = strtab + l->str;
	u32 i, j, best = 0, off = 0;
	u64 cost, least = U64_MAX;

	for (i = 0; i + g <= l->len; i++) {
		for (cost = 1, j = 0; j < g; j++)
			cost *= byte_weight((u8)s[i + j]);
		cost *= 1 + gc->n[gram_slot(gc, l->field, gram_of(s + i, g))];
		if (cost < least) {
			least = cost;
			best = i;
		}
	}
	off = best;
	j = gram_slot(gc, l->field, gram_of(s + off, g));
	gc->key[j] = ((l->field + 1) << 24) | gram_of(s + off, g);
	gc->n[j]++;
	return off;
}

/* Fills the gram bitmap and table from the deduplicated literals. */
static int build_table(struct vigil_pf *pf, const char *strtab,
		       const struct pf_lit *lits, u32 n, const u32 *rep,
		       u32 n_uid)
{
	u32 i, nb = 1, *where, *pos, *goff, g, off, h, gram;
	struct gram_counts gc;
	int err = -ENOMEM;

	while (nb < 2 * n_uid && nb < (1U << 24))
		nb <<= 1;
	pf->bmask = nb - 1;
	pf->n_ent = n_uid;
	pf->bucket = vg_zalloc(sizeof(u32) * (nb + 1));
	pf->ent = vg_zalloc(sizeof(*pf->ent) * (n_uid + 1));
	pf->slots = vg_zalloc(sizeof(u16) * (n + 1));
	where = vg_zalloc(sizeof(u32) * (n_uid + 1));
	pos = vg_zalloc(sizeof(u32) * (nb + 1));
	goff = vg_zalloc(sizeof(u32) * (n_uid + 1));
	gc.mask = nb - 1;
	gc.key = vg_zalloc(sizeof(u32) * nb);
	gc.n = vg_zalloc(sizeof(u32) * nb);
	if (!pf->bucket || !pf->ent || !pf->slots || !where || !pos || !goff ||
	    !gc.key || !gc.n)
		goto out;
	/* each literal's gram, spread over the grams its windows offer */
	for (i = 0; i < n_uid; i++) {
		vg_cond_resched();
		goff[i] = pick_gram(&gc, strtab, &lits[rep[i]],
				    pf->glen[lits[rep[i]].field]);
	}
	/* entries in bucket order (CSR): count, prefix sums, place */
	for (i = 0; i < n_uid; i++) {
		const struct pf_lit *l = &lits[rep[i]];

		g = pf->glen[l->field];
		off = goff[i];
		gram = gram_of(strtab + l->str + off, g);
		h = pf_gram_hash(pf, gram, l->field);
		pf_bloom_set(pf->bloom, h);
		where[i] = pf_bucket_of(pf, h);
		pf->bucket[where[i] + 1]++;
	}
	for (i = 0; i < nb; i++)
		pf->bucket[i + 1] += pf->bucket[i];
	memcpy(pos, pf->bucket, sizeof(u32) * (nb + 1));
	for (i = 0; i < n_uid; i++) {
		const struct pf_lit *l = &lits[rep[i]];
		struct vigil_pfent *en;

		where[i] = pos[where[i]]++; /* now: the entry's index */
		en = &pf->ent[where[i]];
		g = pf->glen[l->field];
		off = goff[i];
		en->gram = gram_of(strtab + l->str + off, g);
		en->field = l->field;
		en->anchor = l->anchor;
		en->off = off;
		en->str = l->str;
		en->len = l->len;
	}
	/* each entry's steps: count, prefix sums, place */
	for (i = 0; i < n; i++)
		pf->ent[where[lits[i].uid]].n_slots++;
	for (i = 0, h = 0; i < n_uid; i++) {
		pf->ent[i].slot0 = h;
		h += pf->ent[i].n_slots;
		pf->ent[i].n_slots = 0;
	}
	for (i = 0; i < n; i++) {
		struct vigil_pfent *en = &pf->ent[where[lits[i].uid]];

		pf->slots[en->slot0 + en->n_slots++] = lits[i].slot;
	}
	err = 0;
out:
	vg_free(gc.n);
	vg_free(gc.key);
	vg_free(goff);
	vg_free(where);
	vg_free(pos);
	return err;
}

/* What vigil_pf_build() works with. */
struct pf_build {
	struct vigil_engine *e;
	struct pf_filt *filt; /* per step */
	u16 *fk; /* per step: the event kinds its filter is kept for */
	struct pf_filt *guard; /* per step, its guard */
	u16 *gk; /* per step: the event kinds its guard is kept for */
	u64 *is_guard; /* per slot, a bit: it is a guard's */
	/*
	 * per slot: its literals are those of the filters of steps
	 * first_step + k, for each bit k of step_mask
	 */
	u32 *first_step, *step_mask;
	u32 n_lits;
};

static bool slot_is_guard(const struct pf_build *b, u32 s)
{
	return (b->is_guard[s / 64] >> (s % 64)) & 1;
}

/* The filter of step @i that slot @s holds: the step's, or its guard. */
static const struct pf_filt *slot_filt(const struct pf_build *b, u32 s, u32 i)
{
	return slot_is_guard(b, s) ? &b->guard[i] : &b->filt[i];
}

/* The kinds slot @s keeps step @i's filter for. */
static u16 slot_fk(const struct pf_build *b, u32 s, u32 i)
{
	return slot_is_guard(b, s) ? b->gk[i] : b->fk[i];
}

/* The literals of slot @s (@out NULL: count them).  Return: how many. */
static u32 slot_literals(const struct pf_build *b, u32 s, struct pf_lit *out)
{
	u32 k, n = 0;

	for (k = 0; k < VIGIL_RS_MAX_STEPS; k++)
		if (b->step_mask[s] & (1U << k))
			n += collect(&b->e->rs,
				     slot_filt(b, s, b->first_step[s] + k), s,
				     out ? out + n : NULL);
	return n;
}

/*
 * A slot for the filters of steps @first + k, for each bit k of @mask
 * (each has a filter), when the slot and literal budgets allow; a
 * candidate of @rule (from step @first) unless @rule is VIGIL_NIL, for
 * the event kinds in @kinds that those steps keep their filters for;
 * with @guard, of their guards.
 * Return: the slot or VIGIL_PF_NONE.
 */
static u32 new_slot(struct pf_build *b, u32 first, u32 mask, u32 rule,
		    u32 kinds, bool guard)
{
	struct vigil_pf *pf = &b->e->pf;
	u32 s = pf->n_slots, cnt, k, kind;
	const struct pf_filt *f;
	u16 fk;

	if (s >= VIGIL_PF_SLOTS)
		return VIGIL_PF_NONE;
	b->first_step[s] = first;
	b->step_mask[s] = mask;
	if (guard)
		b->is_guard[s / 64] |= 1ULL << (s % 64);
	cnt = slot_literals(b, s, NULL);
	if (b->n_lits + cnt > PF_MAX_LITS) {
		b->is_guard[s / 64] &= ~(1ULL << (s % 64));
		return VIGIL_PF_NONE;
	}
	b->n_lits += cnt;
	pf->n_slots++;
	pf->cand[s].c.rule = rule;
	pf->cand[s].c.step = first;
	for (k = first; mask; k++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		f = slot_filt(b, s, k);
		fk = slot_fk(b, s, k);
		pf->cand[s].kinds |= fk & kinds;
		pf->cand[s].fields |= filt_fields(f);
		for (kind = 1; kind < __VIGIL_EV_LAST; kind++) {
			if (!(fk & kinds & (1U << kind)))
				continue;
			pf->kslots[kind]++;
			pf->kfields[kind] |= filt_fields(f);
		}
	}
	return s;
}

/* Events of @kinds let slot @s through (the scan starts from kpass). */
static void pass_kinds(struct vigil_pf *pf, u32 s, u32 kinds)
{
	u32 k;

	for (k = 1; k < __VIGIL_EV_LAST; k++)
		if ((kinds & (1U << k)) && !DISPATCH_MUT(DISPATCH_MUT_NO_PASS))
			pf->kpass[k][s / 64] |= 1ULL << (s % 64);
}

/*
 * Slots for rule @r.  An EVENT or NEW_TERMS rule whose step has a filter
 * is a candidate only when that step's bit is set.  A sequence rule gets
 * a slot per filtered step (tested in vigil_seq_process()), and a slot
 * of its own with its first step's literals, for the kinds that step
 * keeps its filter for: for those it is a candidate only when one of the
 * literals occurs (a sequence can only start so).  Its later steps run
 * from the dispatch's wait lists while it has a sequence in flight, its
 * first step's other kinds from the kind lists (engine.c).
 */
static void assign_rule(struct pf_build *b, u32 r)
{
	const struct vigil_rs *rs = &b->e->rs;
	const struct vigil_rs_rule *ru = &rs->rules[r];
	struct vigil_pf *pf = &b->e->pf;
	bool seq = ru->kind == VIGIL_RULE_SEQUENCE, found;
	u32 k, i, first = ru->first_step;

	/* a step the index finds keeps its filter only as a test */
	found = !seq && vigil_index_covers(rs, ru, &rs->steps[first]);
	for (k = 0; k < ru->n_steps; k++) {
		i = first + k;
		if (b->filt[i].n != PF_TOP)
			pf->step_slot[i] =
				new_slot(b, i, 1, seq || found ? VIGIL_NIL : r,
					 ~0U, false);
		if (pf->step_slot[i] != VIGIL_PF_NONE)
			pass_kinds(pf, pf->step_slot[i],
				   rs->steps[i].kind_mask & ~b->fk[i]);
	}
	if (!seq && !found)
		pf->rule_slot[r] = pf->step_slot[first];
	else if (seq && pf->step_slot[first] != VIGIL_PF_NONE)
		pf->rule_slot[r] =
			new_slot(b, first, 1, r, b->fk[first], false);
	if (DISPATCH_MUT(DISPATCH_MUT_SLOT_OPEN) && seq &&
	    pf->rule_slot[r] != VIGIL_PF_NONE)
		pf->cand[pf->rule_slot[r]].kinds |= rs->steps[first].kind_mask;
}

/* Where nearly every program lives. */
static const char *const program_dirs[] = {
	"/usr/bin/",	    "/usr/sbin/",    "/bin/", "/sbin/",
	"/usr/lib/",	    "/lib/",	     "/usr/", "/usr/local/bin/",
	"/usr/local/sbin/", "/usr/libexec/",
};

/*
 * A guard is looked at only when its step's filter lets an event
 * through, and each of its literals costs a verification wherever its
 * gram occurs, so it must be rarer than what it narrows.  No literal of
 * a kept guard is a short argument or name ("-l", "sh"), nor a whole
 * directory where nearly every program or file is: "/usr/bin/" of a
 * program, "/usr/" or "/etc/" of any path.  A short literal at the start
 * of a value that is not an argument ("./" of a program) is kept.
 */
static bool guard_literal_ok(u32 f, const char *s, u32 len, u8 anchor)
{
	bool prog = f == VIGIL_F_PROCESS_EXECUTABLE ||
		    f == VIGIL_F_PARENT_EXECUTABLE;
	u32 i;

	if (len < 3 &&
	    (!(anchor & PF_AT_START) || vigil_is_array(f) || pf_pair_of(f)))
		return false;
	for (i = 0; prog && i < ARRAY_SIZE(program_dirs); i++)
		if (len == strlen(program_dirs[i]) &&
		    !memcmp(s, program_dirs[i], len))
			return false;
	for (i = 0; !prog && i < ARRAY_SIZE(common_prefixes); i++)
		if (len == strlen(common_prefixes[i]) &&
		    !memcmp(s, common_prefixes[i], len))
			return false;
	return true;
}

/*
 * The literals filter @a needs: lowers @glen[f] to the length of each in
 * field f.  Return: whether none lowered @glen and, with @guard, each
 * makes a guard (guard_literal_ok()).
 */
static bool filt_literals(const struct vigil_rs *rs, const struct pf_filt *a,
			  u8 *glen, bool guard)
{
	u32 i, j, off, len, f;
	bool ok = true;
	u8 anchor;

	for (i = 0; i < a->n; i++) {
		const struct vigil_rs_set *set = &rs->sets[a->s[i]];

		f = a->f[i];
		for (j = 0; j < set->n_pats; j++) {
			const struct vigil_rs_pat *p =
				&rs->pats[set->first_pat + j];

			len = pat_literal(rs, p, &off, &anchor);
			if (len < glen[f]) {
				glen[f] = (u8)len;
				ok = false;
			}
			if (guard &&
			    !guard_literal_ok(f, rs->strtab + p->str + off, len,
					      anchor))
				ok = false;
		}
	}
	return ok;
}

/*
 * Slots for the guards of the steps with a slot, after every step's
 * filter has one: a guard only narrows what its step's filter lets
 * through.  Events of the kinds a guard is not kept for pass it.  A
 * guard that would make a field's grams shorter than the filters made
 * them is not kept: 2-byte grams of a field let many more of its bytes
 * reach the gram table.
 */
static void assign_guards(struct pf_build *b)
{
	const struct vigil_rs *rs = &b->e->rs;
	struct vigil_pf *pf = &b->e->pf;
	u8 glen[64], g[64];
	u32 i, s;

	memset(glen, 3, sizeof(glen));
	for (i = 0; i < rs->h->n_steps; i++)
		if (pf->step_slot[i] != VIGIL_PF_NONE)
			filt_literals(rs, &b->filt[i], glen, false);
	for (i = 0; i < rs->h->n_steps; i++) {
		if (!b->gk[i])
			continue;
		memcpy(g, glen, sizeof(g));
		if (!filt_literals(rs, &b->guard[i], g, true))
			continue;
		s = new_slot(b, i, 1, VIGIL_NIL, ~0U, true);
		if (s == VIGIL_PF_NONE)
			return;
		pf->guard_slot[i] = s;
		if (!DISPATCH_MUT(DISPATCH_MUT_GUARD_PASS))
			pass_kinds(pf, s, rs->steps[i].kind_mask & ~b->gk[i]);
	}
}

/**
 * vigil_pf_build() - derive the step filters and the gram table
 * @e: engine with a validated, mapped ruleset
 *
 * May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_pf_build(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_pf *pf = &e->pf;
	struct pf_build b = { .e = e };
	struct pf_lit *lits = NULL;
	u32 i, j, n, n_uid, *rep = NULL;
	int err = -ENOMEM;

	pf->step_slot = vg_zalloc(sizeof(u16) * (rs->h->n_steps + 1));
	pf->guard_slot = vg_zalloc(sizeof(u16) * (rs->h->n_steps + 1));
	pf->rule_slot = vg_zalloc(sizeof(u16) * (rs->h->n_rules + 1));
	pf->cand = vg_zalloc(sizeof(*pf->cand) * VIGIL_PF_SLOTS);
	pf->bloom = vg_zalloc(sizeof(u64) << (VIGIL_PF_BLOOM_LOG2 - 6));
	b.filt = vg_zalloc(sizeof(*b.filt) * (rs->h->n_steps + 1));
	b.first_step = vg_zalloc(sizeof(u32) * VIGIL_PF_SLOTS);
	b.step_mask = vg_zalloc(sizeof(u32) * VIGIL_PF_SLOTS);
	b.fk = vg_zalloc(sizeof(u16) * (rs->h->n_steps + 1));
	b.guard = vg_zalloc(sizeof(*b.guard) * (rs->h->n_steps + 1));
	b.gk = vg_zalloc(sizeof(u16) * (rs->h->n_steps + 1));
	b.is_guard = vg_zalloc(sizeof(u64) * VIGIL_PF_WORDS);
	if (!pf->step_slot || !pf->guard_slot || !pf->rule_slot || !pf->cand ||
	    !pf->bloom || !b.filt || !b.first_step || !b.step_mask || !b.fk ||
	    !b.guard || !b.gk || !b.is_guard)
		goto out;
	for (i = 0; i < rs->h->n_steps; i++) {
		pf->step_slot[i] = VIGIL_PF_NONE;
		pf->guard_slot[i] = VIGIL_PF_NONE;
	}
	for (i = 0; i < rs->h->n_rules; i++)
		pf->rule_slot[i] = VIGIL_PF_NONE;
	memset(pf->glen, 3, sizeof(pf->glen));
	if (derive_all(rs, b.filt, b.guard) || prune(rs, b.filt, b.fk))
		goto out;
	guard_kinds(rs, b.filt, b.fk, b.guard, b.gk);
	for (i = 0; i < rs->h->n_rules; i++)
		assign_rule(&b, i);
	assign_guards(&b);
	lits = vg_zalloc(sizeof(*lits) * (b.n_lits + 1));
	rep = vg_zalloc(sizeof(u32) * (b.n_lits + 1));
	if (!lits || !rep)
		goto out;
	for (i = 0, n = 0; i < pf->n_slots; i++)
		n += slot_literals(&b, i, lits + n);
	/*
	 * a field's grams are as long as its shortest literal allows, and
	 * as those of the fields scanned with it: its pair; the whole path
	 * of a part no shorter (vigil_pf.whole)
	 */
	for (i = 0; i < n; i++)
		if (lits[i].len < pf->glen[lits[i].field])
			pf->glen[lits[i].field] = lits[i].len;
	for (i = 0; i < 64; i++) {
		j = vigil_field_whole(i);
		if (j && pf->glen[i] >= pf->glen[j]) {
			pf->whole[i] = (u8)j;
			pf->glen[i] = pf->glen[j];
		}
		j = pf_pair_of(i);
		if (j && pf->glen[j] < pf->glen[i])
			pf->glen[i] = pf->glen[j];
	}
	if (dedup(rs->strtab, lits, n, rep, &n_uid) ||
	    build_table(pf, rs->strtab, lits, n, rep, n_uid))
		goto out;
	pf->n_words = (pf->n_slots + 63) / 64;
	for (i = 0; i < __VIGIL_EV_LAST; i++)
		pf->memo_fields |= pf->kfields[i] & PF_MEMO_PARENT_FIELDS;
	err = 0;
out:
	vg_free(rep);
	vg_free(lits);
	vg_free(b.step_mask);
	vg_free(b.is_guard);
	vg_free(b.gk);
	vg_free(b.guard);
	vg_free(b.fk);
	vg_free(b.first_step);
	vg_free(b.filt);
	return err;
}

/**
 * vigil_pf_free() - free what vigil_pf_build() allocated
 * @pf: prefilter (may be partly built)
 */
void vigil_pf_free(struct vigil_pf *pf)
{
	vg_free(pf->step_slot);
	vg_free(pf->guard_slot);
	vg_free(pf->bloom);
	vg_free(pf->bucket);
	vg_free(pf->ent);
	vg_free(pf->slots);
	vg_free(pf->rule_slot);
	vg_free(pf->cand);
}
