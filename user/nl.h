/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, self-contained generic netlink client for the "vigil" family:
 * raw AF_NETLINK sockets, family and group resolved by name, attribute
 * builders and bounds-checked parsers, extended-ack error messages.
 */
#ifndef VIGIL_NL_H
#define VIGIL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

struct vigil_nl {
	int fd;
	uint32_t seq;
	uint16_t family;	/* genl family id of "vigil" */
	uint32_t mcgrp_alerts;	/* group id of "alerts", 0 if none */
	uint8_t *rbuf;		/* receive buffer, grown as needed */
	size_t rcap;
	char ext_msg[256];	/* extack message of the last error, or "" */
};

struct vigil_nl_msg {
	uint8_t *buf;
	size_t len, cap;
	bool oom;		/* a put failed; vigil_nl_send() refuses */
};

/*
 * Opens a socket and resolves the "vigil" family.  On failure prints a
 * message naming the cause (module not loaded, ...) and returns -errno.
 */
int vigil_nl_open(struct vigil_nl *nl);
void vigil_nl_close(struct vigil_nl *nl);

/*
 * Resolves a genl family by name and, if @group is not NULL, one of its
 * multicast groups (*@grp_id is 0 when it has no such group).
 * Return: 0, -ENOENT when the family does not exist, or -errno.
 */
int vigil_nl_resolve(struct vigil_nl *nl, const char *name,
		     const char *group, uint16_t *id, uint32_t *grp_id);
/*
 * Parses a CTRL_CMD_NEWFAMILY message (a reply or a notification).
 * Return: 0 when it describes family @name, -ENOENT for another family,
 * -EINVAL when malformed.
 */
int vigil_nl_family_parse(const struct nlmsghdr *nlh, const char *name,
			  const char *group, uint16_t *id, uint32_t *grp_id);

/* Joins the "alerts" multicast group.  Return 0 or -errno. */
int vigil_nl_join_alerts(struct vigil_nl *nl);

/* Starts a request: nlmsghdr + genlmsghdr for @cmd with @flags. */
void vigil_nl_msg_init(struct vigil_nl_msg *m, struct vigil_nl *nl,
		       uint8_t cmd, uint16_t flags);
void vigil_nl_msg_free(struct vigil_nl_msg *m);
void vigil_nl_put(struct vigil_nl_msg *m, uint16_t type, const void *data,
		  size_t len);
void vigil_nl_put_u64(struct vigil_nl_msg *m, uint16_t type, uint64_t v);
void vigil_nl_put_str(struct vigil_nl_msg *m, uint16_t type, const char *s);
/* Returns the nest's offset, for vigil_nl_nest_end(). */
size_t vigil_nl_nest_start(struct vigil_nl_msg *m, uint16_t type);
void vigil_nl_nest_end(struct vigil_nl_msg *m, size_t off);

/* Called for each reply (or multicast) message; non-zero stops. */
typedef int (*vigil_nl_cb)(const struct nlmsghdr *nlh, void *ctx);

/*
 * Sends @m and reads replies until the ack, NLMSG_DONE or an error.
 * Return: 0, or -errno from the kernel (nl->ext_msg holds its message).
 */
int vigil_nl_talk(struct vigil_nl *nl, struct vigil_nl_msg *m,
		  vigil_nl_cb cb, void *ctx);

/*
 * Reads one datagram and calls @cb for each message in it (a datagram
 * may carry several: the kernel batches alerts).  @flags: 0 or
 * MSG_DONTWAIT.  Return: 0, or -errno (-ENOBUFS: the socket overflowed,
 * messages lost; -EAGAIN: MSG_DONTWAIT and nothing to read).
 */
int vigil_nl_recv_once(struct vigil_nl *nl, int flags, vigil_nl_cb cb,
		       void *ctx);

/* Prints "PROG CMD: strerror[: extack]" to stderr, with hints for EPERM. */
void vigil_nl_perror(const struct vigil_nl *nl, const char *what, int err);

/*
 * Parses the attributes in [@buf, @buf + @len) into @tb[0..@max] (last
 * one wins; types above @max are skipped).  Return 0, or -EINVAL when an
 * attribute runs past the end.
 */
int vigil_nl_parse(const void *buf, size_t len, const struct nlattr **tb,
		   int max);
/* Attributes after the genl header of @nlh. */
int vigil_nl_parse_msg(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       int max);

static inline const void *vigil_nla_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static inline size_t vigil_nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Checked getters: 0 on success, -EINVAL on a wrong length. */
int vigil_nla_u8(const struct nlattr *a, uint8_t *v);
int vigil_nla_u32(const struct nlattr *a, uint32_t *v);
int vigil_nla_u64(const struct nlattr *a, uint64_t *v);
/* A NUL-terminated string attribute, or NULL. */
const char *vigil_nla_str(const struct nlattr *a);

/* Iterates the attributes of a region; stops at the first malformed one. */
#define vigil_nla_for_each(a, buf, len, rem)				\
	for ((a) = (const struct nlattr *)(buf), (rem) = (len);		\
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (rem);					\
	     (rem) -= (size_t)NLA_ALIGN((a)->nla_len) < (rem) ?			\
			NLA_ALIGN((a)->nla_len) : (rem),		\
	     (a) = (const struct nlattr *)((const uint8_t *)(a) +	\
					   NLA_ALIGN((a)->nla_len)))

/* Payload of a genl message: attributes after the genl header. */
const void *vigil_nl_payload(const struct nlmsghdr *nlh, size_t *len);

#endif /* VIGIL_NL_H */
