// SPDX-License-Identifier: GPL-2.0
/*
 * user.name (user/compiler/users.c): tests of names become tests of the
 * uids of the users whose names match, read from a passwd(5) file
 * (VIGIL_PASSWD) standing for the host's user database; joins use
 * user.id; a name no user has is a test no event passes.
 */
#include <stdlib.h>

#include "tap.h"
#include "compiler_util.h"

static const char passwd[] =
	"root:x:0:0::/root:/bin/sh\n"
	"alice:x:1000:1000::/home/alice:/bin/sh\n"
	"mail:x:8:8::/:/bin/false\n"
	"man:x:6:12::/:/bin/false\n"
	"MARK:x:1001:1001::/:/bin/sh\n"
	"alias:x:1000:1000::/:/bin/sh\n";

#define HAS(dump, s) CHECK(strstr(dump, s) != NULL)

static void names_to_uids(void)
{
	const char *d;

	d = cu_dump("eql", "process where user.name == \"root\"");
	HAS(d, "numcmp user.id == 0\n");
	/* ':' is case-insensitive in EQL: mail, man and MARK */
	d = cu_dump("eql", "process where user.name : \"ma*\"");
	HAS(d, "user.id == 8\n");
	HAS(d, "user.id == 6\n");
	HAS(d, "user.id == 1001\n");
	CHECK(!strstr(d, "user.id == 1000\n"));
	/* two names of one uid: one test */
	d = cu_dump("eql", "process where user.name in (\"alice\", \"alias\")");
	HAS(d, "numcmp user.id == 1000\n");
	CHECK(!strstr(strstr(d, "user.id == 1000") + 1, "user.id == 1000"));
	/* nobody has the name: user.id == the invalid uid, no task's */
	d = cu_dump("eql", "process where process.user.name in (\"postgres\", \"lp\")");
	HAS(d, "numcmp user.id == 4294967295\n");
	/* a join on user.name is a join on user.id */
	d = cu_dump("eql", "sequence by user.name with maxspan=1s "
		    "[process where true] [process where true]");
	HAS(d, "by=user.id");
	CHECK_STR(cu_error("query", "user.name > alice"),
		  "range query on non-numeric field");
}

static void engine_matches(void)
{
	static const char *const argv[] = { "true", NULL };
	struct vigil_engine *e =
		cu_engine("eql", "process where user.name like~ \"ALI*\"");
	struct cu_ev c;

	CHECK(e != NULL);
	if (!e)
		return;
	cu_exec(&c, 1, "e1", "true", argv);
	vigil_event_set_num(&c.ev, VIGIL_F_USER_ID, 1000);
	CHECK_EQ(cu_run(e, &c), 1);
	vigil_event_set_num(&c.ev, VIGIL_F_USER_ID, 1001);
	CHECK_EQ(cu_run(e, &c), 0);
	vigil_engine_free(e);
}

int main(void)
{
	FILE *f = fopen("/tmp/vigil-test-users.passwd", "w");

	if (!f || fputs(passwd, f) == EOF || fclose(f))
		return 1;
	setenv("VIGIL_PASSWD", "/tmp/vigil-test-users.passwd", 1);
	RUN(names_to_uids);
	RUN(engine_matches);
	remove("/tmp/vigil-test-users.passwd");
	return tap_done();
}
