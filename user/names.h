/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words vigilctl reads and prints for a rule's description, once
 * for the compiler and every subcommand: severity and rule-kind names
 * (enum vigil_severity, enum vigil_rule_kind).  sysfs keeps the kernel's
 * table.  The rule_id syntax is the engine's, vigil_rule_id_ok().
 */
#ifndef VIGIL_NAMES_H
#define VIGIL_NAMES_H

/* "low" .. "critical" for enum vigil_severity; NULL if out of range. */
const char *vigil_severity_name(unsigned int severity);
/* Return: the enum vigil_severity named @s, or -1. */
int vigil_severity_parse(const char *s);
/* "event", "sequence", "new_terms" for enum vigil_rule_kind, or NULL. */
const char *vigil_rule_kind_name(unsigned int kind);

#endif
