// SPDX-License-Identifier: GPL-2.0
/*
 * The growable output buffer of outbuf.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "outbuf.h"

int vigil_outbuf_grow(struct vigil_outbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->oom)
		return -1;
	while (cap - b->len < more) {
		if (cap > SIZE_MAX / 2)
			goto err_oom;
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p)
		goto err_oom;
	b->p = p;
	b->cap = cap;
	return 0;

err_oom:
	b->oom = true;
	return -1;
}

void vigil_outbuf_free(struct vigil_outbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void vigil_outbuf_u64(struct vigil_outbuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	vigil_outbuf_put(b, tmp + i, sizeof(tmp) - i);
}

int vigil_outbuf_write(struct vigil_outbuf *b, int fd)
{
	off_t start = lseek(fd, 0, SEEK_END);
	size_t off = 0, keep;
	ssize_t n;
	int err = 0;

	while (off < b->len) {
		n = write(fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	/* A file keeps whole lines only: cut a partly written one off. */
	if (err && off && start >= 0) {
		for (keep = off; keep && b->p[keep - 1] != '\n'; keep--)
			;
		if (keep != off && ftruncate(fd, start + (off_t)keep) < 0)
			err = -errno;
	}
	b->len = 0;
	return err;
}

void vigil_outbuf_fwrite(struct vigil_outbuf *b, FILE *f)
{
	if (b->len)
		fwrite(b->p, 1, b->len, f);
	b->len = 0;
}
