// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c: global options and the command table */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "didyoumean.h"
#include "output.h"
#include "testhook.h"
#include "twtune.h"

const struct command commands[] = {
	{ "audit", cmd_audit, CMD_ALL_NETNS,
	  "audit [--json | --format text|json|prometheus|k8s|docker] [--fail-on info|warn|crit|never] [--interval SEC] [--observe SEC] [--top N] [--no-processes] [PROFILE]",
	  "judge TIME_WAIT pressure: where it comes from, findings, suggested change and its predicted effect",
	  audit_options },
	{ "diff", cmd_diff, CMD_ALL_NETNS,
	  "diff [--json | --format text|json|k8s|docker] [--interval SEC] PROFILE",
	  "show what PROFILE would change and the predicted effect, nothing else",
	  diff_options },
	{ "apply", cmd_apply, CMD_WRITES_KERNEL,
	  "apply [--check] [--yes] [--json] [--persist[=FILE]] [--state-dir DIR] [--wait SEC] PROFILE",
	  "apply a profile: report and diff first, confirm, journal, write, verify, undo on failure",
	  apply_options },
	{ "rollback", cmd_rollback, CMD_WRITES_KERNEL | CMD_ALL_NETNS,
	  "rollback [--check] [--yes] [--json] [--state-dir DIR] [--wait SEC]",
	  "put back the values (and persisted file) from before the first apply since the last rollback",
	  rollback_options },
	{ "sockets", cmd_sockets, CMD_ALL_NETNS,
	  "sockets [--json] [--top N] [--no-processes]",
	  "show live TCP sockets: states, fullest destinations, where TIME_WAIT comes from, listeners in the range, counters",
	  sockets_options },
	{ "observe", cmd_observe, 0,
	  "observe [--seconds N] [--json] [--top N] [--all-netns]",
	  "count connect() failures, TIME_WAIT entered and bind() failures over eBPF",
	  observe_options },
	{ "watch", cmd_watch, CMD_ALL_NETNS,
	  "watch [--interval SEC] [--top N] [--observe] [--once] [--no-processes]",
	  "a live view: TIME_WAIT and its rate, the fullest destinations, the server ports, the findings now",
	  watch_options },
	{ "get", cmd_get, CMD_ALL_NETNS,
	  "get [--json | --list-keys] [KEY...]",
	  "print the current values of the managed sysctls, like sysctl(8)",
	  get_options },
	{ "profiles", cmd_profiles, 0,
	  "profiles [--json | --names]",
	  "list the profiles found along the search path",
	  profiles_options },
	{ "show", cmd_show, 0,
	  "show [--json] PROFILE",
	  "print a profile's values after inheritance, and the file each came from",
	  show_options },
	{ "help", cmd_help, 0, "help [COMMAND]", "show help for twtune or one command", help_options },
};
const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const char exit_codes[] =
	"  0  ok (audit: highest risk below --fail-on)\n"
	"  1  audit: risk at or above --fail-on\n"
	"  2  usage error\n"
	"  3  bad input: profile or value\n"
	"  4  system error: permission, kernel refused a write, I/O\n";

static void usage(FILE *f)
{
	fprintf(f, "usage: twtune [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
		   "Audit and tune the kernel settings behind TCP TIME_WAIT pressure.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < ncommands; i++) {
		fprintf(f, "  %-10s ", commands[i].name);
		cmd_wrap(f, commands[i].summary, 13, 13);
	}
	fprintf(f, "\nglobal options:\n");
	cmd_opts_help(f, global_options, 22);
	fprintf(f, "\nexit codes:\n%s\n"
		   "Run 'twtune help COMMAND' or 'twtune COMMAND --help' for a command's options.\n",
		exit_codes);
}

const struct cmd_opt help_options[] = {
	CMD_OPT_END,
};

/* The command nearest to name, or NULL. */
static const char *near_command(const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])];

	for (size_t i = 0; i < ncommands; i++)
		names[i] = commands[i].name;
	return dym_suggest(name, names, ncommands);
}

static int unknown_command(const char *cmd, const char *name)
{
	const char *near = near_command(name);

	if (!near)
		return usage_error(cmd, "unknown command '%s'", name);
	fprintf(stderr, "twtune: %s%sunknown command '%s'; did you mean '%s'?\n", cmd ? cmd : "",
		cmd ? ": " : "", name, near);
	return EXIT_USAGE;
}

int cmd_help(int argc, char **argv)
{
	const struct command *c;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, help_options, &rc)) != -1)
		if (opt == CMD_DONE)
			return rc;
	if (argc - optind > 1)
		return usage_error("help", "too many arguments");
	if (optind == argc) {
		usage(stdout);
		return EXIT_OK;
	}
	c = command_find(argv[optind]);
	if (!c)
		return unknown_command("help", argv[optind]);
	command_usage(c, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int rc, idx;

	testhook_init();
	if (std_fds_check() < 0) {
		errorf("cannot write output: standard output is closed; nothing was done");
		return EXIT_SYSTEM;
	}
	rc = globals_parse(argc, argv);
	if (rc == GLOBALS_HELP) {
		usage(stdout);
		return finish_stdout(EXIT_OK);
	}
	if (rc >= 0)
		return finish_stdout(rc);
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = command_find(argv[optind]);
	if (!c)
		return unknown_command(NULL, argv[optind]);
	idx = optind;
	cmd_set_current(c);
	/* The command parses its options from scratch (and the global ones
	 * after it, acting on them all where its options end). */
	optind = 0;
	return finish_stdout(c->fn(argc - idx, argv + idx));
}
