// SPDX-License-Identifier: GPL-2.0
/*
 * Capture, registered in one place: every tracepoint and kprobe vigil
 * uses is attached here, and only here, and each hook calls down into
 * the capture file that builds its event (see capture.h).
 *
 *   sched_process_fork   a new thread group gets its parent's entry;
 *   sched_process_exit   the last thread of a group ends the process
 *                        (capture_exit.c) and drops its entry;
 *   module_load          a kernel module is loaded (capture_module.c);
 *   exec, first hook that registers wins:
 *     1. tracepoint sched_process_exec (after a successful exec);
 *     2. kretprobe on bprm_execve, reporting only a zero return;
 *     3. kprobe on finalize_exec (past the point of no return);
 *   the file kprobes of capture_file.c, then the network kprobes of
 *   capture_net.c and the credential kprobes of capture_cred.c.
 *
 * Either every hook is registered or none: a missing one fails the load
 * with a message naming it.
 */
#include <linux/binfmts.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "capture.h"
#include "compat.h"

/* ---------------- tracepoints ---------------- */

struct tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tp_match(struct tracepoint *tp, void *priv)
{
	struct tp_lookup *l = priv;

	if (!l->tp && !strcmp(tp->name, l->name))
		l->tp = tp;
}

/*
 * The sched tracepoints are not exported for direct use, so they are
 * looked up by name.  Process context.
 */
static struct tracepoint *tp_find(const char *name)
{
	struct tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(tp_match, &l);
	return l.tp;
}

static int tp_register(struct tracepoint **slot, const char *name, void *probe)
{
	struct tracepoint *tp = tp_find(name);
	int ret;

	if (!tp)
		return -ENOENT;
	ret = tracepoint_probe_register(tp, probe, NULL);
	if (ret)
		return ret;
	*slot = tp;
	return 0;
}

static void tp_unregister(struct tracepoint **slot, void *probe)
{
	if (*slot)
		tracepoint_probe_unregister(*slot, probe, NULL);
	*slot = NULL;
}

/* ---------------- fork and exit ---------------- */

static struct tracepoint *tp_fork, *tp_exit, *tp_module;

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if ((child->flags & PF_KTHREAD) || !thread_group_leader(child))
		return;
	vigil_proctab_fork(task_tgid_nr(parent), task_tgid_nr(child));
}

static void probe_exit(void *data, VIGIL_TP_EXIT_PROTO)
{
	if (p->flags & PF_KTHREAD)
		return;
	/* do_exit() dropped signal->live before this tracepoint. */
	if (atomic_read(&p->signal->live))
		return;
	vigil_capture_exit(p);
	vigil_proctab_exit(task_tgid_nr(p));
}

static void probe_module_load(void *data, struct module *mod)
{
	vigil_capture_module_load();
}

static int required_tp(struct tracepoint **slot, const char *name, void *probe)
{
	int ret = tp_register(slot, name, probe);

	if (ret)
		pr_err("vigil: cannot attach to tracepoint %s (%d); not loading\n",
		       name, ret);
	return ret;
}

/* ---------------- exec ---------------- */

static unsigned int exec_hook;
module_param(exec_hook, uint, 0444);
MODULE_PARM_DESC(
	exec_hook,
	"First exec hook tried: 0 tracepoint (default), 1 kretprobe, 2 kprobe (for tests)");

static struct tracepoint *tp_exec;

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	vigil_capture_exec(bprm);
}

static int krp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(struct linux_binprm **)ri->data =
		(struct linux_binprm *)vigil_kprobe_arg(regs, 0);
	return 0;
}

static struct kretprobe krp_exec;
static atomic_t krp_missed_seen = ATOMIC_INIT(0);

/*
 * Execs the kretprobe missed (more in flight than maxactive instances)
 * are counted in exec_missed: each return adds what nmissed gained since
 * the last one that did.
 */
static void krp_count_missed(void)
{
	int now = READ_ONCE(krp_exec.nmissed);
	int seen = atomic_read(&krp_missed_seen);

	if (now != seen && atomic_try_cmpxchg(&krp_missed_seen, &seen, now))
		vigil_stat_add(VIGIL_STAT_EXEC_MISSED, (u64)(now - seen));
}

static int krp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	krp_count_missed();
	if (regs_return_value(regs) == 0)
		vigil_capture_exec(*(struct linux_binprm **)ri->data);
	return 0;
}

/*
 * Instances of the bprm_execve kretprobe: one per exec in flight, and an
 * exec sleeps there (reading the binary, faulting its pages in), so many
 * per CPU can be pending.  Each costs a few dozen bytes.
 */
#define KRP_PER_CPU 32
#define KRP_MIN 64
#define KRP_MAX 8192

static struct kretprobe krp_exec = {
	.kp.symbol_name = "bprm_execve",
	.entry_handler = krp_entry,
	.handler = krp_return,
	.data_size = sizeof(struct linux_binprm *),
};
static bool krp_exec_on;

static int kp_finalize(struct kprobe *kp, struct pt_regs *regs)
{
	vigil_capture_exec((struct linux_binprm *)vigil_kprobe_arg(regs, 0));
	return 0;
}

static struct kprobe kp_exec = {
	.symbol_name = "finalize_exec",
	.pre_handler = kp_finalize,
};
static bool kp_exec_on;

static int exec_register(void)
{
	int ret, n;

	if (exec_hook == 0 &&
	    !tp_register(&tp_exec, "sched_process_exec", probe_exec))
		return 0;
	n = num_possible_cpus() * KRP_PER_CPU;
	krp_exec.maxactive = clamp_t(int, n, KRP_MIN, KRP_MAX);
	atomic_set(&krp_missed_seen, 0);
	ret = exec_hook <= 1 ? register_kretprobe(&krp_exec) : -ENOENT;
	if (!ret) {
		krp_exec_on = true;
		pr_info("vigil: exec via kretprobe on bprm_execve (%d instances)\n",
			krp_exec.maxactive);
		return 0;
	}
	ret = register_kprobe(&kp_exec);
	if (!ret) {
		kp_exec_on = true;
		pr_info("vigil: exec via kprobe on finalize_exec\n");
		return 0;
	}
	pr_err("vigil: no exec hook (sched_process_exec, bprm_execve, finalize_exec: %d); not loading\n",
	       ret);
	return ret;
}

/* The caller waits for running tracepoint probes. */
static void exec_unregister(void)
{
	tp_unregister(&tp_exec, probe_exec);
	if (krp_exec_on) {
		unregister_kretprobe(&krp_exec);
		krp_count_missed();
	}
	krp_exec_on = false;
	if (kp_exec_on)
		unregister_kprobe(&kp_exec);
	kp_exec_on = false;
}

/* ---------------- file, network and credential kprobes ---------------- */

/* The kprobe hooks of the capture files, and the option each needs. */
static const struct {
	const struct vigil_capture_hook *hooks;
	unsigned int n;
	const char *config;
} hook_sets[] = {
	{ vigil_capture_file_hooks, VIGIL_CAPTURE_FILE_HOOKS,
	  "CONFIG_SECURITY_PATH" },
	{ vigil_capture_net_hooks, VIGIL_CAPTURE_NET_HOOKS,
	  "CONFIG_SECURITY_NETWORK" },
	{ vigil_capture_cred_hooks, VIGIL_CAPTURE_CRED_HOOKS,
	  "CONFIG_SECURITY" },
};

#define N_KPROBES                                             \
	(VIGIL_CAPTURE_FILE_HOOKS + VIGIL_CAPTURE_NET_HOOKS + \
	 VIGIL_CAPTURE_CRED_HOOKS)

static struct kprobe kps_all[N_KPROBES];
static unsigned int kps_on;

static int kprobe_register_chain(const struct vigil_capture_hook *h,
				 const char *config, struct kprobe *kp)
{
	const char *const *name;
	int ret = -ENOENT;

	for (name = h->chain; *name; name++) {
		memset(kp, 0, sizeof(*kp));
		kp->symbol_name = *name;
		kp->pre_handler = h->handler;
		ret = register_kprobe(kp);
		if (!ret)
			return 0;
	}
	pr_err("vigil: cannot probe %s or its fallbacks (error %d; needs %s); not loading\n",
	       h->chain[0], ret, config);
	return ret;
}

/* Unregisters the kprobes of hook_sets with one RCU grace period. */
static void kprobes_unregister(void)
{
	struct kprobe *kps[N_KPROBES];
	unsigned int i;

	for (i = 0; i < kps_on; i++)
		kps[i] = &kps_all[i];
	if (kps_on)
		unregister_kprobes(kps, kps_on);
	kps_on = 0;
}

static int kprobes_register(void)
{
	unsigned int s, i;
	int ret;

	for (s = 0; s < ARRAY_SIZE(hook_sets); s++) {
		for (i = 0; i < hook_sets[s].n; i++) {
			ret = kprobe_register_chain(&hook_sets[s].hooks[i],
						    hook_sets[s].config,
						    &kps_all[kps_on]);
			if (ret)
				goto err_unregister;
			kps_on++;
		}
	}
	return 0;

err_unregister:
	kprobes_unregister();
	return ret;
}

/* ---------------- init / uninit ---------------- */

/**
 * vigil_capture_init() - allocate scratch and register every hook
 *
 * Process context; vigil_proctab_init() has run.  Either every hook is
 * registered or none.  The processes already running are recorded after
 * the hooks are in place, so one that execs meanwhile is recorded by its
 * exec, which wins.
 *
 * Return: 0 or a negative errno.
 */
int vigil_capture_init(void)
{
	int ret;

	ret = vigil_scratch_init(vigil_capture_argv_cap());
	if (ret)
		return ret;
	ret = required_tp(&tp_exit, "sched_process_exit", probe_exit);
	if (ret)
		goto err_free_scratch;
	ret = required_tp(&tp_fork, "sched_process_fork", probe_fork);
	if (ret)
		goto err_unregister_exit;
	ret = required_tp(&tp_module, "module_load", probe_module_load);
	if (ret)
		goto err_unregister_fork;
	ret = exec_register();
	if (ret)
		goto err_unregister_module;
	ret = kprobes_register();
	if (ret)
		goto err_unregister_exec;
	if (vigil_capture_seed())
		pr_warn("vigil: no memory to record running processes\n");
	return 0;

err_unregister_exec:
	exec_unregister();
err_unregister_module:
	tp_unregister(&tp_module, probe_module_load);
err_unregister_fork:
	tp_unregister(&tp_fork, probe_fork);
err_unregister_exit:
	tp_unregister(&tp_exit, probe_exit);
	tracepoint_synchronize_unregister();
err_free_scratch:
	vigil_scratch_uninit();
	return ret;
}

/**
 * vigil_capture_uninit() - unregister every hook, wait, free scratch
 *
 * Process context.  On return no hook is running or can run.
 */
void vigil_capture_uninit(void)
{
	kprobes_unregister();
	exec_unregister();
	tp_unregister(&tp_module, probe_module_load);
	tp_unregister(&tp_fork, probe_fork);
	tp_unregister(&tp_exit, probe_exit);
	/* Tracepoint probes still running finish; kprobes already did. */
	tracepoint_synchronize_unregister();
	synchronize_rcu();
	vigil_scratch_uninit();
}
