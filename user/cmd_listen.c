// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl listen [--json] [--output FILE] [--building-blocks]
 * [--rcvbuf BYTES]: print alerts as the kernel sends them, one line each,
 * until SIGINT or SIGTERM; alerts of building-block rules only with
 * --building-blocks.  --rcvbuf sets the socket receive buffer (default
 * 32 MiB; the kernel doubles it for its overhead).  With --output the
 * lines are appended to FILE, which SIGHUP closes and opens again (so
 * logrotate can move it away without losing a line).
 *
 * Output is buffered and written with write() in whole lines: when the
 * socket has nothing more to read (before waiting for more), when
 * LISTEN_FLUSH_AT bytes are waiting, and on exit.  So a consumer sees an
 * alert as soon as the burst it came in is read, and a file never ends
 * in half a line, even if vigilctl is killed; a write that fails part way
 * (disk full) is cut back to the last whole line (vigil_outbuf_write()).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alert_json.h"
#include "nl.h"
#include "outbuf.h"
#include "vigilctl.h"

#define LISTEN_RCVBUF	(32 * 1024 * 1024)
#define LISTEN_FLUSH_AT	(64 * 1024)
/* Datagrams read before looking at the signalfd again. */
#define LISTEN_BURST	64

struct listen_ctx {
	struct vigil_nl *nl;
	bool json;
	bool building_blocks;	/* --building-blocks: print them too */
	const char *path;	/* --output FILE, or NULL for stdout */
	int out_fd;
	int out_err;		/* first write() error, -errno */
	struct vigil_outbuf out;
	struct vigil_alert_view view;
};

static void out_flush(struct listen_ctx *lc)
{
	int err = vigil_outbuf_write(&lc->out, lc->out_fd);

	if (err && !lc->out_err) {
		lc->out_err = err;
		fprintf(stderr, "%s listen: writing alerts: %s\n", prog,
			strerror(-err));
	}
}

/* Opens (again) the --output file: appending, created 0640. */
static int out_open(struct listen_ctx *lc)
{
	int fd;

	if (!lc->path) {
		lc->out_fd = STDOUT_FILENO;
		return 0;
	}
	fd = open(lc->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		fprintf(stderr, "%s listen: %s: %s\n", prog, lc->path,
			strerror(errno));
		return -1;
	}
	if (lc->out_fd > STDERR_FILENO)
		close(lc->out_fd);
	lc->out_fd = fd;
	lc->out_err = 0;
	return 0;
}

/*
 * nlctrl notifications: the module went away or came back.  After a
 * reload the family and group ids may differ and the old membership is
 * gone, so join the new group.
 */
static void ctrl_event(struct listen_ctx *lc, const struct nlmsghdr *nlh,
		       uint8_t cmd)
{
	uint32_t grp;
	uint16_t id;
	int err;

	if (cmd != CTRL_CMD_NEWFAMILY && cmd != CTRL_CMD_DELFAMILY)
		return;
	if (vigil_nl_family_parse(nlh, VIGIL_GENL_NAME,
				  VIGIL_GENL_MCGRP_ALERTS, &id, &grp))
		return;
	if (cmd == CTRL_CMD_DELFAMILY) {
		fprintf(stderr, "%s listen: the vigil module was unloaded; waiting for it\n",
			prog);
		return;
	}
	lc->nl->family = id;
	lc->nl->mcgrp_alerts = grp;
	err = vigil_nl_join_alerts(lc->nl);
	if (err)
		vigil_nl_perror(NULL, "listen: subscribing to alerts again",
				err);
	else
		fprintf(stderr, "%s listen: the vigil module is back; listening again (alert.seq restarts)\n",
			prog);
}

static int alert_cb(const struct nlmsghdr *nlh, void *ctx)
{
	struct listen_ctx *lc = ctx;
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	size_t len;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return 0;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		ctrl_event(lc, nlh, g->cmd);
		return 0;
	}
	if (nlh->nlmsg_type != lc->nl->family || g->cmd != VIGIL_CMD_ALERT)
		return 0;
	if (vigil_alert_decode(nlh, &lc->view)) {
		fprintf(stderr, "%s listen: malformed alert skipped\n", prog);
		return 0;
	}
	if (lc->view.building_block && !lc->building_blocks)
		return 0;
	/* Whole lines only: a line that did not fit in memory is left out. */
	len = lc->out.len;
	if (lc->json)
		vigil_alert_format_json(&lc->out, &lc->view);
	else
		vigil_alert_format_text(&lc->out, &lc->view);
	if (lc->out.oom) {
		lc->out.len = len;
		lc->out.oom = false;
		fprintf(stderr, "%s listen: out of memory, alert seq %llu not printed\n",
			prog, (unsigned long long)lc->view.seq);
	}
	if (lc->out.len >= LISTEN_FLUSH_AT)
		out_flush(lc);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "Usage: %s listen [--json] [--output FILE] [--building-blocks] [--rcvbuf BYTES]\n",
		prog);
	return 1;
}

int listen_main(int argc, char **argv)
{
	struct listen_ctx *lc;
	struct pollfd pfd[2];
	struct vigil_nl nl;
	sigset_t mask;
	uint32_t notify;
	uint16_t ctrl;
	int rcvbuf = LISTEN_RCVBUF, sfd, err, i, ret = 1;

	lc = calloc(1, sizeof(*lc));
	if (!lc) {
		fprintf(stderr, "%s listen: out of memory\n", prog);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			lc->json = true;
		} else if (!strcmp(argv[i], "--building-blocks")) {
			lc->building_blocks = true;
		} else if ((!strcmp(argv[i], "--output") ||
			    !strcmp(argv[i], "-o")) && i + 1 < argc) {
			lc->path = argv[++i];
		} else if (!strcmp(argv[i], "--rcvbuf") && i + 1 < argc) {
			char *end;
			long v;

			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno || *end || v < 1024 || v > LISTEN_RCVBUF) {
				fprintf(stderr, "%s listen: --rcvbuf %s: not 1024..%d bytes\n",
					prog, argv[i], LISTEN_RCVBUF);
				free(lc);
				return 1;
			}
			rcvbuf = (int)v;
		} else {
			free(lc);
			return usage();
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		fprintf(stderr, "%s listen: sigprocmask: %s\n", prog,
			strerror(errno));
		goto out_free;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "%s listen: signalfd: %s\n", prog,
			strerror(errno));
		goto out_free;
	}
	if (out_open(lc))
		goto out_close_sfd;
	if (vigil_nl_open(&nl))
		goto out_close_out;
	lc->nl = &nl;
	/* A big receive buffer rides out bursts; FORCE needs CAP_NET_ADMIN. */
	if (setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	err = vigil_nl_join_alerts(&nl);
	if (err == -ENOENT) {
		fprintf(stderr, "%s listen: the vigil family has no \"%s\" group\n",
			prog, VIGIL_GENL_MCGRP_ALERTS);
		goto out_close_nl;
	}
	if (err) {
		vigil_nl_perror(NULL, "listen: subscribing to alerts", err);
		goto out_close_nl;
	}

	/* Best effort: follow module unload and reload. */
	if (!vigil_nl_resolve(&nl, "nlctrl", "notify", &ctrl, &notify) &&
	    notify)
		setsockopt(nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &notify,
			   sizeof(notify));

	pfd[0] = (struct pollfd){ .fd = nl.fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s listen: poll: %s\n", prog,
				strerror(errno));
			goto out_close_nl;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo == SIGHUP) {
				/* logrotate moved the file: finish, reopen */
				out_flush(lc);
				if (lc->path && out_open(lc))
					goto out_close_nl;
				continue;
			}
			break;
		}
		if (!(pfd[0].revents & (POLLIN | POLLERR)))
			continue;
		/* Read what is there, then write it out before waiting. */
		for (i = 0; i < LISTEN_BURST; i++) {
			err = vigil_nl_recv_once(&nl, MSG_DONTWAIT, alert_cb,
						 lc);
			if (err == -EAGAIN)
				break;
			if (err == -ENOBUFS) {
				fprintf(stderr, "%s listen: warning: receive buffer overflowed, alerts lost (see the gap in seq)\n",
					prog);
			} else if (err) {
				vigil_nl_perror(&nl, "listen", err);
				out_flush(lc);
				goto out_close_nl;
			}
		}
		if (i < LISTEN_BURST)
			out_flush(lc);
	}
	/* Drain what already arrived (bounded: alerts may keep coming). */
	for (i = 0; i < LISTEN_BURST * LISTEN_BURST; i++) {
		err = vigil_nl_recv_once(&nl, MSG_DONTWAIT, alert_cb, lc);
		if (err && err != -ENOBUFS)
			break;
	}
	out_flush(lc);
	ret = 0;

out_close_nl:
	vigil_nl_close(&nl);
out_close_out:
	if (lc->out_fd > STDERR_FILENO)
		close(lc->out_fd);
out_close_sfd:
	close(sfd);
out_free:
	vigil_outbuf_free(&lc->out);
	free(lc);
	return ret;
}
