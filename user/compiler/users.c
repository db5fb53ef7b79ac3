// SPDX-License-Identifier: GPL-2.0
/*
 * user.name in rules.  vigil's events carry user.id, the effective uid:
 * the kernel has no user database to name it with.  So a test of
 * user.name is resolved when the rule is compiled, which is on the host
 * that loads it (`vigilctl load` compiles there), through that host's
 * user database (getpwent(3): /etc/passwd, and what NSS adds): the users
 * whose names the test's patterns match, by the engine's own matcher,
 * become tests of their uids.  A name no user has makes a test no event
 * passes (user.id == 4294967295, the invalid uid no task holds): the rule
 * still loads, and fires once the user exists and the rules are loaded
 * again.  Joins and new_terms on user.name use user.id itself, which
 * names the same user.
 *
 * VIGIL_PASSWD, when set, names a passwd(5) file to read instead (tests).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "ast.h"
#include "internal.h"

/* More users than this matching one test is refused (program size). */
#define USERS_MAX 256
#define NO_UID 4294967295U

struct pwsrc {
	FILE *f;
};

static struct passwd *pw_next(struct pwsrc *s)
{
	return s->f ? fgetpwent(s->f) : getpwent();
}

static int pw_open(struct pwsrc *s)
{
	const char *file = getenv("VIGIL_PASSWD");

	s->f = NULL;
	if (!file || !*file) {
		setpwent();
		return 0;
	}
	s->f = fopen(file, "re");
	return s->f ? 0 : -1;
}

static void pw_close(struct pwsrc *s)
{
	if (s->f)
		fclose(s->f);
	else
		endpwent();
}

static struct node *uid_eq(__u8 field, __u32 uid, int off)
{
	struct node *k = node_new(N_NUMCMP, off);

	if (k) {
		k->field = field;
		k->cmp = VIGIL_CMP_EQ;
		k->num = uid;
	}
	return k;
}

/**
 * users_resolve() - a test of user.name as a test of user.id
 * @m: N_MATCH on the uid field whose patterns are user names (consumed)
 * @e: error
 *
 * Return: an N_OR of user.id == uid, one per matching user, or NULL with
 * @e set.
 */
struct node *users_resolve(struct node *m, struct cerr *e)
{
	__u32 uids[USERS_MAX];
	struct node *n = NULL, *k;
	struct passwd *pw;
	struct pwsrc src;
	int nu = 0, i, j;

	if (pw_open(&src)) {
		cerr_set(e, m->off, "user.name: cannot read VIGIL_PASSWD");
		node_free(m);
		return NULL;
	}
	while ((pw = pw_next(&src))) {
		for (i = 0; i < m->npats; i++)
			if (pat_eval(&m->pats[i], pw->pw_name,
				     strlen(pw->pw_name)) > 0)
				break;
		if (i == m->npats)
			continue;
		for (j = 0; j < nu && uids[j] != (__u32)pw->pw_uid; j++)
			;
		if (j < nu)
			continue;
		if (nu == USERS_MAX) {
			pw_close(&src);
			cerr_set(e, m->off,
				 "user.name matches more than %d users of this host",
				 USERS_MAX);
			node_free(m);
			return NULL;
		}
		uids[nu++] = (__u32)pw->pw_uid;
	}
	pw_close(&src);
	n = node_new(N_OR, m->off);
	if (!n)
		goto oom;
	if (!nu)
		uids[nu++] = NO_UID;
	for (i = 0; i < nu; i++) {
		k = uid_eq(m->field, uids[i], m->off);
		if (!k || node_add(n, k)) {
			node_free(k);
			goto oom;
		}
	}
	node_free(m);
	return n;
oom:
	cerr_set(e, m->off, "out of memory");
	node_free(n);
	node_free(m);
	return NULL;
}
