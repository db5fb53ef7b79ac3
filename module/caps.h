/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capability sets as process.thread.capabilities.{effective,permitted}:
 * the CAP_* names of the bits set, as an ARRAY field.  Pure, so the
 * KUnit build tests it (caps_kunit.c).
 */
#ifndef VIGIL_CAPS_H
#define VIGIL_CAPS_H

#include <linux/types.h>

/* Room for every name with its NUL (vigil_caps_names()). */
#define VIGIL_CAPS_BYTES 768

const char *vigil_caps_names(u64 bits, char *buf, u32 *len, u32 *n);

#endif /* VIGIL_CAPS_H */
