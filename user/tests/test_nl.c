// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink attribute builders and the bounds-checked parsers of
 * user/nl.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "tap.h"
#include "uapi/vigil.h"

static struct vigil_nl fake = { .fd = -1, .family = 42 };

static void test_build_parse(void)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1], *t[VIGIL_TA_MAX + 1];
	struct vigil_nl_msg m;
	uint64_t v = 0;
	size_t nest;

	vigil_nl_msg_init(&m, &fake, VIGIL_CMD_TERMS_IMPORT, 0);
	vigil_nl_put_str(&m, VIGIL_A_RULE_ID, "rule-1");
	nest = vigil_nl_nest_start(&m, VIGIL_A_TERM);
	vigil_nl_put_u64(&m, VIGIL_TA_HASH, 0x1122334455667788ULL);
	vigil_nl_put_u64(&m, VIGIL_TA_LAST_SEEN, 7);
	vigil_nl_nest_end(&m, nest);
	CHECK(!m.oom);
	((struct nlmsghdr *)m.buf)->nlmsg_len = m.len;
	CHECK_EQ(vigil_nl_parse_msg((struct nlmsghdr *)m.buf, tb, VIGIL_A_MAX),
		 0);
	CHECK_STR(vigil_nla_str(tb[VIGIL_A_RULE_ID]), "rule-1");
	CHECK(tb[VIGIL_A_TERM] != NULL);
	CHECK(tb[VIGIL_A_TERM]->nla_type & NLA_F_NESTED);
	CHECK_EQ(vigil_nl_parse(vigil_nla_data(tb[VIGIL_A_TERM]),
				vigil_nla_len(tb[VIGIL_A_TERM]), t, VIGIL_TA_MAX),
		 0);
	CHECK_EQ(vigil_nla_u64(t[VIGIL_TA_HASH], &v), 0);
	CHECK(v == 0x1122334455667788ULL);
	CHECK_EQ(vigil_nla_u64(t[VIGIL_TA_LAST_SEEN], &v), 0);
	CHECK_EQ(v, 7);
	vigil_nl_msg_free(&m);
}

static void test_malformed(void)
{
	const struct nlattr *tb[4];
	uint8_t buf[16] = { 0 };
	struct nlattr *a = (struct nlattr *)buf;
	uint64_t v;
	uint8_t u;

	/* runs past the end */
	a->nla_len = 20;
	a->nla_type = 1;
	CHECK_EQ(vigil_nl_parse(buf, sizeof(buf), tb, 3), -EINVAL);
	CHECK(tb[1] == NULL);
	/* shorter than a header */
	a->nla_len = 2;
	CHECK_EQ(vigil_nl_parse(buf, sizeof(buf), tb, 3), -EINVAL);
	/* a string without NUL, wrong-size integers */
	a->nla_len = NLA_HDRLEN + 3;
	memcpy(buf + NLA_HDRLEN, "abc", 3);
	CHECK_EQ(vigil_nl_parse(buf, 8, tb, 3), 0);
	CHECK(vigil_nla_str(tb[1]) == NULL);
	CHECK_EQ(vigil_nla_u64(tb[1], &v), -EINVAL);
	CHECK_EQ(vigil_nla_u8(tb[1], &u), -EINVAL);
	CHECK_EQ(vigil_nla_u64(NULL, &v), -EINVAL);
	/* types above max are skipped, not stored */
	a->nla_type = 9;
	CHECK_EQ(vigil_nl_parse(buf, 8, tb, 3), 0);
	CHECK(!tb[0] && !tb[1] && !tb[2] && !tb[3]);
	/* empty region */
	CHECK_EQ(vigil_nl_parse(buf, 0, tb, 3), 0);
}

static void test_too_big(void)
{
	struct vigil_nl_msg m;
	char *big = calloc(1, 70000);

	vigil_nl_msg_init(&m, &fake, VIGIL_CMD_LOAD, 0);
	vigil_nl_put(&m, VIGIL_A_RULESET, big, 70000);
	CHECK(m.oom);
	vigil_nl_msg_free(&m);
	free(big);
}

static void test_payload_short(void)
{
	struct nlmsghdr nlh = { .nlmsg_len = NLMSG_HDRLEN };
	const struct nlattr *tb[2];
	size_t len = 1;

	CHECK(vigil_nl_payload(&nlh, &len) == NULL);
	CHECK_EQ(len, 0);
	CHECK_EQ(vigil_nl_parse_msg(&nlh, tb, 1), -EINVAL);
}

int main(void)
{
	RUN(test_build_parse);
	RUN(test_malformed);
	RUN(test_too_big);
	RUN(test_payload_short);
	return tap_done();
}
