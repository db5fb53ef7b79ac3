// SPDX-License-Identifier: GPL-2.0
/*
 * IP addresses and CIDR blocks to and from text (see ip.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"

/*
 * Test builds only (user/Makefile, ip mutants): each value puts back one
 * defect that test_ip's differential must catch.  Never set in vigilctl.
 */
#ifndef VIGIL_IP_MUTANT
#define VIGIL_IP_MUTANT 0
#endif
#define IP_MUT(n) (VIGIL_IP_MUTANT == (n))
#define IP_MUT_MASK 1 /* the last prefix bit cleared with the host bits */
#define IP_MUT_V4BITS 2 /* an IPv4 prefix not counted over 128 bits */

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0,
					     0, 0, 0, 0, 0xff, 0xff };

static int is_v4(const unsigned char ip[VIGIL_IP_LEN])
{
	return !memcmp(ip, v4_mapped, sizeof(v4_mapped));
}

int vigil_ip_parse(const char *s, unsigned char ip[VIGIL_IP_LEN])
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memcpy(ip, v4_mapped, sizeof(v4_mapped));
		memcpy(ip + sizeof(v4_mapped), &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, s, ip) == 1 ? 0 : -1;
}

int vigil_cidr_parse(const char *s, unsigned char cidr[VIGIL_CIDR_LEN])
{
	char addr[VIGIL_IP_TEXT], *end;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long bits, max, keep;
	unsigned int i;

	if (n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (vigil_ip_parse(addr, cidr))
		return -1;
	max = strchr(addr, ':') ? 128 : 32;
	/* as Elasticsearch: ::ffff:a.b.c.d/n could count n either way */
	if (slash && max == 128 && is_v4(cidr))
		return -1;
	bits = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > max)
			return -1;
	}
	/* an IPv4 block counts the 96 bits of the mapping too */
	if (max == 32 && !IP_MUT(IP_MUT_V4BITS))
		bits += 8 * sizeof(v4_mapped);
	keep = IP_MUT(IP_MUT_MASK) && bits ? bits - 1 : bits;
	for (i = 0; i < VIGIL_IP_LEN; i++) {
		if (keep >= 8 * (i + 1))
			continue;
		cidr[i] &= keep > 8 * i ? (unsigned char)(0xff00U >> (keep - 8 * i)) : 0;
	}
	cidr[VIGIL_IP_LEN] = (unsigned char)bits;
	return 0;
}

void vigil_ip_format(const unsigned char ip[VIGIL_IP_LEN],
		     char out[VIGIL_IP_TEXT])
{
	if (is_v4(ip))
		inet_ntop(AF_INET, ip + sizeof(v4_mapped), out, VIGIL_IP_TEXT);
	else
		inet_ntop(AF_INET6, ip, out, VIGIL_IP_TEXT);
}

void vigil_cidr_format(const unsigned char cidr[VIGIL_CIDR_LEN], char *out,
		       size_t cap)
{
	char a[VIGIL_IP_TEXT];
	unsigned int bits = cidr[VIGIL_IP_LEN];

	vigil_ip_format(cidr, a);
	if (is_v4(cidr) && bits >= 8 * sizeof(v4_mapped))
		bits -= 8 * sizeof(v4_mapped);
	else if (is_v4(cidr))
		inet_ntop(AF_INET6, cidr, a, sizeof(a));
	snprintf(out, cap, "%s/%u", a, bits);
}
