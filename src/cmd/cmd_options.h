// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_options.h: options that carry their help. Each command's file holds
 * one table of its options; the same table drives getopt_long, the
 * command's --help (and `twtune help COMMAND`), and through the help the
 * checks of the man page and the completions (tests/docs.bats). The
 * global options have a table of their own (cmd_options.c), accepted
 * before the command and after it. */
#ifndef TWTUNE_CMD_OPTIONS_H
#define TWTUNE_CMD_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

struct cmd_opt {
	const char *name;  /* long name without "--"; NULL: an operand's help line */
	char short_name;   /* 'q' for -q, or 0 */
	int has_arg;       /* no_argument, required_argument, optional_argument */
	const char *arg;   /* the value's name in the help ("SEC"), or the operand's */
	int id;            /* what the parser returns for it (not 0, -1 or '?') */
	const char *help;  /* the help text; '\n' starts a line of its own */
};

/* The end of a table. */
#define CMD_OPT_END { NULL, 0, 0, NULL, 0, NULL }

/* The global options, for main.c's help and parser. */
extern const struct cmd_opt global_options[];

/* The help of a table: one "  --name ARG   text" line (or more) per entry,
 * the text from column 2 + width, each line at most 80 columns (longer
 * ones are wrapped at a space). */
void cmd_opts_help(FILE *f, const struct cmd_opt *opts, int width);
/* Text wrapped at 80 columns, continued with indent spaces; first is the
 * width already used on the first line. */
void cmd_wrap(FILE *f, const char *text, int first, int indent);

/* The global options before the command (getopt's "+" mode: the first
 * word that is not an option ends them). Returns -1 to go on with the
 * command at argv[optind], GLOBALS_HELP for -h or --help, or the exit
 * code (--version, a usage error). */
#define GLOBALS_HELP (-2)
int globals_parse(int argc, char **argv);

/* Whether the terminal of $TERM has colours (for_screen false), or can
 * address the cursor and clear the screen (watch's live view). */
bool cmd_terminal_capable(bool for_screen);
/* --color=always (or --color alone) was given. */
bool cmd_color_forced(void);

#endif
