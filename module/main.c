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

static int __init vigil_init(void)
{
	int err;

	err = vigil_stats_init();
	if (err)
		return err;
	err = vigil_proctab_init();
	if (err)
		goto err_uninit_stats;
	err = vigil_alertq_init();
	if (err)
		goto err_uninit_proctab;
	err = vigil_detect_init(!no_default_rules);
	if (err)
		goto err_uninit_alertq;
	err = vigil_netlink_init();
	if (err)
		goto err_uninit_detect;
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
err_uninit_detect:
	vigil_detect_uninit();
err_uninit_alertq:
	vigil_alertq_uninit();
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
	/* Waits for every handler in flight (parallel_ops or not). */
	vigil_netlink_uninit();
	vigil_detect_uninit();
	vigil_alertq_uninit();
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
