// SPDX-License-Identifier: GPL-2.0
/*
 * The exec target of the bench: a static binary with no libc that exits
 * at once, so an exec storm measures exec itself.  With "pause" as its
 * first argument it sleeps until killed instead (the 10,000 live
 * processes of the memory figure).
 *
 * Build: gcc -static -nostdlib -O2 -fno-stack-protector -o tiny tiny.c
 */
#define NR_PAUSE	34
#define NR_EXIT_GROUP	231

static long sys0(long nr)
{
	long ret;

	asm volatile ("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

static long sys1(long nr, long a)
{
	long ret;

	asm volatile ("syscall" : "=a"(ret) : "a"(nr), "D"(a)
		      : "rcx", "r11", "memory");
	return ret;
}

__attribute__((used)) void tiny_main(long *sp)
{
	long argc = sp[0];
	const char *a1 = argc > 1 ? (const char *)sp[2] : "";

	if (a1[0] == 'p' && a1[1] == 'a' && a1[2] == 'u' && a1[3] == 's' &&
	    a1[4] == 'e' && !a1[5])
		for (;;)
			sys0(NR_PAUSE);
	sys1(NR_EXIT_GROUP, 0);
	for (;;)
		;
}

asm(".globl _start\n"
    "_start:\n"
    "	mov %rsp, %rdi\n"
    "	and $-16, %rsp\n"
    "	call tiny_main\n");
