// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: argv and path helpers of capture (suite vigil_argv).  The
 * expected values are written out by hand from the layout exec gives
 * argv (execve(2): NUL-terminated strings back to back), not computed.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "argv.h"

#define MEMEQ(test, a, b, n) KUNIT_EXPECT_EQ(test, memcmp(a, b, n), 0)

static void vigil_argv_parse_whole(struct kunit *test)
{
	char buf[] = "ls\0-l\0/tmp";
	u32 n = 0;
	bool trunc = false;

	/* sizeof includes the final NUL: three complete elements */
	KUNIT_EXPECT_EQ(test,
			vigil_argv_parse(buf, sizeof(buf), 16, &n, &trunc),
			(u32)sizeof(buf));
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_FALSE(test, trunc);
}

static void vigil_argv_parse_cut(struct kunit *test)
{
	char buf[] = "ls\0-l\0/tmp";
	u32 n = 0;
	bool trunc = false;

	/* read stopped inside "/tmp": kept cut and terminated */
	KUNIT_EXPECT_EQ(test, vigil_argv_parse(buf, 8, 16, &n, &trunc), 8U);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_TRUE(test, trunc);
	MEMEQ(test, buf, "ls\0-l\0/", 8);

	/* at most two elements */
	n = 0;
	trunc = false;
	KUNIT_EXPECT_EQ(test, vigil_argv_parse(buf, 8, 2, &n, &trunc), 6U);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_TRUE(test, trunc);

	/* nothing read */
	n = 7;
	trunc = false;
	KUNIT_EXPECT_EQ(test, vigil_argv_parse(buf, 0, 2, &n, &trunc), 0U);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_FALSE(test, trunc);
}

static void vigil_argv_snapshot_fits(struct kunit *test)
{
	static const char src[] = "bash\0-c\0id";
	char dst[32];
	u32 n = 0;
	bool cut = false;

	KUNIT_EXPECT_EQ(test,
			vigil_argv_snapshot(dst, sizeof(dst), src, sizeof(src),
					    &n, &cut),
			(u32)sizeof(src));
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_FALSE(test, cut);
	MEMEQ(test, dst, src, sizeof(src));
}

static void vigil_argv_snapshot_head_tail(struct kunit *test)
{
	/* bash -c '<40 x> ; rm -rf /' into 32 bytes */
	static const char src[] =
		"bash\0-c\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; rm -rf /\0after";
	char dst[32];
	u32 n = 0;
	bool cut = false;

	KUNIT_EXPECT_EQ(test,
			vigil_argv_snapshot(dst, sizeof(dst), src, sizeof(src),
					    &n, &cut),
			28U);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_TRUE(test, cut);
	/* the script gets 20 bytes: 8 of head, "...", 8 of tail, NUL */
	MEMEQ(test, dst, "bash\0-c\0xxxxxxxx...rm -rf /", 28);

	/* too little room for a cut element: it is left out, and flagged */
	n = 0;
	cut = false;
	KUNIT_EXPECT_EQ(
		test, vigil_argv_snapshot(dst, 12, src, sizeof(src), &n, &cut),
		8U);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_TRUE(test, cut);
}

static void vigil_argv_snapshot_long_first(struct kunit *test)
{
	/* a padded argv[0] does not push the next element out */
	static const char src[] =
		"/ppppppppppppppppppppppppppppppppppppppppppppppppp/evil\0/tmp/x";
	char dst[48];
	u32 n = 0;
	bool cut = false;

	KUNIT_EXPECT_EQ(test,
			vigil_argv_snapshot(dst, sizeof(dst), src, sizeof(src),
					    &n, &cut),
			31U);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_TRUE(test, cut);
	/* 24 bytes for argv[0]: 10 + "..." + 10 + NUL, then "/tmp/x" whole */
	MEMEQ(test, dst, "/ppppppppp...ppppp/evil\0/tmp/x", 31);
}

static void vigil_argv_join_spaces(struct kunit *test)
{
	static const char src[] = "cp\0a b\0c";
	char dst[sizeof(src)];

	KUNIT_EXPECT_EQ(test, vigil_argv_join(dst, src, sizeof(src)), 8U);
	KUNIT_EXPECT_STREQ(test, dst, "cp a b c");
	KUNIT_EXPECT_EQ(test, vigil_argv_join(dst, src, 0), 0U);
}

static void vigil_argv_path_base(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vigil_path_base("/usr/bin/id", 11), 9U);
	KUNIT_EXPECT_EQ(test, vigil_path_base("id", 2), 0U);
	KUNIT_EXPECT_EQ(test, vigil_path_base("/a/", 3), 3U);
}

static void vigil_argv_path_tail(struct kunit *test)
{
	char buf[16];
	u32 len = 0, off;

	/* d_path of "/top/abc/defgh/x.so" overflowed 16 bytes: its last 15 */
	memcpy(buf, "/abc/defgh/x.so", 16);
	off = vigil_path_tail(buf, sizeof(buf), &len);
	KUNIT_EXPECT_EQ(test, off, 1U);
	KUNIT_EXPECT_EQ(test, len, 14U);
	KUNIT_EXPECT_STREQ(test, buf + off, ".../defgh/x.so");

	/* the tail starts inside a name: that name is dropped too */
	memcpy(buf, "zzzzz/defg/x.so", 16);
	off = vigil_path_tail(buf, sizeof(buf), &len);
	KUNIT_EXPECT_EQ(test, len, 13U);
	KUNIT_EXPECT_STREQ(test, buf + off, ".../defg/x.so");

	/* a buffer d_path did not fill: the mark alone */
	memcpy(buf, "short", 6);
	off = vigil_path_tail(buf, sizeof(buf), &len);
	KUNIT_EXPECT_EQ(test, len, 3U);
	KUNIT_EXPECT_STREQ(test, buf + off, "...");
}

static void vigil_argv_path_keep_tail(struct kunit *test)
{
	static const char src[] = "/a/bb/ccc/dddd";
	char dst[16];

	/* 9 bytes: the mark and "/dddd" */
	KUNIT_EXPECT_EQ(test, vigil_path_keep_tail(dst, 9, src, 14), 8U);
	MEMEQ(test, dst, ".../dddd", 8);
	/* 12 bytes: the tail starts at "/ccc" */
	KUNIT_EXPECT_EQ(test, vigil_path_keep_tail(dst, 12, src, 14), 12U);
	MEMEQ(test, dst, ".../ccc/dddd", 12);
}

static void vigil_argv_comm_name(struct kunit *test)
{
	static const char exe[] = "/opt/x/very-long-tool-name";
	static const char dash[] = "/usr/bin/dash";
	const char *name;
	u32 len = 0;

	/* comm is the basename cut to 15 bytes: the whole basename */
	name = vigil_comm_name("very-long-tool-", 15, 15, exe, 26, &len);
	KUNIT_EXPECT_EQ(test, len, 19U);
	MEMEQ(test, name, "very-long-tool-name", 19);
	/* a script: comm names it, the executable is the interpreter */
	name = vigil_comm_name("tool.sh", 7, 15, dash, 13, &len);
	KUNIT_EXPECT_EQ(test, len, 7U);
	MEMEQ(test, name, "tool.sh", 7);
	/* a short comm that starts the basename was not cut: comm */
	name = vigil_comm_name("da", 2, 15, dash, 13, &len);
	KUNIT_EXPECT_EQ(test, len, 2U);
	MEMEQ(test, name, "da", 2);
	/* a full comm that is not the basename's start: comm */
	name = vigil_comm_name("very-long-tooX-", 15, 15, exe, 26, &len);
	KUNIT_EXPECT_EQ(test, len, 15U);
	MEMEQ(test, name, "very-long-tooX-", 15);
	/* no executable: comm */
	name = vigil_comm_name("kworker/0:1-eve", 15, 15, "", 0, &len);
	KUNIT_EXPECT_EQ(test, len, 15U);
}

static struct kunit_case vigil_argv_cases[] = {
	KUNIT_CASE(vigil_argv_parse_whole),
	KUNIT_CASE(vigil_argv_parse_cut),
	KUNIT_CASE(vigil_argv_snapshot_fits),
	KUNIT_CASE(vigil_argv_snapshot_head_tail),
	KUNIT_CASE(vigil_argv_snapshot_long_first),
	KUNIT_CASE(vigil_argv_join_spaces),
	KUNIT_CASE(vigil_argv_path_base),
	KUNIT_CASE(vigil_argv_path_tail),
	KUNIT_CASE(vigil_argv_path_keep_tail),
	KUNIT_CASE(vigil_argv_comm_name),
	{}
};

static struct kunit_suite vigil_argv_suite = {
	.name = "vigil_argv",
	.test_cases = vigil_argv_cases,
};
kunit_test_suite(vigil_argv_suite);
