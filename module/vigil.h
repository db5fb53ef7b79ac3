/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the parts of vigil.ko:
 *
 *   capture_*.c  hooks exec and file events, fills a struct vigil_event
 *                (per-CPU scratch, atomic context) and calls
 *                vigil_detect_event();
 *   proctab.c    the per-process table (parent fields, entity ids);
 *   detect.c     owns the running engine (RCU), runs it, queues alerts;
 *   alertq.c     bounded alert queue drained by a workqueue to netlink;
 *   netlink.c    the "vigil" generic netlink family;
 *   sysfs.c      /sys/kernel/vigil;
 *   stats.c      per-CPU counters;
 *   main.c       init/exit only.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <linux/types.h>
#include "uapi/vigil.h"
#include "engine/engine.h"

struct netlink_ext_ack;

/* stats.c */
int vigil_stats_init(void);
void vigil_stats_uninit(void);
void vigil_stat_inc(enum vigil_stat s);
void vigil_stat_add(enum vigil_stat s, u64 n);
u64 vigil_stat_read(enum vigil_stat s);

/* detect.c */
extern bool vigil_enabled; /* /sys/kernel/vigil/enabled */
int vigil_detect_init(bool load_default_rules);
void vigil_detect_uninit(void);
/* Atomic context: counts the event; false when nothing can use it. */
bool vigil_detect_wants(enum vigil_event_kind kind);
/* Any context: could a running rule use @kind?  Counts nothing. */
bool vigil_detect_may_want(enum vigil_event_kind kind);
bool vigil_detect_reads(enum vigil_field f);
const struct vigil_env_names *vigil_detect_env_names(void);
/*
 * Atomic context; @ev is complete (kind, timestamp, fields); @memo is
 * this CPU's (struct vigil_scratch).
 */
void vigil_detect_event(const struct vigil_event *ev,
			struct vigil_pf_memo *memo);
bool vigil_detect_early(const struct vigil_event *ev,
			struct vigil_pf_memo *memo);
void vigil_detect_forget_entity(const char *entity_id, u32 len);
/* Process context; replaces the ruleset atomically or changes nothing. */
int vigil_detect_load(const void *blob, u32 len, u32 learn_s,
		      struct netlink_ext_ack *extack);

/* capture_*.c: register every hook or none. */
int vigil_capture_init(void);
void vigil_capture_uninit(void);
/* Process context, after a ruleset load: already_running events. */
void vigil_capture_already_running(void);

/* proctab.c */
int vigil_proctab_init(void);
void vigil_proctab_uninit(void);

/* alertq.c */
int vigil_alertq_init(void);
void vigil_alertq_uninit(void);

/* netlink.c */
int vigil_netlink_init(void);
void vigil_netlink_uninit(void);

/* sysfs.c */
int vigil_sysfs_init(void);
void vigil_sysfs_uninit(void);

#endif /* VIGIL_H */
