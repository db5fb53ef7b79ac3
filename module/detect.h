/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of vigil's control plane (detect.c, alertq.c,
 * netlink.c, sysfs.c, stats.c, main.c).  The capture side only needs
 * vigil.h.
 *
 * Locking: the running engine is published with RCU.  Writers (ruleset
 * load, rule toggles, terms import, sysfs rebuild) hold vigil_detect_mutex;
 * the netlink handlers additionally run under the genl mutex (the family
 * is not parallel_ops), always taken before vigil_detect_mutex.
 */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include <linux/mutex.h>
#include "vigil.h"

struct sk_buff;
struct vigil_rule_info;

/* main.c: module parameters */
extern unsigned int vigil_seq_capacity;
extern unsigned int vigil_terms_capacity;
extern unsigned int vigil_alert_queue_max;

/* detect.c */
extern struct mutex vigil_detect_mutex;
struct vigil_engine *vigil_detect_engine_locked(void);
struct vigil_engine *vigil_detect_engine_rcu(void);
u32 vigil_detect_generation(void);
int vigil_detect_set_enabled(const char *id, bool on);
u64 vigil_detect_engine_stat(enum vigil_stat s);

/* alertq.c */
void vigil_alertq_alert(struct vigil_engine *e, const struct vigil_match *m);
void vigil_alertq_flush(void);
u64 vigil_alertq_pending(void);

/* netlink.c */
bool vigil_netlink_has_listeners(void);
int vigil_netlink_multicast(struct sk_buff *skb);
void *vigil_netlink_alert_put(struct sk_buff *skb);
int vigil_netlink_put_rule(struct sk_buff *skb,
			   const struct vigil_rule_info *ri,
			   const struct vigil_engine *e, u32 rule);

/* sysfs.c */
void vigil_sysfs_rules_rebuild(struct vigil_engine *e);

#endif /* VIGIL_DETECT_H */
