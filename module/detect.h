/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of vigil's control plane (detect.c, alertq.c,
 * netlink.c, sysfs.c, stats.c, main.c).  The capture side only needs
 * vigil.h.
 *
 * Calls point one way: netlink.c and sysfs.c (the inlets) call detect.c,
 * detect.c calls alertq.c, alertq.c calls netlink.c (the outlet, the same
 * genetlink family as the inlet); stats.c is a leaf everyone counts into.
 *
 * Locking: the running engine is published with RCU.  Writers (the
 * publication of a loaded ruleset, rule toggles, terms import) hold
 * vigil_detect_mutex for short, bounded sections.  The netlink family is
 * parallel_ops: its handlers never run under the global genl_mutex, and
 * netlink.c serializes its own commands that change state with a mutex
 * of its own, always taken before vigil_detect_mutex, so a ruleset is
 * validated and built under no lock anyone else waits on.  sysfs.c keeps
 * its directory list under its own mutex, also taken before
 * vigil_detect_mutex and never held by a handler of one of its files.
 */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include <linux/mutex.h>
#include "vigil.h"

struct sk_buff;
struct vigil_rule_info;

/* detect.c */
extern struct mutex vigil_detect_mutex;
struct vigil_engine *vigil_detect_engine_locked(void);
struct vigil_engine *vigil_detect_engine_rcu(void);
u32 vigil_detect_generation(void);
int vigil_detect_set_enabled(const char *id, bool on);
u64 vigil_detect_stat_read(enum vigil_stat s);

/* alertq.c */
void vigil_alertq_alert(struct vigil_engine *e, const struct vigil_match *m);
void vigil_alertq_flush(void);
void vigil_alertq_rules_changed(void);

/* netlink.c */
bool vigil_netlink_has_listeners(void);
int vigil_netlink_multicast(struct sk_buff *skb);
void *vigil_netlink_alert_put(struct sk_buff *skb);
int vigil_netlink_put_rule(struct sk_buff *skb,
			   const struct vigil_rule_info *ri,
			   const struct vigil_engine *e, u32 rule);

/* sysfs.c */
void vigil_sysfs_rules_rebuild(void);

#endif /* VIGIL_DETECT_H */
