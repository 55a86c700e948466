// SPDX-License-Identifier: GPL-2.0-or-later
/* commands.h: the command table and what each command gets */
#ifndef TWTUNE_COMMANDS_H
#define TWTUNE_COMMANDS_H

#include <stdio.h>

#include "cmd_options.h"

#define CMD_WRITES_KERNEL 0x1 /* writes sysctls: needs privilege checks first */
#define CMD_ALL_NETNS 0x2     /* runs once per namespace with --all-netns */

struct command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
	unsigned flags;
	const char *synopsis; /* after "twtune ": matches the man page */
	const char *summary;  /* one sentence (the help wraps it) */
	const struct cmd_opt *options; /* the command's option table (without --help) */
};

extern const struct command commands[];
extern const size_t ncommands;

const struct command *command_find(const char *name);
/* The command being run, whose usage --help prints (cmd_common.c). */
void cmd_set_current(const struct command *c);
void command_usage(const struct command *c, FILE *f);
/* For unknown options and bad arguments: one line on stderr; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next option of a command, from its table and the global options
 * (which it applies itself), with --help, unknown options and missing
 * values handled: returns the option's id, -1 at the end of the options
 * (the global options then acted on: colour, --netns, --all-netns's
 * checks), or CMD_DONE with *rc set (help printed, a usage error or a
 * failed --netns reported). The table needs no "help" entry. */
#define CMD_DONE (-2)
int cmd_next_opt(int argc, char **argv, const struct cmd_opt *opts, int *rc);

/* The option tables of the commands, in their files. */
extern const struct cmd_opt audit_options[], diff_options[], apply_options[],
	rollback_options[], sockets_options[], observe_options[], watch_options[],
	get_options[], profiles_options[], show_options[], help_options[];
int cmd_get(int argc, char **argv);
int cmd_profiles(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_sockets(int argc, char **argv);
int cmd_observe(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_help(int argc, char **argv);

struct profile;
struct profile_search;
/* Loads a profile along the search path of the global options; on error
 * prints one line and returns EXIT_INPUT or EXIT_SYSTEM, else EXIT_OK. */
int cmd_load_profile(const char *cmd, const char *arg, struct profile *p);
/* The search path of the global options. */
void cmd_profile_search(struct profile_search *sp);

struct obs_failure;
/* cmd_observe.c: why observation cannot run, as one line (no prefix); and
 * the BTF file the test hook TWTUNE_TEST_BTF_PATH names, or NULL. */
const char *observe_failure_text(const struct obs_failure *w, char *buf, size_t len);
const char *observe_test_btf(void);

struct collect_opts;
struct audit_ctx;
/* What library code reads from, filled from the global options and the
 * test hooks (cmd_context.c): the collection options, and those plus the
 * sysctl root and --netns for an audit. */
void cmd_collect_opts(struct collect_opts *o);
void cmd_audit_ctx(struct audit_ctx *ctx);

#endif
