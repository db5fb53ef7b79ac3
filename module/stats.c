// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU event and alert counters.  Writers run in probe context and
 * only touch their own CPU's slot; readers sum over all CPUs.  Gauges
 * (proc_tracked, alerts_pending) are kept with signed adds by their
 * owners (proctab.c, alertq.c) and read as their sum.  A leaf: stats.c
 * calls nobody; what the engine keeps itself is added by
 * vigil_detect_stat_read().
 */
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include "vigil.h"

struct vigil_stats {
	u64 c[__VIGIL_STAT_LAST];
};

static struct vigil_stats __percpu *vigil_stats;

/**
 * vigil_stat_inc() - count one occurrence
 * @s: the counter
 *
 * Safe in any context once vigil_stats_init() succeeded.
 */
void vigil_stat_inc(enum vigil_stat s)
{
	vigil_stat_add(s, 1);
}

/**
 * vigil_stat_add() - add to a counter
 * @s: the counter
 * @n: amount; gauges pass (u64)-1 to decrement
 */
void vigil_stat_add(enum vigil_stat s, u64 n)
{
	if (WARN_ON_ONCE((unsigned int)s >= __VIGIL_STAT_LAST) || !vigil_stats)
		return;
	this_cpu_add(vigil_stats->c[s], n);
}

/**
 * vigil_stat_read() - current value of a counter
 * @s: the counter
 *
 * Return: the sum over all CPUs.
 */
u64 vigil_stat_read(enum vigil_stat s)
{
	u64 sum = 0;
	int cpu;

	if ((unsigned int)s >= __VIGIL_STAT_LAST || !vigil_stats)
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(vigil_stats, cpu)->c[s];
	return sum;
}

/**
 * vigil_stats_init() - allocate the counters
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_stats_init(void)
{
	vigil_stats = alloc_percpu(struct vigil_stats);
	return vigil_stats ? 0 : -ENOMEM;
}

/**
 * vigil_stats_uninit() - free the counters; nothing may count any more
 */
void vigil_stats_uninit(void)
{
	free_percpu(vigil_stats);
	vigil_stats = NULL;
}
