// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-poke: the few things an attacker does to a process that the
 * guest's shell tools cannot (tests/integration/capture_names.sh).
 * Built static by tests/vm/mkbase into /usr/local/bin of the guest.
 *
 *   vigil-poke touch FILE            create FILE
 *   vigil-poke setname NAME FILE     prctl(PR_SET_NAME, NAME), check that
 *                                    /proc/self/comm shows it, create FILE
 *   vigil-poke rewrite FILE          overwrite every byte of its argv in
 *                                    memory with 'X', check that
 *                                    /proc/self/cmdline shows it, create
 *                                    FILE
 *   vigil-poke memfd NAME ARG...     copy itself into memfd NAME and
 *                                    execveat(fd, "", AT_EMPTY_PATH) it
 *                                    with argv ARG...
 *   vigil-poke dirfd DIR NAME ARG... execveat(open(DIR), NAME) with ARG...
 *   vigil-poke thread-exec PATH ARG...  print its pid, then exec PATH
 *                                    with ARG... from a second thread
 *   vigil-poke setid0 [ARG...]       setgid(0) then setuid(0), and check
 *                                    that both took; ARG... is ignored (a
 *                                    command line for the rules to read)
 *   vigil-poke pty CMD ARG...        start a session on a new pseudo
 *                                    terminal, its controlling terminal
 *                                    (an interactive login, as sshd
 *                                    makes one), and exec CMD in it
 *   vigil-poke insmod FILE           load kernel module FILE with
 *                                    finit_module(2), as a loader hidden
 *                                    under another name would
 *   vigil-poke bind ADDR PORT        bind a TCP socket to IPv4 or IPv6
 *                                    ADDR and PORT, listen, and close it
 *
 * Exit status: 0, or 1 with the failing call named on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int die(const char *what)
{
	fprintf(stderr, "vigil-poke: %s: %s\n", what, strerror(errno));
	return 1;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(path);
	close(fd);
	return 0;
}

static int do_execveat(int dfd, const char *name, char **argv, int flags)
{
	syscall(SYS_execveat, dfd, name, argv, environ, flags);
	return die("execveat");
}

static int memfd_exec(const char *name, char **argv)
{
	int fd = memfd_create(name, 0), self;
	struct stat st;

	if (fd < 0)
		return die("memfd_create");
	self = open("/proc/self/exe", O_RDONLY);
	if (self < 0 || fstat(self, &st))
		return die("/proc/self/exe");
	if (sendfile(fd, self, NULL, st.st_size) != st.st_size)
		return die("sendfile");
	close(self);
	return do_execveat(fd, "", argv, AT_EMPTY_PATH);
}

static int dirfd_exec(const char *dir, const char *name, char **argv)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return die(dir);
	return do_execveat(fd, name, argv, 0);
}

static char **thread_argv;

static void *thread_exec(void *path)
{
	execv(path, thread_argv);
	die("execv");
	exit(1);
}

static int threaded_exec(char *path, char **argv)
{
	pthread_t t;

	printf("%d\n", getpid());
	fflush(stdout);
	thread_argv = argv;
	errno = pthread_create(&t, NULL, thread_exec, path);
	if (errno)
		return die("pthread_create");
	pthread_join(t, NULL); /* exec ends this thread group first */
	return 1;
}

/* Fails unless /proc/self/FILE starts with @want (what the kernel shows). */
static int proc_self_is(const char *file, const char *want)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return die(path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return die(path);
	buf[n] = '\0';
	if (strncmp(buf, want, strlen(want))) {
		fprintf(stderr, "vigil-poke: %s is not %s\n", path, want);
		return 1;
	}
	return 0;
}

static int rewrite(int argc, char **argv, const char *path)
{
	int i;

	/* The arg area: argv[0]..argv[argc - 1] back to back. */
	for (i = 0; i < argc; i++)
		memset(argv[i], 'X', strlen(argv[i]));
	return proc_self_is("cmdline", "XXX") || touch(path);
}

static int setid0(void)
{
	if (setgid(0))
		return die("setgid(0)");
	if (setuid(0))
		return die("setuid(0)");
	if (getuid() || geteuid() || getgid() || getegid()) {
		fprintf(stderr, "vigil-poke: ids are not 0 after setuid(0)\n");
		return 1;
	}
	return 0;
}

static int pty_exec(char **argv)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;
	char *name;

	if (m < 0 || grantpt(m) || unlockpt(m))
		return die("/dev/ptmx");
	name = ptsname(m);
	if (!name || setsid() < 0)
		return die("setsid");
	/* a session leader without one: opening the slave makes it ours */
	s = open(name, O_RDWR);
	if (s < 0)
		return die(name);
	if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
		return die("dup2");
	execvp(argv[0], argv);
	return die(argv[0]);
}

static int insmod(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return die(path);
	if (syscall(SYS_finit_module, fd, "", 0))
		return die("finit_module");
	close(fd);
	return 0;
}

static int bind_listen(const char *addr, const char *port)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&in;
	socklen_t len = sizeof(in);
	int fd;

	in.sin_port = htons(atoi(port));
	in6.sin6_port = in.sin_port;
	if (inet_pton(AF_INET, addr, &in.sin_addr) != 1) {
		if (inet_pton(AF_INET6, addr, &in6.sin6_addr) != 1)
			return die(addr);
		sa = (struct sockaddr *)&in6;
		len = sizeof(in6);
	}
	fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return die("socket");
	if (bind(fd, sa, len) || listen(fd, 1))
		return die("bind");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "touch") && argc == 3)
		return touch(argv[2]);
	if (!strcmp(cmd, "setname") && argc == 4) {
		if (prctl(PR_SET_NAME, argv[2]))
			return die("prctl");
		return proc_self_is("comm", argv[2]) || touch(argv[3]);
	}
	if (!strcmp(cmd, "rewrite") && argc == 3) {
		char path[4096];

		snprintf(path, sizeof(path), "%s", argv[2]);
		return rewrite(argc, argv, path);
	}
	if (!strcmp(cmd, "memfd") && argc > 3)
		return memfd_exec(argv[2], argv + 3);
	if (!strcmp(cmd, "dirfd") && argc > 4)
		return dirfd_exec(argv[2], argv[3], argv + 4);
	if (!strcmp(cmd, "thread-exec") && argc > 3)
		return threaded_exec(argv[2], argv + 3);
	if (!strcmp(cmd, "setid0"))
		return setid0();
	if (!strcmp(cmd, "pty") && argc > 2)
		return pty_exec(argv + 2);
	if (!strcmp(cmd, "insmod") && argc == 3)
		return insmod(argv[2]);
	if (!strcmp(cmd, "bind") && argc == 4)
		return bind_listen(argv[2], argv[3]);
	fprintf(stderr, "usage: see tests/vm/guest/vigil-poke.c\n");
	return 2;
}
