// SPDX-License-Identifier: GPL-2.0
/*
 * Human-readable listing of a ruleset blob (vigilctl compile --dump),
 * for debugging and tests.  The blob must have passed validation.
 */
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "compiler.h"
#include "ip.h"

static const char *const op_names[] = {
	"match", "exists", "numcmp", "not", "const", "jf", "jt", "ret",
};
static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };
static const char *const pat_names[] = {
	[VIGIL_PAT_EXACT] = "exact",   [VIGIL_PAT_PREFIX] = "prefix",
	[VIGIL_PAT_SUFFIX] = "suffix", [VIGIL_PAT_CONTAINS] = "contains",
	[VIGIL_PAT_GLOB] = "glob",     [VIGIL_PAT_REGEX] = "regex",
	[VIGIL_PAT_CIDR] = "cidr",
};

static void put_set(FILE *f, const char *b, const struct vigil_rs_header *h,
		    __u32 set)
{
	const struct vigil_rs_set *s =
		(const void *)(b + h->sets_off) + set * sizeof(*s);
	const struct vigil_rs_pat *p =
		(const void *)(b + h->pats_off);
	__u32 i;

	for (i = 0; i < s->n_pats; i++) {
		const struct vigil_rs_pat *pp = &p[s->first_pat + i];

		fprintf(f, "%s%s%s", i ? ", " : "", pat_names[pp->kind],
			pp->flags & VIGIL_PAT_F_NOCASE ? "~" : "");
		if (pp->kind == VIGIL_PAT_REGEX) {
			fprintf(f, "(dfa@%u)", pp->str);
		} else if (pp->kind == VIGIL_PAT_CIDR) {
			char c[VIGIL_CIDR_TEXT];

			vigil_cidr_format((const unsigned char *)b +
						  h->strtab_off + pp->str,
					  c, sizeof(c));
			fprintf(f, "\"%s\"", c);
		} else {
			fprintf(f, "\"%.*s\"", pp->len,
				b + h->strtab_off + pp->str);
		}
	}
}

/**
 * vigil_ruleset_dump() - print a validated ruleset
 * @f: the stream
 * @blob: the blob
 * @len: its size
 */
void vigil_ruleset_dump(FILE *f, const void *blob, __u32 len)
{
	const char *b = blob;
	struct vigil_rs_header h;
	__u32 r, s, i;

	if (len < sizeof(h))
		return;
	memcpy(&h, b, sizeof(h));
	for (r = 0; r < h.n_rules; r++) {
		const struct vigil_rs_rule *ru =
			(const void *)(b + h.rules_off) + r * sizeof(*ru);

		fprintf(f, "rule %u %s kind=%u sev=%u risk=%u steps=%u maxspan_ms=%u window_s=%u terms=",
			r, b + h.strtab_off + ru->id_str, ru->kind,
			ru->severity, ru->risk_score, ru->n_steps,
			ru->maxspan_ms, ru->history_window_s);
		for (i = 0; i < ru->n_terms; i++)
			fprintf(f, "%s%s", i ? "," : "",
				field_name(ru->term_fields[i]));
		fputc('\n', f);
		for (s = 0; s < ru->n_steps; s++) {
			const struct vigil_rs_step *st =
				(const void *)(b + h.steps_off) +
				(ru->first_step + s) * sizeof(*st);

			fprintf(f, " step %u mask=0x%x runs=%u by=", s,
				st->kind_mask, st->runs);
			for (i = 0; i < st->n_by; i++)
				fprintf(f, "%s%s", i ? "," : "",
					field_name(st->by_fields[i]));
			if (st->index_field) {
				fprintf(f, " index=%s{",
					field_name(st->index_field));
				put_set(f, b, &h, st->index_set);
				fputc('}', f);
			}
			fputc('\n', f);
			for (i = 0; i < st->n_insns; i++) {
				const struct vigil_rs_insn *in =
					(const void *)(b + h.insns_off) +
					(st->first_insn + i) * sizeof(*in);

				fprintf(f, "  %3u %s", i, op_names[in->op]);
				switch (in->op) {
				case VIGIL_OP_MATCH:
					fprintf(f, " %s {", field_name(in->field));
					put_set(f, b, &h, in->arg);
					fputc('}', f);
					break;
				case VIGIL_OP_EXISTS:
					fprintf(f, " %s", field_name(in->field));
					break;
				case VIGIL_OP_NUMCMP:
					fprintf(f, " %s %s %u",
						field_name(in->field),
						cmp_names[in->cmp], in->arg);
					break;
				case VIGIL_OP_CONST:
				case VIGIL_OP_JF:
				case VIGIL_OP_JT:
					fprintf(f, " %u", in->arg);
					break;
				}
				fputc('\n', f);
			}
		}
	}
}
