/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vigil rule compiler: Elastic detection-rule TOML files (EQL and
 * KQL queries) and Sigma rules (YAML) -> one binary ruleset blob
 * (module/uapi/vigil.h).
 */
#ifndef VIGIL_COMPILER_H
#define VIGIL_COMPILER_H

#include <stddef.h>
#include <linux/types.h>

struct vigil_compiler;

/* Why a rule file was rejected. */
struct vigil_cerror {
	int line, col;		/* 1-based position in the file, 0 if none */
	char rule_id[80];	/* if known */
	char msg[256];
};

/* The classes of compile-time warning (compiler/feasible.c). */
enum vigil_cwarn_class {
	VIGIL_CWARN_NEVER_FIRES,	/* no event vigil produces matches */
	VIGIL_CWARN_EXCLUSION,		/* an exclusion can never apply */
	VIGIL_CWARN_NARROWED,		/* an ECS value matches less here */
	__VIGIL_CWARN_LAST
};

/**
 * struct vigil_cwarning - a warning about a rule that compiled
 * @cls: enum vigil_cwarn_class
 * @step: the sequence step it is about, 1-based; 0 for a single-event rule
 * @msg: what and why, without the class
 */
struct vigil_cwarning {
	int cls;
	int step;
	char msg[320];
};

#define VIGIL_CWARN_MAX 8

/**
 * struct vigil_cwarnings - the warnings about one rule
 * @n: warnings in @w
 * @dropped: warnings beyond VIGIL_CWARN_MAX, counted but not kept
 * @w: the warnings, in query order, step by step
 */
struct vigil_cwarnings {
	unsigned int n;
	unsigned int dropped;
	struct vigil_cwarning w[VIGIL_CWARN_MAX];
};

/* "never fires", "exclusion never applies", "narrowed" */
const char *vigil_cwarn_class_name(int cls);

struct vigil_compiler *vigil_compiler_new(void);
void vigil_compiler_free(struct vigil_compiler *c);

int vigil_compiler_add_buf(struct vigil_compiler *c, const char *buf,
			   size_t len, struct vigil_cerror *err);
int vigil_compiler_add_sigma_buf(struct vigil_compiler *c, const char *buf,
				 size_t len, struct vigil_cerror *err);
/* Sigma for *.yml and *.yaml, TOML otherwise. */
int vigil_compiler_add_file(struct vigil_compiler *c, const char *path,
			    struct vigil_cerror *err);
unsigned int vigil_compiler_count(const struct vigil_compiler *c);
/*
 * The warnings about the rule of the last vigil_compiler_add_*() call
 * (none when it was rejected).  Valid until the next call.
 */
const struct vigil_cwarnings *
vigil_compiler_warnings(const struct vigil_compiler *c);
int vigil_compiler_emit(struct vigil_compiler *c, void **blob, __u32 *len,
			struct vigil_cerror *err);

/*
 * Collects rule files: @path itself if it is a file, else every *.toml,
 * *.yml and *.yaml below it.  Appends malloc'ed paths to *@paths; the caller sorts.
 * Return: 0 or -errno.
 */
int vigil_compiler_collect(const char *path, char ***paths, size_t *n);
void vigil_compiler_paths_free(char **paths, size_t n);
int vigil_compiler_paths_sort(char **paths, size_t n);

/*
 * For vigilctl subcommands (cmd_compile.c): compiles files/directories
 * @args (sorted), prints the first rejection to stderr, validates the
 * result with the engine.  Return: 0 with a malloc'ed *@blob, or -1.
 */
int vigil_compile_paths(char **args, int nargs, void **blob, __u32 *len);

#include <stdio.h>
/* Prints a validated ruleset as text (compiler/dump.c). */
void vigil_ruleset_dump(FILE *f, const void *blob, __u32 len);

#endif
