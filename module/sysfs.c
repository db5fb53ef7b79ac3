// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/vigil:
 *
 *   enabled                 global switch, 0 or 1
 *   rules/<rule_id>/        one directory per loaded rule:
 *       enabled name severity risk_score type hits
 *   stats/<counter>         one read-only file per enum vigil_stat
 *
 * Documented in Documentation/ABI/testing/sysfs-kernel-vigil.
 *
 * Access: only "enabled" is world-readable.  What the rules are, whether
 * they are on and how often they hit, and every counter are root-only
 * (0400, switches 0600), as the same data over netlink is admin-only: an
 * unprivileged user must not watch hit counters to test an evasion.
 * The store handlers check CAP_SYS_ADMIN themselves as well, so a root
 * process without it (a container) cannot flip switches.
 *
 * A rule directory only remembers its rule_id: every read looks the rule
 * up in the running engine under RCU, so a directory that briefly
 * outlives a ruleset swap reads the new ruleset's rule of that id, or
 * fails with -ENOENT.  A write goes through vigil_detect_set_enabled(),
 * the path netlink's ENABLE/DISABLE take too.  The rules directory is
 * rebuilt after every load (vigil_sysfs_rules_rebuild(), called by the
 * loader) under vigil_sysfs_mutex.  Removing a directory waits for its
 * running handlers, and a store handler takes vigil_detect_mutex, so the
 * old directories are removed before vigil_detect_mutex is taken, and no
 * handler ever takes vigil_sysfs_mutex.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/capability.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/rcupdate.h>
#include "detect.h"
#include "stat_names.h"

struct vigil_rule_kobj {
	struct kobject kobj;
	struct list_head list;
	char id[VIGIL_RULE_ID_MAX + 1];
};

static struct kobject *vigil_kobj, *vigil_rules_kobj, *vigil_stats_kobj;
/* Guards vigil_rule_kobjs and vigil_rules_kobj; before vigil_detect_mutex. */
static DEFINE_MUTEX(vigil_sysfs_mutex);
static LIST_HEAD(vigil_rule_kobjs);

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

/* ---------------- /sys/kernel/vigil/enabled ---------------- */

/*
 * The file modes keep unprivileged users out; this keeps out a root
 * without CAP_SYS_ADMIN too (CAP_SYS_ADMIN is what netlink's admin
 * commands accept besides CAP_NET_ADMIN).
 */
static int store_allowed(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/* Switches take exactly "0" or "1", with an optional newline. */
static int parse_switch(const char *buf, size_t count, bool *on)
{
	if (count == 2 && buf[1] != '\n')
		return -EINVAL;
	if ((count != 1 && count != 2) || (buf[0] != '0' && buf[0] != '1'))
		return -EINVAL;
	*on = buf[0] == '1';
	return 0;
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(vigil_enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool on;
	int err;

	err = store_allowed() ?: parse_switch(buf, count, &on);
	if (err)
		return err;
	WRITE_ONCE(vigil_enabled, on);
	return count;
}

static struct kobj_attribute vigil_enabled_attr = __ATTR_RW(enabled);

/* ---------------- /sys/kernel/vigil/rules/<id>/ ---------------- */

enum rule_file {
	RULE_ENABLED,
	RULE_NAME,
	RULE_SEVERITY,
	RULE_RISK_SCORE,
	RULE_TYPE,
	RULE_HITS,
};

static ssize_t rule_show(struct kobject *kobj, char *buf, enum rule_file what)
{
	struct vigil_rule_kobj *rk =
		container_of(kobj, struct vigil_rule_kobj, kobj);
	struct vigil_rule_info ri = {};
	struct vigil_engine *e;
	ssize_t ret = -ENOENT;
	int idx;

	rcu_read_lock();
	e = vigil_detect_engine_rcu();
	idx = e ? vigil_engine_find_rule(e, rk->id) : -ENOENT;
	if (idx < 0)
		goto out_unlock;
	vigil_engine_rule_info(e, idx, &ri);
	switch (what) {
	case RULE_ENABLED:
		ret = sysfs_emit(buf, "%d\n", vigil_engine_enabled(e, idx));
		break;
	case RULE_NAME:
		ret = sysfs_emit(buf, "%s\n", ri.name ?: "");
		break;
	case RULE_SEVERITY:
		ret = sysfs_emit(buf, "%s\n",
				 ri.severity < __VIGIL_SEV_LAST ?
					 severity_names[ri.severity] :
					 "unknown");
		break;
	case RULE_RISK_SCORE:
		ret = sysfs_emit(buf, "%u\n", ri.risk_score);
		break;
	case RULE_TYPE:
		ret = sysfs_emit(buf, "%s\n",
				 ri.kind < __VIGIL_RULE_KIND_LAST ?
					 kind_names[ri.kind] :
					 "unknown");
		break;
	case RULE_HITS:
		ret = sysfs_emit(buf, "%llu\n", vigil_engine_hits(e, idx));
		break;
	}
out_unlock:
	rcu_read_unlock();
	return ret;
}

static ssize_t rule_enabled_store(struct kobject *kobj,
				  struct kobj_attribute *attr, const char *buf,
				  size_t count)
{
	struct vigil_rule_kobj *rk =
		container_of(kobj, struct vigil_rule_kobj, kobj);
	bool on;
	int err;

	err = store_allowed() ?: parse_switch(buf, count, &on);
	if (err)
		return err;
	err = vigil_detect_set_enabled(rk->id, on);
	return err ?: count;
}

#define RULE_SHOW(file, what)                                                 \
	static ssize_t rule_##file##_show(                                    \
		struct kobject *kobj, struct kobj_attribute *attr, char *buf) \
	{                                                                     \
		return rule_show(kobj, buf, what);                            \
	}

RULE_SHOW(enabled, RULE_ENABLED)
RULE_SHOW(name, RULE_NAME)
RULE_SHOW(severity, RULE_SEVERITY)
RULE_SHOW(risk_score, RULE_RISK_SCORE)
RULE_SHOW(type, RULE_TYPE)
RULE_SHOW(hits, RULE_HITS)

static struct kobj_attribute rule_enabled_attr =
	__ATTR(enabled, 0600, rule_enabled_show, rule_enabled_store);
static struct kobj_attribute rule_name_attr =
	__ATTR(name, 0400, rule_name_show, NULL);
static struct kobj_attribute rule_severity_attr =
	__ATTR(severity, 0400, rule_severity_show, NULL);
static struct kobj_attribute rule_risk_score_attr =
	__ATTR(risk_score, 0400, rule_risk_score_show, NULL);
static struct kobj_attribute rule_type_attr =
	__ATTR(type, 0400, rule_type_show, NULL);
static struct kobj_attribute rule_hits_attr =
	__ATTR(hits, 0400, rule_hits_show, NULL);

static struct attribute *rule_attrs[] = {
	&rule_enabled_attr.attr,
	&rule_name_attr.attr,
	&rule_severity_attr.attr,
	&rule_risk_score_attr.attr,
	&rule_type_attr.attr,
	&rule_hits_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rule);

static void rule_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vigil_rule_kobj, kobj));
}

static const struct kobj_type rule_ktype = {
	.release = rule_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rule_groups,
};

/*
 * rule_ids are 1..VIGIL_RULE_ID_MAX bytes of [A-Za-z0-9_.-]; "." and ".."
 * cannot be directories.
 */
static bool rule_id_dir_ok(const char *id)
{
	size_t len = strnlen(id, VIGIL_RULE_ID_MAX + 1);

	return len && len <= VIGIL_RULE_ID_MAX && strcmp(id, ".") &&
	       strcmp(id, "..") && !strchr(id, '/');
}

static void rules_clear(void)
{
	struct vigil_rule_kobj *rk, *tmp;

	lockdep_assert_held(&vigil_sysfs_mutex);
	list_for_each_entry_safe(rk, tmp, &vigil_rule_kobjs, list) {
		list_del(&rk->list);
		kobject_put(&rk->kobj);
	}
}

static void rule_add(const char *id)
{
	struct vigil_rule_kobj *rk;

	if (!rule_id_dir_ok(id)) {
		pr_warn("vigil: rule_id \"%.64s\" cannot be a sysfs directory; skipped\n",
			id);
		return;
	}
	rk = kzalloc(sizeof(*rk), GFP_KERNEL);
	if (!rk)
		goto err_warn;
	strscpy(rk->id, id, sizeof(rk->id));
	if (kobject_init_and_add(&rk->kobj, &rule_ktype, vigil_rules_kobj, "%s",
				 rk->id)) {
		kobject_put(&rk->kobj);
		goto err_warn;
	}
	list_add_tail(&rk->list, &vigil_rule_kobjs);
	return;

err_warn:
	/* The rule runs; only its directory is missing until the next load. */
	pr_warn("vigil: cannot add sysfs directory rules/%s\n", id);
}

/**
 * vigil_sysfs_rules_rebuild() - one directory per rule of the running engine
 *
 * Called by whoever loaded a ruleset, after vigil_detect_load() returned
 * 0 (and by vigil_sysfs_init()); process context, no vigil lock held.
 * A directory that cannot be created is reported and skipped; the
 * ruleset stays loaded.
 */
void vigil_sysfs_rules_rebuild(void)
{
	struct vigil_rule_info ri;
	struct vigil_engine *e;
	u32 i, n;

	mutex_lock(&vigil_sysfs_mutex);
	if (!vigil_rules_kobj)
		goto out_unlock;
	/* Waits for the handlers in flight, which may take the detect mutex. */
	rules_clear();
	mutex_lock(&vigil_detect_mutex);
	e = vigil_detect_engine_locked();
	n = e ? vigil_engine_rule_count(e) : 0;
	for (i = 0; i < n; i++) {
		memset(&ri, 0, sizeof(ri));
		vigil_engine_rule_info(e, i, &ri);
		if (ri.id)
			rule_add(ri.id);
	}
	mutex_unlock(&vigil_detect_mutex);
out_unlock:
	mutex_unlock(&vigil_sysfs_mutex);
}

/* ---------------- /sys/kernel/vigil/stats/ ---------------- */

struct vigil_stat_attr {
	struct kobj_attribute attr;
	enum vigil_stat stat;
};

static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vigil_stat_attr *sa =
		container_of(attr, struct vigil_stat_attr, attr);

	return sysfs_emit(buf, "%llu\n", vigil_detect_stat_read(sa->stat));
}

/* one file per named counter, made by stat_attrs_init() */
static struct vigil_stat_attr stat_attr[__VIGIL_STAT_LAST];
static struct attribute *stat_attrs[__VIGIL_STAT_LAST + 1];

static const struct attribute_group stat_group = {
	.attrs = stat_attrs,
};

/* Fills stat_attrs[] from vigil_stat_names[], NULL-terminated. */
static void stat_attrs_init(void)
{
	u32 s, n = 0;

	for (s = VIGIL_STAT_UNSPEC + 1; s < __VIGIL_STAT_LAST; s++) {
		struct vigil_stat_attr *sa = &stat_attr[s];

		if (!vigil_stat_names[s])
			continue;
		sysfs_attr_init(&sa->attr.attr);
		sa->attr.attr.name = vigil_stat_names[s];
		sa->attr.attr.mode = 0400;
		sa->attr.show = stat_show;
		sa->stat = s;
		stat_attrs[n++] = &sa->attr.attr;
	}
	stat_attrs[n] = NULL;
}

/* ---------------- init / uninit ---------------- */

/**
 * vigil_sysfs_init() - create /sys/kernel/vigil
 *
 * Return: 0 or -errno.
 */
int vigil_sysfs_init(void)
{
	int err = -ENOMEM;

	vigil_kobj = kobject_create_and_add("vigil", kernel_kobj);
	if (!vigil_kobj)
		return -ENOMEM;
	err = sysfs_create_file(vigil_kobj, &vigil_enabled_attr.attr);
	if (err)
		goto err_put_vigil;
	vigil_stats_kobj = kobject_create_and_add("stats", vigil_kobj);
	if (!vigil_stats_kobj) {
		err = -ENOMEM;
		goto err_put_vigil;
	}
	stat_attrs_init();
	err = sysfs_create_group(vigil_stats_kobj, &stat_group);
	if (err)
		goto err_put_stats;
	vigil_rules_kobj = kobject_create_and_add("rules", vigil_kobj);
	if (!vigil_rules_kobj) {
		err = -ENOMEM;
		goto err_put_stats;
	}
	vigil_sysfs_rules_rebuild();
	return 0;

err_put_stats:
	kobject_put(vigil_stats_kobj);
	vigil_stats_kobj = NULL;
err_put_vigil:
	kobject_put(vigil_kobj);
	vigil_kobj = NULL;
	return err;
}

/**
 * vigil_sysfs_uninit() - remove /sys/kernel/vigil
 */
void vigil_sysfs_uninit(void)
{
	mutex_lock(&vigil_sysfs_mutex);
	rules_clear();
	kobject_put(vigil_rules_kobj);
	vigil_rules_kobj = NULL;
	mutex_unlock(&vigil_sysfs_mutex);
	kobject_put(vigil_stats_kobj);
	vigil_stats_kobj = NULL;
	kobject_put(vigil_kobj);
	vigil_kobj = NULL;
}
