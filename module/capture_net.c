// SPDX-License-Identifier: GPL-2.0
/*
 * Network events, from kprobes on three LSM hooks (CONFIG_SECURITY_NETWORK):
 *
 *   security_socket_connect(sock, address, addrlen)  CONNECT
 *   security_sock_graft(sk, parent)                  ACCEPT
 *   security_socket_bind(sock, address, addrlen)     BIND
 *
 * All run in the context of the process that connects, accepts or binds.  Only
 * IPv4 and IPv6 sockets of TCP (and MPTCP) and UDP are reported; other
 * families (unix, netlink, ...) and protocols (raw, ICMP, SCTP) are not.
 *
 * connect(2) is reported when the kernel has copied the address and is
 * about to connect, so a connect that then fails (refused, unreachable,
 * timed out) is still reported: Elastic's "connection_attempted".  The
 * destination is the address asked for; the source is the socket's local
 * address and port when it is already bound (a client socket usually is
 * not: both are then absent).
 *
 * bind(2) is reported like connect(2), when the kernel has copied the
 * address and is about to bind: the source is the address and port asked
 * for (port 0: the kernel picks one), there is no destination, and the
 * direction is "unknown" (a bind precedes a listen as well as a client's
 * connect).  auditd calls it "bound-socket".
 *
 * An accepted TCP connection is reported when the new socket is grafted
 * onto the accepting process's socket (inet_accept(), after the
 * handshake).  As in ECS, source is the side that opened the connection,
 * the remote peer, and destination the local address and port.  This
 * hook runs under the new socket's callback lock (a lock softirqs take):
 * the event is built without taking any lock vigil does not take with
 * interrupts off, and without resolving paths (struct vigil_scratch
 * table_only).  A process the table does not know is then reported with its
 * pid, credentials and comm, its executable flagged as cut.
 *
 * An event is described by its early fields first (addresses, ports,
 * transport, direction, kind strings: VIGIL_EARLY_NET_FIELDS); when no loaded
 * rule can match it by those alone (a loopback connection when every
 * network rule excludes 127.0.0.0/8), the process, its parent and their
 * credentials are never looked up (vigil_detect_early(), engine/early.c).
 *
 * IPv4 addresses are reported as IPv4 whether the socket is IPv4 or IPv6
 * (an IPv4-mapped address, ::ffff:a.b.c.d), as Elasticsearch stores them:
 * a rule on 8.8.8.8 also sees a dual-stack socket's connect to
 * ::ffff:8.8.8.8.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <linux/kprobes.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "capture.h"
#include "compat.h"

/* @ip as VIGIL_FT_IP: IPv4 mapped into ::ffff:0:0/96. */
static void ip_from_v4(u8 ip[VIGIL_IP_LEN], __be32 a)
{
	memset(ip, 0, 10);
	ip[10] = 0xff;
	ip[11] = 0xff;
	memcpy(ip + 12, &a, 4);
}

/* network.transport of @sk, or NULL for a protocol vigil does not report. */
static const char *transport_of(const struct sock *sk)
{
	switch (READ_ONCE(sk->sk_protocol)) {
	case IPPROTO_TCP:
	case IPPROTO_MPTCP:
		return "tcp";
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return "udp";
	}
	return NULL;
}

/**
 * struct net_op - what one network hook saw
 * @kind: VIGIL_EV_CONNECT, VIGIL_EV_ACCEPT or VIGIL_EV_BIND
 * @transport: network.transport
 * @src: source.ip (VIGIL_FT_IP), valid with @has_src
 * @dst: destination.ip, valid with @has_dst
 * @sport: source.port
 * @dport: destination.port
 * @has_src: the source is known
 * @has_dst: the destination is known
 */
struct net_op {
	enum vigil_event_kind kind;
	const char *transport;
	u8 src[VIGIL_IP_LEN];
	u8 dst[VIGIL_IP_LEN];
	u16 sport;
	u16 dport;
	bool has_src;
	bool has_dst;
};

static void net_event(const struct net_op *op)
{
	static const char *const direction[] = {
		[VIGIL_EV_CONNECT] = "egress",
		[VIGIL_EV_ACCEPT] = "ingress",
		[VIGIL_EV_BIND] = "unknown",
	};
	struct vigil_scratch *sc;
	struct vigil_event *ev;
	struct vigil_proc *p;

	sc = vigil_scratch_get();
	if (!sc)
		return;
	ev = &sc->ev;
	sc->table_only = op->kind == VIGIL_EV_ACCEPT;

	rcu_read_lock();
	/* the early fields first (VIGIL_EARLY_NET_FIELDS), and only those */
	vigil_capture_begin(sc, op->kind);
	if (op->has_dst) {
		memcpy(sc->dst_ip, op->dst, VIGIL_IP_LEN);
		vigil_event_set_str(ev, VIGIL_F_DESTINATION_IP, sc->dst_ip,
				    VIGIL_IP_LEN);
		vigil_event_set_num(ev, VIGIL_F_DESTINATION_PORT, op->dport);
	}
	if (op->has_src) {
		memcpy(sc->src_ip, op->src, VIGIL_IP_LEN);
		vigil_event_set_str(ev, VIGIL_F_SOURCE_IP, sc->src_ip,
				    VIGIL_IP_LEN);
		vigil_event_set_num(ev, VIGIL_F_SOURCE_PORT, op->sport);
	}
	vigil_event_set_str(ev, VIGIL_F_NETWORK_TRANSPORT, op->transport,
			    strlen(op->transport));
	vigil_event_set_str(ev, VIGIL_F_NETWORK_DIRECTION, direction[op->kind],
			    strlen(direction[op->kind]));
	/* no rule can match it: the process and its parent are not needed */
	if (!vigil_detect_early(ev, &sc->memo))
		goto out;
	p = vigil_capture_current_proc(sc);
	vigil_capture_actor(sc, p, NULL);
	vigil_capture_parent(sc, p);
	vigil_capture_emit(sc);
out:
	rcu_read_unlock();
	vigil_scratch_put(sc);
}

#define ARG(regs, n) ((void *)vigil_kprobe_arg(regs, n))

/*
 * The address and port of @sa, @len bytes that the syscall copied into
 * the kernel (so read as is), into @ip and @port.
 *
 * Return: false for a family other than AF_INET and AF_INET6 (AF_UNSPEC
 * dissolves a UDP association: no connection) or a short address.
 */
static bool addr_of(const struct sockaddr *sa, int len, u8 ip[VIGIL_IP_LEN],
		    u16 *port)
{
	if (len < (int)sizeof(sa->sa_family))
		return false;
	if (sa->sa_family == AF_INET &&
	    len >= (int)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		ip_from_v4(ip, in->sin_addr.s_addr);
		*port = ntohs(in->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= SIN6_LEN_RFC2133) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(ip, &in6->sin6_addr, VIGIL_IP_LEN);
		*port = ntohs(in6->sin6_port);
		return true;
	}
	return false;
}

/*
 * connect(2) and bind(2): @regs holds (sock, address, addrlen).  The
 * address is the destination of a connect, with the socket's local
 * address as source when it is bound; and the source of a bind.
 */
static void sock_addr_event(struct pt_regs *regs, enum vigil_event_kind kind)
{
	struct socket *sock = ARG(regs, 0);
	const struct sockaddr *sa = ARG(regs, 1);
	int len = (int)vigil_kprobe_arg(regs, 2);
	struct net_op op = { .kind = kind };
	struct sock *sk;
	u16 family;

	if (vigil_capture_skip() || !sock || !sa)
		return;
	sk = sock->sk;
	if (!sk)
		return;
	family = READ_ONCE(sk->sk_family);
	if (family != AF_INET && family != AF_INET6)
		return;
	op.transport = transport_of(sk);
	if (!op.transport)
		return;
	if (kind == VIGIL_EV_BIND) {
		op.has_src = addr_of(sa, len, op.src, &op.sport);
		if (!op.has_src)
			return;
	} else {
		op.has_dst = addr_of(sa, len, op.dst, &op.dport);
		if (!op.has_dst)
			return;
		op.sport = READ_ONCE(sk->sk_num);
		op.has_src = op.sport != 0;
		if (family == AF_INET)
			ip_from_v4(op.src, READ_ONCE(sk->sk_rcv_saddr));
#if IS_ENABLED(CONFIG_IPV6)
		else
			memcpy(op.src, &sk->sk_v6_rcv_saddr, VIGIL_IP_LEN);
#endif
	}
	if (vigil_detect_wants(op.kind))
		net_event(&op);
}

static int on_connect(struct kprobe *kp, struct pt_regs *regs)
{
	sock_addr_event(regs, VIGIL_EV_CONNECT);
	return 0;
}

static int on_bind(struct kprobe *kp, struct pt_regs *regs)
{
	sock_addr_event(regs, VIGIL_EV_BIND);
	return 0;
}

static int on_graft(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = ARG(regs, 0);
	struct net_op op = { .kind = VIGIL_EV_ACCEPT };
	u16 family;

	if (vigil_capture_skip() || !sk)
		return 0;
	family = READ_ONCE(sk->sk_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	/* TCP only: another protocol's graft is no accepted connection */
	if (READ_ONCE(sk->sk_type) != SOCK_STREAM ||
	    READ_ONCE(sk->sk_protocol) != IPPROTO_TCP)
		return 0;
	op.transport = "tcp";
	op.has_src = true;
	op.has_dst = true;
	op.sport = ntohs(READ_ONCE(sk->sk_dport));
	op.dport = READ_ONCE(sk->sk_num);
	if (family == AF_INET) {
		ip_from_v4(op.src, READ_ONCE(sk->sk_daddr));
		ip_from_v4(op.dst, READ_ONCE(sk->sk_rcv_saddr));
	}
#if IS_ENABLED(CONFIG_IPV6)
	else {
		memcpy(op.src, &sk->sk_v6_daddr, VIGIL_IP_LEN);
		memcpy(op.dst, &sk->sk_v6_rcv_saddr, VIGIL_IP_LEN);
	}
#endif
	if (vigil_detect_wants(op.kind))
		net_event(&op);
	return 0;
}

/* Registered by capture.c after the file hooks, in this order. */
const struct vigil_capture_hook
	vigil_capture_net_hooks[VIGIL_CAPTURE_NET_HOOKS] = {
		{ { "security_socket_connect" }, on_connect },
		{ { "security_sock_graft" }, on_graft },
		{ { "security_socket_bind" }, on_bind },
	};
