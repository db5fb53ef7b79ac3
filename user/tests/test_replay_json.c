// SPDX-License-Identifier: GPL-2.0
/*
 * The strict JSON reader used by replay, and the JSON string writer.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "json.h"

static int ok(const char *s)
{
	char err[100];
	struct json *j = json_parse(s, strlen(s), err, sizeof(err), NULL);

	json_free(j);
	return j != NULL;
}

static void reader(void)
{
	char err[100];
	struct json *j;

	CHECK(ok("{\"a\":[1,-2.5e3,\"x\",true,false,null,{}],\"b\":{\"c\":\"\\u00e9\\ud83d\\ude00\"}}"));
	CHECK(!ok("{\"a\":1,}"));
	CHECK(!ok("[1,]"));
	CHECK(!ok("01"));
	CHECK(!ok("1."));
	CHECK(!ok("+1"));
	CHECK(!ok("{\"a\":1} x"));
	CHECK(!ok("\"\\x\""));
	CHECK(!ok("\"a\nb\""));
	CHECK(!ok("\"\\ud800\""));
	CHECK(!ok("\"\\u0000\""));
	CHECK(!ok("tru"));
	CHECK(!ok(""));
	j = json_parse("{\"k\":\"v\",\"k\":\"w\"}", 17, err, sizeof(err), NULL);
	CHECK(j && !strcmp(json_get(j, "k")->str, "w"));
	json_free(j);
}

static void depth(void)
{
	char buf[300];

	memset(buf, '[', 200);
	buf[200] = 0;
	CHECK(!ok(buf));
}

static void writer(void)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	json_put_str(f, "a\"\\\n\t\x7f\xe2\x82\xac\xe2\x82", 11);
	fclose(f);
	CHECK_STR(out, "\"a\\\"\\\\\\n\\t\\u007f\xe2\x82\xac\\u00e2\\u0082\"");
	free(out);
}

int main(void)
{
	RUN(reader);
	RUN(depth);
	RUN(writer);
	return tap_done();
}
