// SPDX-License-Identifier: GPL-2.0
/*
 * argv and path helpers shared by the capture files (see argv.h).
 *
 * Every function is bounded by its length arguments and touches only the
 * buffers it is given: safe in any context.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "argv.h"

/**
 * vigil_argv_parse() - cut raw argv bytes to elements
 * @buf: the bytes of an arg area, as read
 * @len: bytes in @buf
 * @max_args: most elements kept, at least 1
 * @count: set to the number of elements kept
 * @trunc: set when something was cut (left set if already set)
 *
 * Keeps at most @max_args elements and NUL-terminates the last one (an
 * element cut by the end of @buf is kept, cut).
 *
 * Return: bytes kept, NULs included.
 */
u32 vigil_argv_parse(char *buf, u32 len, u32 max_args, u32 *count,
		     bool *trunc)
{
	u32 i, n = 0, last = 0;

	for (i = 0; i < len && n < max_args; i++) {
		if (!buf[i]) {
			n++;
			last = i + 1;
		}
	}
	if (last < len) {
		*trunc = true;
		if (n < max_args) {
			buf[len - 1] = '\0';
			n++;
			last = len;
		}
	}
	*count = n;
	return last;
}

/* Shortest piece of an element worth keeping cut: head, mark and tail. */
#define SNAP_ELEM_MIN (2 * 8 + VIGIL_CUT_MARK_LEN + 1)

/**
 * vigil_argv_snapshot() - a bounded copy of argv that keeps what it can
 * @dst: destination, @room bytes
 * @room: bytes of @dst
 * @src: NUL-terminated elements back to back
 * @len: bytes of @src, NULs included
 * @count: set to the number of elements in @dst
 * @cut: set when @dst is not all of @src (left set if already set)
 *
 * Elements are copied whole while they fit.  The first one that does not
 * fit keeps its head and its tail around VIGIL_CUT_MARK, in the room
 * left, so a long `bash -c` script stays visible at both ends; the
 * elements after it are left out.
 *
 * Return: bytes used in @dst, NULs included.
 */
u32 vigil_argv_snapshot(char *dst, u32 room, const char *src, u32 len,
			u32 *count, bool *cut)
{
	u32 off = 0, used = 0, n = 0;

	while (off < len) {
		u32 el = strnlen(src + off, len - off); /* without its NUL */
		u32 left = room - used, head, tail;

		if (el + 1 <= left) {
			memcpy(dst + used, src + off, el);
			dst[used + el] = '\0';
			used += el + 1;
			n++;
			off += el + 1;
			continue;
		}
		*cut = true;
		if (left >= SNAP_ELEM_MIN) {
			head = (left - 1 - VIGIL_CUT_MARK_LEN) / 2;
			tail = left - 1 - VIGIL_CUT_MARK_LEN - head;
			memcpy(dst + used, src + off, head);
			memcpy(dst + used + head, VIGIL_CUT_MARK,
			       VIGIL_CUT_MARK_LEN);
			memcpy(dst + used + head + VIGIL_CUT_MARK_LEN,
			       src + off + el - tail, tail);
			dst[room - 1] = '\0';
			used = room;
			n++;
		}
		break;
	}
	*count = n;
	return used;
}

/**
 * vigil_argv_join() - a command line: elements joined by spaces
 * @dst: at least @len bytes
 * @src: NUL-terminated elements back to back
 * @len: bytes of @src, NULs included
 *
 * Return: length of the NUL-terminated string in @dst (0 for no args).
 */
u32 vigil_argv_join(char *dst, const char *src, u32 len)
{
	u32 i;

	if (!len)
		return 0;
	for (i = 0; i < len - 1; i++)
		dst[i] = src[i] ? src[i] : ' ';
	dst[len - 1] = '\0';
	return len - 1;
}

/**
 * vigil_path_base() - where a path's last component starts
 * @path: the path (need not be NUL-terminated)
 * @len: bytes of @path
 *
 * Return: offset of the basename in @path (@len when it ends in '/').
 */
u32 vigil_path_base(const char *path, u32 len)
{
	u32 off = len;

	while (off && path[off - 1] != '/')
		off--;
	return off;
}

/**
 * vigil_path_tail() - the marked tail of a path too long for its buffer
 * @buf: a d_path() buffer that overflowed: fs/d_path.c then fills all of
 *	it with the path's last @size - 1 bytes and the NUL
 * @size: bytes of @buf, more than NAME_MAX + VIGIL_CUT_MARK_LEN + 1
 * @len: set to the length of the result, NUL not included
 *
 * The tail is cut to start at a component and VIGIL_CUT_MARK replaces
 * what was before: "/a/b/.../y/z" too long becomes ".../y/z".  A buffer
 * that d_path() did not fill (a NUL before its end) gives the mark alone.
 *
 * Return: offset of the result in @buf.
 */
u32 vigil_path_tail(char *buf, u32 size, u32 *len)
{
	u32 i;

	buf[size - 1] = '\0';
	if (strnlen(buf, size) != size - 1)
		goto mark_only;
	for (i = VIGIL_CUT_MARK_LEN; i < size - 1; i++) {
		if (buf[i] == '/') {
			memcpy(buf + i - VIGIL_CUT_MARK_LEN, VIGIL_CUT_MARK,
			       VIGIL_CUT_MARK_LEN);
			*len = size - 1 - (i - VIGIL_CUT_MARK_LEN);
			return i - VIGIL_CUT_MARK_LEN;
		}
	}
mark_only:
	memcpy(buf, VIGIL_CUT_MARK, VIGIL_CUT_MARK_LEN);
	buf[VIGIL_CUT_MARK_LEN] = '\0';
	*len = VIGIL_CUT_MARK_LEN;
	return 0;
}
