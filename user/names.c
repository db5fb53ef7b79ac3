// SPDX-License-Identifier: GPL-2.0
/*
 * Severity and rule-kind names (names.h).
 */
#include <string.h>
#include <linux/types.h>

#include "names.h"
#include "uapi/vigil.h"

static const char *const severity_names[__VIGIL_SEV_LAST] = {
	[VIGIL_SEV_LOW] = "low",
	[VIGIL_SEV_MEDIUM] = "medium",
	[VIGIL_SEV_HIGH] = "high",
	[VIGIL_SEV_CRITICAL] = "critical",
};

static const char *const kind_names[__VIGIL_RULE_KIND_LAST] = {
	[VIGIL_RULE_EVENT] = "event",
	[VIGIL_RULE_SEQUENCE] = "sequence",
	[VIGIL_RULE_NEW_TERMS] = "new_terms",
	[VIGIL_RULE_THRESHOLD] = "threshold",
};

const char *vigil_severity_name(unsigned int severity)
{
	return severity < __VIGIL_SEV_LAST ? severity_names[severity] : NULL;
}

int vigil_severity_parse(const char *s)
{
	int i;

	for (i = 0; i < __VIGIL_SEV_LAST; i++)
		if (!strcmp(s, severity_names[i]))
			return i;
	return -1;
}

const char *vigil_rule_kind_name(unsigned int kind)
{
	return kind < __VIGIL_RULE_KIND_LAST ? kind_names[kind] : NULL;
}
