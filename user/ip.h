/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IP addresses as the engine holds them (VIGIL_FT_IP: 16 bytes, IPv4
 * mapped into ::ffff:0:0/96) and CIDR blocks as VIGIL_PAT_CIDR patterns,
 * to and from text: once for the compiler, alerts and replay.
 * Elasticsearch's ip type reads and prints addresses the same way: an
 * IPv4-mapped address is an IPv4 address.
 */
#ifndef VIGIL_IP_H
#define VIGIL_IP_H

#include <stddef.h>

#include "uapi/vigil.h"

/* Longest text vigil_ip_format() writes, with its NUL. */
#define VIGIL_IP_TEXT 46
/* Longest text vigil_cidr_format() writes ("/128" more), with its NUL. */
#define VIGIL_CIDR_TEXT (VIGIL_IP_TEXT + 4)

/*
 * Parses "a.b.c.d" or an IPv6 address into @ip.
 * Return: 0, or -1 when @s is not an address.
 */
int vigil_ip_parse(const char *s, unsigned char ip[VIGIL_IP_LEN]);

/*
 * Parses an address with an optional "/bits" (an address alone is the
 * block of that one address) into a VIGIL_PAT_CIDR pattern: the address
 * with the bits past the prefix cleared, then the prefix length, counted
 * over the 128 bits (an IPv4 /8 is 104).  An IPv4-mapped address written
 * as IPv6 takes no "/bits": Elasticsearch refuses it too, since the bits
 * could be meant either way.
 * Return: 0, or -1 when @s is not a CIDR block.
 */
int vigil_cidr_parse(const char *s, unsigned char cidr[VIGIL_CIDR_LEN]);

/* Writes @ip as text: IPv4 dotted for a mapped address, RFC 5952 IPv6. */
void vigil_ip_format(const unsigned char ip[VIGIL_IP_LEN],
		     char out[VIGIL_IP_TEXT]);

/* Writes a VIGIL_PAT_CIDR pattern as "address/bits" in its own family. */
void vigil_cidr_format(const unsigned char cidr[VIGIL_CIDR_LEN], char *out,
		       size_t cap);

#endif
