/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure helpers for argv bytes as the kernel lays them out (NUL-terminated
 * elements back to back) and for paths: no hooks, no locks, no state, so
 * the KUnit build tests them outside the engine (argv_kunit.c).
 */
#ifndef VIGIL_ARGV_H
#define VIGIL_ARGV_H

#include <linux/types.h>
#include "uapi/vigil.h" /* VIGIL_CUT_MARK */

u32 vigil_argv_parse(char *buf, u32 len, u32 max_args, u32 *count, bool *trunc);
u32 vigil_argv_snapshot(char *dst, u32 room, const char *src, u32 len,
			u32 *count, bool *cut);
u32 vigil_argv_join(char *dst, const char *src, u32 len);
u32 vigil_path_base(const char *path, u32 len);
const char *vigil_comm_name(const char *comm, u32 comm_len, u32 comm_max,
			    const char *exe, u32 exe_len, u32 *len);
u32 vigil_path_keep_tail(char *dst, u32 room, const char *src, u32 len);
u32 vigil_path_tail(char *buf, u32 size, u32 *len);

#endif /* VIGIL_ARGV_H */
