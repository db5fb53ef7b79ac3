/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vigil: in-kernel detection of exec, file-creation and symlink activity.
 *
 * This is the whole contract between vigil.ko and userspace (vigilctl):
 * the generic netlink family, the event field numbering used both in the
 * rule programs and in alert messages, and the binary ruleset format that
 * vigilctl compiles and the kernel validates.  Both sides include this one
 * file; bump VIGIL_GENL_VERSION or VIGIL_RS_VERSION on any incompatible
 * change.
 *
 * Generic netlink family "vigil", version VIGIL_GENL_VERSION.  Multicast
 * group "alerts".  Every command and the group are admin only
 * (CAP_NET_ADMIN or CAP_SYS_ADMIN in the initial user namespace).
 *
 * VIGIL_CMD_ALERT (kernel -> "alerts" group, never accepted from userspace)
 *   Alerts are sent in batches: one datagram may hold several
 *   VIGIL_CMD_ALERT messages; walk them all (NLMSG_OK/NLMSG_NEXT).
 *   VIGIL_A_ALERT_SEQ: u64, one per alert, +1 each; a gap means lost alerts
 *   VIGIL_A_ALERT_DROPPED: u64, alerts dropped since module load
 *   VIGIL_A_RULE: nested rule description (VIGIL_RA_*), no HITS/ENABLED
 *   VIGIL_A_EVENT: nested event (attribute type = enum vigil_field),
 *                  repeated: for a sequence rule one per step, in order;
 *                  the last one is the event that completed the match.
 *   VIGIL_A_ALERT_SUPPRESSED: u64, only when not 0: the "suppressed N"
 *                  summary.  Alerts of this rule that the per-rule rate
 *                  limit (module parameter alert_rate) held back since
 *                  the rule's previous alert; they took no sequence
 *                  number and are counted in VIGIL_STAT_ALERTS_SUPPRESSED.
 *   VIGIL_A_ALERT_FLAGS: u32, VIGIL_ALERT_F_*, only when not 0.
 *   VIGIL_A_THRESHOLD: nested (VIGIL_THA_*), threshold rules only: the
 *                  group's count, its distinct values of the cardinality
 *                  field and the fields it is grouped by; their values
 *                  are those of the event (the one that reached the
 *                  threshold).
 *   A whole alert message is at most VIGIL_ALERT_MAX_SIZE bytes: event
 *   values are cut to fit (VIGIL_ALERT_F_CUT).
 *
 * VIGIL_CMD_LOAD (request)
 *   VIGIL_A_RULESET: binary, a struct vigil_rs_header blob.  Atomic
 *   replace of the running ruleset; on error nothing changes and extack
 *   names the reason.  Since nla_len is 16 bits, a blob may be split
 *   over several VIGIL_A_RULESET attributes, concatenated in order.
 *   VIGIL_A_LEARN_S: u32, optional, 1..VIGIL_LEARN_MAX_S: for this many
 *   seconds new_terms rules learn terms without alerting (a first start
 *   with no saved history).  A load without it keeps the running
 *   ruleset's learning deadline.
 *
 * VIGIL_CMD_LIST (dump request; one reply message per rule)
 *   VIGIL_A_RULE: nested VIGIL_RA_* including ENABLED and HITS.
 *
 * VIGIL_CMD_ENABLE, VIGIL_CMD_DISABLE (request)
 *   VIGIL_A_RULE_ID: string, the rule_id.
 *
 * VIGIL_CMD_STATS (request; reply carries)
 *   VIGIL_A_STATS: nested, attribute type = enum vigil_stat, each u64.
 *
 * VIGIL_CMD_TERMS_EXPORT (dump request; one reply message per rule that
 * has learned terms, possibly several messages per rule)
 *   VIGIL_A_RULE_ID: string
 *   VIGIL_A_TERM: nested VIGIL_TA_*, repeated.
 *
 * VIGIL_CMD_TERMS_IMPORT (request)
 *   VIGIL_A_RULE_ID: string
 *   VIGIL_A_TERM: nested VIGIL_TA_*, repeated.
 */
#ifndef _UAPI_LINUX_VIGIL_H
#define _UAPI_LINUX_VIGIL_H

#include <linux/types.h>

#define VIGIL_GENL_NAME "vigil"
#define VIGIL_GENL_VERSION 1
#define VIGIL_GENL_MCGRP_ALERTS "alerts"

enum vigil_cmd {
	VIGIL_CMD_UNSPEC,
	VIGIL_CMD_ALERT,
	VIGIL_CMD_LOAD,
	VIGIL_CMD_LIST,
	VIGIL_CMD_ENABLE,
	VIGIL_CMD_DISABLE,
	VIGIL_CMD_STATS,
	VIGIL_CMD_TERMS_EXPORT,
	VIGIL_CMD_TERMS_IMPORT,
	__VIGIL_CMD_MAX
};
#define VIGIL_CMD_MAX (__VIGIL_CMD_MAX - 1)

enum vigil_attr {
	VIGIL_A_UNSPEC,
	VIGIL_A_RULESET, /* binary */
	VIGIL_A_RULE, /* nested, enum vigil_rule_attr */
	VIGIL_A_RULE_ID, /* NUL-terminated string */
	VIGIL_A_EVENT, /* nested, enum vigil_field */
	VIGIL_A_ALERT_SEQ, /* u64 */
	VIGIL_A_ALERT_DROPPED, /* u64 */
	VIGIL_A_STATS, /* nested, enum vigil_stat */
	VIGIL_A_TERM, /* nested, enum vigil_term_attr */
	VIGIL_A_PAD,
	VIGIL_A_ALERT_SUPPRESSED, /* u64 */
	VIGIL_A_ALERT_FLAGS, /* u32, VIGIL_ALERT_F_* */
	VIGIL_A_LEARN_S, /* u32 */
	VIGIL_A_THRESHOLD, /* nested, enum vigil_threshold_attr */
	__VIGIL_A_LAST
};
#define VIGIL_A_MAX (__VIGIL_A_LAST - 1)

/* VIGIL_A_ALERT_FLAGS bits */
#define VIGIL_ALERT_F_CUT \
	(1U << 0) /* event values cut to fit VIGIL_ALERT_MAX_SIZE */

/*
 * Upper bound of one VIGIL_CMD_ALERT message (netlink header included):
 * every alert fits one 8 KiB batch datagram.
 */
#define VIGIL_ALERT_MAX_SIZE 7680

/*
 * Marks where bytes of a value were left out: a path's lost head (capture),
 * an argv element's middle (capture), a string value's middle (an alert
 * cut to VIGIL_ALERT_MAX_SIZE).
 */
#define VIGIL_CUT_MARK "..."
#define VIGIL_CUT_MARK_LEN 3

/* VIGIL_A_LEARN_S at most: a year. */
#define VIGIL_LEARN_MAX_S (366U * 24 * 3600)

enum vigil_rule_attr {
	VIGIL_RA_UNSPEC,
	VIGIL_RA_ID, /* string */
	VIGIL_RA_NAME, /* string */
	VIGIL_RA_SEVERITY, /* u8, enum vigil_severity */
	VIGIL_RA_RISK_SCORE, /* u8, 0..VIGIL_RS_MAX_RISK_SCORE */
	VIGIL_RA_TYPE, /* u8, enum vigil_rule_kind */
	VIGIL_RA_THREAT, /* string, see struct vigil_rs_rule.threat_str */
	VIGIL_RA_ENABLED, /* u8, 0 or 1 */
	VIGIL_RA_HITS, /* u64 */
	VIGIL_RA_PAD,
	VIGIL_RA_BUILDING_BLOCK, /* u8 1, only on building-block rules */
	__VIGIL_RA_LAST
};
#define VIGIL_RA_MAX (__VIGIL_RA_LAST - 1)

/* VIGIL_A_THRESHOLD of an alert */
enum vigil_threshold_attr {
	VIGIL_THA_UNSPEC,
	VIGIL_THA_COUNT, /* u64, events of the group in the window */
	/* u64, distinct values of the cardinality field (only with one) */
	VIGIL_THA_CARDINALITY,
	VIGIL_THA_FIELDS, /* binary, the group's fields (enum vigil_field) */
	VIGIL_THA_CARD_FIELD, /* u8, the cardinality field (only with one) */
	VIGIL_THA_PAD,
	__VIGIL_THA_LAST
};
#define VIGIL_THA_MAX (__VIGIL_THA_LAST - 1)

enum vigil_term_attr {
	VIGIL_TA_UNSPEC,
	VIGIL_TA_HASH, /* u64, hash of the term tuple */
	/* u64, ns since the epoch (CLOCK_REALTIME; the kernel converts) */
	VIGIL_TA_LAST_SEEN,
	VIGIL_TA_PAD,
	__VIGIL_TA_LAST
};
#define VIGIL_TA_MAX (__VIGIL_TA_LAST - 1)

enum vigil_stat {
	VIGIL_STAT_UNSPEC,
	VIGIL_STAT_EVENTS_EXEC,
	VIGIL_STAT_EVENTS_CREATE,
	VIGIL_STAT_EVENTS_SYMLINK,
	VIGIL_STAT_EVENTS_RENAME,
	VIGIL_STAT_EVENTS_DELETE,
	VIGIL_STAT_ALERTS_SENT,
	VIGIL_STAT_ALERTS_DROPPED,
	VIGIL_STAT_ALERTS_PENDING,
	VIGIL_STAT_SEQ_EVICTIONS,
	VIGIL_STAT_TERMS_EVICTIONS,
	VIGIL_STAT_PROC_EVICTIONS,
	VIGIL_STAT_PROC_TRACKED,
	VIGIL_STAT_ARGV_TRUNCATED,
	VIGIL_STAT_CAPTURE_ERRORS,
	VIGIL_STAT_PAD,
	VIGIL_STAT_ALERTS_SUPPRESSED, /* held back by the per-rule rate limit */
	VIGIL_STAT_WORK_STOPS, /* events whose rules hit the work budget */
	VIGIL_STAT_FIELDS_TRUNCATED, /* events with vigil.event.truncated */
	VIGIL_STAT_EXEC_MISSED, /* execs the kretprobe fallback missed */
	VIGIL_STAT_SEQ_NOMEM, /* sequences lost: no memory for a step's event */
	VIGIL_STAT_EVENTS_CONNECT,
	VIGIL_STAT_EVENTS_ACCEPT,
	VIGIL_STAT_EVENTS_UID_CHANGE,
	VIGIL_STAT_EVENTS_GID_CHANGE,
	VIGIL_STAT_EVENTS_END,
	VIGIL_STAT_EVENTS_LOAD_MODULE,
	VIGIL_STAT_EVENTS_DECIDED_EARLY, /* no rule can match: not built */
	VIGIL_STAT_EVENTS_OPEN,
	VIGIL_STAT_EVENTS_BIND,
	VIGIL_STAT_THRESHOLD_EVICTIONS, /* threshold groups evicted for room */
	VIGIL_STAT_EVENTS_ALREADY_RUNNING,
	__VIGIL_STAT_LAST
};
#define VIGIL_STAT_MAX (__VIGIL_STAT_LAST - 1)

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/* What happened; also the bit numbers of vigil_rs_step.kind_mask. */
enum vigil_event_kind {
	VIGIL_EV_NONE,
	VIGIL_EV_EXEC, /* process/start/exec */
	VIGIL_EV_CREATE, /* file/creation/creation: open(O_CREAT), mknod, link */
	VIGIL_EV_SYMLINK, /* file/creation/symlink */
	VIGIL_EV_RENAME, /* file/change/rename */
	VIGIL_EV_DELETE, /* file/deletion/deletion */
	VIGIL_EV_CONNECT, /* network/start/connection_attempted (IPv4, IPv6) */
	VIGIL_EV_ACCEPT, /* network/start/connection_accepted (IPv4, IPv6) */
	VIGIL_EV_UID_CHANGE, /* process/change/uid_change: setuid(2) family */
	VIGIL_EV_GID_CHANGE, /* process/change/gid_change: setgid(2) family */
	VIGIL_EV_END, /* process/end/end: the last thread of a process exits */
	VIGIL_EV_LOAD_MODULE, /* process/start/load_module: a kernel module */
	VIGIL_EV_OPEN, /* file/access/opened-file: open(2) of an existing file */
	VIGIL_EV_BIND, /* network/start/bound-socket (IPv4, IPv6) */
	/* process/info/already_running: running when a ruleset was loaded */
	VIGIL_EV_ALREADY_RUNNING,
	__VIGIL_EV_LAST
};
#define VIGIL_EV_MASK_ALL (((1U << __VIGIL_EV_LAST) - 1) & ~1U)
#define VIGIL_EV_MASK_PROCESS                                  \
	((1U << VIGIL_EV_EXEC) | (1U << VIGIL_EV_UID_CHANGE) | \
	 (1U << VIGIL_EV_GID_CHANGE) | (1U << VIGIL_EV_END) |  \
	 (1U << VIGIL_EV_LOAD_MODULE) | (1U << VIGIL_EV_ALREADY_RUNNING))
#define VIGIL_EV_MASK_FILE                                    \
	((1U << VIGIL_EV_CREATE) | (1U << VIGIL_EV_SYMLINK) | \
	 (1U << VIGIL_EV_RENAME) | (1U << VIGIL_EV_DELETE) |  \
	 (1U << VIGIL_EV_OPEN))
#define VIGIL_EV_MASK_NETWORK                                 \
	((1U << VIGIL_EV_CONNECT) | (1U << VIGIL_EV_ACCEPT) | \
	 (1U << VIGIL_EV_BIND))

/* Value types of event fields. */
enum vigil_ftype {
	VIGIL_FT_STR, /* bytes, no NUL inside the attribute */
	VIGIL_FT_NUM, /* u64 */
	VIGIL_FT_ARRAY, /* elements, each NUL-terminated, concatenated */
	/*
	 * An IP address, 16 bytes in network order: IPv6, or IPv4 mapped
	 * (::ffff:a.b.c.d), as Elasticsearch's ip type stores both.
	 * Matched by VIGIL_PAT_CIDR patterns only.
	 */
	VIGIL_FT_IP,
};
#define VIGIL_IP_LEN 16

/*
 * Event fields, named by their ECS names (Documentation/fields.rst says
 * how each one is filled).  These numbers appear in rule programs
 * (vigil_rs_insn.field) and as attribute types inside VIGIL_A_EVENT.
 * The type of each field is fixed; see vigil_field_type() in the engine.
 */
enum vigil_field {
	VIGIL_F_UNSPEC,
	VIGIL_F_TIMESTAMP, /* NUM  @timestamp, ns since epoch */
	VIGIL_F_EVENT_KIND, /* NUM  enum vigil_event_kind */
	VIGIL_F_EVENT_CATEGORY, /* STR  "process" | "file" | "network" */
	/* STR  "start" | "creation" | "change" | "deletion" | "end" */
	VIGIL_F_EVENT_TYPE,
	/* STR  "exec" | "creation" | "symlink" | "rename" | "deletion" |
	 *      "connection_attempted" | "connection_accepted" |
	 *      "uid_change" | "gid_change" | "end" | "load_module"
	 */
	VIGIL_F_EVENT_ACTION,
	VIGIL_F_EVENT_FLAGS, /* NUM  VIGIL_EVF_* */
	VIGIL_F_HOST_OS_TYPE, /* STR  "linux" */
	VIGIL_F_PROCESS_NAME, /* STR */
	VIGIL_F_PROCESS_EXECUTABLE, /* STR */
	VIGIL_F_PROCESS_ARGS, /* ARRAY */
	VIGIL_F_PROCESS_ARGS_COUNT, /* NUM */
	VIGIL_F_PROCESS_COMMAND_LINE, /* STR */
	VIGIL_F_PROCESS_PID, /* NUM */
	VIGIL_F_PROCESS_ENTITY_ID, /* STR */
	VIGIL_F_PROCESS_WORKING_DIRECTORY, /* STR */
	VIGIL_F_PARENT_NAME, /* STR  process.parent.name */
	VIGIL_F_PARENT_EXECUTABLE, /* STR */
	VIGIL_F_PARENT_ARGS, /* ARRAY */
	VIGIL_F_PARENT_ARGS_COUNT, /* NUM */
	VIGIL_F_PARENT_COMMAND_LINE, /* STR */
	VIGIL_F_PARENT_PID, /* NUM */
	VIGIL_F_PARENT_ENTITY_ID, /* STR */
	VIGIL_F_PARENT_USER_ID, /* NUM  process.parent.user.id (euid) */
	VIGIL_F_PARENT_GROUP_ID, /* NUM  process.parent.group.id (egid) */
	VIGIL_F_USER_ID, /* NUM  user.id = euid */
	VIGIL_F_USER_REAL_ID, /* NUM  user.Ext.real.id = uid */
	VIGIL_F_GROUP_ID, /* NUM  group.id = egid */
	VIGIL_F_GROUP_REAL_ID, /* NUM  group.Ext.real.id = gid */
	VIGIL_F_FILE_PATH, /* STR */
	VIGIL_F_FILE_NAME, /* STR */
	VIGIL_F_FILE_EXTENSION, /* STR  after the last '.', without it */
	VIGIL_F_FILE_DIRECTORY, /* STR */
	VIGIL_F_FILE_TARGET_PATH, /* STR  symlink target as written */
	VIGIL_F_FILE_ORIG_PATH, /* STR  file.Ext.original.path (rename) */
	VIGIL_F_FILE_ORIG_NAME, /* STR */
	VIGIL_F_FILE_ORIG_EXTENSION, /* STR */
	VIGIL_F_FILE_ORIG_DIRECTORY, /* STR */
	VIGIL_F_EVENT_TRUNCATED, /* ARRAY  vigil.event.truncated: cut fields */
	VIGIL_F_PROCESS_EXE_DEVICE, /* NUM  vigil.process.exe.device */
	VIGIL_F_PROCESS_EXE_INODE, /* NUM  vigil.process.exe.inode */
	VIGIL_F_PROCESS_MNT_NS_OTHER, /* NUM  1: not the initial mount ns */
	VIGIL_F_PROCESS_USER_NS_OTHER, /* NUM  1: not the initial user ns */
	VIGIL_F_ENTRY_LEADER_TYPE, /* STR  process.entry_leader.entry_meta.type */
	VIGIL_F_ENTRY_LEADER_ENTITY_ID, /* STR */
	VIGIL_F_ENTRY_LEADER_NAME, /* STR */
	VIGIL_F_ENTRY_LEADER_EXECUTABLE, /* STR */
	VIGIL_F_ENTRY_LEADER_ARGS, /* ARRAY */
	VIGIL_F_SESSION_LEADER_NAME, /* STR  process.session_leader.name */
	VIGIL_F_SESSION_LEADER_ENTITY_ID, /* STR */
	VIGIL_F_GROUP_LEADER_NAME, /* STR  process.group_leader.name */
	VIGIL_F_GROUP_LEADER_ENTITY_ID, /* STR */
	VIGIL_F_CAPS_EFFECTIVE, /* ARRAY process.thread.capabilities.effective */
	VIGIL_F_CAPS_PERMITTED, /* ARRAY process.thread.capabilities.permitted */
	VIGIL_F_SOURCE_IP, /* IP   source.ip: who opened the connection */
	VIGIL_F_SOURCE_PORT, /* NUM  source.port */
	VIGIL_F_DESTINATION_IP, /* IP   destination.ip: who it was opened to */
	VIGIL_F_DESTINATION_PORT, /* NUM  destination.port */
	VIGIL_F_NETWORK_TRANSPORT, /* STR  network.transport: "tcp" | "udp" */
	VIGIL_F_NETWORK_DIRECTION, /* STR  network.direction: "egress" | "ingress" */
	VIGIL_F_PROCESS_EXIT_CODE, /* NUM  process.exit_code: status, or 128 + signal */
	/* ARRAY process.env_vars: "NAME=value", the variables rules name */
	VIGIL_F_PROCESS_ENV_VARS,
	/* NUM  process.interactive: 1 with a controlling terminal, else 0 */
	VIGIL_F_PROCESS_INTERACTIVE,
	VIGIL_F_PARENT_INTERACTIVE, /* NUM  process.parent.interactive */
	__VIGIL_F_LAST
};
#define VIGIL_F_MAX (__VIGIL_F_LAST - 1)

/* VIGIL_F_EVENT_FLAGS bits */
#define VIGIL_EVF_ARGS_TRUNCATED (1U << 0) /* argv cut at the cap */
#define VIGIL_EVF_PARENT_FALLBACK \
	(1U << 1) /* parent not in the process table */
#define VIGIL_EVF_TRUNCATED \
	(1U << 2) /* a field is cut: see vigil.event.truncated */

/* ------------------------------------------------------------------ */
/* Ruleset format                                                      */
/* ------------------------------------------------------------------ */

/*
 * A ruleset is one contiguous little-endian blob:
 *
 *   struct vigil_rs_header
 *   sections, each 4-byte aligned, inside total_size, not overlapping:
 *     rules   n_rules x struct vigil_rs_rule
 *     steps   n_steps x struct vigil_rs_step
 *     insns   n_insns x struct vigil_rs_insn
 *     sets    n_sets  x struct vigil_rs_set
 *     pats    n_pats  x struct vigil_rs_pat
 *     thrs    n_thresholds x struct vigil_rs_threshold (appended later:
 *             0 and 0 in the header of a blob without threshold rules)
 *     strtab  strtab_size bytes; strings referenced by offset
 *     dfas    dfa_size bytes; struct vigil_rs_dfa records (regex)
 *
 * Every rule owns a contiguous run of steps; every step a contiguous run
 * of instructions.  A step's program is evaluated with one boolean
 * accumulator (initially false); jumps go forward only, so a program ends
 * after at most n_insns instructions.  Falling off the end returns the
 * accumulator.
 */
#define VIGIL_RS_MAGIC 0x53524756U /* "VGRS" */
#define VIGIL_RS_VERSION 1

#define VIGIL_RS_MAX_SIZE (16U << 20)
#define VIGIL_RS_MAX_RULES 4096
#define VIGIL_RS_MAX_STEPS 8 /* per rule */
#define VIGIL_RS_MAX_INSNS 4096 /* per step */
#define VIGIL_RS_MAX_SET 4096 /* patterns per set */
#define VIGIL_RS_MAX_STR 4095 /* bytes of one string or pattern */
#define VIGIL_RS_MAX_BY 4 /* join fields per step */
#define VIGIL_RS_MAX_TERMS 3 /* new_terms fields */
#define VIGIL_RS_MAX_RUNS 64
#define VIGIL_RS_MAX_MAXSPAN_MS (60U * 60 * 1000) /* an hour */
#define VIGIL_RS_MAX_INDEX 65536 /* index-set patterns, all steps together */
/*
 * Bytes of a rule's name and threat string (without the NUL): a rule's
 * LIST reply (id, name, threat and the fixed attributes) then fits the
 * smallest dump buffer (NLMSG_GOODSIZE, 3.7 KiB on 4 KiB pages), and an
 * alert's rule attributes stay far below the 64 KiB of nla_len.
 */
#define VIGIL_RS_MAX_NAME 512
#define VIGIL_RS_MAX_THREAT 2048
#define VIGIL_RS_NO_SET 0xffffffffU

/*
 * A rule_id (vigil_rs_rule.id_str, VIGIL_A_RULE_ID, the directory names
 * under /sys/kernel/vigil/rules) is 1..VIGIL_RULE_ID_MAX bytes of
 * [A-Za-z0-9_.-]; VIGIL_A_RULE_ID carries it NUL-terminated.
 */
#define VIGIL_RULE_ID_MAX 64
#define VIGIL_RS_MAX_RISK_SCORE 100 /* vigil_rs_rule.risk_score */

struct vigil_rs_header {
	__u32 magic;
	__u16 version;
	__u16 header_size; /* sizeof(struct vigil_rs_header) */
	__u32 total_size; /* whole blob, header included */
	__u32 n_rules, rules_off;
	__u32 n_steps, steps_off;
	__u32 n_insns, insns_off;
	__u32 n_sets, sets_off;
	__u32 n_pats, pats_off;
	__u32 strtab_size, strtab_off;
	__u32 dfa_size, dfa_off;
	/* once reserved[0..1]: both zero in a blob without threshold rules */
	__u32 n_thresholds, thresholds_off;
	__u32 reserved[2]; /* must be zero */
};

enum vigil_rule_kind {
	VIGIL_RULE_EVENT, /* one step: alert when it matches */
	VIGIL_RULE_SEQUENCE, /* n_steps in order, same join key, in maxspan */
	VIGIL_RULE_NEW_TERMS, /* one step + first sighting of term tuple */
	VIGIL_RULE_THRESHOLD, /* one step, counted per group: vigil_rs_threshold */
	__VIGIL_RULE_KIND_LAST
};

enum vigil_severity {
	VIGIL_SEV_LOW,
	VIGIL_SEV_MEDIUM,
	VIGIL_SEV_HIGH,
	VIGIL_SEV_CRITICAL,
	__VIGIL_SEV_LAST
};

#define VIGIL_RULE_F_DISABLED (1U << 0) /* loaded disabled */
/*
 * A building-block rule (Elastic's building_block_type): its alerts are
 * marked (VIGIL_RA_BUILDING_BLOCK) and left out of `vigilctl listen`
 * unless asked for.
 */
#define VIGIL_RULE_F_BUILDING_BLOCK (1U << 1)

struct vigil_rs_rule {
	__u32 id_str; /* strtab offset: rule_id (VIGIL_RULE_ID_MAX) */
	__u32 name_str; /* strtab offset: name */
	/*
	 * strtab offset: MITRE ATT&CK mapping as lines "kind\tid\tname",
	 * kind one of tactic, technique, subtechnique, joined by '\n'.
	 * May be the empty string.
	 */
	__u32 threat_str;
	__u8 kind; /* enum vigil_rule_kind */
	__u8 severity; /* enum vigil_severity */
	__u8 risk_score; /* 0..VIGIL_RS_MAX_RISK_SCORE */
	__u8 flags; /* VIGIL_RULE_F_* */
	__u16 first_step;
	__u16 n_steps; /* 1 unless SEQUENCE; SEQUENCE: 2..MAX_STEPS */
	__u32 maxspan_ms; /* SEQUENCE: 1..VIGIL_RS_MAX_MAXSPAN_MS */
	__u32 history_window_s; /* NEW_TERMS: > 0 */
	__u8 n_terms; /* NEW_TERMS: 1..VIGIL_RS_MAX_TERMS */
	__u8 term_fields[VIGIL_RS_MAX_TERMS]; /* enum vigil_field */
};

/*
 * Threshold rules (Elastic's type "threshold"): the events that match the
 * rule's step are grouped by the values of 0..VIGIL_RS_MAX_THR_FIELDS
 * fields (none: one group); a group alerts when at least @value of its
 * events fall within @window_ms and, with a cardinality field, when they
 * hold at least @card_value distinct values of it (an ARRAY field: of
 * its elements).  The events that made an alert do not count again.
 * Each THRESHOLD rule has exactly one record, named by its index.
 */
#define VIGIL_RS_MAX_THR_FIELDS 4
#define VIGIL_RS_MAX_THR_VALUE 1024
#define VIGIL_RS_MAX_THR_CARD 1024
#define VIGIL_RS_MAX_THR_WINDOW_MS (24U * 60 * 60 * 1000) /* a day */

struct vigil_rs_threshold {
	__u32 rule; /* index of its VIGIL_RULE_THRESHOLD rule */
	__u32 value; /* 1..VIGIL_RS_MAX_THR_VALUE */
	__u32 window_ms; /* 1..VIGIL_RS_MAX_THR_WINDOW_MS */
	__u32 card_value; /* 0 (no cardinality) or 1..VIGIL_RS_MAX_THR_CARD */
	__u8 n_fields; /* 0..VIGIL_RS_MAX_THR_FIELDS; unused slots zero */
	__u8 fields[VIGIL_RS_MAX_THR_FIELDS]; /* enum vigil_field, distinct */
	__u8 card_field; /* VIGIL_F_UNSPEC exactly when card_value is 0 */
	__u8 reserved[2]; /* must be zero */
};

struct vigil_rs_step {
	__u32 first_insn;
	__u32 n_insns; /* 1..VIGIL_RS_MAX_INSNS */
	__u16 kind_mask; /* 1 << enum vigil_event_kind; non-zero */
	__u16 runs; /* 1..VIGIL_RS_MAX_RUNS consecutive matches */
	__u8 n_by; /* join key fields; equal for all steps of a rule */
	__u8 by_fields[VIGIL_RS_MAX_BY]; /* enum vigil_field */
	__u8 index_field; /* VIGIL_F_UNSPEC or a STR field */
	__u16 reserved; /* must be zero */
	/*
	 * Index hint: when index_field is set, the step can only match an
	 * event whose index_field matches one of the patterns of this set,
	 * all of them EXACT, PREFIX or SUFFIX (non-empty), NOCASE honoured.
	 * The compiler emits it only when that is implied by the program;
	 * the engine uses it to skip the step.  (PREFIX and SUFFIX hints
	 * were added compatibly: older blobs have EXACT ones only.)
	 */
	__u32 index_set; /* VIGIL_RS_NO_SET or a set index */
};

enum vigil_op {
	VIGIL_OP_MATCH, /* acc = some element of field matches some pattern of set arg */
	VIGIL_OP_EXISTS, /* acc = field present (an ARRAY: at least one element) */
	VIGIL_OP_NUMCMP, /* acc = field <cmp> arg (NUM field; missing: false) */
	VIGIL_OP_NOT, /* acc = !acc */
	VIGIL_OP_CONST, /* acc = arg (0 or 1) */
	VIGIL_OP_JF, /* if !acc: skip arg further instructions (arg >= 1) */
	VIGIL_OP_JT, /* if acc: skip arg further instructions (arg >= 1) */
	VIGIL_OP_RET, /* stop, result acc */
	__VIGIL_OP_LAST
};

enum vigil_cmp {
	VIGIL_CMP_EQ,
	VIGIL_CMP_NE,
	VIGIL_CMP_LT,
	VIGIL_CMP_LE,
	VIGIL_CMP_GT,
	VIGIL_CMP_GE,
	__VIGIL_CMP_LAST
};

/*
 * One instruction.  A jump at index i with arg n continues at i + 1 + n,
 * which must be <= n_insns of the step (n_insns means "end").
 */
struct vigil_rs_insn {
	__u8 op; /* enum vigil_op */
	__u8 field; /* enum vigil_field, for MATCH, EXISTS, NUMCMP */
	__u8 flags; /* must be zero */
	__u8 cmp; /* enum vigil_cmp, for NUMCMP */
	__u32 arg;
};

struct vigil_rs_set {
	__u32 first_pat;
	__u32 n_pats; /* 1..VIGIL_RS_MAX_SET */
};

enum vigil_pat_kind {
	VIGIL_PAT_EXACT, /* whole value equals str */
	VIGIL_PAT_PREFIX, /* value starts with str */
	VIGIL_PAT_SUFFIX, /* value ends with str */
	VIGIL_PAT_CONTAINS, /* str occurs in value */
	VIGIL_PAT_GLOB, /* '*' any run, '?' one byte, '\' escapes the next byte */
	VIGIL_PAT_REGEX, /* str is an offset into dfas: struct vigil_rs_dfa */
	/*
	 * str: a VIGIL_FT_IP address (16 bytes) then its prefix length in
	 * bits (1 byte, 0..128); len is VIGIL_CIDR_LEN.  Matches an IP whose
	 * first prefix-length bits equal the address's.  The only kind a
	 * MATCH on a VIGIL_FT_IP field may use, and only there.
	 */
	VIGIL_PAT_CIDR,
	__VIGIL_PAT_LAST
};

/*
 * NOCASE folds ASCII A-Z to a-z on both sides; every other byte compares
 * exactly.  The compiler stores NOCASE literals already folded.
 */
#define VIGIL_PAT_F_NOCASE (1U << 0)

struct vigil_rs_pat {
	__u32 str; /* strtab offset (REGEX: dfas offset) */
	__u16 len; /* bytes, 0..VIGIL_RS_MAX_STR (REGEX: dfa bytes) */
	__u8 kind; /* enum vigil_pat_kind */
	__u8 flags; /* VIGIL_PAT_F_* */
};

/*
 * A regular expression compiled to a DFA in userspace.  The DFA matches
 * the whole value (anchored both ends; the compiler adds .* where the
 * regex is unanchored).  State 0 is the start state; a transition to
 * VIGIL_DFA_DEAD rejects at once.  Bytes are mapped to classes first.
 *
 *   struct vigil_rs_dfa
 *   __u8  accept[n_states]            1 if accepting
 *   __u16 next[n_states * n_classes]  next state, or VIGIL_DFA_DEAD
 */
#define VIGIL_CIDR_LEN (VIGIL_IP_LEN + 1)

/*
 * A MATCH on process.env_vars: every pattern names the variable it is
 * about, "NAME=..." (after the leading '*'s of a GLOB; a CONTAINS pattern
 * too), and capture reads those variables only.  SUFFIX and REGEX
 * patterns name none and are refused there.  A ruleset names at most
 * VIGIL_ENV_MAX_NAMES variables, each 1..VIGIL_ENV_NAME_MAX bytes without
 * '=', '*', '?' or '\'.
 */
#define VIGIL_ENV_MAX_NAMES 64
#define VIGIL_ENV_NAME_MAX 64

#define VIGIL_DFA_DEAD 0xffffU
#define VIGIL_DFA_MAX_STATES 1024

struct vigil_rs_dfa {
	__u16 n_states; /* 1..VIGIL_DFA_MAX_STATES */
	__u16 n_classes; /* 1..256 */
	__u8 classmap[256]; /* byte -> class, each < n_classes */
};

#endif /* _UAPI_LINUX_VIGIL_H */
