/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable output buffer for text that is written in whole pieces:
 * `vigilctl listen` formats alerts into one and write()s complete lines,
 * without a stdio call per character.  An allocation failure sets oom;
 * later puts are then ignored until vigil_outbuf_reset().
 */
#ifndef VIGIL_OUTBUF_H
#define VIGIL_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct vigil_outbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Makes room for @more bytes.  Return: 0, or -1 and oom set. */
int vigil_outbuf_grow(struct vigil_outbuf *b, size_t more);
void vigil_outbuf_free(struct vigil_outbuf *b);
/* Appends @v in decimal. */
void vigil_outbuf_u64(struct vigil_outbuf *b, uint64_t v);
/*
 * Writes everything to @fd (short writes and EINTR retried) and empties
 * the buffer.  Return: 0 or -errno (the unwritten rest is discarded).
 * When @fd is a file and a write fails part way (disk full, file size
 * limit), the file is truncated back to its last complete line.
 */
int vigil_outbuf_write(struct vigil_outbuf *b, int fd);
/* fwrite()s everything to @f and empties the buffer. */
void vigil_outbuf_fwrite(struct vigil_outbuf *b, FILE *f);

static inline void vigil_outbuf_reset(struct vigil_outbuf *b)
{
	b->len = 0;
	b->oom = false;
}

static inline void vigil_outbuf_put(struct vigil_outbuf *b, const void *s,
				    size_t n)
{
	if (b->cap - b->len < n && vigil_outbuf_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void vigil_outbuf_putc(struct vigil_outbuf *b, char c)
{
	if (b->cap == b->len && vigil_outbuf_grow(b, 1))
		return;
	b->p[b->len++] = c;
}

static inline void vigil_outbuf_puts(struct vigil_outbuf *b, const char *s)
{
	vigil_outbuf_put(b, s, strlen(s));
}

#endif
