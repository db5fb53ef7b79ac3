// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU scratch buffers for the capture hooks.
 *
 * Why one set per CPU is enough: every hook (tracepoint probes and kprobe
 * pre-handlers) runs with preemption disabled, and none of the hooked
 * functions is reachable from interrupt context, so two hooks never use
 * one CPU's scratch at the same time.  The @busy guard turns a violation
 * of that reasoning into a counted capture error instead of corruption.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "vigil.h"
#include "proctab.h"
#include "scratch.h"

static struct vigil_scratch __percpu *scratch;

static void scratch_free_cpu(struct vigil_scratch *sc)
{
	kvfree(sc->cmdline);
	kvfree(sc->argv);
	kfree(sc->pcmdline);
	kfree(sc->path3);
	kfree(sc->path2);
	kfree(sc->path);
}

static int scratch_alloc_cpu(struct vigil_scratch *sc, u32 argv_cap)
{
	sc->path = kmalloc(PATH_MAX, GFP_KERNEL);
	sc->path2 = kmalloc(PATH_MAX, GFP_KERNEL);
	sc->path3 = kmalloc(PATH_MAX, GFP_KERNEL);
	sc->pcmdline = kmalloc(VIGIL_PROC_ARGS_MAX, GFP_KERNEL);
	sc->argv = kvmalloc(argv_cap, GFP_KERNEL);
	sc->cmdline = kvmalloc(argv_cap, GFP_KERNEL);
	sc->argv_cap = argv_cap;
	if (!sc->path || !sc->path2 || !sc->path3 || !sc->pcmdline ||
	    !sc->argv || !sc->cmdline)
		return -ENOMEM;
	return 0;
}

/**
 * vigil_scratch_init() - allocate every possible CPU's scratch
 * @argv_cap: bytes of the argv and command-line buffers
 *
 * Process context.
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int vigil_scratch_init(u32 argv_cap)
{
	int cpu, ret;

	scratch = alloc_percpu(struct vigil_scratch);
	if (!scratch)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		ret = scratch_alloc_cpu(per_cpu_ptr(scratch, cpu), argv_cap);
		if (ret)
			goto err_free;
	}
	return 0;

err_free:
	vigil_scratch_uninit();
	return ret;
}

/**
 * vigil_scratch_uninit() - free the scratch of every CPU
 *
 * Only once no hook can run any more (after the hooks are unregistered
 * and tracepoint_synchronize_unregister()).
 */
void vigil_scratch_uninit(void)
{
	int cpu;

	if (!scratch)
		return;
	for_each_possible_cpu(cpu)
		scratch_free_cpu(per_cpu_ptr(scratch, cpu));
	free_percpu(scratch);
	scratch = NULL;
}

/**
 * vigil_scratch_get() - this CPU's scratch, marked busy
 *
 * Disables preemption until vigil_scratch_put() (the hooks already run
 * with it disabled; this makes the pairing explicit).
 *
 * Return: the scratch, or NULL (counted as a capture error) if this CPU's
 * scratch is already in use.
 */
struct vigil_scratch *vigil_scratch_get(void)
{
	struct vigil_scratch *sc;

	preempt_disable();
	sc = this_cpu_ptr(scratch);
	if (unlikely(sc->busy)) {
		preempt_enable();
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		return NULL;
	}
	sc->busy = true;
	sc->table_only = false;
	sc->cred = NULL;
	return sc;
}

/**
 * vigil_scratch_put() - release what vigil_scratch_get() returned
 * @sc: the scratch
 */
void vigil_scratch_put(struct vigil_scratch *sc)
{
	sc->busy = false;
	preempt_enable();
}
