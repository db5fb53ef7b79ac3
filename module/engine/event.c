// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The event model: field table, setters, derived file fields, and the
 * netlink-attribute encoding used in alerts and stored sequence steps.
 */
#include "internal.h"

/* Events keep one presence bit per field in a u64 (vigil_event.present). */
_Static_assert(__VIGIL_F_LAST <= 64, "more event fields than presence bits");

const struct vigil_field_desc vigil_fields[__VIGIL_F_LAST] = {
	[VIGIL_F_TIMESTAMP] = { "@timestamp", VIGIL_FT_NUM },
	[VIGIL_F_EVENT_KIND] = { "vigil.event.kind", VIGIL_FT_NUM },
	[VIGIL_F_EVENT_CATEGORY] = { "event.category", VIGIL_FT_STR },
	[VIGIL_F_EVENT_TYPE] = { "event.type", VIGIL_FT_STR },
	[VIGIL_F_EVENT_ACTION] = { "event.action", VIGIL_FT_STR },
	[VIGIL_F_EVENT_FLAGS] = { "vigil.event.flags", VIGIL_FT_NUM },
	[VIGIL_F_HOST_OS_TYPE] = { "host.os.type", VIGIL_FT_STR },
	[VIGIL_F_PROCESS_NAME] = { "process.name", VIGIL_FT_STR },
	[VIGIL_F_PROCESS_EXECUTABLE] = { "process.executable", VIGIL_FT_STR },
	[VIGIL_F_PROCESS_ARGS] = { "process.args", VIGIL_FT_ARRAY },
	[VIGIL_F_PROCESS_ARGS_COUNT] = { "process.args_count", VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_COMMAND_LINE] = { "process.command_line",
					   VIGIL_FT_STR },
	[VIGIL_F_PROCESS_PID] = { "process.pid", VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_ENTITY_ID] = { "process.entity_id", VIGIL_FT_STR },
	[VIGIL_F_PROCESS_WORKING_DIRECTORY] = { "process.working_directory",
						VIGIL_FT_STR },
	[VIGIL_F_PARENT_NAME] = { "process.parent.name", VIGIL_FT_STR },
	[VIGIL_F_PARENT_EXECUTABLE] = { "process.parent.executable",
					VIGIL_FT_STR },
	[VIGIL_F_PARENT_ARGS] = { "process.parent.args", VIGIL_FT_ARRAY },
	[VIGIL_F_PARENT_ARGS_COUNT] = { "process.parent.args_count",
					VIGIL_FT_NUM },
	[VIGIL_F_PARENT_COMMAND_LINE] = { "process.parent.command_line",
					  VIGIL_FT_STR },
	[VIGIL_F_PARENT_PID] = { "process.parent.pid", VIGIL_FT_NUM },
	[VIGIL_F_PARENT_ENTITY_ID] = { "process.parent.entity_id",
				       VIGIL_FT_STR },
	[VIGIL_F_PARENT_USER_ID] = { "process.parent.user.id", VIGIL_FT_NUM },
	[VIGIL_F_PARENT_GROUP_ID] = { "process.parent.group.id", VIGIL_FT_NUM },
	[VIGIL_F_USER_ID] = { "user.id", VIGIL_FT_NUM },
	[VIGIL_F_USER_REAL_ID] = { "user.Ext.real.id", VIGIL_FT_NUM },
	[VIGIL_F_GROUP_ID] = { "group.id", VIGIL_FT_NUM },
	[VIGIL_F_GROUP_REAL_ID] = { "group.Ext.real.id", VIGIL_FT_NUM },
	[VIGIL_F_FILE_PATH] = { "file.path", VIGIL_FT_STR },
	[VIGIL_F_FILE_NAME] = { "file.name", VIGIL_FT_STR },
	[VIGIL_F_FILE_EXTENSION] = { "file.extension", VIGIL_FT_STR },
	[VIGIL_F_FILE_DIRECTORY] = { "file.directory", VIGIL_FT_STR },
	[VIGIL_F_FILE_TARGET_PATH] = { "file.target_path", VIGIL_FT_STR },
	[VIGIL_F_FILE_ORIG_PATH] = { "file.Ext.original.path", VIGIL_FT_STR },
	[VIGIL_F_FILE_ORIG_NAME] = { "file.Ext.original.name", VIGIL_FT_STR },
	[VIGIL_F_FILE_ORIG_EXTENSION] = { "file.Ext.original.extension",
					  VIGIL_FT_STR },
	[VIGIL_F_FILE_ORIG_DIRECTORY] = { "file.Ext.original.directory",
					  VIGIL_FT_STR },
	[VIGIL_F_EVENT_TRUNCATED] = { "vigil.event.truncated", VIGIL_FT_ARRAY },
	[VIGIL_F_PROCESS_EXE_DEVICE] = { "vigil.process.exe.device",
					 VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_EXE_INODE] = { "vigil.process.exe.inode",
					VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_MNT_NS_OTHER] = { "vigil.process.mnt_ns_other",
					   VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_USER_NS_OTHER] = { "vigil.process.user_ns_other",
					    VIGIL_FT_NUM },
	[VIGIL_F_ENTRY_LEADER_TYPE] = { "process.entry_leader.entry_meta.type",
					VIGIL_FT_STR },
	[VIGIL_F_ENTRY_LEADER_ENTITY_ID] = { "process.entry_leader.entity_id",
					     VIGIL_FT_STR },
	[VIGIL_F_ENTRY_LEADER_NAME] = { "process.entry_leader.name",
					VIGIL_FT_STR },
	[VIGIL_F_ENTRY_LEADER_EXECUTABLE] = { "process.entry_leader.executable",
					      VIGIL_FT_STR },
	[VIGIL_F_ENTRY_LEADER_ARGS] = { "process.entry_leader.args",
					VIGIL_FT_ARRAY },
	[VIGIL_F_SESSION_LEADER_NAME] = { "process.session_leader.name",
					  VIGIL_FT_STR },
	[VIGIL_F_SESSION_LEADER_ENTITY_ID] = { "process.session_leader.entity_id",
					       VIGIL_FT_STR },
	[VIGIL_F_GROUP_LEADER_NAME] = { "process.group_leader.name",
					VIGIL_FT_STR },
	[VIGIL_F_GROUP_LEADER_ENTITY_ID] = { "process.group_leader.entity_id",
					     VIGIL_FT_STR },
	[VIGIL_F_CAPS_EFFECTIVE] = { "process.thread.capabilities.effective",
				     VIGIL_FT_ARRAY },
	[VIGIL_F_CAPS_PERMITTED] = { "process.thread.capabilities.permitted",
				     VIGIL_FT_ARRAY },
	[VIGIL_F_SOURCE_IP] = { "source.ip", VIGIL_FT_IP },
	[VIGIL_F_SOURCE_PORT] = { "source.port", VIGIL_FT_NUM },
	[VIGIL_F_DESTINATION_IP] = { "destination.ip", VIGIL_FT_IP },
	[VIGIL_F_DESTINATION_PORT] = { "destination.port", VIGIL_FT_NUM },
	[VIGIL_F_NETWORK_TRANSPORT] = { "network.transport", VIGIL_FT_STR },
	[VIGIL_F_NETWORK_DIRECTION] = { "network.direction", VIGIL_FT_STR },
	[VIGIL_F_PROCESS_EXIT_CODE] = { "process.exit_code", VIGIL_FT_NUM },
	[VIGIL_F_PROCESS_ENV_VARS] = { "process.env_vars", VIGIL_FT_ARRAY },
	[VIGIL_F_PROCESS_INTERACTIVE] = { "process.interactive", VIGIL_FT_NUM,
					  true },
	[VIGIL_F_PARENT_INTERACTIVE] = { "process.parent.interactive",
					 VIGIL_FT_NUM, true },
};

/**
 * vigil_field_type() - value type of an event field
 * @f: field
 *
 * Return: enum vigil_ftype (VIGIL_FT_STR for unknown fields).
 */
enum vigil_ftype vigil_field_type(enum vigil_field f)
{
	if ((u32)f >= __VIGIL_F_LAST)
		return VIGIL_FT_STR;
	return vigil_fields[f].type;
}

/**
 * vigil_field_is_bool() - is a field an ECS boolean?
 * @f: field
 *
 * Return: true for a NUM field that holds 0 (false) or 1 (true), which
 * rules compare with true and false and alerts print as such.
 */
bool vigil_field_is_bool(enum vigil_field f)
{
	return (u32)f < __VIGIL_F_LAST && vigil_fields[f].boolean;
}

/**
 * vigil_field_name() - ECS name of an event field
 * @f: field
 *
 * Return: the name, or NULL for VIGIL_F_UNSPEC and unknown fields.
 */
const char *vigil_field_name(enum vigil_field f)
{
	if ((u32)f >= __VIGIL_F_LAST)
		return NULL;
	return vigil_fields[f].name;
}

/**
 * vigil_event_init() - clear an event
 * @ev: event
 *
 * Only the presence bits and the fields outside @v: a value is read only
 * when its bit is set (struct vigil_event), and leaving the 1.5 KiB of
 * values alone spares every captured event a memset.
 */
void vigil_event_init(struct vigil_event *ev)
{
	ev->present = 0;
	ev->boot_ns = 0;
	ev->joined = 0;
}

/* Is @cl exactly the elements of @args joined by single spaces? */
static bool joins(const struct vigil_value *cl, const struct vigil_value *args)
{
	u32 i;

	if (!args->len || cl->len + 1 != args->len || args->str[args->len - 1])
		return false;
	for (i = 0; i < cl->len; i++)
		if (cl->str[i] != (args->str[i] ? args->str[i] : ' '))
			return false;
	return true;
}

/**
 * vigil_event_note_joined() - set @ev->joined from its values
 * @ev: an event built outside capture (replay, tests), all fields set
 *
 * Compares each command line with its args, byte by byte: capture does
 * not need this, it builds the one from the other.
 */
void vigil_event_note_joined(struct vigil_event *ev)
{
	static const u8 args[] = { VIGIL_F_PROCESS_ARGS, VIGIL_F_PARENT_ARGS };
	u32 i, cl;

	ev->joined = 0;
	for (i = 0; i < ARRAY_SIZE(args); i++) {
		cl = vigil_field_pair(args[i]);
		if ((ev->present & (1ULL << args[i])) &&
		    (ev->present & (1ULL << cl)) &&
		    joins(&ev->v[cl], &ev->v[args[i]]))
			ev->joined |= 1ULL << args[i];
	}
}

/**
 * vigil_event_set_str() - set a STR field
 * @ev: event
 * @f: field
 * @s: bytes (not copied)
 * @len: length
 */
void vigil_event_set_str(struct vigil_event *ev, enum vigil_field f,
			 const char *s, u32 len)
{
	if ((u32)f >= __VIGIL_F_LAST || f == VIGIL_F_UNSPEC)
		return;
	ev->v[f].str = s;
	ev->v[f].len = len;
	ev->v[f].count = 0;
	ev->present |= 1ULL << f;
}

/**
 * vigil_event_set_num() - set a NUM field
 * @ev: event
 * @f: field
 * @n: value
 */
void vigil_event_set_num(struct vigil_event *ev, enum vigil_field f, u64 n)
{
	if ((u32)f >= __VIGIL_F_LAST || f == VIGIL_F_UNSPEC)
		return;
	ev->v[f].num = n;
	ev->present |= 1ULL << f;
}

/**
 * vigil_event_set_array() - set an ARRAY field
 * @ev: event
 * @f: field
 * @buf: NUL-terminated elements back to back (not copied)
 * @len: total bytes including the NULs
 * @count: number of elements
 */
void vigil_event_set_array(struct vigil_event *ev, enum vigil_field f,
			   const char *buf, u32 len, u32 count)
{
	if ((u32)f >= __VIGIL_F_LAST || f == VIGIL_F_UNSPEC)
		return;
	ev->v[f].str = buf;
	ev->v[f].len = len;
	ev->v[f].count = count;
	ev->present |= 1ULL << f;
}

/* The strings vigil_event_set_kind() sets, per kind, per VIGIL_KIND_F_*. */
struct kind_str {
	const char *s;
	u32 len;
};
#define KS(x)                    \
	{                        \
		x, sizeof(x) - 1 \
	}
static const struct kind_str kind_tab[__VIGIL_EV_LAST][VIGIL_KIND_NF] = {
	[VIGIL_EV_NONE] = { KS("linux") },
	[VIGIL_EV_EXEC] = { KS("linux"), KS("process"), KS("start"),
			    KS("exec") },
	[VIGIL_EV_CREATE] = { KS("linux"), KS("file"), KS("creation"),
			      KS("creation") },
	[VIGIL_EV_SYMLINK] = { KS("linux"), KS("file"), KS("creation"),
			       KS("symlink") },
	[VIGIL_EV_RENAME] = { KS("linux"), KS("file"), KS("change"),
			      KS("rename") },
	[VIGIL_EV_DELETE] = { KS("linux"), KS("file"), KS("deletion"),
			      KS("deletion") },
	[VIGIL_EV_CONNECT] = { KS("linux"), KS("network"), KS("start"),
			       KS("connection_attempted") },
	[VIGIL_EV_ACCEPT] = { KS("linux"), KS("network"), KS("start"),
			      KS("connection_accepted") },
	[VIGIL_EV_UID_CHANGE] = { KS("linux"), KS("process"), KS("change"),
				  KS("uid_change") },
	[VIGIL_EV_GID_CHANGE] = { KS("linux"), KS("process"), KS("change"),
				  KS("gid_change") },
	[VIGIL_EV_END] = { KS("linux"), KS("process"), KS("end"), KS("end") },
	[VIGIL_EV_LOAD_MODULE] = { KS("linux"), KS("process"), KS("start"),
				   KS("load_module") },
	[VIGIL_EV_OPEN] = { KS("linux"), KS("file"), KS("access"),
			    KS("opened-file") },
	[VIGIL_EV_BIND] = { KS("linux"), KS("network"), KS("start"),
			    KS("bound-socket") },
	[VIGIL_EV_ALREADY_RUNNING] = { KS("linux"), KS("process"), KS("info"),
				       KS("already_running") },
};
#undef KS

/* VIGIL_FOLD() of every byte (user/tests/test_match.c checks each). */
const u8 vigil_fold_tab[256] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73,
	0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
	0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83,
	0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b,
	0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
	0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3,
	0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
	0xfc, 0xfd, 0xfe, 0xff,
};

const u8 vigil_kind_fields[VIGIL_KIND_NF] = {
	VIGIL_F_HOST_OS_TYPE,
	VIGIL_F_EVENT_CATEGORY,
	VIGIL_F_EVENT_TYPE,
	VIGIL_F_EVENT_ACTION,
};

/**
 * vigil_kind_value() - a string vigil_event_set_kind() sets
 * @k: kind, VIGIL_EV_EXEC..__VIGIL_EV_LAST - 1
 * @i: index into vigil_kind_fields
 * @len: its length
 *
 * Return: the string.
 */
const char *vigil_kind_value(u32 k, u32 i, u32 *len)
{
	*len = kind_tab[k][i].len;
	return kind_tab[k][i].s;
}

/**
 * vigil_event_canonical() - are an event's kind strings the derived ones
 * @ev: event
 * @k: its kind, VIGIL_EV_EXEC..__VIGIL_EV_LAST - 1
 *
 * Return: true when host.os.type and event.category, .type and .action
 * are present and equal to what vigil_event_set_kind(@ev, @k) sets.
 */
bool vigil_event_canonical(const struct vigil_event *ev, u32 k)
{
	u32 i;

	for (i = 0; i < VIGIL_KIND_NF; i++) {
		const struct vigil_value *v = &ev->v[vigil_kind_fields[i]];
		const struct kind_str *ks = &kind_tab[k][i];

		if (!(ev->present & (1ULL << vigil_kind_fields[i])) ||
		    v->len != ks->len)
			return false;
		if (v->str != ks->s && memcmp(v->str, ks->s, ks->len))
			return false;
	}
	return true;
}

/**
 * vigil_event_set_kind() - set the kind and the derived event.* strings
 * @ev: event
 * @k: kind
 *
 * Also sets host.os.type to "linux".
 */
void vigil_event_set_kind(struct vigil_event *ev, enum vigil_event_kind k)
{
	const struct kind_str *row;
	u32 i;

	vigil_event_set_num(ev, VIGIL_F_EVENT_KIND, k);
	/* an unknown kind gets what VIGIL_EV_NONE gets: host.os.type */
	row = kind_tab[(u32)k < __VIGIL_EV_LAST ? k : VIGIL_EV_NONE];
	for (i = 0; i < VIGIL_KIND_NF; i++)
		if (row[i].s)
			vigil_event_set_str(ev, vigil_kind_fields[i], row[i].s,
					    row[i].len);
}

static void derive(struct vigil_event *ev, enum vigil_field path,
		   enum vigil_field name, enum vigil_field dir,
		   enum vigil_field ext)
{
	const char *p = ev->v[path].str;
	u32 len = ev->v[path].len, slash, dot, nlen;
	const char *n;

	if (!(ev->present & (1ULL << path)) || !p)
		return;
	for (slash = len; slash > 0 && p[slash - 1] != '/'; slash--)
		;
	n = p + slash;
	nlen = len - slash;
	if (slash > 0)
		vigil_event_set_str(ev, dir, p, slash > 1 ? slash - 1 : 1);
	if (!nlen)
		return;
	vigil_event_set_str(ev, name, n, nlen);
	for (dot = nlen; dot > 0 && n[dot - 1] != '.'; dot--)
		;
	/* dot is one past the last '.'; not first char, not last char */
	if (dot > 1 && dot < nlen)
		vigil_event_set_str(ev, ext, n + dot, nlen - dot);
}

/**
 * vigil_event_derive_file() - derive name, directory and extension
 * @ev: event with file.path and/or file.Ext.original.path set
 *
 * name is what follows the last '/', directory what precedes it ("/" for
 * a top-level entry), extension what follows the last '.' of the name
 * unless that dot is the first or the last character.  The values point
 * into the paths.
 */
void vigil_event_derive_file(struct vigil_event *ev)
{
	derive(ev, VIGIL_F_FILE_PATH, VIGIL_F_FILE_NAME, VIGIL_F_FILE_DIRECTORY,
	       VIGIL_F_FILE_EXTENSION);
	derive(ev, VIGIL_F_FILE_ORIG_PATH, VIGIL_F_FILE_ORIG_NAME,
	       VIGIL_F_FILE_ORIG_DIRECTORY, VIGIL_F_FILE_ORIG_EXTENSION);
}

#define NLA_HDR 4U
#define NLA_ALIGN(n) (((n) + 3U) & ~3U)

static u32 put_attr(u8 *buf, u32 off, u32 cap, u16 type, const void *data,
		    u32 len)
{
	u16 nla_len = (u16)(NLA_HDR + len);
	u32 total = NLA_ALIGN(NLA_HDR + len);

	u32 i;

	if (NLA_HDR + len > 0xffffU || total > cap - off)
		return 0;
	memcpy(buf + off, &nla_len, 2);
	memcpy(buf + off + 2, &type, 2);
	if (len)
		memcpy(buf + off + NLA_HDR, data, len);
	/* at most 3 bytes of padding: not worth a memset() call */
	for (i = NLA_HDR + len; i < total; i++)
		buf[off + i] = 0;
	return total;
}

/*
 * put_attr() of @len bytes of @data cut to @lim: its head and tail around
 * VIGIL_CUT_MARK, so that a cut path keeps its last components and a cut
 * command line its program.  A @lim too small for the mark keeps the head.
 */
static u32 put_attr_cut(u8 *buf, u32 off, u32 cap, u16 type, const char *data,
			u32 len, u32 lim)
{
	u32 head, n;

	if (len <= lim || lim < 2 * VIGIL_CUT_MARK_LEN)
		return put_attr(buf, off, cap, type, data,
				len < lim ? len : lim);
	head = (lim - VIGIL_CUT_MARK_LEN) / 2;
	n = put_attr(buf, off, cap, type, data, lim);
	if (n) {
		memcpy(buf + off + NLA_HDR + head, VIGIL_CUT_MARK,
		       VIGIL_CUT_MARK_LEN);
		memcpy(buf + off + NLA_HDR + head + VIGIL_CUT_MARK_LEN,
		       data + len - (lim - head - VIGIL_CUT_MARK_LEN),
		       lim - head - VIGIL_CUT_MARK_LEN);
	}
	return n;
}

/* Number of NUL bytes in @s[0..@len), eight at a time. */
static u32 count_nul(const char *s, u32 len)
{
	const u64 low7 = 0x7f7f7f7f7f7f7f7fULL;
	u32 i, n = 0;

	for (i = 0; i + 8 <= len; i += 8) {
		u64 w, t;

		memcpy(&w, s + i, 8);
		/* 0x80 in exactly the bytes that are 0, no carries */
		t = ~(((w & low7) + low7) | w | low7);
		n += (u32)(((t >> 7) * 0x0101010101010101ULL) >> 56);
	}
	for (; i < len; i++)
		n += !s[i];
	return n;
}

/* Longest prefix of whole elements of an ARRAY value that fits in @room. */
static u32 array_fit(const struct vigil_value *v, u32 room, u32 *count)
{
	u32 i, end = 0, n = 0;

	/* the common case: all of it fits and it ends with a NUL */
	if (v->len && v->len <= room && !v->str[v->len - 1]) {
		*count = count_nul(v->str, v->len);
		return v->len;
	}
	for (i = 0; i < v->len && i < room; i++) {
		if (!v->str[i]) {
			end = i + 1;
			n++;
		}
	}
	*count = n;
	return end;
}

/* Are a field's values of one size (never cut, encoded first)? */
static bool fixed_size(u32 f)
{
	return vigil_fields[f].type == VIGIL_FT_NUM ||
	       vigil_fields[f].type == VIGIL_FT_IP;
}

/* Bytes one value takes as an attribute. */
static u32 value_size(const struct vigil_event *ev, u32 f)
{
	if (vigil_fields[f].type == VIGIL_FT_NUM)
		return NLA_ALIGN(NLA_HDR + 8);
	if (vigil_fields[f].type == VIGIL_FT_IP)
		return NLA_ALIGN(NLA_HDR + VIGIL_IP_LEN);
	return NLA_ALIGN(NLA_HDR + ev->v[f].len);
}

/* The fields vigil_event_encode() writes, VIGIL_F_EVENT_FLAGS aside. */
static u64 encoded_fields(const struct vigil_event *ev)
{
	u64 todo = ev->present & ~(1ULL << VIGIL_F_EVENT_FLAGS) & ~1ULL;

	if (__VIGIL_F_LAST < 64)
		todo &= (1ULL << (__VIGIL_F_LAST & 63)) - 1;
	return todo;
}

/**
 * vigil_event_encoded_size() - what vigil_event_encode() needs for @ev whole
 * @ev: event
 *
 * Return: the smallest @cap with which nothing of @ev is cut or left out
 * (room for the event flags included).
 */
u32 vigil_event_encoded_size(const struct vigil_event *ev)
{
	u64 todo = encoded_fields(ev);
	u32 size = NLA_ALIGN(NLA_HDR + 8);

	for (; todo; todo &= todo - 1)
		size += value_size(ev, (u32)__builtin_ctzll(todo));
	return size;
}

/**
 * vigil_event_value_cap() - payload bytes one value may take in @cap
 * @ev: event
 * @cap: bytes available for the whole encoding
 *
 * Numbers and addresses always fit first; the rest of @cap is shared among the string
 * and array values by water-filling: a value smaller than an equal share
 * keeps all of it, and what it leaves is shared among the longer ones.
 * Bounded: at most one pass per value, over at most 64 values.
 *
 * Return: the cap on one value's payload (U32_MAX when @ev fits whole).
 */
u32 vigil_event_value_cap(const struct vigil_event *ev, u32 cap)
{
	u64 todo = encoded_fields(ev), vars = 0, t;
	u32 budget, share, k = 0, f, sz;
	bool again = true;

	if (vigil_event_encoded_size(ev) <= cap)
		return U32_MAX;
	if (cap < NLA_ALIGN(NLA_HDR + 8))
		return 0;
	budget = cap - NLA_ALIGN(NLA_HDR + 8);
	for (t = todo; t; t &= t - 1) {
		f = (u32)__builtin_ctzll(t);
		sz = value_size(ev, f);
		if (fixed_size(f)) {
			budget = budget > sz ? budget - sz : 0;
		} else {
			vars |= 1ULL << f;
			k++;
		}
	}
	share = k ? budget / k : 0;
	while (again && k) {
		again = false;
		share = budget / k;
		for (t = vars; t; t &= t - 1) {
			f = (u32)__builtin_ctzll(t);
			sz = value_size(ev, f);
			if (sz <= share) {
				budget -= sz;
				k--;
				vars &= ~(1ULL << f);
				again = true;
			}
		}
	}
	if (k)
		share = budget / k;
	return share > NLA_HDR ? (share - NLA_HDR) & ~3U : 0;
}

/**
 * vigil_event_encode() - encode an event as netlink attributes
 * @ev: event
 * @buf: output
 * @cap: bytes available in @buf
 *
 * Attribute type = field.  When the whole event does not fit, every
 * value gets a fair share of @cap (vigil_event_value_cap()): a long
 * value cannot crowd out the fields after it.  A STR value keeps its head
 * and tail around VIGIL_CUT_MARK; an ARRAY value at an element boundary, and VIGIL_EVF_ARGS_TRUNCATED
 * is set in the encoded event flags (always written last).
 *
 * Return: bytes written, always <= @cap.
 */
u32 vigil_event_encode(const struct vigil_event *ev, void *buf, u32 cap)
{
	const u32 flags_sz = NLA_ALIGN(NLA_HDR + 8);
	u64 flags = 0;
	u32 off = 0, room, f, n, cnt, lim;
	u64 todo;
	u8 *b = buf;

	if (cap < flags_sz)
		return 0;
	room = cap - flags_sz;
	lim = vigil_event_value_cap(ev, cap);
	if (ev->present & (1ULL << VIGIL_F_EVENT_FLAGS))
		flags = ev->v[VIGIL_F_EVENT_FLAGS].num;
	/* the present fields in increasing order, flags and 0 left out */
	for (todo = encoded_fields(ev); todo; todo &= todo - 1) {
		const struct vigil_value *v;

		f = (u32)__builtin_ctzll(todo);
		v = &ev->v[f];
		switch (vigil_fields[f].type) {
		case VIGIL_FT_NUM:
			n = put_attr(b, off, room, f, &v->num, 8);
			break;
		case VIGIL_FT_IP:
			n = v->len == VIGIL_IP_LEN ?
				    put_attr(b, off, room, f, v->str, v->len) :
				    0;
			break;
		case VIGIL_FT_ARRAY:
			if (room - off < NLA_HDR) {
				n = 0;
				break;
			}
			cnt = 0;
			n = room - off - NLA_HDR;
			n = array_fit(v, n < lim ? n : lim, &cnt);
			if (cnt < v->count || n < v->len)
				flags |= VIGIL_EVF_ARGS_TRUNCATED;
			n = put_attr(b, off, room, f, v->str, n);
			break;
		default:
			n = put_attr_cut(b, off, room, f, v->str, v->len, lim);
			break;
		}
		off += n;
	}
	if (flags || (ev->present & (1ULL << VIGIL_F_EVENT_FLAGS)))
		off += put_attr(b, off, cap, VIGIL_F_EVENT_FLAGS, &flags, 8);
	return off;
}

/**
 * vigil_event_decode() - decode what vigil_event_encode() wrote
 * @ev: event, initialised here; values point into @buf
 * @buf: attributes
 * @len: bytes
 *
 * Return: 0, or -EINVAL for a malformed attribute stream.
 */
int vigil_event_decode(struct vigil_event *ev, const void *buf, u32 len)
{
	const u8 *b = buf;
	u32 off = 0;

	vigil_event_init(ev);
	while (len - off >= NLA_HDR) {
		u16 nla_len, type;
		const char *p;
		u32 plen, cnt;

		memcpy(&nla_len, b + off, 2);
		memcpy(&type, b + off + 2, 2);
		if (nla_len < NLA_HDR || nla_len > len - off)
			return -EINVAL;
		type &= 0x3fff;
		p = (const char *)b + off + NLA_HDR;
		plen = nla_len - NLA_HDR;
		off += NLA_ALIGN(nla_len) < len - off ? NLA_ALIGN(nla_len) :
							len - off;
		if (type == VIGIL_F_UNSPEC || type >= __VIGIL_F_LAST)
			continue;
		switch (vigil_fields[type].type) {
		case VIGIL_FT_NUM: {
			u64 v;

			if (plen != 8)
				return -EINVAL;
			memcpy(&v, p, 8);
			vigil_event_set_num(ev, type, v);
			break;
		}
		case VIGIL_FT_IP:
			if (plen != VIGIL_IP_LEN)
				return -EINVAL;
			vigil_event_set_str(ev, type, p, plen);
			break;
		case VIGIL_FT_ARRAY:
			if (plen && p[plen - 1])
				return -EINVAL;
			cnt = count_nul(p, plen);
			vigil_event_set_array(ev, type, p, plen, cnt);
			break;
		default:
			vigil_event_set_str(ev, type, p, plen);
			break;
		}
	}
	return 0;
}
