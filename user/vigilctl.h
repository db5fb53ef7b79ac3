/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vigilctl subcommands.  Each lives in its own cmd_<name>.c and is
 * dispatched from the table in vigilctl.c.  argv[0] is the subcommand.
 * Return: the process exit status.
 */
#ifndef VIGILCTL_H
#define VIGILCTL_H

#include <stdbool.h>
#include <stdio.h>

struct nlmsghdr;

extern const char *prog;

int check_main(int argc, char **argv);		/* cmd_check.c */
int compile_main(int argc, char **argv);	/* cmd_compile.c */
int replay_main(int argc, char **argv);		/* cmd_replay.c */
int listen_main(int argc, char **argv);		/* cmd_listen.c */
int load_main(int argc, char **argv);		/* cmd_load.c */
int list_main(int argc, char **argv);		/* cmd_rules.c */
int enable_main(int argc, char **argv);		/* cmd_rules.c */
int disable_main(int argc, char **argv);	/* cmd_rules.c */
int stats_main(int argc, char **argv);		/* cmd_stats.c */
int terms_main(int argc, char **argv);		/* cmd_terms.c */

/*
 * One rule of a VIGIL_CMD_LIST reply as `vigilctl list` prints it (JSON
 * or a text row, after the header if @header).  Return: 0 or -EINVAL.
 */
int list_print(FILE *f, const struct nlmsghdr *nlh, bool json, bool header);

#endif
