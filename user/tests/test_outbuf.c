// SPDX-License-Identifier: GPL-2.0
/*
 * vigil_outbuf_write(): what `vigilctl listen --output` relies on for
 * "a line per alert, written whole or not at all".  A write cut short by
 * the file size limit (RLIMIT_FSIZE, as a full disk would) leaves the
 * file ending with its last complete line; a pipe gets what fit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbuf.h"
#include "tap.h"

static void fill(struct vigil_outbuf *b, int lines)
{
	char line[100];
	int i;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < lines; i++)
		vigil_outbuf_put(b, line, sizeof(line));
}

/* 50 bytes already there, then 3 lines of 100 with room for 275 in all. */
static void cut_write_keeps_whole_lines(void)
{
	char path[] = "/tmp/vigil-test-outbuf-XXXXXX";
	struct rlimit old, lim = { .rlim_cur = 275, .rlim_max = RLIM_INFINITY };
	struct vigil_outbuf b = {};
	struct stat st;
	char tail;
	int fd, err;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(write(fd, "0123456789012345678901234567890123456789012345678\n", 50), 50);
	close(fd);
	fd = open(path, O_WRONLY | O_APPEND);
	fill(&b, 3);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	CHECK_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err = vigil_outbuf_write(&b, fd);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK_EQ(err, -EFBIG);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(fstat(fd, &st), 0);
	/* 50 + two whole lines; the third, cut at 275, is gone */
	CHECK_EQ(st.st_size, 250);
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK_EQ(pread(fd, &tail, 1, 249), 1);
	CHECK_EQ(tail, '\n');
	close(fd);
	unlink(path);
	vigil_outbuf_free(&b);
}

static void whole_write_is_all_there(void)
{
	char path[] = "/tmp/vigil-test-outbuf-XXXXXX";
	struct vigil_outbuf b = {};
	struct stat st;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	fill(&b, 5);
	CHECK_EQ(vigil_outbuf_write(&b, fd), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 500);
	close(fd);
	unlink(path);
	vigil_outbuf_free(&b);
}

static void pipe_is_left_alone(void)
{
	struct vigil_outbuf b = {};
	char buf[600];
	int p[2];

	CHECK_EQ(pipe(p), 0);
	fill(&b, 2);
	CHECK_EQ(vigil_outbuf_write(&b, p[1]), 0);
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 200);
	close(p[0]);
	vigil_outbuf_free(&b);
}

int main(void)
{
	RUN(cut_write_keeps_whole_lines);
	RUN(whole_write_is_all_there);
	RUN(pipe_is_left_alone);
	return tap_done();
}
