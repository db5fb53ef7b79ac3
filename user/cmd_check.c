// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl check [--keep-going] [--json] PATH...
 *
 * Compiles every rule file offline and reports each rejection as
 * "file:line:col: reason", and each warning about a rule that compiled
 * (compiler/feasible.c) as "file: warning: class: reason" (or one JSON
 * object per file, and one of file null for a ruleset refused whole),
 * then "compiled N, rejected M, warnings W".  The
 * resulting ruleset is also run through
 * the engine's validator: a rule the kernel would refuse is a compiler
 * bug and fails the check.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compiler.h"
#include "engine.h"
#include "json.h"
#include "vigilctl.h"

/*
 * vigilctl.c defines prog; unit tests link the subcommand files without
 * it, so they get this weak fallback.
 */
__attribute__((weak)) const char *prog = "vigilctl";

static void usage(void)
{
	fprintf(stderr, "Usage: %s check [--keep-going] [--json] PATH...\n",
		prog);
}

static void json_warnings(struct vigil_outbuf *b,
			  const struct vigil_cwarnings *w)
{
	unsigned int i;

	if (!w->n)
		return;
	json_buf_key(b, "warnings");
	vigil_outbuf_putc(b, '[');
	for (i = 0; i < w->n; i++) {
		vigil_outbuf_put(b, i ? ",{" : "{", i ? 2 : 1);
		json_buf_member_cstr(b, "class",
				     vigil_cwarn_class_name(w->w[i].cls));
		json_buf_member_u64(b, "step", (unsigned int)w->w[i].step);
		json_buf_member_cstr(b, "message", w->w[i].msg);
		vigil_outbuf_putc(b, '}');
	}
	vigil_outbuf_putc(b, ']');
	if (w->dropped)
		json_buf_member_u64(b, "warnings_dropped", w->dropped);
}

static void print_json(const char *file, const struct vigil_cerror *e,
		       const struct vigil_cwarnings *w, bool ok)
{
	struct vigil_outbuf b = {};

	vigil_outbuf_putc(&b, '{');
	json_buf_member_cstr(&b, "file", file);
	json_buf_member_cstr(&b, "rule_id", e->rule_id[0] ? e->rule_id : NULL);
	json_buf_member_bool(&b, "ok", ok);
	if (!ok) {
		json_buf_member_cstr(&b, "error", e->msg);
		json_buf_member_u64(&b, "line", (unsigned int)e->line);
		json_buf_member_u64(&b, "col", (unsigned int)e->col);
	} else {
		json_warnings(&b, w);
	}
	vigil_outbuf_put(&b, "}\n", 2);
	if (b.oom)
		fprintf(stderr, "%s check: out of memory\n", prog);
	else
		vigil_outbuf_fwrite(&b, stdout);
	vigil_outbuf_free(&b);
}

static void print_warnings(const char *file, const struct vigil_cwarnings *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		printf("%s: warning: ", file);
		if (w->w[i].step)
			printf("sequence step %d: ", w->w[i].step);
		printf("%s: %s\n", vigil_cwarn_class_name(w->w[i].cls),
		       w->w[i].msg);
	}
	if (w->dropped)
		printf("%s: warning: %u more warnings not shown\n", file,
		       w->dropped);
}

/*
 * Compiles @paths into @c, printing rejections and warnings.  Return:
 * rejected count; *@warnings is the number of warnings.
 */
static unsigned int check_paths(struct vigil_compiler *c, char **paths,
				size_t n, bool json, unsigned int *warnings)
{
	unsigned int rejected = 0;
	size_t i;

	*warnings = 0;
	for (i = 0; i < n; i++) {
		struct vigil_cerror e;
		int ret = vigil_compiler_add_file(c, paths[i], &e);
		const struct vigil_cwarnings *w = vigil_compiler_warnings(c);

		*warnings += w->n + w->dropped;
		if (json) {
			print_json(paths[i], &e, w, !ret);
		} else if (!ret) {
			print_warnings(paths[i], w);
		} else {
			if (e.line)
				printf("%s:%d:%d: %s\n", paths[i], e.line,
				       e.col, e.msg);
			else
				printf("%s: %s\n", paths[i], e.msg);
		}
		if (ret)
			rejected++;
	}
	return rejected;
}

int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-going", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool keep = false, json = false;
	struct vigil_compiler *c = NULL;
	char **paths = NULL;
	size_t n = 0;
	unsigned int rejected, compiled, warnings;
	struct vigil_cerror e;
	void *blob = NULL;
	__u32 len;
	int opt, i, ret = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "kjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'k': keep = true; break;
		case 'j': json = true; break;
		default: usage(); return opt == 'h' ? 0 : 1;
		}
	}
	if (optind >= argc) {
		usage();
		return 1;
	}
	for (i = optind; i < argc; i++) {
		int r = vigil_compiler_collect(argv[i], &paths, &n);

		if (r) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[i],
				strerror(-r));
			goto out;
		}
	}
	vigil_compiler_paths_sort(paths, n);
	c = vigil_compiler_new();
	if (!c) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	rejected = check_paths(c, paths, n, json, &warnings);
	compiled = vigil_compiler_count(c);
	if (vigil_compiler_emit(c, &blob, &len, &e)) {
		/* the whole ruleset refused: in JSON, an object of no file */
		if (json)
			print_json(NULL, &e, NULL, false);
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		goto out;
	}
	fprintf(json ? stderr : stdout, "compiled %u, rejected %u, warnings %u\n",
		compiled, rejected, warnings);
	ret = keep || !rejected ? 0 : 1;
out:
	free(blob);
	vigil_compiler_free(c);
	vigil_compiler_paths_free(paths, n);
	return ret;
}
