// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink client for vigilctl: no libnl, no libmnl.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define RBUF_MIN	(64 * 1024)
#define RBUF_MAX	(64 * 1024 * 1024)

static void msg_reserve(struct vigil_nl_msg *m, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (m->oom)
		return;
	if (m->len + more <= m->cap)
		return;
	cap = m->cap ? m->cap : 4096;
	while (cap < m->len + more)
		cap *= 2;
	if (cap > UINT32_MAX) {
		m->oom = true;
		return;
	}
	p = realloc(m->buf, cap);
	if (!p) {
		m->oom = true;
		return;
	}
	memset(p + m->cap, 0, cap - m->cap);
	m->buf = p;
	m->cap = cap;
}

void vigil_nl_msg_init(struct vigil_nl_msg *m, struct vigil_nl *nl,
		       uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	msg_reserve(m, NLMSG_HDRLEN + GENL_HDRLEN);
	if (m->oom)
		return;
	nlh = (struct nlmsghdr *)m->buf;
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = VIGIL_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

void vigil_nl_msg_free(struct vigil_nl_msg *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

void vigil_nl_put(struct vigil_nl_msg *m, uint16_t type, const void *data,
		  size_t len)
{
	struct nlattr *a;

	if (len > UINT16_MAX - NLA_HDRLEN) {
		m->oom = true;
		return;
	}
	msg_reserve(m, NLA_ALIGN(NLA_HDRLEN + len));
	if (m->oom)
		return;
	a = (struct nlattr *)(m->buf + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(a->nla_len);
}

void vigil_nl_put_u64(struct vigil_nl_msg *m, uint16_t type, uint64_t v)
{
	vigil_nl_put(m, type, &v, sizeof(v));
}

void vigil_nl_put_str(struct vigil_nl_msg *m, uint16_t type, const char *s)
{
	vigil_nl_put(m, type, s, strlen(s) + 1);
}

size_t vigil_nl_nest_start(struct vigil_nl_msg *m, uint16_t type)
{
	size_t off = m->len;

	vigil_nl_put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void vigil_nl_nest_end(struct vigil_nl_msg *m, size_t off)
{
	struct nlattr *a;

	if (m->oom)
		return;
	a = (struct nlattr *)(m->buf + off);
	if (m->len - off > UINT16_MAX) {
		m->oom = true;
		return;
	}
	a->nla_len = m->len - off;
}

int vigil_nl_parse(const void *buf, size_t len, const struct nlattr **tb,
		   int max)
{
	const struct nlattr *a;
	size_t rem;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	vigil_nla_for_each(a, buf, len, rem) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
	}
	/* Trailing bytes that are not padding mean a malformed attribute. */
	return rem >= NLA_HDRLEN ? -EINVAL : 0;
}

const void *vigil_nl_payload(const struct nlmsghdr *nlh, size_t *len)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr) {
		*len = 0;
		return NULL;
	}
	*len = nlh->nlmsg_len - hdr;
	return (const uint8_t *)nlh + hdr;
}

int vigil_nl_parse_msg(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       int max)
{
	const void *p;
	size_t len;

	p = vigil_nl_payload(nlh, &len);
	if (!p) {
		memset(tb, 0, sizeof(*tb) * (max + 1));
		return -EINVAL;
	}
	return vigil_nl_parse(p, len, tb, max);
}

int vigil_nla_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || vigil_nla_len(a) != 1)
		return -EINVAL;
	*v = *(const uint8_t *)vigil_nla_data(a);
	return 0;
}

int vigil_nla_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || vigil_nla_len(a) != 4)
		return -EINVAL;
	memcpy(v, vigil_nla_data(a), 4);
	return 0;
}

int vigil_nla_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || vigil_nla_len(a) != 8)
		return -EINVAL;
	memcpy(v, vigil_nla_data(a), 8);
	return 0;
}

const char *vigil_nla_str(const struct nlattr *a)
{
	const char *s;
	size_t len;

	if (!a)
		return NULL;
	len = vigil_nla_len(a);
	s = vigil_nla_data(a);
	if (!len || memchr(s, '\0', len) == NULL)
		return NULL;
	return s;
}

/* Pulls the extack message out of an NLMSG_ERROR. */
static void save_extack(struct vigil_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const char *msg;

	nl->ext_msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return;
	if (vigil_nl_parse((const uint8_t *)nlh + off, nlh->nlmsg_len - off,
			   tb, NLMSGERR_ATTR_MAX) < 0)
		return;
	msg = vigil_nla_str(tb[NLMSGERR_ATTR_MSG]);
	if (msg)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s", msg);
}

/*
 * Receives one datagram into nl->rbuf, growing it to fit: a peek with
 * no buffer tells the size without copying anything.  @flags may hold
 * MSG_DONTWAIT.
 */
static ssize_t recv_dgram(struct vigil_nl *nl, int flags)
{
	ssize_t n;

	do {
		n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > nl->rcap) {
		if ((size_t)n > RBUF_MAX)
			return -EMSGSIZE;
		free(nl->rbuf);
		nl->rbuf = malloc(n);
		nl->rcap = nl->rbuf ? (size_t)n : 0;
		if (!nl->rbuf)
			return -ENOMEM;
	}
	do {
		n = recv(nl->fd, nl->rbuf, nl->rcap, flags);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/*
 * Walks one datagram.  Return: 1 when the exchange is over (ack, done),
 * 0 to go on, -errno for an error message.
 */
static int walk_dgram(struct vigil_nl *nl, size_t n, uint32_t seq,
		      vigil_nl_cb cb, void *ctx)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rbuf;
	size_t rem = n;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (seq && nlh->nlmsg_seq != seq)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			if (!e->error)
				return 1;
			save_extack(nl, nlh);
			return e->error;
		}
		if (nlh->nlmsg_type == NLMSG_DONE) {
			const int *err = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
			    *err < 0) {
				save_extack(nl, nlh);
				return *err;
			}
			return 1;
		}
		if (nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			fprintf(stderr, "%s: warning: the ruleset changed during the dump; output may be inconsistent\n",
				prog);
		}
		if (cb && cb(nlh, ctx))
			return 1;
	}
	return 0;
}

int vigil_nl_recv_once(struct vigil_nl *nl, int flags, vigil_nl_cb cb,
		       void *ctx)
{
	ssize_t n = recv_dgram(nl, flags);
	int ret;

	if (n < 0)
		return n;
	ret = walk_dgram(nl, n, 0, cb, ctx);
	return ret < 0 ? ret : 0;
}

int vigil_nl_talk(struct vigil_nl *nl, struct vigil_nl_msg *m,
		  vigil_nl_cb cb, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh;
	uint32_t seq;
	ssize_t n;
	int ret;

	nl->ext_msg[0] = '\0';
	if (m->oom || !m->buf)
		return -ENOMEM;
	nlh = (struct nlmsghdr *)m->buf;
	nlh->nlmsg_len = m->len;
	nlh->nlmsg_flags |= NLM_F_ACK;
	seq = nlh->nlmsg_seq;
	do {
		n = sendto(nl->fd, m->buf, m->len, 0, (struct sockaddr *)&sa,
			   sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (;;) {
		n = recv_dgram(nl, 0);
		if (n < 0)
			return n;
		ret = walk_dgram(nl, n, seq, cb, ctx);
		if (ret)
			return ret < 0 ? ret : 0;
	}
}

void vigil_nl_perror(const struct vigil_nl *nl, const char *what, int err)
{
	const char *hint = "";

	if ((err == -EPERM || err == -EACCES) && !(nl && nl->ext_msg[0]))
		hint = " (permission denied: need CAP_NET_ADMIN or CAP_SYS_ADMIN in the initial user namespace)";
	fprintf(stderr, "%s %s: %s%s%s%s\n", prog, what, strerror(-err),
		nl && nl->ext_msg[0] ? ": " : "", nl ? nl->ext_msg : "", hint);
}

int vigil_nl_family_parse(const struct nlmsghdr *nlh, const char *name,
			  const char *group, uint16_t *id, uint32_t *grp_id)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *grp;
	const char *fname;
	size_t rem;

	if (vigil_nl_parse_msg(nlh, tb, CTRL_ATTR_MAX) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    vigil_nla_len(tb[CTRL_ATTR_FAMILY_ID]) != 2)
		return -EINVAL;
	fname = vigil_nla_str(tb[CTRL_ATTR_FAMILY_NAME]);
	if (!fname || strcmp(fname, name))
		return -ENOENT;
	memcpy(id, vigil_nla_data(tb[CTRL_ATTR_FAMILY_ID]), 2);
	*grp_id = 0;
	if (!group || !tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	vigil_nla_for_each(grp, vigil_nla_data(tb[CTRL_ATTR_MCAST_GROUPS]),
			   vigil_nla_len(tb[CTRL_ATTR_MCAST_GROUPS]), rem) {
		const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];
		const char *gname;

		if (vigil_nl_parse(vigil_nla_data(grp), vigil_nla_len(grp), g,
				   CTRL_ATTR_MCAST_GRP_MAX) < 0)
			continue;
		gname = vigil_nla_str(g[CTRL_ATTR_MCAST_GRP_NAME]);
		if (gname && !strcmp(gname, group) &&
		    g[CTRL_ATTR_MCAST_GRP_ID] &&
		    vigil_nla_len(g[CTRL_ATTR_MCAST_GRP_ID]) == 4)
			memcpy(grp_id, vigil_nla_data(g[CTRL_ATTR_MCAST_GRP_ID]),
			       4);
	}
	return 0;
}

struct family_ctx {
	const char *name, *group;
	uint16_t id;
	uint32_t grp_id;
	bool found;
};

static int family_cb(const struct nlmsghdr *nlh, void *ctx)
{
	struct family_ctx *fc = ctx;

	if (!vigil_nl_family_parse(nlh, fc->name, fc->group, &fc->id,
				   &fc->grp_id))
		fc->found = true;
	return 0;
}

int vigil_nl_resolve(struct vigil_nl *nl, const char *name,
		     const char *group, uint16_t *id, uint32_t *grp_id)
{
	struct family_ctx fc = { .name = name, .group = group };
	struct vigil_nl_msg m;
	uint16_t saved = nl->family;
	int err;

	nl->family = GENL_ID_CTRL;
	vigil_nl_msg_init(&m, nl, CTRL_CMD_GETFAMILY, 0);
	nl->family = saved;
	if (m.buf)
		((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->version = 1;
	vigil_nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, name);
	err = vigil_nl_talk(nl, &m, family_cb, &fc);
	vigil_nl_msg_free(&m);
	if (!err && !fc.found)
		err = -ENOENT;
	if (!err) {
		*id = fc.id;
		*grp_id = fc.grp_id;
	}
	return err;
}

int vigil_nl_open(struct vigil_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0) {
		err = -errno;
		fprintf(stderr, "%s: netlink socket: %s\n", prog,
			strerror(errno));
		return err;
	}
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		fprintf(stderr, "%s: netlink bind: %s\n", prog,
			strerror(errno));
		goto err_close;
	}
	/* Both are best effort: old kernels just print less. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->rbuf = malloc(RBUF_MIN);
	if (!nl->rbuf) {
		err = -ENOMEM;
		fprintf(stderr, "%s: out of memory\n", prog);
		goto err_close;
	}
	nl->rcap = RBUF_MIN;

	err = vigil_nl_resolve(nl, VIGIL_GENL_NAME, VIGIL_GENL_MCGRP_ALERTS,
			       &nl->family, &nl->mcgrp_alerts);
	if (err == -ENOENT) {
		fprintf(stderr, "%s: vigil module not loaded (family \"%s\" not found)\n",
			prog, VIGIL_GENL_NAME);
		goto err_close;
	}
	if (err) {
		vigil_nl_perror(nl, "resolving the vigil family", err);
		goto err_close;
	}
	return 0;

err_close:
	vigil_nl_close(nl);
	return err;
}

int vigil_nl_join_alerts(struct vigil_nl *nl)
{
	int one = 1;

	if (!nl->mcgrp_alerts)
		return -ENOENT;
	/*
	 * Without this the kernel cannot tell an overflowing listener from
	 * no listener at all (netlink_broadcast() returns -ESRCH for both),
	 * and alerts lost in our receive buffer would not be counted as
	 * dropped.
	 */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one,
		       sizeof(one)) < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &nl->mcgrp_alerts, sizeof(nl->mcgrp_alerts)) < 0)
		return -errno;
	return 0;
}

void vigil_nl_close(struct vigil_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->rbuf);
	nl->rbuf = NULL;
	nl->rcap = 0;
}
