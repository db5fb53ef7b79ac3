// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl load [--learn DURATION] PATH...     compile rule files and
 *                                              directories and load them
 * vigilctl load [--learn DURATION] --blob FILE load a ruleset blob
 *
 * --learn: for DURATION (seconds, or with an s, m, h or d suffix)
 * new_terms rules record the terms they see without alerting, so that a
 * first start does not alert on everything the machine normally does.
 *
 * The rules are compiled by running this same binary's `compile`
 * subcommand, so load accepts exactly what compile accepts and reports
 * the same errors.  The load replaces the running ruleset atomically;
 * when the kernel refuses it, its reason is printed and nothing changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"

/* Payload per VIGIL_A_RULESET chunk (nla_len is 16 bits). */
#define LOAD_CHUNK	60000

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s load: %s: %s\n", prog, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > VIGIL_RS_MAX_SIZE) {
		fprintf(stderr, "%s load: %s: not a ruleset (must be a regular file of 1..%u bytes)\n",
			prog, path, VIGIL_RS_MAX_SIZE);
		close(fd);
		return -1;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		fprintf(stderr, "%s load: out of memory\n", prog);
		close(fd);
		return -1;
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s load: %s: %s\n", prog, path,
				n ? strerror(errno) : "short read");
			free(buf);
			close(fd);
			return -1;
		}
		off += n;
	}
	close(fd);
	*out = buf;
	*len = off;
	return 0;
}

/* Runs `vigilctl compile -o TMP PATH...`; its errors go to our stderr. */
static int compile_paths(char **paths, int n, uint8_t **blob, size_t *len)
{
	char tmpl[] = "/tmp/vigilctl-load-XXXXXX";
	char **args;
	int fd, st, i, ret = -1;
	pid_t pid;

	fd = mkstemp(tmpl);
	if (fd < 0) {
		fprintf(stderr, "%s load: temporary file: %s\n", prog,
			strerror(errno));
		return -1;
	}
	close(fd);
	args = calloc(n + 5, sizeof(*args));
	if (!args) {
		fprintf(stderr, "%s load: out of memory\n", prog);
		goto out_unlink;
	}
	args[0] = (char *)prog;
	args[1] = "compile";
	args[2] = "-o";
	args[3] = tmpl;
	for (i = 0; i < n; i++)
		args[4 + i] = paths[i];
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s load: fork: %s\n", prog, strerror(errno));
		goto out_free;
	}
	if (!pid) {
		execv("/proc/self/exe", args);
		fprintf(stderr, "%s load: exec: %s\n", prog, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "%s load: waitpid: %s\n", prog,
				strerror(errno));
			goto out_free;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "%s load: compiling the rules failed; nothing loaded\n",
			prog);
		goto out_free;
	}
	ret = read_file(tmpl, blob, len);
out_free:
	free(args);
out_unlink:
	unlink(tmpl);
	return ret;
}

/*
 * For the fault tests (tests/integration/faults.sh): VIGIL_FAIL_NTH=N
 * makes the N-th fault-injection point the kernel passes while it
 * handles the load request fail (/proc/thread-self/fail-nth, a kernel
 * with CONFIG_FAULT_INJECTION), and standard error then says whether
 * the request reached it.  Return: the armed file, or -1.
 */
static int fail_nth_arm(void)
{
	const char *n = getenv("VIGIL_FAIL_NTH");
	int fd;

	if (!n || !*n)
		return -1;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0 || write(fd, n, strlen(n)) < 0) {
		fprintf(stderr, "%s load: VIGIL_FAIL_NTH: %s\n", prog,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Disarms; a count left means the request never got to the N-th point,
 * and N less that count is how many it passed.
 */
static void fail_nth_report(int fd)
{
	char buf[24] = "";
	long armed, left;
	ssize_t n;

	if (fd < 0)
		return;
	armed = atol(getenv("VIGIL_FAIL_NTH"));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (write(fd, "0", 1) < 0)
		n = -1;
	close(fd);
	left = n > 0 ? atol(buf) : -1;
	if (left < 0)
		fprintf(stderr, "%s load: VIGIL_FAIL_NTH: unknown\n", prog);
	else if (left)
		fprintf(stderr, "%s load: VIGIL_FAIL_NTH: not reached (%ld points passed)\n",
			prog, armed - left);
	else
		fprintf(stderr, "%s load: VIGIL_FAIL_NTH: injected\n", prog);
}

static int send_blob(const uint8_t *blob, size_t len, uint32_t learn_s)
{
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	size_t off;
	int sndbuf, fault, err;

	if (vigil_nl_open(&nl))
		return 1;
	vigil_nl_msg_init(&m, &nl, VIGIL_CMD_LOAD, 0);
	for (off = 0; off < len; off += LOAD_CHUNK)
		vigil_nl_put(&m, VIGIL_A_RULESET, blob + off,
			     len - off < LOAD_CHUNK ? len - off : LOAD_CHUNK);
	if (learn_s)
		vigil_nl_put(&m, VIGIL_A_LEARN_S, &learn_s, sizeof(learn_s));
	/* The whole request is one datagram; make room for it. */
	sndbuf = m.len + 4096;
	if (setsockopt(nl.fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)) < 0)
		setsockopt(nl.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			   sizeof(sndbuf));
	fault = fail_nth_arm();
	err = vigil_nl_talk(&nl, &m, NULL, NULL);
	fail_nth_report(fault);
	vigil_nl_msg_free(&m);
	if (err) {
		vigil_nl_perror(&nl, "load", err);
		vigil_nl_close(&nl);
		return 1;
	}
	vigil_nl_close(&nl);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "Usage: %s load [--learn DURATION] PATH...\n       %s load [--learn DURATION] --blob FILE\n",
		prog, prog);
	return 1;
}

/* "90", "90s", "30m", "12h", "7d" -> seconds, 1..VIGIL_LEARN_MAX_S. */
static int parse_duration(const char *s, uint32_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end) {
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	if (!v || v > VIGIL_LEARN_MAX_S / mul)
		return -1;
	*out = (uint32_t)(v * mul);
	return 0;
}

int load_main(int argc, char **argv)
{
	uint8_t *blob = NULL;
	uint32_t learn_s = 0;
	size_t len = 0;
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "--learn")) {
		if (parse_duration(argv[2], &learn_s)) {
			fprintf(stderr, "%s load: --learn %s: not a duration of 1s..366d (90, 90s, 30m, 12h, 7d)\n",
				prog, argv[2]);
			return 1;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "--blob")) {
		if (argc != 3)
			return usage();
		if (read_file(argv[2], &blob, &len))
			return 1;
	} else {
		if (argv[1][0] == '-')
			return usage();
		if (compile_paths(argv + 1, argc - 1, &blob, &len))
			return 1;
	}
	ret = send_blob(blob, len, learn_s);
	free(blob);
	return ret;
}
