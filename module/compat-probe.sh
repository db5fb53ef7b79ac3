#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# usage: SRCTREE OBJTREE OUT
#
# Probes the kernel headers vigil.ko is built against and writes OUT
# (compat-gen.h): one #define per feature found.  compat.h turns these
# into the few helpers that differ between kernel versions, so no other
# file tests a kernel version.  OUT is only rewritten when its content
# changes, so a rebuild does not recompile everything.

set -eu

srctree=$1
objtree=$2
out=$3

# have MACRO FILE REGEX: define MACRO when REGEX matches in FILE, looked up
# in the source tree first and then in the object tree (Debian splits the
# headers into -common and -<flavour>).
have() {
	for dir in "$srctree" "$objtree"; do
		if [ -f "$dir/$2" ] && grep -Eq "$3" "$dir/$2"; then
			echo "#define $1 1"
			return 0
		fi
	done
	echo "/* #undef $1 */"
}

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
	echo "/* Generated from $srctree at build time; do not edit. */"
	echo "#ifndef VIGIL_COMPAT_GEN_H"
	echo "#define VIGIL_COMPAT_GEN_H"
	# genl_multicast_group.flags with GENL_MCAST_CAP_NET_ADMIN (6.7+,
	# backported to Debian's 6.1.y).
	have VIGIL_HAVE_GENL_MCAST_CAP include/net/genetlink.h \
		'define[[:space:]]+GENL_MCAST_CAP_NET_ADMIN'
	# get_file_rcu() takes struct file __rcu ** (6.7+); before, it was
	# a macro on struct file *.
	have VIGIL_HAVE_GET_FILE_RCU_PP include/linux/fs.h \
		'get_file_rcu\(struct file __rcu \*\*'
	# regs_get_kernel_argument() on this architecture.
	have VIGIL_HAVE_REGS_GET_KERNEL_ARGUMENT \
		arch/x86/include/asm/ptrace.h 'regs_get_kernel_argument\('
	# for_each_kernel_tracepoint() (tracepoints not exported by name).
	have VIGIL_HAVE_FOR_EACH_KERNEL_TRACEPOINT include/linux/tracepoint.h \
		'for_each_kernel_tracepoint\('
	# sched_process_exit(p) without the group_dead argument of 6.16+.
	have VIGIL_HAVE_TP_EXIT_GROUP_DEAD include/trace/events/sched.h \
		'TP_PROTO\(struct task_struct \*p, bool group_dead\)'
	# linux_binprm.comm_from_dentry: execveat(fd, "", AT_EMPTY_PATH) names
	# the task after the file (6.14, backported to Debian 6.1 and 6.12).
	have VIGIL_HAVE_BPRM_COMM_FROM_DENTRY include/linux/binfmts.h \
		'comm_from_dentry:1'
	# kernel_cap_t as one u64 (6.3+); before, an array of two u32.
	have VIGIL_HAVE_KERNEL_CAP_U64 include/linux/capability.h \
		'typedef struct \{ *u64 val; *\} kernel_cap_t'
	echo "#endif"
} > "$tmp"

if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
	exit 0
fi
mv "$tmp" "$out"
trap - EXIT
