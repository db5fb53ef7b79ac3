// SPDX-License-Identifier: GPL-2.0
/*
 * ECS field names -> enum vigil_field, with aliases, and the constant
 * host.os.type.  Documentation/fields.rst describes each field.
 */
#include <string.h>

#include "ast.h"

static const struct field_info fields[] = {
	{ "@timestamp", VIGIL_F_TIMESTAMP, VIGIL_FT_NUM },
	{ "event.category", VIGIL_F_EVENT_CATEGORY, VIGIL_FT_STR },
	{ "event.type", VIGIL_F_EVENT_TYPE, VIGIL_FT_STR },
	{ "event.action", VIGIL_F_EVENT_ACTION, VIGIL_FT_STR },
	{ "process.name", VIGIL_F_PROCESS_NAME, VIGIL_FT_STR },
	{ "process.executable", VIGIL_F_PROCESS_EXECUTABLE, VIGIL_FT_STR },
	{ "process.args", VIGIL_F_PROCESS_ARGS, VIGIL_FT_ARRAY },
	{ "process.args_count", VIGIL_F_PROCESS_ARGS_COUNT, VIGIL_FT_NUM },
	{ "process.command_line", VIGIL_F_PROCESS_COMMAND_LINE, VIGIL_FT_STR },
	{ "process.pid", VIGIL_F_PROCESS_PID, VIGIL_FT_NUM },
	{ "process.entity_id", VIGIL_F_PROCESS_ENTITY_ID, VIGIL_FT_STR },
	{ "process.working_directory", VIGIL_F_PROCESS_WORKING_DIRECTORY,
	  VIGIL_FT_STR },
	{ "process.parent.name", VIGIL_F_PARENT_NAME, VIGIL_FT_STR },
	{ "process.parent.executable", VIGIL_F_PARENT_EXECUTABLE, VIGIL_FT_STR },
	{ "process.parent.args", VIGIL_F_PARENT_ARGS, VIGIL_FT_ARRAY },
	{ "process.parent.args_count", VIGIL_F_PARENT_ARGS_COUNT, VIGIL_FT_NUM },
	{ "process.parent.command_line", VIGIL_F_PARENT_COMMAND_LINE,
	  VIGIL_FT_STR },
	{ "process.parent.pid", VIGIL_F_PARENT_PID, VIGIL_FT_NUM },
	{ "process.parent.entity_id", VIGIL_F_PARENT_ENTITY_ID, VIGIL_FT_STR },
	{ "process.parent.user.id", VIGIL_F_PARENT_USER_ID, VIGIL_FT_NUM },
	{ "process.parent.group.id", VIGIL_F_PARENT_GROUP_ID, VIGIL_FT_NUM },
	{ "user.id", VIGIL_F_USER_ID, VIGIL_FT_NUM },
	{ "process.user.id", VIGIL_F_USER_ID, VIGIL_FT_NUM },
	{ "user.effective.id", VIGIL_F_USER_ID, VIGIL_FT_NUM },
	{ "user.Ext.real.id", VIGIL_F_USER_REAL_ID, VIGIL_FT_NUM },
	{ "process.real_user.id", VIGIL_F_USER_REAL_ID, VIGIL_FT_NUM },
	{ "group.id", VIGIL_F_GROUP_ID, VIGIL_FT_NUM },
	{ "process.group.id", VIGIL_F_GROUP_ID, VIGIL_FT_NUM },
	{ "group.Ext.real.id", VIGIL_F_GROUP_REAL_ID, VIGIL_FT_NUM },
	{ "process.real_group.id", VIGIL_F_GROUP_REAL_ID, VIGIL_FT_NUM },
	{ "file.path", VIGIL_F_FILE_PATH, VIGIL_FT_STR },
	{ "file.name", VIGIL_F_FILE_NAME, VIGIL_FT_STR },
	{ "file.extension", VIGIL_F_FILE_EXTENSION, VIGIL_FT_STR },
	{ "file.directory", VIGIL_F_FILE_DIRECTORY, VIGIL_FT_STR },
	{ "file.target_path", VIGIL_F_FILE_TARGET_PATH, VIGIL_FT_STR },
	{ "file.Ext.original.path", VIGIL_F_FILE_ORIG_PATH, VIGIL_FT_STR },
	{ "file.Ext.original.name", VIGIL_F_FILE_ORIG_NAME, VIGIL_FT_STR },
	{ "file.Ext.original.extension", VIGIL_F_FILE_ORIG_EXTENSION,
	  VIGIL_FT_STR },
	{ "file.Ext.original.directory", VIGIL_F_FILE_ORIG_DIRECTORY,
	  VIGIL_FT_STR },
	{ "vigil.event.truncated", VIGIL_F_EVENT_TRUNCATED, VIGIL_FT_ARRAY },
	{ "vigil.process.exe.device", VIGIL_F_PROCESS_EXE_DEVICE, VIGIL_FT_NUM },
	{ "vigil.process.exe.inode", VIGIL_F_PROCESS_EXE_INODE, VIGIL_FT_NUM },
	{ "vigil.process.mnt_ns_other", VIGIL_F_PROCESS_MNT_NS_OTHER,
	  VIGIL_FT_NUM },
	{ "vigil.process.user_ns_other", VIGIL_F_PROCESS_USER_NS_OTHER,
	  VIGIL_FT_NUM },
};

/* The first table entry of each field is its canonical ECS name. */
const struct field_info *field_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

const char *field_name(__u8 field)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].field == field)
			return fields[i].name;
	if (field == VIGIL_F_HOST_OS_TYPE)
		return "host.os.type";
	return NULL;
}

__u8 field_type(__u8 field)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].field == field)
			return fields[i].type;
	return VIGIL_FT_STR;
}

const struct field_info *field_resolve(const char *name, int off,
				       const char **cval, struct cerr *e)
{
	const struct field_info *f = field_lookup(name);

	*cval = NULL;
	if (f)
		return f;
	if (!strcmp(name, "host.os.type")) {
		*cval = "linux";
		return NULL;
	}
	cerr_set(e, off, "field '%s' is not available in kernel events", name);
	return NULL;
}
