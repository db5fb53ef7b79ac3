/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of each counter of enum vigil_stat (uapi/vigil.h): its file in
 * /sys/kernel/vigil/stats/ (sysfs.c; Documentation/ABI/testing/
 * sysfs-kernel-vigil) and its key in `vigilctl stats` (user/cmd_stats.c).
 * NULL for VIGIL_STAT_UNSPEC and VIGIL_STAT_PAD, which name none.
 * Included once by each side.
 */
#ifndef VIGIL_STAT_NAMES_H
#define VIGIL_STAT_NAMES_H

#include "uapi/vigil.h"

static const char *const vigil_stat_names[__VIGIL_STAT_LAST] = {
	[VIGIL_STAT_EVENTS_EXEC] = "events_exec",
	[VIGIL_STAT_EVENTS_CREATE] = "events_create",
	[VIGIL_STAT_EVENTS_SYMLINK] = "events_symlink",
	[VIGIL_STAT_EVENTS_RENAME] = "events_rename",
	[VIGIL_STAT_EVENTS_DELETE] = "events_delete",
	[VIGIL_STAT_ALERTS_SENT] = "alerts_sent",
	[VIGIL_STAT_ALERTS_DROPPED] = "alerts_dropped",
	[VIGIL_STAT_ALERTS_PENDING] = "alerts_pending",
	[VIGIL_STAT_ALERTS_SUPPRESSED] = "alerts_suppressed",
	[VIGIL_STAT_SEQ_EVICTIONS] = "seq_evictions",
	[VIGIL_STAT_TERMS_EVICTIONS] = "terms_evictions",
	[VIGIL_STAT_PROC_EVICTIONS] = "proc_evictions",
	[VIGIL_STAT_PROC_TRACKED] = "proc_tracked",
	[VIGIL_STAT_ARGV_TRUNCATED] = "argv_truncated",
	[VIGIL_STAT_CAPTURE_ERRORS] = "capture_errors",
	[VIGIL_STAT_WORK_STOPS] = "work_stops",
	[VIGIL_STAT_FIELDS_TRUNCATED] = "fields_truncated",
	[VIGIL_STAT_EXEC_MISSED] = "exec_missed",
	[VIGIL_STAT_SEQ_NOMEM] = "seq_nomem",
	[VIGIL_STAT_EVENTS_CONNECT] = "events_connect",
	[VIGIL_STAT_EVENTS_ACCEPT] = "events_accept",
	[VIGIL_STAT_EVENTS_UID_CHANGE] = "events_uid_change",
	[VIGIL_STAT_EVENTS_GID_CHANGE] = "events_gid_change",
	[VIGIL_STAT_EVENTS_END] = "events_end",
	[VIGIL_STAT_EVENTS_LOAD_MODULE] = "events_load_module",
	[VIGIL_STAT_EVENTS_DECIDED_EARLY] = "events_decided_early",
	[VIGIL_STAT_EVENTS_OPEN] = "events_open",
	[VIGIL_STAT_EVENTS_BIND] = "events_bind",
	[VIGIL_STAT_THRESHOLD_EVICTIONS] = "threshold_evictions",
	[VIGIL_STAT_EVENTS_ALREADY_RUNNING] = "events_already_running",
};

#endif /* VIGIL_STAT_NAMES_H */
