// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl terms export FILE | terms import FILE
 *
 * Carries the learned history of new_terms rules across a reboot or a
 * module reload.  FILE ("-" is stdin/stdout) is text, one term a line:
 *
 *   # comment
 *   RULE_ID HASH LAST_SEEN
 *
 * RULE_ID is the rule's rule_id, HASH the 64-bit hash of the term tuple
 * in hexadecimal (1 to 16 digits, as the engine computes it), LAST_SEEN
 * when it was last seen, in nanoseconds since the epoch (decimal).  Blank
 * lines and lines starting with '#' are ignored.
 *
 * Import checks the whole file and that every rule it names is loaded
 * and is a new_terms rule before it sends anything.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_json.h"
#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"

#define TERMS_PER_MSG	1000
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct term {
	char rule[VIGIL_RULE_ID_MAX + 1];
	uint64_t hash, last_seen;
};

/* ---------------- export ---------------- */

static int export_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1], *a;
	FILE *f = ctx;
	const void *payload;
	const char *id;
	size_t len, rem;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0)
		return 0;
	id = vigil_nla_str(tb[VIGIL_A_RULE_ID]);
	if (!id)
		return 0;
	payload = vigil_nl_payload(nlh, &len);
	vigil_nla_for_each(a, payload, len, rem) {
		const struct nlattr *t[VIGIL_TA_MAX + 1];
		uint64_t hash, last;

		if ((a->nla_type & NLA_TYPE_MASK) != VIGIL_A_TERM ||
		    vigil_nl_parse(vigil_nla_data(a), vigil_nla_len(a), t,
				   VIGIL_TA_MAX) < 0 ||
		    vigil_nla_u64(t[VIGIL_TA_HASH], &hash) ||
		    vigil_nla_u64(t[VIGIL_TA_LAST_SEEN], &last))
			continue;
		fprintf(f, "%s %016llx %llu\n", id, (unsigned long long)hash,
			(unsigned long long)last);
	}
	return 0;
}

static int terms_export(const char *path)
{
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	FILE *f;
	int err;

	if (vigil_nl_open(&nl))
		return 1;
	f = strcmp(path, "-") ? fopen(path, "we") : stdout;
	if (!f) {
		fprintf(stderr, "%s terms export: %s: %s\n", prog, path,
			strerror(errno));
		vigil_nl_close(&nl);
		return 1;
	}
	fprintf(f, "# vigil new_terms history: rule_id hash_hex last_seen_ns\n");
	vigil_nl_msg_init(&m, &nl, VIGIL_CMD_TERMS_EXPORT, NLM_F_DUMP);
	err = vigil_nl_talk(&nl, &m, export_cb, f);
	vigil_nl_msg_free(&m);
	if (err)
		vigil_nl_perror(&nl, "terms export", err);
	vigil_nl_close(&nl);
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "%s terms export: %s: write error\n", prog,
			path);
		err = -EIO;
	}
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "%s terms export: %s: %s\n", prog, path,
			strerror(errno));
		err = -EIO;
	}
	return err ? 1 : 0;
}

/* ---------------- import ---------------- */

static int parse_line(char *line, struct term *t)
{
	char *id, *hash, *last, *end, *save;

	id = strtok_r(line, " \t", &save);
	hash = strtok_r(NULL, " \t", &save);
	last = strtok_r(NULL, " \t", &save);
	if (!id || !hash || !last || strtok_r(NULL, " \t", &save))
		return -1;
	if (!vigil_rule_id_ok(id, strlen(id)))
		return -2;
	if (strlen(hash) > 16 || !isxdigit((unsigned char)hash[0]))
		return -3;
	errno = 0;
	t->hash = strtoull(hash, &end, 16);
	if (errno || *end)
		return -3;
	if (!isdigit((unsigned char)last[0]))
		return -4;
	errno = 0;
	t->last_seen = strtoull(last, &end, 10);
	if (errno || *end)
		return -4;
	strcpy(t->rule, id);
	return 0;
}

static const char *const parse_errors[] = {
	"", "expected \"rule_id hash_hex last_seen_ns\"",
	"invalid rule_id (1 to " STR(VIGIL_RULE_ID_MAX) " of [A-Za-z0-9_.-])",
	"invalid hash (1 to 16 hexadecimal digits)",
	"invalid last_seen (decimal nanoseconds)",
};

static int read_terms(const char *path, struct term **out, size_t *n_out)
{
	struct term *terms = NULL, *p;
	size_t n = 0, cap = 0, lcap = 0;
	char *line = NULL;
	unsigned int lineno = 0;
	ssize_t len;
	FILE *f;
	int err;

	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		fprintf(stderr, "%s terms import: %s: %s\n", prog, path,
			strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &lcap, f)) >= 0) {
		char *s = line;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if ((size_t)len != strlen(line)) {
			fprintf(stderr, "%s:%u: NUL byte in line\n", path,
				lineno);
			goto err;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			p = realloc(terms, cap * sizeof(*terms));
			if (!p) {
				fprintf(stderr, "%s terms import: out of memory\n",
					prog);
				goto err;
			}
			terms = p;
		}
		err = parse_line(s, &terms[n]);
		if (err) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno,
				parse_errors[-err]);
			goto err;
		}
		n++;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s terms import: %s: read error\n", prog, path);
		goto err;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	*out = terms;
	*n_out = n;
	return 0;
err:
	free(line);
	free(terms);
	if (f != stdin)
		fclose(f);
	return -1;
}

struct known_rules {
	char (*id)[VIGIL_RULE_ID_MAX + 1];
	uint8_t *kind;
	size_t n, cap;
	bool oom;
};

static int known_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1];
	struct known_rules *k = ctx;
	struct vigil_rule_desc r;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 ||
	    vigil_rule_decode(tb[VIGIL_A_RULE], &r) ||
	    strlen(r.id) > VIGIL_RULE_ID_MAX)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		void *a = realloc(k->id, cap * sizeof(*k->id));
		void *b;

		if (a)
			k->id = a;
		b = a ? realloc(k->kind, cap) : NULL;
		if (!b) {
			k->oom = true;
			return 1;
		}
		k->kind = b;
		k->cap = cap;
	}
	strcpy(k->id[k->n], r.id);
	k->kind[k->n] = r.kind;
	k->n++;
	return 0;
}

static int known_kind(const struct known_rules *k, const char *id)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->id[i], id))
			return k->kind[i];
	return -1;
}

static int send_terms(struct vigil_nl *nl, const struct term *t, size_t n)
{
	struct vigil_nl_msg m;
	size_t i, nest;
	int err;

	vigil_nl_msg_init(&m, nl, VIGIL_CMD_TERMS_IMPORT, 0);
	vigil_nl_put_str(&m, VIGIL_A_RULE_ID, t[0].rule);
	for (i = 0; i < n; i++) {
		nest = vigil_nl_nest_start(&m, VIGIL_A_TERM);
		vigil_nl_put_u64(&m, VIGIL_TA_HASH, t[i].hash);
		vigil_nl_put_u64(&m, VIGIL_TA_LAST_SEEN, t[i].last_seen);
		vigil_nl_nest_end(&m, nest);
	}
	err = vigil_nl_talk(nl, &m, NULL, NULL);
	vigil_nl_msg_free(&m);
	return err;
}

static int terms_import(const char *path)
{
	struct known_rules known = { 0 };
	struct term *terms = NULL;
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	size_t n = 0, i, j;
	int err, ret = 1;

	if (read_terms(path, &terms, &n))
		return 1;
	if (vigil_nl_open(&nl))
		goto out_free;
	vigil_nl_msg_init(&m, &nl, VIGIL_CMD_LIST, NLM_F_DUMP);
	err = vigil_nl_talk(&nl, &m, known_cb, &known);
	vigil_nl_msg_free(&m);
	if (err) {
		vigil_nl_perror(&nl, "terms import", err);
		goto out_close;
	}
	if (known.oom) {
		fprintf(stderr, "%s terms import: out of memory\n", prog);
		goto out_close;
	}
	for (i = 0; i < n; i++) {
		int kind = known_kind(&known, terms[i].rule);

		if (kind < 0) {
			fprintf(stderr, "%s terms import: %s: no loaded rule has rule_id \"%s\"; nothing imported\n",
				prog, path, terms[i].rule);
			goto out_close;
		}
		if (kind != VIGIL_RULE_NEW_TERMS) {
			fprintf(stderr, "%s terms import: %s: rule \"%s\" is not a new_terms rule; nothing imported\n",
				prog, path, terms[i].rule);
			goto out_close;
		}
	}
	/* Runs of the same rule, at most TERMS_PER_MSG terms a message. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && j - i < TERMS_PER_MSG &&
		     !strcmp(terms[j].rule, terms[i].rule); j++)
			;
		err = send_terms(&nl, terms + i, j - i);
		if (err) {
			vigil_nl_perror(&nl, "terms import", err);
			goto out_close;
		}
	}
	ret = 0;
out_close:
	vigil_nl_close(&nl);
out_free:
	free(known.id);
	free(known.kind);
	free(terms);
	return ret;
}

int terms_main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "export"))
		return terms_export(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "import"))
		return terms_import(argv[2]);
	fprintf(stderr, "Usage: %s terms export FILE\n       %s terms import FILE\n",
		prog, prog);
	return 1;
}
