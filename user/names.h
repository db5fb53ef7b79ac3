/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words vigilctl reads and prints for a rule's description, once
 * for the compiler and every subcommand: severity and rule-kind names
 * and the rule_id syntax (module/uapi/vigil.h).  The kernel keeps its
 * own: sysfs one table, the engine's validator one check.
 */
#ifndef VIGIL_NAMES_H
#define VIGIL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* "low" .. "critical" for enum vigil_severity; NULL if out of range. */
const char *vigil_severity_name(unsigned int severity);
/* Return: the enum vigil_severity named @s, or -1. */
int vigil_severity_parse(const char *s);
/* "event", "sequence", "new_terms" for enum vigil_rule_kind, or NULL. */
const char *vigil_rule_kind_name(unsigned int kind);
/* Is @s[0..@len) a rule_id: 1..VIGIL_RULE_ID_MAX of [A-Za-z0-9_.-]? */
bool vigil_rule_id_ok(const char *s, size_t len);

#endif
