// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler's public face: rule files in, one ruleset blob out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler.h"
#include "engine.h"
#include "rule.h"
#include "sigma.h"
#include "toml.h"

#define RULE_FILE_MAX (1U << 20)

struct vigil_compiler {
	struct codegen *g;
	struct vigil_cwarnings warn;	/* about the last rule added */
};

/**
 * vigil_compiler_new() - a compiler with no rules
 *
 * Return: the compiler or NULL (out of memory).
 */
struct vigil_compiler *vigil_compiler_new(void)
{
	struct vigil_compiler *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->g = codegen_new();
	if (!c->g) {
		free(c);
		return NULL;
	}
	return c;
}

/**
 * vigil_compiler_free() - free a compiler
 * @c: the compiler, or NULL
 */
void vigil_compiler_free(struct vigil_compiler *c)
{
	if (!c)
		return;
	codegen_free(c->g);
	free(c);
}

/**
 * vigil_compiler_count() - number of rules added
 * @c: the compiler
 *
 * Return: the count.
 */
unsigned int vigil_compiler_count(const struct vigil_compiler *c)
{
	return codegen_count(c->g);
}

/**
 * vigil_compiler_warnings() - the warnings about the rule added last
 * @c: the compiler
 *
 * Return: the warnings of the last vigil_compiler_add_*() call; none
 * when it failed.  Valid until the next call.
 */
const struct vigil_cwarnings *
vigil_compiler_warnings(const struct vigil_compiler *c)
{
	return &c->warn;
}

/**
 * vigil_compiler_add_buf() - compile one rule file held in memory
 * @c: the compiler
 * @buf: the TOML text
 * @len: its length
 * @err: why the rule was rejected
 *
 * Return: 0, or -EINVAL/-ENOMEM with @err set; @c is unchanged on error.
 */
int vigil_compiler_add_buf(struct vigil_compiler *c, const char *buf,
			   size_t len, struct vigil_cerror *err)
{
	struct toml_doc doc;
	struct toml_error te;
	struct crule r;
	struct cerr ce = { .off = -1 };
	int ret;

	memset(err, 0, sizeof(*err));
	memset(&c->warn, 0, sizeof(c->warn));
	ret = toml_parse(&doc, buf, len, &te);
	if (ret) {
		err->line = te.line;
		err->col = te.col;
		snprintf(err->msg, sizeof(err->msg), "%s", te.msg);
		return ret;
	}
	ret = crule_parse(&doc, &r, err);
	if (ret)
		goto out;
	if (codegen_add(c->g, &r, &ce)) {
		const struct toml_value *q =
			toml_get_path(doc.root, "rule.query");

		err->line = err->col = 0;
		if (q && ce.off >= 0)
			toml_str_pos(&doc, q, (size_t)ce.off, &err->line,
				     &err->col);
		snprintf(err->msg, sizeof(err->msg), "%s", ce.msg);
		ret = -EINVAL;
	} else {
		feasible_check(&r, &c->warn);
	}
	crule_free(&r);
out:
	toml_free(&doc);
	return ret;
}

/**
 * vigil_compiler_add_sigma_buf() - compile one Sigma rule held in memory
 * @c: the compiler
 * @buf: the YAML text
 * @len: its length
 * @err: why the rule was rejected
 *
 * Return: 0, or -EINVAL/-ENOMEM with @err set; @c is unchanged on error.
 */
int vigil_compiler_add_sigma_buf(struct vigil_compiler *c, const char *buf,
				 size_t len, struct vigil_cerror *err)
{
	return sigma_add(c->g, buf, len, err, &c->warn);
}

/**
 * vigil_compiler_add_file() - compile one rule file
 * @c: the compiler
 * @path: the file: a Sigma rule if it ends in .yml or .yaml, else TOML
 * @err: why it was rejected
 *
 * Return: 0 or -errno with @err set.
 */
int vigil_compiler_add_file(struct vigil_compiler *c, const char *path,
			    struct vigil_cerror *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int ret;

	memset(err, 0, sizeof(*err));
	memset(&c->warn, 0, sizeof(c->warn));
	if (!f) {
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s",
			 strerror(errno));
		return ret;
	}
	buf = malloc(RULE_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	n = fread(buf, 1, RULE_FILE_MAX + 1, f);
	if (ferror(f) || n > RULE_FILE_MAX) {
		snprintf(err->msg, sizeof(err->msg), ferror(f) ?
			 "read error" : "file larger than 1 MiB");
		ret = -EINVAL;
	} else if (sigma_path(path)) {
		ret = vigil_compiler_add_sigma_buf(c, buf, n, err);
	} else {
		ret = vigil_compiler_add_buf(c, buf, n, err);
	}
	free(buf);
	fclose(f);
	return ret;
}

/**
 * vigil_compiler_emit() - the ruleset blob of all rules added so far
 * @c: the compiler
 * @blob: set to a malloc'ed blob
 * @len: its size
 * @err: why not
 *
 * The blob goes through the kernel's validator (the engine's, built
 * here too) before it is returned.
 *
 * Return: 0, -E2BIG or -ENOMEM, or -EINVAL when the kernel would refuse
 * the blob: a limit of the whole ruleset, or a compiler bug when one rule
 * alone is refused.
 */
int vigil_compiler_emit(struct vigil_compiler *c, void **blob, __u32 *len,
			struct vigil_cerror *err)
{
	char reason[sizeof(err->msg) - 40];
	int ret = codegen_emit(c->g, blob, len);

	memset(err, 0, sizeof(*err));
	if (ret) {
		snprintf(err->msg, sizeof(err->msg), "%s",
			 ret == -E2BIG ? "ruleset larger than VIGIL_RS_MAX_SIZE" :
					 "out of memory");
		return ret;
	}
	/*
	 * Each rule compiled within the per-rule limits; limits on the
	 * whole ruleset (index-set patterns, cost, state memory) are the
	 * engine's, checked by the kernel's own validator.
	 */
	if (vigil_ruleset_validate_r(*blob, *len, reason, sizeof(reason))) {
		snprintf(err->msg, sizeof(err->msg),
			 "the kernel would refuse this ruleset: %s", reason);
		free(*blob);
		*blob = NULL;
		return -EINVAL;
	}
	return 0;
}

static int push_path(char ***paths, size_t *n, const char *p)
{
	char **np = realloc(*paths, (*n + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	*paths = np;
	np[*n] = strdup(p);
	if (!np[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int collect(const char *path, char ***paths, size_t *n, int depth,
		   bool top)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		size_t l = strlen(path);

		if (top || (l > 5 && !strcmp(path + l - 5, ".toml")) ||
		    sigma_path(path))
			return push_path(paths, n, path);
		return 0;
	}
	if (depth > 16)
		return -ELOOP;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
		ret = collect(sub, paths, n, depth + 1, false);
		free(sub);
	}
	closedir(d);
	return ret;
}

/**
 * vigil_compiler_collect() - find rule files
 * @path: a file (taken as is) or a directory (every *.toml, *.yml and
 *        *.yaml below it)
 * @paths: array to append malloc'ed paths to
 * @n: its length
 *
 * Return: 0 or -errno.
 */
int vigil_compiler_collect(const char *path, char ***paths, size_t *n)
{
	return collect(path, paths, n, 0, true);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * vigil_compiler_paths_sort() - sort paths bytewise, for stable output
 * @paths: the paths
 * @n: how many
 *
 * Return: 0.
 */
int vigil_compiler_paths_sort(char **paths, size_t n)
{
	if (n)
		qsort(paths, n, sizeof(*paths), cmp_path);
	return 0;
}

/**
 * vigil_compiler_paths_free() - free what vigil_compiler_collect() made
 * @paths: the paths
 * @n: how many
 */
void vigil_compiler_paths_free(char **paths, size_t n)
{
	while (n--)
		free(paths[n]);
	free(paths);
}
