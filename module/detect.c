// SPDX-License-Identifier: GPL-2.0
/*
 * The running engine: published with RCU, replaced atomically.
 *
 * An event takes rcu_read_lock() once and runs against exactly one engine,
 * so it sees the old ruleset or the new one, never a mix.  A replacement
 * is validated and built completely (vigil_engine_new()), inherits the
 * learned terms and hit counters of the rules it keeps, is published with
 * rcu_assign_pointer(), and the old engine is freed after
 * synchronize_rcu(), when no event can still use it.  The hits that
 * events still running on the old engine counted after the copy are
 * added then, so a rule's hits count every match across reloads.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/netlink.h>
#include "detect.h"

/* Kbuild defines VIGIL_HAVE_DEFAULT_RULES when rules_default.h exists. */
#ifdef VIGIL_HAVE_DEFAULT_RULES
#include "rules_default.h"
#endif

static unsigned int seq_capacity = VIGIL_SEQ_DEFAULT_CAP;
module_param(seq_capacity, uint, 0444);
#define SEQ_CAP_DESC                                                        \
	"In-flight sequences kept, all rules together, each rule an equal " \
	"share (default " __stringify(VIGIL_SEQ_DEFAULT_CAP) ")"
MODULE_PARM_DESC(seq_capacity, SEQ_CAP_DESC);

static unsigned int terms_capacity = 16384;
module_param(terms_capacity, uint, 0444);
MODULE_PARM_DESC(
	terms_capacity,
	"Learned terms kept per new_terms rule; the least recently seen is evicted (default 16384)");

static unsigned int threshold_capacity = VIGIL_THR_DEFAULT_CAP;
module_param(threshold_capacity, uint, 0444);
#define THR_CAP_DESC                                                        \
	"Groups kept per threshold rule; when full, a group whose events "  \
	"left the window or the least advanced of the least recently used " \
	"is evicted (default " __stringify(VIGIL_THR_DEFAULT_CAP) ")"
MODULE_PARM_DESC(threshold_capacity, THR_CAP_DESC);

bool vigil_enabled = true;
/* Serializes ruleset loads, netlink toggles and the sysfs rules dir. */
DEFINE_MUTEX(vigil_detect_mutex);

static struct vigil_engine __rcu *vigil_engine_cur;
static u32 vigil_generation;

static void alert_cb(void *ctx, const struct vigil_match *m)
{
	vigil_alertq_alert(ctx, m);
}

/*
 * The event kinds the running rules can use: capture does not even build
 * an event of another kind.  Written under vigil_detect_mutex when a
 * ruleset is published; a reader racing with a load may use the old
 * mask for one event, as it may use the old engine.
 */
static u32 vigil_detect_kinds;
/*
 * The kinds only later steps of sequence rules use (a file creation
 * after a copy, say): built only while some sequence is pending, which
 * on a quiet host is almost never.
 */
static u32 vigil_detect_later;
/*
 * The fields the running rules read, and those of the ruleset before
 * them (an event built for the old mask may meet the new engine): a
 * costly field outside it is not captured (vigil_detect_reads()).
 * Written under vigil_detect_mutex before a ruleset is published.
 */
static u64 vigil_detect_fields;

static bool sequence_waits(void)
{
	struct vigil_engine *e;
	bool waits;

	rcu_read_lock();
	e = rcu_dereference(vigil_engine_cur);
	waits = e && vigil_engine_seq_pending(e);
	rcu_read_unlock();
	return waits;
}

/**
 * vigil_detect_wants() - count a hooked event and say if it is needed
 * @kind: what happened
 *
 * Called from probe context at the start of every hook.
 *
 * Return: true when vigil is enabled and some rule can use @kind now.
 */
bool vigil_detect_wants(enum vigil_event_kind kind)
{
	static const u8 kind_stat[__VIGIL_EV_LAST] = {
		[VIGIL_EV_EXEC] = VIGIL_STAT_EVENTS_EXEC,
		[VIGIL_EV_CREATE] = VIGIL_STAT_EVENTS_CREATE,
		[VIGIL_EV_SYMLINK] = VIGIL_STAT_EVENTS_SYMLINK,
		[VIGIL_EV_RENAME] = VIGIL_STAT_EVENTS_RENAME,
		[VIGIL_EV_DELETE] = VIGIL_STAT_EVENTS_DELETE,
		[VIGIL_EV_CONNECT] = VIGIL_STAT_EVENTS_CONNECT,
		[VIGIL_EV_ACCEPT] = VIGIL_STAT_EVENTS_ACCEPT,
		[VIGIL_EV_UID_CHANGE] = VIGIL_STAT_EVENTS_UID_CHANGE,
		[VIGIL_EV_GID_CHANGE] = VIGIL_STAT_EVENTS_GID_CHANGE,
		[VIGIL_EV_END] = VIGIL_STAT_EVENTS_END,
		[VIGIL_EV_LOAD_MODULE] = VIGIL_STAT_EVENTS_LOAD_MODULE,
		[VIGIL_EV_OPEN] = VIGIL_STAT_EVENTS_OPEN,
		[VIGIL_EV_BIND] = VIGIL_STAT_EVENTS_BIND,
		[VIGIL_EV_ALREADY_RUNNING] = VIGIL_STAT_EVENTS_ALREADY_RUNNING,
	};

	if (kind < VIGIL_EV_EXEC || kind >= __VIGIL_EV_LAST)
		return false;
	vigil_stat_inc(kind_stat[kind]);
	if (!READ_ONCE(vigil_enabled))
		return false;
	if (READ_ONCE(vigil_detect_kinds) & (1U << kind))
		return true;
	return (READ_ONCE(vigil_detect_later) & (1U << kind)) &&
	       sequence_waits();
}

/**
 * vigil_detect_may_want() - could some rule use an event kind?
 * @kind: the kind
 *
 * For work done before any event exists (the already_running snapshot).
 *
 * Return: true when vigil is enabled and a running rule's step takes
 * @kind.
 */
bool vigil_detect_may_want(enum vigil_event_kind kind)
{
	return kind > VIGIL_EV_NONE && kind < __VIGIL_EV_LAST &&
	       READ_ONCE(vigil_enabled) &&
	       ((READ_ONCE(vigil_detect_kinds) |
		 READ_ONCE(vigil_detect_later)) &
		(1U << kind));
}

/**
 * vigil_detect_reads() - does some loaded rule read a field?
 * @f: the field
 *
 * For capture, which leaves out costly fields that no rule reads (see
 * vigil_detect_fields).  Any context.
 *
 * Return: true when @f may be read.
 */
bool vigil_detect_reads(enum vigil_field f)
{
	return READ_ONCE(vigil_detect_fields) & (1ULL << f);
}

/**
 * vigil_detect_env_names() - the environment variables loaded rules name
 *
 * For capture, which reads no other variable.  Caller holds
 * rcu_read_lock(); the names stay valid until it drops it.
 *
 * Return: the names, or NULL when no ruleset is loaded.
 */
const struct vigil_env_names *vigil_detect_env_names(void)
{
	struct vigil_engine *e = rcu_dereference(vigil_engine_cur);

	return e ? vigil_engine_env_names(e) : NULL;
}

/**
 * vigil_detect_event() - run the rules over one event
 * @ev: a complete event (kind, timestamp and fields)
 * @memo: the prefilter's memo of parent fields that goes with this CPU
 *
 * Called from probe context, after vigil_detect_wants(); never sleeps.
 */
void vigil_detect_event(const struct vigil_event *ev,
			struct vigil_pf_memo *memo)
{
	struct vigil_engine *e;

	rcu_read_lock();
	e = rcu_dereference(vigil_engine_cur);
	if (e)
		vigil_engine_process_memo(e, ev, memo, alert_cb, e);
	rcu_read_unlock();
}

/**
 * vigil_detect_early() - may an event of an early kind match, so far?
 * @ev: an event whose early fields alone are set (vigil_early_fields())
 * @memo: the prefilter's memo that goes with this CPU
 *
 * Called from probe context, after vigil_detect_wants(); never sleeps.
 * An event no rule can match is counted in events_decided_early, and
 * capture builds no more of it.
 *
 * Return: true when the event must be built whole.
 */
bool vigil_detect_early(const struct vigil_event *ev,
			struct vigil_pf_memo *memo)
{
	struct vigil_engine *e;
	bool may;

	rcu_read_lock();
	e = rcu_dereference(vigil_engine_cur);
	may = !e || vigil_engine_early_memo(e, ev, memo);
	rcu_read_unlock();
	if (!may)
		vigil_stat_inc(VIGIL_STAT_EVENTS_DECIDED_EARLY);
	return may;
}

/**
 * vigil_detect_forget_entity() - a process image is gone
 * @entity_id: its process.entity_id
 * @len: length of @entity_id
 *
 * Drops the pending sequences keyed by it.  Probe context.
 */
void vigil_detect_forget_entity(const char *entity_id, u32 len)
{
	struct vigil_engine *e;

	rcu_read_lock();
	e = rcu_dereference(vigil_engine_cur);
	if (e && vigil_engine_seq_pending(e))
		vigil_engine_forget_entity(e, entity_id, len);
	rcu_read_unlock();
}

/**
 * vigil_detect_engine_locked() - the running engine, for writers
 *
 * Return: the engine (NULL before the first load); valid while
 * vigil_detect_mutex is held.
 */
struct vigil_engine *vigil_detect_engine_locked(void)
{
	return rcu_dereference_protected(vigil_engine_cur,
					 lockdep_is_held(&vigil_detect_mutex));
}

/**
 * vigil_detect_engine_rcu() - the running engine, for readers
 *
 * The caller holds rcu_read_lock().
 *
 * Return: the engine, or NULL.
 */
struct vigil_engine *vigil_detect_engine_rcu(void)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "vigil: engine read outside rcu_read_lock()");
	return rcu_dereference(vigil_engine_cur);
}

/**
 * vigil_detect_generation() - number of ruleset replacements so far
 *
 * Dumps use it to flag a ruleset that changed under them.
 *
 * Return: the generation.
 */
u32 vigil_detect_generation(void)
{
	return READ_ONCE(vigil_generation);
}

/**
 * vigil_detect_set_enabled() - switch one rule on or off
 * @id: rule_id
 * @on: new state
 *
 * The one path both inlets (netlink's ENABLE/DISABLE and sysfs's
 * rules/<id>/enabled) take.  Under vigil_detect_mutex, so a toggle is
 * ordered with the publication of a ruleset and never lands on an engine
 * that a load has already copied the switches from.  Takes effect for
 * the next event.  Process context; the caller checked the capability.
 *
 * Return: 0, or -ENOENT when no loaded rule has this id.
 */
int vigil_detect_set_enabled(const char *id, bool on)
{
	struct vigil_engine *e;
	int idx = -ENOENT;

	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	if (e)
		idx = vigil_engine_find_rule(e, id);
	if (idx >= 0)
		vigil_engine_set_enabled(e, idx, on);
	mutex_unlock(&vigil_detect_mutex);
	return idx < 0 ? -ENOENT : 0;
}

/* The counter @s of @st, for the counters an engine keeps itself; or NULL. */
static u64 *engine_stat(enum vigil_stat s, struct vigil_engine_stats *st)
{
	switch (s) {
	case VIGIL_STAT_SEQ_EVICTIONS:
		return &st->seq_evictions;
	case VIGIL_STAT_SEQ_NOMEM:
		return &st->seq_nomem;
	case VIGIL_STAT_TERMS_EVICTIONS:
		return &st->terms_evictions;
	case VIGIL_STAT_THRESHOLD_EVICTIONS:
		return &st->thr_evictions;
	case VIGIL_STAT_WORK_STOPS:
		return &st->work_stops;
	default:
		return NULL;
	}
}

/**
 * vigil_detect_stat_read() - a counter as userspace sees it
 * @s: the counter
 *
 * The per-CPU counters (stats.c) plus what the running engine keeps
 * itself (engine_stat(); those of retired engines were added to the
 * per-CPU counters when they were freed).
 *
 * Return: the value of @s.
 */
u64 vigil_detect_stat_read(enum vigil_stat s)
{
	struct vigil_engine_stats st = {};
	struct vigil_engine *e;
	u64 v = vigil_stat_read(s);

	if (!engine_stat(s, &st))
		return v;
	rcu_read_lock();
	e = rcu_dereference(vigil_engine_cur);
	if (e)
		vigil_engine_stats(e, &st);
	rcu_read_unlock();
	return v + *engine_stat(s, &st);
}

/* Keeps the counters of an engine about to be freed. */
static void retire_stats(struct vigil_engine *old)
{
	static const enum vigil_stat kept[] = {
		VIGIL_STAT_SEQ_EVICTIONS,   VIGIL_STAT_SEQ_NOMEM,
		VIGIL_STAT_TERMS_EVICTIONS, VIGIL_STAT_THRESHOLD_EVICTIONS,
		VIGIL_STAT_WORK_STOPS,
	};
	struct vigil_engine_stats st = {};
	u32 i;

	vigil_engine_stats(old, &st);
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		vigil_stat_add(kept[i], *engine_stat(kept[i], &st));
}

/*
 * Sequence and new-terms state a ruleset may ask for, all rules together
 * (Documentation/engine.rst, "State memory").  Read at each load.
 */
static unsigned int state_max_mb = 512;
module_param(state_max_mb, uint, 0644);
MODULE_PARM_DESC(state_max_mb, "MiB of state a ruleset may ask for (512)");

/**
 * vigil_detect_load() - replace the running ruleset
 * @blob: a ruleset (struct vigil_rs_header ...), hostile until validated
 * @len: its length
 * @learn_s: seconds new_terms rules learn without alerting, from now;
 *	0: keep the running ruleset's deadline
 * @extack: where the reason for a rejection goes (may be NULL)
 *
 * Validates and builds the new engine first, holding no lock; on any
 * error nothing changes.  vigil_detect_mutex is held only to publish it.
 * The caller serializes loads (netlink.c's mutex; module init) and
 * rebuilds the sysfs rules directory after a successful one.  Process
 * context; sleeps.
 *
 * Return: 0, -EINVAL (invalid ruleset), -E2BIG (its state would exceed
 * state_max_mb) or -ENOMEM.
 */
int vigil_detect_load(const void *blob, u32 len, u32 learn_s,
		      struct netlink_ext_ack *extack)
{
	struct vigil_engine_limits lim = {
		.seq_capacity = seq_capacity,
		.terms_capacity = terms_capacity,
		.thr_capacity = threshold_capacity,
		.state_max = (u64)max(READ_ONCE(state_max_mb), 1U) << 20,
	};
	struct vigil_engine *e, *old;
	const char *reason = "invalid ruleset";

	e = vigil_engine_new(blob, len, &lim, &reason);
	if (IS_ERR(e)) {
		/* @reason is a static string, as NL_SET_ERR_MSG() needs. */
		if (extack)
			extack->_msg = reason;
		pr_info_ratelimited("vigil: ruleset rejected: %s\n", reason);
		return PTR_ERR(e);
	}

	if (learn_s)
		vigil_engine_set_learn(e, vg_window_now() +
						  (u64)learn_s * NSEC_PER_SEC);

	mutex_lock(&vigil_detect_mutex);
	old = vigil_detect_engine_locked();
	if (vigil_engine_inherit(e, old)) {
		mutex_unlock(&vigil_detect_mutex);
		vigil_engine_free(e);
		if (extack)
			extack->_msg =
				"out of memory carrying learned terms over";
		return -ENOMEM;
	}
	WRITE_ONCE(vigil_detect_fields,
		   vigil_engine_fields_read(e) |
			   (old ? vigil_engine_fields_read(old) : 0));
	rcu_assign_pointer(vigil_engine_cur, e);
	WRITE_ONCE(vigil_detect_later, vigil_engine_kind_mask_later(e));
	WRITE_ONCE(vigil_detect_kinds,
		   vigil_engine_kind_mask(e) &
			   ~vigil_engine_kind_mask_later(e));
	WRITE_ONCE(vigil_generation, vigil_generation + 1);
	mutex_unlock(&vigil_detect_mutex);
	/* Rule indexes changed: the per-rule alert budgets start afresh. */
	vigil_alertq_rules_changed();

	if (old) {
		synchronize_rcu();
		/* The hits events in flight counted in @old meanwhile. */
		vigil_engine_inherit_hits(e, old);
		retire_stats(old);
		vigil_engine_free(old);
	}
	pr_info("vigil: loaded %u rules\n", vigil_engine_rule_count(e));
	return 0;
}

/**
 * vigil_detect_init() - start with the default ruleset or none
 * @load_default_rules: load the rules embedded at build time
 *
 * The embedded rules go through the same validator as a runtime load.
 * vigil_sysfs_init(), called later, builds the rules directory for them.
 *
 * Return: 0 or -errno.
 */
int vigil_detect_init(bool load_default_rules)
{
	if (!seq_capacity || !terms_capacity || !threshold_capacity) {
		pr_err("vigil: seq_capacity, terms_capacity and threshold_capacity must be > 0\n");
		return -EINVAL;
	}
	if (!load_default_rules) {
		pr_info("vigil: starting with no rules (no_default_rules=1)\n");
		return 0;
	}
#ifdef VIGIL_HAVE_DEFAULT_RULES
	return vigil_detect_load(vigil_default_rules, vigil_default_rules_len,
				 0, NULL);
#else
	pr_warn("vigil: built without default rules; starting with none\n");
	return 0;
#endif
}

/**
 * vigil_detect_uninit() - free the running engine
 *
 * Capture must be stopped and the alert queue flushed before.
 */
void vigil_detect_uninit(void)
{
	struct vigil_engine *e;

	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	RCU_INIT_POINTER(vigil_engine_cur, NULL);
	mutex_unlock(&vigil_detect_mutex);
	synchronize_rcu();
	if (e)
		vigil_engine_free(e);
}
