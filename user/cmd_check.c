// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl check [--keep-going] [--json] PATH...
 *
 * Compiles every rule file offline and reports each rejection as
 * "file:line:col: reason" (or one JSON object per file), then
 * "compiled N, rejected M".  The resulting ruleset is also run through
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

static void print_json(const char *file, const struct vigil_cerror *e,
		       bool ok)
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
	}
	vigil_outbuf_put(&b, "}\n", 2);
	if (b.oom)
		fprintf(stderr, "%s check: out of memory\n", prog);
	else
		vigil_outbuf_fwrite(&b, stdout);
	vigil_outbuf_free(&b);
}

/* Compiles @paths into @c, printing rejections.  Return: rejected count. */
static unsigned int check_paths(struct vigil_compiler *c, char **paths,
				size_t n, bool json)
{
	unsigned int rejected = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct vigil_cerror e;
		int ret = vigil_compiler_add_file(c, paths[i], &e);

		if (json) {
			print_json(paths[i], &e, !ret);
		} else if (ret) {
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
	char **paths = NULL, reason[256];
	size_t n = 0;
	unsigned int rejected, compiled;
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
	rejected = check_paths(c, paths, n, json);
	compiled = vigil_compiler_count(c);
	if (vigil_compiler_emit(c, &blob, &len, &e)) {
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		goto out;
	}
	if (vigil_ruleset_validate_r(blob, len, reason, sizeof(reason))) {
		fprintf(stderr,
			"%s: compiler bug: the engine rejects the ruleset: %s\n",
			prog, reason);
		goto out;
	}
	fprintf(json ? stderr : stdout, "compiled %u, rejected %u\n",
		compiled, rejected);
	ret = keep || !rejected ? 0 : 1;
out:
	free(blob);
	vigil_compiler_free(c);
	vigil_compiler_paths_free(paths, n);
	return ret;
}
