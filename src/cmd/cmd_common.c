// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_common.c: what several commands do the same way: their options,
 * usage errors, and the profile search path */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "profile.h"
#include "twtune.h"

/* The command main() runs, for --help inside cmd_next_opt(): set by main,
 * so that this file needs nothing of main.c (no call circle). */
static const struct command *current;

void cmd_set_current(const struct command *c)
{
	current = c;
}

void command_usage(const struct command *c, FILE *f)
{
	fprintf(f, "usage: twtune [GLOBAL OPTIONS] %s\n\n%s\n", c->synopsis, c->summary);
	fprintf(f, "\noptions:\n%s  -h, --help           show this help\n", c->options);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	int n;

	/* Bounded: an overlong argument is cut, the hint stays. */
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	fprintf(stderr, "twtune: %s%s%s; see 'twtune %s%s'\n", cmd ? cmd : "", cmd ? ": " : "", msg,
		cmd ? cmd : "help", cmd ? " --help" : "");
	return EXIT_USAGE;
}

int cmd_next_opt(int argc, char **argv, const struct option *longopts, int *rc)
{
	struct option all[24];
	size_t n = 0;
	int opt;

	/* Long options only, plus -h: an option's val is a switch label, not
	 * a short option the help would have to name. */
	for (; longopts && longopts[n].name && n < 22; n++)
		all[n] = longopts[n];
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;
	opt = getopt_long(argc, argv, ":h", all, NULL);
	if (opt == 'h') {
		command_usage(current, stdout);
		*rc = EXIT_OK;
		return CMD_DONE;
	}
	if (opt == ':') {
		*rc = usage_error(argv[0], "option '%s' needs a value", argv[optind - 1]);
		return CMD_DONE;
	}
	if (opt == '?') {
		*rc = usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		return CMD_DONE;
	}
	return opt;
}

void cmd_profile_search(struct profile_search *sp)
{
	profile_search_init(sp, G.profile_dirs, G.nprofile_dirs, getenv("TWTUNE_PROFILE_PATH"));
	if (G.allow_insecure_profiles)
		sp->check_trust = false;
}

int cmd_load_profile(const char *cmd, const char *arg, struct profile *p)
{
	struct profile_search sp;
	char err[1024];
	int r;

	cmd_profile_search(&sp);
	r = profile_load(arg, &sp, p, err, sizeof(err));
	profile_search_free(&sp);
	if (r == 0)
		return EXIT_OK;
	if (r == -ENOMEM)
		errorf("%s: out of memory", cmd);
	else
		errorf("%s: %s", cmd, err);
	return r == -EACCES || r == -EPERM || r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
}
