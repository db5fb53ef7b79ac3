/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Malformed rulesets for the validator tests (KUnit and userspace): each
 * case corrupts rsb_sample() before layout (b) or after it (blob, len)
 * and names the reason the validator must give.
 */
#ifndef VIGIL_RS_CASES_H
#define VIGIL_RS_CASES_H

#include "rs_builder.h"

struct rsb_case {
	const char *name;
	const char *reason; /* substring of the expected reason */
	void (*fn)(struct rsb *b, u8 *blob, u32 *len);
};

#define PRE(n, ...)                                              \
	static void rsb_m_##n(struct rsb *b, u8 *blob, u32 *len) \
	{                                                        \
		if (blob)                                        \
			return;                                  \
		__VA_ARGS__;                                     \
	}
#define POST(n, ...)                                             \
	static void rsb_m_##n(struct rsb *b, u8 *blob, u32 *len) \
	{                                                        \
		struct vigil_rs_header *h = (void *)blob;        \
		(void)h;                                         \
		if (!blob)                                       \
			return;                                  \
		__VA_ARGS__;                                     \
	}

#define RU(i) (((struct vigil_rs_rule *)(blob + h->rules_off))[i])
#define ST(i) (((struct vigil_rs_step *)(blob + h->steps_off))[i])
#define IN(i) (((struct vigil_rs_insn *)(blob + h->insns_off))[i])
#define PA(i) (((struct vigil_rs_pat *)(blob + h->pats_off))[i])
#define DFA_AT(o) (blob + h->dfa_off + (o))

/* clang-format off */
/* header */
POST(short, *len = 20)
POST(magic, h->magic ^= 1)
POST(version, h->version = 2)
POST(header_size, h->header_size += 4)
POST(total_size, h->total_size += 4)
POST(reserved, h->reserved[1] = 1)
POST(misaligned, h->strtab_off += 2)
POST(outside, h->n_insns += 1000)
POST(overlap, h->steps_off = h->rules_off + 4)
POST(padding, memmove(blob + h->dfa_off + 4, blob + h->dfa_off, h->dfa_size);
	memset(blob + h->dfa_off, 0, 4); blob[h->dfa_off + 1] = 7; h->dfa_off += 4;
	h->total_size += 4; *len += 4)
POST(trailing, blob[*len] = 1; blob[*len + 1] = 0; blob[*len + 2] = 0;
	blob[*len + 3] = 0; *len += 4; h->total_size += 4)
POST(too_many_rules, h->n_rules = VIGIL_RS_MAX_RULES + 1)
/* rules */
PRE(id_chars, b->rules[0].id_str = rsb_str(b, "bad id!"))
PRE(id_long,
	b->rules[0].id_str = rsb_str(
	    b,
	    "a1234567890123456789012345678901234567890123456789012345678901234"))
PRE(id_empty, b->rules[0].id_str = 0)
PRE(id_dup, b->rules[2].id_str = b->rules[0].id_str)
POST(name_offset, RU(1).name_str = h->strtab_size)
POST(name_unterminated, RU(1).name_str = h->strtab_size - 1;
	blob[h->strtab_off + h->strtab_size - 1] = 'x')
/* a name and a threat one byte over their limits */
static void rsb_m_name_long(struct rsb *b, u8 *blob, u32 *len)
{
	static char s[VIGIL_RS_MAX_NAME + 1];

	if (blob)
		return;
	memset(s, 'n', sizeof(s));
	b->rules[1].name_str = rsb_bytes(b, s, sizeof(s));
}

static void rsb_m_threat_long(struct rsb *b, u8 *blob, u32 *len)
{
	static char s[VIGIL_RS_MAX_THREAT + 1];

	if (blob)
		return;
	memset(s, 't', sizeof(s));
	b->rules[1].threat_str = rsb_bytes(b, s, sizeof(s));
}

PRE(rule_kind, b->rules[0].kind = __VIGIL_RULE_KIND_LAST)
PRE(severity, b->rules[0].severity = __VIGIL_SEV_LAST)
PRE(risk, b->rules[0].risk_score = 101)
PRE(rule_flags, b->rules[0].flags = 4)
PRE(rule_steps_range, b->rules[2].first_step = 5)
PRE(step_shared, b->rules[2].first_step = 2)
PRE(seq_one_step, b->rules[1].n_steps = 1)
PRE(seq_maxspan0, b->rules[1].maxspan_ms = 0)
PRE(seq_maxspan_big, b->rules[1].maxspan_ms = VIGIL_RS_MAX_MAXSPAN_MS + 1)
PRE(seq_by_mismatch, b->steps[2].n_by = 0; b->steps[2].by_fields[0] = 0)
PRE(event_two_steps, b->rules[0].n_steps = 2)
PRE(maxspan_on_event, b->rules[0].maxspan_ms = 10)
PRE(runs_on_event, b->steps[0].runs = 2)
PRE(terms_none, b->rules[2].n_terms = 0; b->rules[2].term_fields[0] = 0;
	b->rules[2].term_fields[1] = 0)
PRE(terms_many, b->rules[2].n_terms = 4)
PRE(terms_field, b->rules[2].term_fields[1] = __VIGIL_F_LAST)
PRE(terms_unused, b->rules[2].term_fields[2] = VIGIL_F_PROCESS_PID)
PRE(terms_window, b->rules[2].history_window_s = 0)
PRE(terms_on_event, b->rules[0].n_terms = 1;
	b->rules[0].term_fields[0] = VIGIL_F_PROCESS_NAME)
/* threshold records (rule 3) */
PRE(thr_value0, b->thrs[0].value = 0)
PRE(thr_value_big, b->thrs[0].value = VIGIL_RS_MAX_THR_VALUE + 1)
PRE(thr_window0, b->thrs[0].window_ms = 0)
PRE(thr_window_big, b->thrs[0].window_ms = VIGIL_RS_MAX_THR_WINDOW_MS + 1)
PRE(thr_card_big, b->thrs[0].card_value = VIGIL_RS_MAX_THR_CARD + 1)
PRE(thr_card_nofield, b->thrs[0].card_field = 0)
PRE(thr_card_novalue, b->thrs[0].card_value = 0)
PRE(thr_card_field, b->thrs[0].card_field = __VIGIL_F_LAST)
PRE(thr_fields_many, b->thrs[0].n_fields = VIGIL_RS_MAX_THR_FIELDS + 1)
PRE(thr_field_bad, b->thrs[0].fields[1] = 0)
PRE(thr_field_array, b->thrs[0].fields[1] = VIGIL_F_PROCESS_ARGS)
PRE(thr_field_twice, b->thrs[0].fields[1] = VIGIL_F_PROCESS_EXECUTABLE)
PRE(thr_field_unused, b->thrs[0].fields[3] = VIGIL_F_USER_ID)
PRE(thr_reserved, b->thrs[0].reserved[1] = 1)
PRE(thr_rule_range, b->thrs[1] = b->thrs[0]; b->thrs[1].rule = 99;
	b->n_thrs = 2)
PRE(thr_rule_kind, b->thrs[1] = b->thrs[0]; b->thrs[0].rule = 0;
	b->n_thrs = 2)
PRE(thr_missing, b->n_thrs = 0)
PRE(thr_kind_only, b->rules[0].kind = VIGIL_RULE_THRESHOLD)
PRE(thr_order, b->rules[2].kind = VIGIL_RULE_THRESHOLD;
	b->thrs[1] = b->thrs[0]; b->thrs[1].rule = 2; b->n_thrs = 2)
POST(thr_count, h->n_thresholds = h->n_rules + 1)
POST(thr_outside, h->thresholds_off = *len)
/* steps */
PRE(step_no_insns, b->steps[3].n_insns = 0)
PRE(step_insns_range, b->steps[4].n_insns = 2)
PRE(kind_mask0, b->steps[0].kind_mask = 0)
PRE(kind_mask_none_bit, b->steps[0].kind_mask |= 1)
PRE(kind_mask_high, b->steps[0].kind_mask |= 1U << __VIGIL_EV_LAST)
PRE(runs0, b->steps[1].runs = 0)
PRE(runs_big, b->steps[1].runs = VIGIL_RS_MAX_RUNS + 1)
PRE(by_many, b->steps[1].n_by = VIGIL_RS_MAX_BY + 1)
PRE(by_field, b->steps[1].by_fields[0] = 0)
PRE(by_unused, b->steps[1].by_fields[3] = VIGIL_F_PROCESS_PID)
PRE(step_reserved, b->steps[1].reserved = 1)
PRE(index_num, b->steps[0].index_field = VIGIL_F_PROCESS_PID)
PRE(index_array, b->steps[0].index_field = VIGIL_F_PROCESS_ARGS)
PRE(index_set_range, b->steps[0].index_set = 99)
PRE(index_set_glob, b->steps[0].index_set = 1)
PRE(index_set_alone, b->steps[0].index_field = 0)
PRE(index_set_empty_affix, b->steps[0].index_set = 2;
	b->pats[b->sets[2].first_pat].len = 0)
PRE(step_orphan, rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_RET, 0, 0, 0); rsb_step_end(b))
/* instructions */
PRE(op, b->insns[4].op = __VIGIL_OP_LAST)
PRE(insn_flags, b->insns[0].flags = 1)
PRE(match_num, b->insns[0].field = VIGIL_F_PROCESS_PID)
PRE(match_field0, b->insns[0].field = 0)
PRE(match_set, b->insns[0].arg = 4)
PRE(numcmp_str, b->insns[4].field = VIGIL_F_PROCESS_NAME)
PRE(numcmp_cmp, b->insns[4].cmp = __VIGIL_CMP_LAST)
PRE(match_cmp, b->insns[0].cmp = 1)
PRE(jump_past_end, b->insns[1].arg = 4)
PRE(jump_zero, b->insns[3].arg = 0)
PRE(const_arg, b->insns[9].arg = 2)
PRE(ret_arg, b->insns[10].arg = 1)
PRE(not_field, b->insns[10].field = VIGIL_F_PROCESS_NAME)
PRE(exists_arg, b->insns[7].arg = 1)
/* sets and patterns */
PRE(set_empty, b->sets[1].n_pats = 0)
PRE(set_range, b->sets[2].first_pat = 5)
PRE(pat_kind, b->pats[2].kind = __VIGIL_PAT_LAST)
PRE(pat_flags, b->pats[2].flags = 2)
PRE(pat_long, b->pats[2].len = VIGIL_RS_MAX_STR + 1)
POST(pat_strtab, PA(2).str = h->strtab_size - 1)
PRE(pat_unfolded, b->pats[1].str = rsb_str(b, "SH"))
POST(dfa_outside, PA(4).len += 4)
POST(dfa_truncated, PA(4).len = 8)
POST(dfa_states0, memset(DFA_AT(0), 0, 2))
POST(dfa_states_big, u16 n = VIGIL_DFA_MAX_STATES + 1; memcpy(DFA_AT(0), &n, 2))
POST(dfa_classes0, memset(DFA_AT(2), 0, 2))
POST(dfa_size, u16 n = 3; memcpy(DFA_AT(0), &n, 2))
POST(dfa_classmap, DFA_AT(4)['x'] = 2)
POST(dfa_accept, DFA_AT(sizeof(struct vigil_rs_dfa))[0] = 2)
POST(dfa_next, DFA_AT(sizeof(struct vigil_rs_dfa) + 2)[2] = 5)
/*
 * the work bound: 5 MATCHes of a set of 500 distinct patterns of 3500
 * bytes ("a" * (3500 - i) + "b" * i)
 */
static void rsb_m_cost(struct rsb *b, u8 *blob, u32 *len)
{
	static char big[4000];
	u32 i, set, off, st;

	if (blob)
		return;
	memset(big, 'a', 3500);
	memset(big + 3500, 'b', 500);
	off = rsb_bytes(b, big, sizeof(big));
	set = rsb_set_begin(b);
	for (i = 0; i < 500; i++) {
		b->pats[b->n_pats].kind = VIGIL_PAT_CONTAINS;
		b->pats[b->n_pats].str = off + i;
		b->pats[b->n_pats++].len = 3500;
	}
	rsb_set_end(b);
	st = rsb_step_begin(b, RSB_EXEC);
	for (i = 0; i < 5; i++)
		rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	rsb_rule(b, "costly", VIGIL_RULE_EVENT, st, 1);
}

/*
 * the index sets of all steps together: 20 steps indexed on one set of
 * 3302 names (runs of 1..127 of one letter, a..z), 66040 entries
 */
static void rsb_m_index_big(struct rsb *b, u8 *blob, u32 *len)
{
	static char run[127];
	u32 i, c, set, st, off;
	char id[8];

	if (blob)
		return;
	set = rsb_set_begin(b);
	for (c = 0; c < 26; c++) {
		memset(run, 'a' + c, sizeof(run));
		off = rsb_bytes(b, run, sizeof(run));
		for (i = 0; i < sizeof(run); i++) {
			b->pats[b->n_pats].kind = VIGIL_PAT_EXACT;
			b->pats[b->n_pats].str = off;
			b->pats[b->n_pats++].len = i + 1;
		}
	}
	rsb_set_end(b);
	for (i = 0; i < 20; i++) {
		st = rsb_step_begin(b, RSB_EXEC);
		rsb_insn(b, VIGIL_OP_CONST, 0, 0, 1);
		rsb_step_end(b);
		b->steps[st].index_field = VIGIL_F_PROCESS_NAME;
		b->steps[st].index_set = set;
		vg_snprintf(id, sizeof(id), "ix%u", i);
		rsb_rule(b, id, VIGIL_RULE_EVENT, st, 1);
	}
}

#define C(n, r) { #n, r, rsb_m_##n }
static const struct rsb_case rsb_cases[] = {
	C(short, "shorter than its header"),
	C(magic, "bad magic"),
	C(version, "version"),
	C(header_size, "header_size"),
	C(total_size, "total_size"),
	C(reserved, "reserved header"),
	C(misaligned, "aligned"),
	C(outside, "outside the blob"),
	C(overlap, "overlap"),
	C(padding, "padding"),
	C(trailing, "trailing"),
	C(too_many_rules, "too many rules"),
	C(id_chars, "rule: id not"),
	C(id_long, "rule: id not"),
	C(id_empty, "rule: id not"),
	C(id_dup, "duplicate id"),
	C(name_offset, "name not a string"),
	C(name_unterminated, "name not a string"),
	C(name_long, "name longer than VIGIL_RS_MAX_NAME"),
	C(threat_long, "threat longer than VIGIL_RS_MAX_THREAT"),
	C(rule_kind, "bad kind"),
	C(severity, "severity"),
	C(risk, "risk_score"),
	C(rule_flags, "rule: unknown flags"),
	C(rule_steps_range, "steps out of range"),
	C(step_shared, "shared"),
	C(seq_one_step, "2..8 steps"),
	C(seq_maxspan0, "maxspan out of range"),
	C(seq_maxspan_big, "maxspan out of range"),
	C(seq_by_mismatch, "by field count"),
	C(event_two_steps, "exactly one step"),
	C(maxspan_on_event, "maxspan on a non-sequence"),
	C(runs_on_event, "by/runs on a non-sequence"),
	C(terms_none, "1..3 terms"),
	C(terms_many, "1..3 terms"),
	C(terms_field, "bad term field"),
	C(terms_unused, "unused term field"),
	C(terms_window, "history window is zero"),
	C(terms_on_event, "terms on a non-new_terms"),
	C(step_no_insns, "bad instruction count"),
	C(step_insns_range, "instructions out of range"),
	C(kind_mask0, "kind_mask"),
	C(kind_mask_none_bit, "kind_mask"),
	C(kind_mask_high, "kind_mask"),
	C(runs0, "bad runs"),
	C(runs_big, "bad runs"),
	C(by_many, "too many by"),
	C(by_field, "bad by field"),
	C(by_unused, "unused by field"),
	C(step_reserved, "step: reserved"),
	C(index_num, "not a STR field"),
	C(index_array, "not a STR field"),
	C(index_set_range, "index_set out of range"),
	C(index_set_glob, "non-EXACT"),
	C(index_set_alone, "index_set without index_field"),
	C(index_set_empty_affix, "empty PREFIX/SUFFIX"),
	C(step_orphan, "not owned"),
	C(op, "bad opcode"),
	C(insn_flags, "insn: flags"),
	C(match_num, "MATCH on a NUM"),
	C(match_field0, "insn: bad field"),
	C(match_set, "MATCH set out of range"),
	C(numcmp_str, "NUMCMP on a non-NUM"),
	C(numcmp_cmp, "bad comparison"),
	C(match_cmp, "cmp not zero"),
	C(jump_past_end, "jump past end"),
	C(jump_zero, "jump by zero"),
	C(const_arg, "CONST arg"),
	C(ret_arg, "arg not zero"),
	C(not_field, "field not zero"),
	C(exists_arg, "EXISTS arg"),
	C(set_empty, "set: bad pattern count"),
	C(set_range, "set: patterns out of range"),
	C(pat_kind, "pattern: bad kind"),
	C(pat_flags, "pattern: unknown flags"),
	C(pat_long, "pattern too long"),
	C(pat_strtab, "outside the string table"),
	C(pat_unfolded, "not folded"),
	C(dfa_outside, "outside the dfa section"),
	C(dfa_truncated, "truncated"),
	C(dfa_states0, "n_states"),
	C(dfa_states_big, "n_states"),
	C(dfa_classes0, "n_classes"),
	C(dfa_size, "record size"),
	C(dfa_classmap, "class out of range"),
	C(dfa_accept, "accept flag"),
	C(dfa_next, "transition out of range"),
	C(cost, "work bound"),
	C(thr_value0, "threshold: value"),
	C(thr_value_big, "threshold: value"),
	C(thr_window0, "threshold: window"),
	C(thr_window_big, "threshold: window"),
	C(thr_card_big, "cardinality above"),
	C(thr_card_nofield, "cardinality value without field"),
	C(thr_card_novalue, "cardinality value without field"),
	C(thr_card_field, "bad cardinality field"),
	C(thr_fields_many, "too many fields"),
	C(thr_field_bad, "threshold: bad field"),
	C(thr_field_array, "group field is an ARRAY"),
	C(thr_field_twice, "field given twice"),
	C(thr_field_unused, "unused field not zero"),
	C(thr_reserved, "threshold: reserved"),
	C(thr_rule_range, "threshold: rule out of range"),
	C(thr_rule_kind, "not a threshold rule"),
	C(thr_missing, "without its threshold record"),
	C(thr_kind_only, "without its threshold record"),
	C(thr_order, "increasing rule order"),
	C(thr_count, "more threshold records than rules"),
	C(thr_outside, "section outside the blob"),
	C(index_big, "index sets hold too many patterns"),
};
/* clang-format on */
#undef C
#undef PRE
#undef POST
#undef RU
#undef ST
#undef IN
#undef PA
#undef DFA_AT

/*
 * Runs one case: builds the sample, corrupts it, validates.  @blob must
 * hold rsb_size() + 64 bytes.  Return: the reason, or NULL if accepted.
 */
static inline const char *rsb_case_run(const struct rsb_case *c, struct rsb *b,
				       u8 *blob)
{
	const char *why = NULL;
	u32 len;

	rsb_sample(b);
	c->fn(b, NULL, NULL);
	len = rsb_finish(b, blob, rsb_size(b));
	memset(blob + len, 0, 64);
	c->fn(b, blob, &len);
	if (!vigil_ruleset_validate(blob, len, &why))
		return NULL;
	return why;
}

#endif /* VIGIL_RS_CASES_H */
