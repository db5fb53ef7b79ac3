// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel module loads, from the module_load tracepoint that capture.c
 * attaches: load_module() fires it once the module is laid out and
 * linked, just before its init function runs, in the context of the
 * process that called init_module(2) or finit_module(2).  The event is
 * that process's (insmod, modprobe, kmod, or any program), as Elastic
 * Defend reports it: category "process", type "start", action
 * "load_module", with the process's working directory as at an exec.  A
 * module whose init then fails was still loaded and run: it is
 * reported.
 */
#include <linux/module.h>

#include "capture.h"

/**
 * vigil_capture_module_load() - a kernel module is about to run: report it
 *
 * Called from capture.c's module_load probe, process context.
 */
void vigil_capture_module_load(void)
{
	if (!vigil_capture_skip() && vigil_detect_wants(VIGIL_EV_LOAD_MODULE))
		vigil_capture_process(VIGIL_EV_LOAD_MODULE, NULL, true);
}
