// SPDX-License-Identifier: GPL-2.0
/*
 * Field names for the rule languages.  The engine's field table
 * (module/engine/event.c: vigil_field_name(), vigil_field_type()) is the
 * only list of fields: a field added there can be named in rules at
 * once.  This file adds what only the compiler needs: ECS aliases that
 * name the same engine field, and the fields whose value is the same for
 * every event (host.os.type), which are folded to constants.
 * Documentation/fields.rst describes each field.
 */
#include <string.h>

#include "ast.h"
#include "internal.h"

/*
 * Engine fields a rule cannot name: vigil's own bookkeeping.  Rules name
 * the event kind by event.category, event.type and event.action.
 */
#define NOT_NAMED ((1ULL << VIGIL_F_UNSPEC) | (1ULL << VIGIL_F_EVENT_KIND) | \
		   (1ULL << VIGIL_F_EVENT_FLAGS))

/* Other ECS names of an engine field; the type is the engine's. */
static struct field_info aliases[] = {
	{ "process.user.id", VIGIL_F_USER_ID },
	{ "user.effective.id", VIGIL_F_USER_ID },
	{ "process.real_user.id", VIGIL_F_USER_REAL_ID },
	{ "process.group.id", VIGIL_F_GROUP_ID },
	{ "process.real_group.id", VIGIL_F_GROUP_REAL_ID },
	/* names, resolved to uids when the rule is compiled (users.c) */
	{ "user.name", VIGIL_F_USER_ID, .by_name = true },
	{ "process.user.name", VIGIL_F_USER_ID, .by_name = true },
};

/* The engine's fields as struct field_info, filled on first use. */
static struct field_info canon[__VIGIL_F_LAST];

/*
 * The string vigil_event_set_kind() gives field @f whatever the kind,
 * or NULL when @f is not one of its fields or varies with the kind.
 */
static const char *kind_constant(__u8 f)
{
	const char *v = NULL, *s;
	u32 i, k, len;

	for (i = 0; i < VIGIL_KIND_NF; i++) {
		if (vigil_kind_fields[i] != f)
			continue;
		for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++) {
			s = vigil_kind_value(k, i, &len);
			if (v && strcmp(v, s))
				return NULL;
			v = s;
		}
	}
	return v;
}

static bool nameable(__u8 f)
{
	return f < __VIGIL_F_LAST && f < 64 && !(NOT_NAMED & (1ULL << f)) &&
	       vigil_field_name(f) && !kind_constant(f);
}

/*
 * Resolves an ECS name (the engine's or an alias) to a field that rules
 * may name.  Return: its info, or NULL.
 */
const struct field_info *field_lookup(const char *name)
{
	size_t i;
	__u8 f;

	for (f = 0; f < __VIGIL_F_LAST; f++) {
		if (!nameable(f) || strcmp(vigil_field_name(f), name))
			continue;
		canon[f].name = vigil_field_name(f);
		canon[f].field = f;
		canon[f].type = vigil_field_type(f);
		return &canon[f];
	}
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].name, name))
			continue;
		aliases[i].type = vigil_field_type(aliases[i].field);
		return &aliases[i];
	}
	return NULL;
}

/*
 * The @i-th other ECS name of @field (0, 1, ...), or NULL past the last:
 * the names that resolve to the same engine field with the same values
 * (not user.name, whose values are names).
 */
const char *field_alias(__u8 field, unsigned int i)
{
	size_t j;

	for (j = 0; j < ARRAY_SIZE(aliases); j++)
		if (aliases[j].field == field && !aliases[j].by_name && !i--)
			return aliases[j].name;
	return NULL;
}

/* The canonical ECS name of @field (rule dumps, messages), or NULL. */
const char *field_name(__u8 field)
{
	return vigil_field_name(field);
}

__u8 field_type(__u8 field)
{
	return vigil_field_type(field);
}

const struct field_info *field_resolve(const char *name, int off,
				       const char **cval, struct cerr *e)
{
	const struct field_info *f = field_lookup(name);
	__u8 i;

	*cval = NULL;
	if (f)
		return f;
	for (i = 0; i < __VIGIL_F_LAST; i++) {
		if (vigil_field_name(i) && !strcmp(vigil_field_name(i), name) &&
		    kind_constant(i)) {
			*cval = kind_constant(i);
			return NULL;
		}
	}
	cerr_set(e, off, "field '%s' is not available in kernel events", name);
	return NULL;
}
