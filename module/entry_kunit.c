// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the entry-leader decision (suite vigil_entry).  The cases are
 * the situations Elastic's processdb tests walk through (a login on a
 * console, a serial terminal, a service of init, an sshd session, SSM,
 * a container started by containerd-shim or runc, runc itself, a child
 * that is not a session leader), with the expected types written out.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "entry.h"

/* A session leader named @n under a parent named @pn. */
#define LEADER(n, pn)                                                \
	{                                                            \
		.tgid = 1000, .ppid = 900, .sid = 1000, .name = (n), \
		.name_len = sizeof(n) - 1, .parent_name = (pn),      \
		.parent_name_len = (pn) ? strlen(pn) : 0             \
	}

static void expect_leads(struct kunit *test, struct vigil_entry_facts f,
			 u8 want)
{
	u8 type = VIGIL_ENTRY_NONE;

	KUNIT_EXPECT_EQ(test, vigil_entry_decide(&f, &type), VIGIL_ENTRY_LEADS);
	KUNIT_EXPECT_EQ(test, type, want);
}

static void expect_verdict(struct kunit *test, struct vigil_entry_facts f,
			   enum vigil_entry_verdict want)
{
	u8 type = VIGIL_ENTRY_NONE;

	KUNIT_EXPECT_EQ(test, vigil_entry_decide(&f, &type), want);
	KUNIT_EXPECT_EQ(test, type, VIGIL_ENTRY_NONE);
}

static void vigil_entry_never(struct kunit *test)
{
	struct vigil_entry_facts f = LEADER("systemd", "swapper");

	f.tgid = f.sid = 1;
	expect_verdict(test, f, VIGIL_ENTRY_NEVER);
	f = (struct vigil_entry_facts)LEADER("kthreadd", "swapper");
	f.tgid = f.sid = 2;
	expect_verdict(test, f, VIGIL_ENTRY_NEVER);
	/* a usermode helper (modprobe) forked by a kernel thread */
	f = (struct vigil_entry_facts)LEADER("modprobe", "kworker/u4:1");
	f.ppid = 2;
	expect_verdict(test, f, VIGIL_ENTRY_NEVER);
}

static void vigil_entry_terminals(struct kunit *test)
{
	struct vigil_entry_facts f = LEADER("bash", "agetty");

	/* /dev/ttyS0 is 4:64 */
	f.tty_major = 4;
	f.tty_minor = 64;
	expect_leads(test, f, VIGIL_ENTRY_TERMINAL);
	/* /dev/tty1 (4:1) is a console: only login leads there */
	f.tty_minor = 1;
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	f = (struct vigil_entry_facts)LEADER("login", "agetty");
	f.tty_major = 4;
	f.tty_minor = 1;
	expect_leads(test, f, VIGIL_ENTRY_CONSOLE);
	/* 4:256 is no terminal type */
	f.tty_minor = 256;
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
}

static void vigil_entry_init(struct kunit *test)
{
	struct vigil_entry_facts f = LEADER("cron", "systemd");

	f.ppid = 1;
	expect_leads(test, f, VIGIL_ENTRY_INIT);
	/* init's child that is not a session leader inherits */
	f.sid = 500;
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
}

static void vigil_entry_parents(struct kunit *test)
{
	struct vigil_entry_facts f = LEADER("bash", "sshd");

	expect_leads(test, f, VIGIL_ENTRY_SSHD);
	/* sshd's privilege-separated child is not an entry */
	f = (struct vigil_entry_facts)LEADER("sshd", "sshd");
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	/* SSM needs a pseudo-terminal */
	f = (struct vigil_entry_facts)LEADER("sh", "ssm-session-worker");
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	f.tty_major = 136;
	expect_leads(test, f, VIGIL_ENTRY_SSM);
	/* runtimes, by prefix */
	f = (struct vigil_entry_facts)LEADER("nginx",
					     "containerd-shim-runc-v2");
	expect_leads(test, f, VIGIL_ENTRY_CONTAINER);
	f = (struct vigil_entry_facts)LEADER("sh", "runc");
	expect_leads(test, f, VIGIL_ENTRY_CONTAINER);
	f = (struct vigil_entry_facts)LEADER("sh", "conmon");
	expect_leads(test, f, VIGIL_ENTRY_CONTAINER);
	/* runc:[2:INIT] under the shim is runtime plumbing */
	f = (struct vigil_entry_facts)LEADER("runc:[2:INIT]",
					     "containerd-shim");
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	/* a look-alike parent name, and an unknown parent */
	f = (struct vigil_entry_facts)LEADER("sh", "xrunc");
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	f = (struct vigil_entry_facts)LEADER("sh", "sh");
	f.parent_name = NULL;
	f.parent_name_len = 0;
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
	/* not a session leader: whatever its parent, it inherits */
	f = (struct vigil_entry_facts)LEADER("sh", "runc");
	f.sid = 999;
	expect_verdict(test, f, VIGIL_ENTRY_INHERIT);
}

static void vigil_entry_names(struct kunit *test)
{
	u32 len = 99;

	KUNIT_EXPECT_STREQ(test,
			   vigil_entry_type_name(VIGIL_ENTRY_CONTAINER, &len),
			   "container");
	KUNIT_EXPECT_EQ(test, len, 9U);
	KUNIT_EXPECT_NULL(test, vigil_entry_type_name(VIGIL_ENTRY_NONE, &len));
	KUNIT_EXPECT_EQ(test, len, 0U);
	KUNIT_EXPECT_NULL(test,
			  vigil_entry_type_name(__VIGIL_ENTRY_LAST, &len));
}

static struct kunit_case vigil_entry_cases[] = {
	KUNIT_CASE(vigil_entry_never), KUNIT_CASE(vigil_entry_terminals),
	KUNIT_CASE(vigil_entry_init),  KUNIT_CASE(vigil_entry_parents),
	KUNIT_CASE(vigil_entry_names), {}
};

static struct kunit_suite vigil_entry_suite = {
	.name = "vigil_entry",
	.test_cases = vigil_entry_cases,
};
kunit_test_suite(vigil_entry_suite);
