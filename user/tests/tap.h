/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the userspace unit tests.  Each test binary
 * prints "ok N - name" or "not ok N - name" per case and a plan; make
 * check counts those lines.  A case fails if any CHECK in it failed.
 */
#ifndef VIGIL_TAP_H
#define VIGIL_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed_cases, tap_case_failed;

#define CHECK(cond) do { \
	if (!(cond)) { \
		tap_case_failed = 1; \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		tap_case_failed = 1; \
		printf("#   %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
		       __LINE__, #a, _a, #b, _b); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) { \
		tap_case_failed = 1; \
		printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
		       __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); \
	} \
} while (0)

/* Runs one case; fn is void fn(void). */
#define RUN(fn) do { \
	tap_case_failed = 0; \
	fn(); \
	tap_n++; \
	printf("%sok %d - %s\n", tap_case_failed ? "not " : "", tap_n, #fn); \
	tap_failed_cases += tap_case_failed; \
} while (0)

#define SKIP(fn, why) do { \
	tap_n++; \
	printf("ok %d - %s # SKIP %s\n", tap_n, #fn, why); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed_cases ? 1 : 0;
}

#endif /* VIGIL_TAP_H */
