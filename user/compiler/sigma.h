/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Sigma front end: one Sigma rule (YAML) -> struct crule -> codegen.
 * Documentation/rule-language.rst, "Sigma rules", says what is accepted.
 */
#ifndef VIGIL_SIGMA_H
#define VIGIL_SIGMA_H

#include <stdbool.h>
#include <stddef.h>

struct codegen;
struct vigil_cerror;
struct vigil_cwarnings;

/* Is @path a Sigma rule file name (*.yml, *.yaml)? */
bool sigma_path(const char *path);

/*
 * Compiles the Sigma rule in @buf and adds it to @g.
 * Return: 0, or -EINVAL/-ENOMEM with @err set (line:col of the YAML node
 * at fault); @g is unchanged on error.
 */
int sigma_add(struct codegen *g, const char *buf, size_t len,
	      struct vigil_cerror *err, struct vigil_cwarnings *w);

#endif
