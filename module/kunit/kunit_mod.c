// SPDX-License-Identifier: GPL-2.0
/*
 * vigil_kunit.ko: the suites register themselves through the
 * .kunit_test_suites section; this file only names the module.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of the vigil engine");
