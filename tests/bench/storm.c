// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of `make bench`: generates the load and times it with
 * the guest clock (CLOCK_MONOTONIC; under QEMU -icount that clock counts
 * guest instructions, so the figures do not depend on host noise).
 *
 *   storm exec N TINY      fork + exec TINY with 8 arguments + wait, N times
 *   storm create N DIR     create + close + unlink a file in DIR, N times
 *   storm connect N PORT   a TCP listener on 127.0.0.1:PORT (0: any free
 *                          port), then N times: socket + connect to it +
 *                          accept + close of both (see run_connect())
 *   storm spawn N TINY     start N "TINY pause" processes, print "ready",
 *                          hold them until SIGTERM/SIGINT, then kill them
 *
 *   storm alerts[-stopped] N TINY LISTENER_PID LISTEN_OUT HITS_FILE
 *                          the alert-path check (see run_alerts()); with
 *                          STORM_ARG_BYTES=L the 8 arguments are L bytes
 *   storm alerts-create N DIR LISTENER_PID LISTEN_OUT HITS_FILE
 *                          the same with N create+unlink in DIR
 *
 * exec, create and connect print one line "ns <elapsed> ops <N>" on
 * stdout.
 * Built statically (gcc -static) so it runs in any guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int run_exec(long n, const char *tiny)
{
	char *argv[] = { (char *)tiny, "--alpha", "one", "--beta=two",
			 "/tmp/bench/input.dat", "-x", "0x1f", "--verbose",
			 "last-argument", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	unsigned long long t0, t1;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0) {
			perror("storm: fork");
			return 1;
		}
		if (!pid) {
			execve(tiny, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			fprintf(stderr, "storm: %s failed (status %d)\n",
				tiny, st);
			return 1;
		}
	}
	t1 = now_ns();
	printf("ns %llu ops %ld\n", t1 - t0, n);
	return 0;
}

static int run_create(long n, const char *dir)
{
	unsigned long long t0, t1;
	char path[4096];
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/bench-%ld.tmp", dir, i & 1023);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "storm: create %s: %s\n", path,
				strerror(errno));
			return 1;
		}
		close(fd);
		if (unlink(path)) {
			fprintf(stderr, "storm: unlink %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	t1 = now_ns();
	printf("ns %llu ops %ld\n", t1 - t0, n);
	return 0;
}

/* The listening socket of run_connect(), its address in *sin. */
static int listen_loopback(long port, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int one = 1, fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)sin, sizeof(*sin)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)sin, &len)) {
		fprintf(stderr, "storm: listen on 127.0.0.1:%ld: %s\n", port,
			strerror(errno));
		return -1;
	}
	return fd;
}

/*
 * One connect event and one accept event per op, in one process: the
 * connect completes the handshake over loopback before it returns, so
 * the accept that follows finds the connection queued and does not
 * block.  The client closes first with SO_LINGER {1, 0}, which resets
 * the connection (RST) instead of the FIN exchange: neither side enters
 * TIME_WAIT, the accepted socket is already closed when it is closed in
 * turn, and the client's ephemeral port is free again at once.  So an
 * op leaves no state behind, and any number of storms runs in the same
 * conditions whatever the port range, tcp_tw_reuse or
 * tcp_max_tw_buckets.  A FIN close leaves a TIME_WAIT socket per op for
 * 60 s: 15 storms of 2000 in a row then left 14,600 of them, and
 * connect() stepping over them in its search for a free ephemeral port
 * made some storms cost 10 times the others.
 */
static int run_connect(long n, long port)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	unsigned long long t0, t1;
	struct sockaddr_in sin;
	int lfd, cfd, afd;
	long i;

	lfd = listen_loopback(port, &sin);
	if (lfd < 0)
		return 1;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cfd < 0) {
			perror("storm: socket");
			return 1;
		}
		if (connect(cfd, (struct sockaddr *)&sin, sizeof(sin))) {
			fprintf(stderr, "storm: connect %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
		afd = accept(lfd, NULL, NULL);
		if (afd < 0) {
			fprintf(stderr, "storm: accept %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
		if (setsockopt(cfd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst))) {
			perror("storm: SO_LINGER");
			return 1;
		}
		close(cfd);
		close(afd);
	}
	t1 = now_ns();
	close(lfd);
	printf("ns %llu ops %ld\n", t1 - t0, n);
	return 0;
}

static unsigned long long read_u64(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "storm: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "storm: %s: empty\n", path);
		exit(1);
	}
	buf[n] = 0;
	return strtoull(buf, NULL, 10);
}

static unsigned long long count_lines(const char *path)
{
	unsigned long long lines = 0;
	char buf[65536];
	ssize_t n, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Waits until vigil has sent every queued alert and the listener's
 * output has stopped growing for half a second (bounded: 60 s).
 */
static unsigned long long settle(const char *out)
{
	unsigned long long lines = count_lines(out), now;
	int stable = 0, i;

	for (i = 0; i < 600 && stable < 5; i++) {
		nap_ms(100);
		now = count_lines(out);
		if (now == lines &&
		    !read_u64("/sys/kernel/vigil/stats/alerts_pending"))
			stable++;
		else
			stable = 0;
		lines = now;
	}
	return lines;
}

/*
 * The alert-path check.  No process but TINY is started between the two
 * readings of the counters, so every alert of the window comes from the
 * N execs (or, with create_dir, the N file creations): generated = hits
 * delta of the rule, received = new lines of the listener's output,
 * dropped = alerts_dropped delta.  With stop_it, the listener is
 * SIGSTOPped during the storm.
 */
static int run_alerts(long n, const char *tiny, pid_t listener,
		      const char *out, const char *hits, int stop_it,
		      const char *create_dir)
{
	const char *dropped = "/sys/kernel/vigil/stats/alerts_dropped";
	unsigned long long h0, h1, d0, d1, n0, n1, t0, t1;
	char *argv[] = { (char *)tiny, "--alpha", "one", "--beta=two",
			 "/tmp/bench/input.dat", "-x", "0x1f", "--verbose",
			 "last-argument", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	const char *big = getenv("STORM_ARG_BYTES");
	long i, j, len = big ? strtol(big, NULL, 10) : 0;

	/* STORM_ARG_BYTES=L: the 8 arguments are L bytes each */
	if (len > 0 && len < 65536) {
		for (i = 1; i <= 8; i++) {
			argv[i] = malloc(len + 1);
			if (!argv[i])
				return 1;
			for (j = 0; j < len; j++)
				argv[i][j] = 'a' + (i + j) % 26;
			argv[i][len] = 0;
		}
	}
	n0 = settle(out);
	h0 = read_u64(hits);
	d0 = read_u64(dropped);
	if (stop_it && kill(listener, SIGSTOP)) {
		perror("storm: SIGSTOP listener");
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		int st;
		pid_t pid;

		if (create_dir) {
			char path[4096];
			int fd;

			snprintf(path, sizeof(path), "%s/alert-%ld.tmp",
				 create_dir, i & 1023);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				  0600);
			if (fd < 0 || close(fd) || unlink(path)) {
				perror("storm: create");
				return 1;
			}
			continue;
		}
		pid = fork();
		if (pid < 0) {
			perror("storm: fork");
			return 1;
		}
		if (!pid) {
			execve(tiny, argv, envp);
			_exit(127);
		}
		waitpid(pid, &st, 0);
	}
	t1 = now_ns();
	if (stop_it)
		kill(listener, SIGCONT);
	n1 = settle(out);
	h1 = read_u64(hits);
	d1 = read_u64(dropped);
	printf("ns %llu ops %ld generated %llu received %llu dropped %llu\n",
	       t1 - t0, n, h1 - h0, n1 - n0, d1 - d0);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int run_spawn(long n, const char *tiny)
{
	char *argv[] = { (char *)tiny, "pause", NULL };
	char *envp[] = { NULL };
	struct sigaction sa;
	sigset_t mask, old;
	long i, started = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, &old);
	setpgid(0, 0);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "storm: fork %ld: %s\n", i,
				strerror(errno));
			break;
		}
		if (!pid) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			execve(tiny, argv, envp);
			_exit(127);
		}
		started++;
	}
	printf("ready %ld\n", started);
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return started == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	long n;

	if (argc == 7 && !strncmp(argv[1], "alerts", 6))
		return run_alerts(strtol(argv[2], NULL, 10), argv[3],
				  (pid_t)strtol(argv[4], NULL, 10), argv[5], argv[6],
				  !strcmp(argv[1], "alerts-stopped"),
				  !strcmp(argv[1], "alerts-create") ? argv[3] : NULL);
	if (argc != 4) {
		fprintf(stderr,
			"usage: storm exec|create|spawn N PATH, storm connect N PORT\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	if (n <= 0) {
		fprintf(stderr, "storm: bad count \"%s\"\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "exec"))
		return run_exec(n, argv[3]);
	if (!strcmp(argv[1], "create"))
		return run_create(n, argv[3]);
	if (!strcmp(argv[1], "connect")) {
		char *end;
		long port = strtol(argv[3], &end, 10);

		if (*end || end == argv[3] || port < 0 || port > 65535) {
			fprintf(stderr, "storm: bad port \"%s\"\n", argv[3]);
			return 2;
		}
		return run_connect(n, port);
	}
	if (!strcmp(argv[1], "spawn"))
		return run_spawn(n, argv[3]);
	fprintf(stderr, "storm: mode \"%s\" is unknown\n", argv[1]);
	return 2;
}
