// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest loadable module: what tests/integration/module_load.sh
 * loads with insmod to make a load_module event.  It does nothing.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init vigil_hello_init(void)
{
	return 0;
}

static void __exit vigil_hello_exit(void)
{
}

module_init(vigil_hello_init);
module_exit(vigil_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vigil test module: loads and unloads, nothing else");
