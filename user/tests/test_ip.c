// SPDX-License-Identifier: GPL-2.0
/*
 * IP addresses and CIDR blocks, text to match:
 *
 *  - user/ip.c round trips: IPv4 dotted, IPv6 as RFC 5952 writes it, an
 *    IPv4-mapped address printed as IPv4, blocks with their host bits
 *    cleared, and bad text refused;
 *  - a differential: random blocks and addresses (IPv4, IPv6, IPv4 in
 *    IPv6), written as text by this file, compiled as EQL cidrMatch(),
 *    "in" and "==" rules and run through the engine on connect events,
 *    against a model of Elasticsearch written here from its definition
 *    (CIDRUtils.isInRange() and InetAddresses.parseCidr()): an address
 *    is 128 bits, IPv4 mapped into ::ffff:0:0/96; a block is the range
 *    from its address with the host bits cleared to the same with them
 *    set, compared unsigned, on two 64-bit halves; an IPv4-mapped
 *    address written as IPv6 takes no prefix;
 *  - the differential once more per mutant (user/Makefile): 1 and 2 put
 *    a defect back into ip.c (-DVIGIL_IP_MUTANT), 3 into the model here
 *    (the last prefix bit not compared); each must disagree.
 */
#include <stdint.h>
#include <sys/wait.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"

/* ---- the model ---- */

#if defined(IP_MUTANT) && IP_MUTANT == 3
#define MODEL_LAST_BIT 0 /* mutant: a prefix of n bits compares n - 1 */
#else
#define MODEL_LAST_BIT 1
#endif

struct u128 {
	uint64_t hi, lo;
};

static struct u128 mapped(uint32_t a)
{
	return (struct u128){ 0, 0xffff00000000ULL | a };
}

static bool is_mapped(struct u128 a)
{
	return !a.hi && (a.lo >> 32) == 0xffff;
}

static int cmp128(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

/* The top @n of 128 bits set. */
static struct u128 mask128(unsigned int n)
{
	struct u128 m;

	m.hi = n >= 64 ? ~0ULL : n ? ~0ULL << (64 - n) : 0;
	m.lo = n >= 128 ? ~0ULL : n > 64 ? ~0ULL << (128 - n) : 0;
	return m;
}

/*
 * A block as this file writes it: @v6 text or IPv4, the address @a (an
 * IPv4 one in a.lo's low 32 bits, mapped), prefix @n or none (@plain).
 */
struct block {
	struct u128 a;
	unsigned int n;
	bool v6, plain;
	char text[80];
};

/* Elasticsearch's answer: is @x in @b?  (@b is one it accepts.) */
static bool model_in(const struct block *b, struct u128 x)
{
	struct u128 lo, hi, m;
	unsigned int n = b->n;

	if (b->plain)
		return !cmp128(b->a, x);
	if (n && !MODEL_LAST_BIT)
		n--;
	if (!b->v6) {
		/* the IPv4 range, then both ends mapped (CIDRUtils.encode) */
		uint32_t a = (uint32_t)b->a.lo, m4 = n ? ~0U << (32 - n) : 0;

		lo = mapped(a & m4);
		hi = mapped(a | ~m4);
	} else {
		m = mask128(n);
		lo = (struct u128){ b->a.hi & m.hi, b->a.lo & m.lo };
		hi = (struct u128){ b->a.hi | ~m.hi, b->a.lo | ~m.lo };
	}
	return cmp128(lo, x) <= 0 && cmp128(x, hi) <= 0;
}

/* Does Elasticsearch refuse @b?  A prefix on an IPv4-mapped IPv6 text. */
static bool model_refuses(const struct block *b)
{
	return b->v6 && !b->plain && is_mapped(b->a);
}

/* ---- text, written here ---- */

static unsigned int rnd_state = 5952;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245U + 12345U;
	return (rnd_state >> 8) % n;
}

static uint64_t rnd64(void)
{
	uint64_t x = 0;
	int i;

	for (i = 0; i < 4; i++)
		x = x << 16 | rnd(65536);
	return x;
}

static unsigned int group(struct u128 a, int i)
{
	return (unsigned int)((i < 4 ? a.hi >> (48 - 16 * i) :
				       a.lo >> (48 - 16 * (i - 4))) &
			      0xffff);
}

/*
 * @a as IPv6 text in one of several legal spellings: all eight groups,
 * padded or not, either case; one run of zero groups as "::"; the last
 * 32 bits dotted.
 */
static void write_v6(struct u128 a, char *out, size_t cap)
{
	int style = rnd(4), i, run = -1, len = 0, best = -1, blen = 0;
	bool upper = rnd(2), pad = style == 0 && rnd(2), dotted = style == 3;
	int ngroups = dotted ? 6 : 8;
	size_t o = 0;

	/* the longest run of zero groups, or any one (both are legal) */
	for (i = 0; i < ngroups; i++) {
		if (group(a, i)) {
			run = -1;
			continue;
		}
		if (run < 0)
			run = i, len = 0;
		if (++len > blen || (style == 2 && !rnd(3)))
			best = run, blen = len;
	}
	if (style == 0)
		best = -1;
	for (i = 0; i < ngroups; i++) {
		if (i == best) {
			o += snprintf(out + o, cap - o, "::");
			i += blen - 1;
			continue;
		}
		o += snprintf(out + o, cap - o,
			      upper ? (pad ? "%04X" : "%X") :
				      (pad ? "%04x" : "%x"),
			      group(a, i));
		if (i + 1 < ngroups && i + 1 != best)
			o += snprintf(out + o, cap - o, ":");
	}
	if (dotted) {
		if (best < 0 || best + blen < ngroups)
			o += snprintf(out + o, cap - o, ":");
		snprintf(out + o, cap - o, "%u.%u.%u.%u",
			 (unsigned int)(a.lo >> 24) & 255,
			 (unsigned int)(a.lo >> 16) & 255,
			 (unsigned int)(a.lo >> 8) & 255,
			 (unsigned int)a.lo & 255);
	}
}

static void write_v4(uint32_t a, char *out, size_t cap)
{
	snprintf(out, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255);
}

/* A random IPv6 address with runs of zero groups, sometimes mapped. */
static struct u128 rnd_v6(void)
{
	struct u128 a = { 0, 0 };
	int i;

	if (!rnd(8))
		return mapped((uint32_t)rnd64());
	for (i = 0; i < 8; i++) {
		uint64_t g = rnd(5) < 2 ? 0 : rnd(3) ? rnd(65536) : rnd(16);

		if (i < 4)
			a.hi |= g << (48 - 16 * i);
		else
			a.lo |= g << (48 - 16 * (i - 4));
	}
	return a;
}

static void rnd_block(struct block *b)
{
	char addr[64];
	size_t o;

	memset(b, 0, sizeof(*b));
	b->v6 = rnd(2);
	b->plain = !rnd(6);
	if (b->v6) {
		b->a = rnd_v6();
		b->n = rnd(5) ? rnd(129) : 96 + rnd(33);
		write_v6(b->a, addr, sizeof(addr));
	} else {
		b->a = mapped((uint32_t)rnd64());
		b->n = rnd(33);
		write_v4((uint32_t)b->a.lo, addr, sizeof(addr));
	}
	o = (size_t)snprintf(b->text, sizeof(b->text), "%s", addr);
	if (!b->plain)
		snprintf(b->text + o, sizeof(b->text) - o, "/%u", b->n);
}

/* ---- the differential ---- */

#define N_RULES 400
#define BLOCKS_MAX 3
#define DIFF_EXIT 3

struct drule {
	struct block b[BLOCKS_MAX];
	int nb;
	bool refused;	/* by the model */
	bool compiled;
	unsigned int index; /* among the compiled rules */
};

static struct drule rules[N_RULES];
static bool hit[N_RULES];
static unsigned int n_refused;	/* rules the model refuses */

static void hit_cb(void *ctx, const struct vigil_match *m)
{
	if (m->rule < N_RULES)
		hit[m->rule] = true;
}

/* Addresses near @b: its ends, just past them, one bit flipped. */
static struct u128 near(const struct block *b)
{
	unsigned int bit, n = b->plain ? 128 : b->v6 ? b->n : 96 + b->n;
	struct u128 x = b->a, m = mask128(n);

	switch (rnd(6)) {
	case 0: /* the lowest address */
		x.hi &= m.hi;
		x.lo &= m.lo;
		return x;
	case 1: /* the highest */
		x.hi |= ~m.hi;
		x.lo |= ~m.lo;
		return x;
	case 2: /* the last prefix bit flipped */
		bit = n ? n - 1 : 0;
		break;
	case 3: /* a random address */
		return rnd(2) ? rnd_v6() : mapped((uint32_t)rnd64());
	default:
		bit = rnd(128);
	}
	if (bit < 64)
		x.hi ^= 1ULL << (63 - bit);
	else
		x.lo ^= 1ULL << (127 - bit);
	return x;
}

static void to_bytes(struct u128 x, unsigned char *out)
{
	int i;

	for (i = 0; i < 8; i++) {
		out[i] = (unsigned char)(x.hi >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(x.lo >> (56 - 8 * i));
	}
}

static void hex(struct u128 x, char *out)
{
	snprintf(out, 40, "%016llx%016llx", (unsigned long long)x.hi,
		 (unsigned long long)x.lo);
}

/*
 * Compiles the rules, runs the events; Return: the number of
 * disagreements (refusals and matches) with the model.
 */
static int differential(unsigned long *pairs, unsigned long *matches)
{
	struct vigil_engine_limits lim = { 1024, 1024 };
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_engine *e = NULL;
	struct cu_ev *ev = calloc(1, sizeof(*ev));
	char q[512], h[40];
	unsigned int i, k, n = 0;
	const char *reason;
	void *blob = NULL;
	int bad = 0, j;
	__u32 len;

	*pairs = *matches = 0;
	if (!c || !ev)
		goto out;
	for (i = 0; i < N_RULES; i++) {
		struct drule *r = &rules[i];
		int form = rnd(3);
		size_t o;

		r->nb = form == 2 ? 1 : 1 + rnd(BLOCKS_MAX);
		o = (size_t)snprintf(q, sizeof(q), "network where %s",
				     form == 0 ? "cidrMatch(destination.ip, " :
				     form == 1 ? "destination.ip in (" :
						 "destination.ip == ");
		for (j = 0; j < r->nb; j++) {
			rnd_block(&r->b[j]);
			r->refused |= model_refuses(&r->b[j]);
			o += snprintf(q + o, sizeof(q) - o, "%s\"%s\"",
				      j ? ", " : "", r->b[j].text);
		}
		snprintf(q + o, sizeof(q) - o, "%s", form == 2 ? "" : ")");
		/* cu_rule()'s file, with a rule_id of its own */
		snprintf(cu_toml, sizeof(cu_toml),
			 "[rule]\nname = \"t\"\nrule_id = \"t-%05u\"\n"
			 "severity = \"low\"\nrisk_score = 1\ntype = \"eql\"\n"
			 "language = \"eql\"\nquery = '''\n%s\n'''\n", i, q);
		r->compiled = !vigil_compiler_add_buf(c, cu_toml,
						      strlen(cu_toml), &cu_err);
		n_refused += r->refused;
		if (r->compiled)
			r->index = n++;
		if (r->compiled == r->refused) {
			if (bad++ < 5)
				printf("#   %s: %s%s\n", q,
				       r->compiled ? "compiled, but Elasticsearch refuses it" :
						     "refused: ",
				       r->compiled ? "" : cu_err.msg);
		} else if (!r->compiled &&
			   !strstr(cu_err.msg, "is not an IP address or CIDR block")) {
			if (bad++ < 5)
				printf("#   %s: refused for another reason: %s\n",
				       q, cu_err.msg);
		}
	}
	if (vigil_compiler_emit(c, &blob, &len, &cu_err)) {
		printf("#   emit: %s\n", cu_err.msg);
		bad++;
		goto out;
	}
	e = vigil_engine_new(blob, len, &lim, &reason);
	if (IS_ERR(e)) {
		printf("#   engine refused: %s\n", reason);
		e = NULL;
		bad++;
		goto out;
	}
	/* each rule's neighbourhood, every rule asked */
	for (i = 0; i < N_RULES; i++) {
		for (k = 0; k < 6; k++) {
			const struct drule *src = &rules[i];
			struct u128 x = near(&src->b[rnd(src->nb)]);
			unsigned int r;

			cu_net(ev, 1000 + i * 6 + k, VIGIL_EV_CONNECT, "x",
			       NULL, NULL, 443);
			to_bytes(x, ev->ip[1]);
			vigil_event_set_str(&ev->ev, VIGIL_F_DESTINATION_IP,
					    (const char *)ev->ip[1],
					    VIGIL_IP_LEN);
			memset(hit, 0, sizeof(hit));
			vigil_engine_process(e, &ev->ev, hit_cb, NULL);
			for (r = 0; r < N_RULES; r++) {
				const struct drule *d = &rules[r];
				bool want = false;

				if (!d->compiled)
					continue;
				for (j = 0; j < d->nb; j++)
					want |= model_in(&d->b[j], x);
				(*pairs)++;
				*matches += want;
				if (want == hit[d->index])
					continue;
				if (bad++ < 5) {
					hex(x, h);
					printf("#   %s in {%s%s%s%s%s}: model %d, vigil %d\n",
					       h, d->b[0].text,
					       d->nb > 1 ? ", " : "",
					       d->nb > 1 ? d->b[1].text : "",
					       d->nb > 2 ? ", " : "",
					       d->nb > 2 ? d->b[2].text : "",
					       want, hit[d->index]);
				}
			}
		}
	}
out:
	vigil_engine_free(e);
	free(blob);
	free(ev);
	vigil_compiler_free(c);
	return bad;
}

#if defined(IP_MUTANT)
int main(void)
{
	unsigned long pairs, matches;
	int d;

	(void)tap_case_failed;
	d = differential(&pairs, &matches);
	printf("# mutant %d: %d disagreements\n", IP_MUTANT, d);
	return d ? DIFF_EXIT : 0;
}
#else
/* ---- ip.c, text to bytes and back ---- */

static const char *fmt_ip(const char *s)
{
	static char out[VIGIL_IP_TEXT];
	unsigned char ip[VIGIL_IP_LEN];

	if (vigil_ip_parse(s, ip))
		return "(refused)";
	vigil_ip_format(ip, out);
	return out;
}

static const char *fmt_cidr(const char *s)
{
	static char out[VIGIL_CIDR_TEXT];
	unsigned char c[VIGIL_CIDR_LEN];

	if (vigil_cidr_parse(s, c))
		return "(refused)";
	vigil_cidr_format(c, out, sizeof(out));
	return out;
}

static void addresses(void)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ",
		" 1.2.3.4", "1.2.3.-4", "1:2:3:4:5:6:7:8:9", ":::", "1::2::3",
		"gggg::", "fe80::1%eth0", "12345::", "::1.2.3", "localhost",
		"10.*", "1.2.3.4/8",
	};
	unsigned int i;

	CHECK_STR(fmt_ip("1.2.3.4"), "1.2.3.4");
	CHECK_STR(fmt_ip("0.0.0.0"), "0.0.0.0");
	CHECK_STR(fmt_ip("255.255.255.255"), "255.255.255.255");
	/* RFC 5952: lower case, no leading zeros, the longest zero run */
	CHECK_STR(fmt_ip("2001:0DB8:0000:0000:0000:0000:0002:0001"),
		  "2001:db8::2:1");
	CHECK_STR(fmt_ip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
	CHECK_STR(fmt_ip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
	CHECK_STR(fmt_ip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
	CHECK_STR(fmt_ip("FE80::1"), "fe80::1");
	CHECK_STR(fmt_ip("::"), "::");
	CHECK_STR(fmt_ip("::1"), "::1");
	CHECK_STR(fmt_ip("1::"), "1::");
	/* an IPv4-mapped address is an IPv4 address, however written */
	CHECK_STR(fmt_ip("::ffff:1.2.3.4"), "1.2.3.4");
	CHECK_STR(fmt_ip("::FFFF:0102:0304"), "1.2.3.4");
	CHECK_STR(fmt_ip("0:0:0:0:0:ffff:a00:1"), "10.0.0.1");
	/* other IPv4-in-IPv6 forms stay IPv6 */
	CHECK_STR(fmt_ip("::fffe:1.2.3.4"), "::fffe:102:304");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strcmp(fmt_ip(bad[i]), "(refused)")) {
			tap_case_failed = 1;
			printf("#   address \"%s\" accepted: %s\n", bad[i],
			       fmt_ip(bad[i]));
		}
}

static void blocks(void)
{
	static const char *const bad[] = {
		"1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/+8",
		"1.2.3.4/8x", "1.2.3.4/", "1.2.3.4/ 8", "/8", "1.2.3/8",
		"1.2.3.4/8/8", "::ffff:1.2.3.4/120", "::ffff:0:0/96",
		"1.2.3.4/99999999999999999999", "10.*/8",
	};
	unsigned char c[VIGIL_CIDR_LEN];
	unsigned int i;

	CHECK_STR(fmt_cidr("10.1.2.3/8"), "10.0.0.0/8");
	CHECK_STR(fmt_cidr("10.1.2.3"), "10.1.2.3/32");
	CHECK_STR(fmt_cidr("0.0.0.0/0"), "0.0.0.0/0");
	CHECK_STR(fmt_cidr("172.31.255.255/12"), "172.16.0.0/12");
	CHECK_STR(fmt_cidr("FE80::1/10"), "fe80::/10");
	CHECK_STR(fmt_cidr("febf:ffff::/9"), "fe80::/9");
	CHECK_STR(fmt_cidr("::1"), "::1/128");
	CHECK_STR(fmt_cidr("::/0"), "::/0");
	CHECK_STR(fmt_cidr("2001:db8::ff/127"), "2001:db8::fe/127");
	/* a mapped address alone is the IPv4 one */
	CHECK_STR(fmt_cidr("::ffff:10.0.0.1"), "10.0.0.1/32");
	/* the prefix counts over all 128 bits */
	CHECK_EQ(vigil_cidr_parse("10.0.0.0/8", c), 0);
	CHECK_EQ(c[VIGIL_IP_LEN], 104);
	CHECK_EQ(vigil_cidr_parse("10.0.0.0/0", c), 0);
	CHECK_EQ(c[VIGIL_IP_LEN], 96);
	CHECK_EQ(vigil_cidr_parse("fe80::/10", c), 0);
	CHECK_EQ(c[VIGIL_IP_LEN], 10);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strcmp(fmt_cidr(bad[i]), "(refused)")) {
			tap_case_failed = 1;
			printf("#   block \"%s\" accepted: %s\n", bad[i],
			       fmt_cidr(bad[i]));
		}
}

/* Random addresses and blocks: text and back gives the same bytes. */
static void round_trips(void)
{
	unsigned char ip[VIGIL_IP_LEN], back[VIGIL_IP_LEN];
	unsigned char c[VIGIL_CIDR_LEN], cback[VIGIL_CIDR_LEN];
	char t[VIGIL_IP_TEXT], ct[VIGIL_CIDR_TEXT];
	unsigned int i, bad = 0;
	struct block b;

	for (i = 0; i < 20000; i++) {
		struct u128 x = rnd(2) ? rnd_v6() : mapped((uint32_t)rnd64());

		to_bytes(x, ip);
		vigil_ip_format(ip, t);
		if (vigil_ip_parse(t, back) || memcmp(ip, back, sizeof(ip)) ||
		    (is_mapped(x) != !strchr(t, ':'))) {
			if (bad++ < 5)
				printf("#   %s does not read back\n", t);
		}
		rnd_block(&b);
		if (model_refuses(&b))
			continue;
		if (vigil_cidr_parse(b.text, c)) {
			if (bad++ < 5)
				printf("#   block %s refused\n", b.text);
			continue;
		}
		vigil_cidr_format(c, ct, sizeof(ct));
		if (vigil_cidr_parse(ct, cback) || memcmp(c, cback, sizeof(c))) {
			if (bad++ < 5)
				printf("#   block %s -> %s does not read back\n",
				       b.text, ct);
		}
	}
	CHECK_EQ(bad, 0);
}

static void cidr_diff(void)
{
	unsigned long pairs, matches;

	CHECK_EQ(differential(&pairs, &matches), 0);
	printf("# %d rules (%u refused, as Elasticsearch does), %lu (rule, address) pairs, %lu in the block\n",
	       N_RULES, n_refused, pairs, matches);
	CHECK(n_refused > 0);
	/* both answers are well represented */
	CHECK(matches > pairs / 200);
	CHECK(pairs - matches > pairs / 2);
}

/* Each mutant must disagree with the model. */
static void mutants(void)
{
	static const char *const what[] = {
		"", "ip.c: the last prefix bit cleared",
		"ip.c: an IPv4 prefix over 32 bits",
		"model: the last prefix bit not compared",
	};
	mutants_run("test_ip", what, (int)ARRAY_SIZE(what), DIFF_EXIT);
}

int main(int argc, char **argv)
{
	mutants_init(argv[0]);
	RUN(addresses);
	RUN(blocks);
	RUN(round_trips);
	RUN(cidr_diff);
	RUN(mutants);
	return tap_done();
}
#endif
