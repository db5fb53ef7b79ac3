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
u32 vigil_argv_parse(char *buf, u32 len, u32 max_args, u32 *count, bool *trunc)
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

/* Copies element @src (@el bytes) to @dst as head, mark, tail and NUL. */
static void snap_cut(char *dst, u32 piece, const char *src, u32 el)
{
	u32 head = (piece - 1 - VIGIL_CUT_MARK_LEN) / 2;
	u32 tail = piece - 1 - VIGIL_CUT_MARK_LEN - head;

	memcpy(dst, src, head);
	memcpy(dst + head, VIGIL_CUT_MARK, VIGIL_CUT_MARK_LEN);
	memcpy(dst + head + VIGIL_CUT_MARK_LEN, src + el - tail, tail);
	dst[piece - 1] = '\0';
}

/**
 * vigil_argv_snapshot() - a bounded copy of argv that keeps what it can
 * @dst: destination, @room bytes
 * @room: bytes of @dst
 * @src: NUL-terminated elements back to back
 * @len: bytes of @src, NULs included
 * @count: set to the number of elements in @dst
 * @cut: set when @dst is not all of @src (left set if already set)
 *
 * When all of @src fits it is copied.  Otherwise no element may take
 * more than half of @room: a longer one keeps its head and its tail
 * around VIGIL_CUT_MARK, so one padded element (a long argv[0], a long
 * `bash -c` script) cannot push the others out, and a script stays
 * visible at both ends.  Elements are kept in order until the room is
 * used; the last one may be cut to the room left.
 *
 * Return: bytes used in @dst, NULs included.
 */
u32 vigil_argv_snapshot(char *dst, u32 room, const char *src, u32 len,
			u32 *count, bool *cut)
{
	u32 off = 0, used = 0, n = 0, el, left, piece;
	u32 el_max = max_t(u32, room / 2, SNAP_ELEM_MIN);

	if (len <= room) {
		memcpy(dst, src, len);
		for (off = 0; off < len; off++)
			n += !src[off];
		*count = n;
		return len;
	}
	*cut = true;
	while (off < len) {
		el = strnlen(src + off, len - off); /* without its NUL */
		left = room - used;
		piece = min(el_max, left);
		if (el + 1 <= piece) {
			memcpy(dst + used, src + off, el);
			dst[used + el] = '\0';
			used += el + 1;
		} else if (piece >= SNAP_ELEM_MIN) {
			snap_cut(dst + used, piece, src + off, el);
			used += piece;
		} else {
			break;
		}
		n++;
		off += el + 1;
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
 * vigil_comm_name() - a process name from its comm and its executable
 * @comm: the task's comm (need not be NUL-terminated)
 * @comm_len: bytes of @comm
 * @comm_max: the most bytes a comm holds (TASK_COMM_LEN - 1)
 * @exe: the executable's path (need not be NUL-terminated)
 * @exe_len: bytes of @exe
 * @len: set to the length of the result
 *
 * exec sets comm to the name the program was run by, cut to @comm_max
 * bytes.  A comm that fills @comm_max bytes and starts the executable's
 * basename was most likely cut from it, and the whole basename is the
 * name; otherwise comm is (a link or a script gives a name the
 * executable does not have).
 *
 * Return: the name, inside @comm or @exe.
 */
const char *vigil_comm_name(const char *comm, u32 comm_len, u32 comm_max,
			    const char *exe, u32 exe_len, u32 *len)
{
	u32 base = vigil_path_base(exe, exe_len);

	if (comm_len && comm_len >= comm_max && exe_len - base > comm_len &&
	    !memcmp(exe + base, comm, comm_len)) {
		*len = exe_len - base;
		return exe + base;
	}
	*len = comm_len;
	return comm;
}

/**
 * vigil_path_keep_tail() - copy the marked tail of a path too long to keep
 * @dst: destination, @room bytes (no NUL written)
 * @room: bytes of @dst, more than NAME_MAX + VIGIL_CUT_MARK_LEN + 1
 * @src: the path
 * @len: bytes of @src, more than @room
 *
 * Keeps the components at the end that fit after VIGIL_CUT_MARK, so the
 * last one (the name rules test) is always whole: "/a/b/c/d" kept in
 * nine bytes is ".../c/d".
 *
 * Return: bytes written to @dst.
 */
u32 vigil_path_keep_tail(char *dst, u32 room, const char *src, u32 len)
{
	u32 from = len - (room - VIGIL_CUT_MARK_LEN), i;

	for (i = from; i < len && src[i] != '/'; i++)
		;
	if (i == len)
		i = from;
	memcpy(dst, VIGIL_CUT_MARK, VIGIL_CUT_MARK_LEN);
	memcpy(dst + VIGIL_CUT_MARK_LEN, src + i, len - i);
	return VIGIL_CUT_MARK_LEN + len - i;
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
