// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: in-kernel detection of exec, file-creation, symlink, rename and
 * delete activity.  Init and exit only.
 *
 * Capture starts last, so an event only ever meets a complete module,
 * and stops first; the exit path then drains the alert queue and frees
 * the engine after an RCU grace period, so nothing is in flight when the
 * module text goes away.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include "detect.h"

static bool no_default_rules;
module_param(no_default_rules, bool, 0444);
MODULE_PARM_DESC(
	no_default_rules,
	"Start with an empty ruleset (default: load the embedded rules)");

unsigned int vigil_seq_capacity = VIGIL_SEQ_DEFAULT_CAP;
module_param_named(seq_capacity, vigil_seq_capacity, uint, 0444);
#define SEQ_CAP_DESC                                                        \
	"In-flight sequences kept, all rules together, each rule an equal " \
	"share (default " __stringify(VIGIL_SEQ_DEFAULT_CAP) ")"
MODULE_PARM_DESC(seq_capacity, SEQ_CAP_DESC);

unsigned int vigil_terms_capacity = 16384;
module_param_named(terms_capacity, vigil_terms_capacity, uint, 0444);
MODULE_PARM_DESC(
	terms_capacity,
	"Learned terms kept per new_terms rule; the least recently seen is evicted (default 16384)");

unsigned int vigil_alert_queue_max = 4096;
module_param_named(alert_queue_max, vigil_alert_queue_max, uint, 0444);
MODULE_PARM_DESC(
	alert_queue_max,
	"Alerts queued for sending before new ones are dropped (default 4096)");

static int __init vigil_init(void)
{
	int err;

	if (!vigil_seq_capacity || !vigil_terms_capacity ||
	    !vigil_alert_queue_max) {
		pr_err("vigil: seq_capacity, terms_capacity and alert_queue_max must be > 0\n");
		return -EINVAL;
	}

	err = vigil_stats_init();
	if (err)
		return err;
	err = vigil_proctab_init();
	if (err)
		goto err_uninit_stats;
	err = vigil_detect_init(!no_default_rules);
	if (err)
		goto err_uninit_proctab;
	err = vigil_alertq_init();
	if (err)
		goto err_uninit_detect;
	err = vigil_netlink_init();
	if (err)
		goto err_uninit_alertq;
	err = vigil_sysfs_init();
	if (err)
		goto err_uninit_netlink;
	err = vigil_capture_init();
	if (err)
		goto err_uninit_sysfs;

	pr_info("vigil: watching\n");
	return 0;

err_uninit_sysfs:
	/* A hook that fired before capture gave up may have queued alerts. */
	vigil_alertq_flush();
	vigil_sysfs_uninit();
err_uninit_netlink:
	vigil_netlink_uninit();
err_uninit_alertq:
	vigil_alertq_uninit();
err_uninit_detect:
	vigil_detect_uninit();
err_uninit_proctab:
	vigil_proctab_uninit();
err_uninit_stats:
	vigil_stats_uninit();
	return err;
}

static void __exit vigil_exit(void)
{
	/* No new events (and so no new alerts) after this. */
	vigil_capture_uninit();
	/* Send or drop what is queued while the family still exists. */
	vigil_alertq_flush();
	vigil_sysfs_uninit();
	vigil_netlink_uninit();
	vigil_alertq_uninit();
	vigil_detect_uninit();
	vigil_proctab_uninit();
	vigil_stats_uninit();
	pr_info("vigil: stopped\n");
}

module_init(vigil_init);
module_exit(vigil_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(
	"In-kernel detection of exec and file activity with Elastic rules");
MODULE_AUTHOR("The vigil authors");
