// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_options.c: the option tables at work (cmd_options.h): getopt_long
 * built from a command's table and the global one, the help printed from
 * them, usage errors with "did you mean", and the global options applied
 * wherever they stand, then acted on once the command's options end. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_options.h"
#include "commands.h"
#include "didyoumean.h"
#include "netns.h"
#include "output.h"
#include "sysctl.h"
#include "terminfo.h"
#include "testhook.h"
#include "twtune.h"

#define HELP_COLUMNS 80

enum {
	OPT_SYSCTL_ROOT = 256,
	OPT_PROFILE_DIR,
	OPT_NETNS,
	OPT_ALL_NETNS,
	OPT_ALLOW_INSECURE,
	OPT_COLOR,
	OPT_NO_COLOR,
	OPT_VERSION,
};

const struct cmd_opt global_options[] = {
	{ "sysctl-root", 0, required_argument, "DIR", OPT_SYSCTL_ROOT,
	  "read and write sysctls under DIR (default /proc/sys)" },
	{ "profile-dir", 0, required_argument, "DIR", OPT_PROFILE_DIR,
	  "search DIR for profiles first (repeatable)" },
	{ "netns", 0, required_argument, "NAME|PATH", OPT_NETNS,
	  "work in network namespace /run/netns/NAME or PATH" },
	{ "all-netns", 0, no_argument, NULL, OPT_ALL_NETNS,
	  "get, sockets, audit, diff: once per network namespace;\n"
	  "watch: a summary of them all; rollback: every journal" },
	{ "allow-insecure-profiles", 0, no_argument, NULL, OPT_ALLOW_INSECURE,
	  "as root, read profiles that others can write" },
	{ "color", 0, optional_argument, "WHEN", OPT_COLOR,
	  "colour: auto (default: on a terminal that has it),\nalways (--color alone) or never" },
	{ "no-color", 0, no_argument, NULL, OPT_NO_COLOR, "no colour (also when NO_COLOR is set)" },
	{ "quiet", 'q', no_argument, NULL, 'q', "only errors on stderr" },
	{ "verbose", 'v', no_argument, NULL, 'v', "say more (repeatable)" },
	{ "version", 0, no_argument, NULL, OPT_VERSION, "print the version" },
	{ "help", 'h', no_argument, NULL, 'h', "show this help" },
	CMD_OPT_END,
};

/* What the global options asked, until globals_finish acts on it. */
static enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode = COLOR_AUTO;
static bool root_given;

/* ---- help ---- */

/* The width of the next word of s (up to a space outside [ ]). */
static size_t word_len(const char *s)
{
	int depth = 0;
	size_t n = 0;

	for (; s[n] && (s[n] != ' ' || depth > 0); n++)
		depth += s[n] == '[' ? 1 : s[n] == ']' && depth > 0 ? -1 : 0;
	return n;
}

void cmd_wrap(FILE *f, const char *text, int first, int indent)
{
	int col = first;
	bool start = true;

	while (*text) {
		size_t n;

		while (*text == ' ')
			text++;
		if (!*text)
			break;
		n = word_len(text);
		if (!start && col + 1 + (int)n > HELP_COLUMNS) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			start = true;
		}
		fprintf(f, "%s%.*s", start ? "" : " ", (int)n, text);
		col += (int)n + !start;
		start = false;
		text += n;
	}
	fputc('\n', f);
}

/* "--name ARG", "-q, --name", "--name[=ARG]" or the operand's name. */
static void opt_label(const struct cmd_opt *o, char *buf, size_t len)
{
	char shortpart[8] = "";

	if (!o->name) {
		snprintf(buf, len, "%s", o->arg);
		return;
	}
	if (o->short_name)
		snprintf(shortpart, sizeof(shortpart), "-%c, ", o->short_name);
	snprintf(buf, len, "%s--%s%s%s%s", shortpart, o->name,
		 !o->arg ? "" : o->has_arg == optional_argument ? "[=" : " ", o->arg ? o->arg : "",
		 o->arg && o->has_arg == optional_argument ? "]" : "");
}

/* Whether every line of text, from column col, fits. */
static bool fits(const char *text, int col)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		if (col + (int)n > HELP_COLUMNS)
			return false;
		p += n + (p[n] == '\n');
	}
	return true;
}

void cmd_opts_help(FILE *f, const struct cmd_opt *opts, int width)
{
	int indent = 2 + width;

	for (const struct cmd_opt *o = opts; o && (o->name || o->arg); o++) {
		char label[96];
		const char *p;

		opt_label(o, label, sizeof(label));
		if ((int)strlen(label) < width - 1)
			fprintf(f, "  %-*s", width, label);
		else
			fprintf(f, "  %s\n%*s", label, indent, "");
		if (!fits(o->help, indent)) {
			/* one paragraph, wrapped anew */
			char buf[1024];
			size_t n = 0;

			for (p = o->help; *p && n + 1 < sizeof(buf); p++)
				buf[n++] = *p == '\n' ? ' ' : *p;
			buf[n] = '\0';
			cmd_wrap(f, buf, indent, indent);
			continue;
		}
		for (p = o->help; *p;) {
			size_t n = strcspn(p, "\n");

			fprintf(f, "%.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
			if (*p)
				fprintf(f, "%*s", indent, "");
		}
	}
}

void command_usage(const struct command *c, FILE *f)
{
	static const struct cmd_opt help[] = {
		{ "help", 'h', no_argument, NULL, 'h', "show this help" },
		CMD_OPT_END,
	};

	fprintf(f, "usage: twtune [GLOBAL OPTIONS] ");
	cmd_wrap(f, c->synopsis, (int)strlen("usage: twtune [GLOBAL OPTIONS] "),
		 (int)strlen("usage: twtune "));
	fprintf(f, "\n");
	cmd_wrap(f, c->summary, 0, 0);
	fprintf(f, "\noptions:\n");
	cmd_opts_help(f, c->options, 21);
	cmd_opts_help(f, help, 21);
}

/* ---- errors ---- */

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

/* What was typed ("--jsn=x" -> "jsn"), and the nearest long option of
 * the tables, or NULL. */
static const char *near_option(const char *arg, const struct cmd_opt *a, const struct cmd_opt *b)
{
	const struct cmd_opt *tables[2] = { a, b };
	const char *names[64];
	char word[64];
	size_t n = 0;

	if (strncmp(arg, "--", 2) || !arg[2])
		return NULL;
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg + 2, "="), arg + 2);

	for (int t = 0; t < 2; t++)
		for (const struct cmd_opt *o = tables[t]; o && (o->name || o->arg); o++)
			if (o->name && n < 64)
				names[n++] = o->name;
	return dym_suggest(word, names, n);
}

/* An unknown option: with the nearest one when there is one. */
static int unknown_option(const char *cmd, const char *arg, const struct cmd_opt *opts)
{
	const char *near = near_option(arg, opts, global_options);

	if (!near)
		return usage_error(cmd, "unknown option '%s'", arg);
	fprintf(stderr, "twtune: %s%sunknown option '%s'; did you mean '--%s'?\n", cmd ? cmd : "",
		cmd ? ": " : "", arg, near);
	return EXIT_USAGE;
}

/* ---- the parser ---- */

static bool in_table(const struct cmd_opt *opts, const char *name)
{
	for (const struct cmd_opt *o = opts; o && (o->name || o->arg); o++)
		if (o->name && !strcmp(o->name, name))
			return true;
	return false;
}

/* getopt_long's tables from a command's table (NULL: none) and, unless
 * only_globals, the global options it does not have itself. Returns the
 * short options string in shorts. */
static void build(const struct cmd_opt *opts, bool with_globals, struct option *all, size_t max,
		  char *shorts, size_t slen)
{
	size_t n = 0, s = 0;

	shorts[s++] = with_globals ? ':' : '+';
	if (!with_globals)
		shorts[s++] = ':';
	for (const struct cmd_opt *o = opts; o && (o->name || o->arg) && n + 2 < max; o++) {
		if (!o->name)
			continue;
		all[n++] = (struct option){ o->name, o->has_arg, NULL, o->id };
		if (o->short_name && s + 3 < slen) {
			shorts[s++] = o->short_name;
			if (o->has_arg == required_argument)
				shorts[s++] = ':';
		}
	}
	for (const struct cmd_opt *o = global_options; with_globals && o->name && n + 2 < max; o++) {
		if (in_table(opts, o->name) || !strcmp(o->name, "help"))
			continue;
		all[n++] = (struct option){ o->name, o->has_arg, NULL, o->id };
		if (o->short_name && s + 3 < slen)
			shorts[s++] = o->short_name;
	}
	if (with_globals) {
		all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
		shorts[s++] = 'h';
	}
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[s] = '\0';
}

/* One global option into G. EXIT_OK, or the exit code after --version or
 * a bad value (-1: go on). */
static int global_apply(int id, const char *arg, const char *cmd)
{
	switch (id) {
	case OPT_SYSCTL_ROOT:
		G.sysctl_root = arg;
		root_given = true;
		break;
	case OPT_PROFILE_DIR:
		if (G.nprofile_dirs == MAX_PROFILE_DIRS)
			return usage_error(cmd, "--profile-dir given more than %d times",
					   MAX_PROFILE_DIRS);
		G.profile_dirs[G.nprofile_dirs++] = arg;
		break;
	case OPT_NETNS:
		G.netns = arg;
		break;
	case OPT_ALL_NETNS:
		G.all_netns = true;
		break;
	case OPT_ALLOW_INSECURE:
		G.allow_insecure_profiles = true;
		break;
	case OPT_COLOR:
		if (!arg || !strcmp(arg, "always"))
			color_mode = COLOR_ALWAYS;
		else if (!strcmp(arg, "auto"))
			color_mode = COLOR_AUTO;
		else if (!strcmp(arg, "never"))
			color_mode = COLOR_NEVER;
		else
			return usage_error(cmd, "--color '%s': use auto, always or never", arg);
		break;
	case OPT_NO_COLOR:
		color_mode = COLOR_NEVER;
		break;
	case 'q':
		G.verbosity = -1;
		break;
	case 'v':
		if (G.verbosity >= 0)
			G.verbosity++;
		break;
	case OPT_VERSION:
		printf("twtune %s\n", TWTUNE_VERSION);
		return EXIT_OK;
	}
	return -1;
}

static bool has_id(const struct cmd_opt *opts, int id)
{
	for (const struct cmd_opt *o = opts; o && (o->name || o->arg); o++)
		if (o->name && o->id == id)
			return true;
	return false;
}

static bool is_global(int id)
{
	for (const struct cmd_opt *o = global_options; o->name; o++)
		if (o->id == id && id != 'h')
			return true;
	return false;
}

int globals_parse(int argc, char **argv)
{
	struct option all[32];
	char shorts[16];
	int opt;

	build(global_options, false, all, 32, shorts, sizeof(shorts));
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
		int rc;

		if (opt == ':')
			return usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
		if (opt == '?')
			return unknown_option(NULL, argv[optind - 1], NULL);
		if (opt == 'h')
			return GLOBALS_HELP;
		if ((rc = global_apply(opt, optarg, NULL)) >= 0)
			return rc;
	}
	return -1;
}

/* The command being run, whose usage --help prints: set by main, so that
 * this file needs nothing of main.c (no call circle). */
static const struct command *current;

void cmd_set_current(const struct command *c)
{
	current = c;
}

/* --all-netns: only with the commands that read, alone. */
static int all_netns_check(const struct command *c)
{
	if ((c->flags & CMD_WRITES_KERNEL) && !(c->flags & CMD_ALL_NETNS))
		return usage_error(NULL, "--all-netns: %s works on one namespace: use --netns NAME|PATH",
				   c->name);
	if (!strcmp(c->name, "observe"))
		return usage_error(NULL, "--all-netns: observe has an option of its own: "
					 "twtune observe --all-netns");
	if (!(c->flags & CMD_ALL_NETNS))
		return usage_error(NULL, "--all-netns works with get, sockets, audit, diff, watch and rollback, not %s",
				   c->name);
	if (G.netns)
		return usage_error(NULL, "--all-netns and --netns exclude each other");
	if (root_given)
		return usage_error(NULL, "--all-netns reads /proc/sys of each namespace: "
					 "not with --sysctl-root");
	return EXIT_OK;
}

/* --netns, then --sysctl-root (which must be checked inside the
 * namespace). EXIT_OK, or the exit code after one line on stderr. */
static int enter_globals(void)
{
	char why[4200];
	int r;

	if (G.netns) {
		char path[4096];

		r = netns_enter(G.netns, path, sizeof(path));
		if (r == -EINVAL) {
			errorf("--netns '%s': not a namespace name ([A-Za-z0-9._-]) or a path", G.netns);
			return EXIT_USAGE;
		}
		if (r < 0) {
			errorf("--netns '%s': cannot enter %s: %s%s", G.netns, path, strerror(-r),
			       r == -EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : "");
			return EXIT_SYSTEM;
		}
	}
	if (root_given && (r = sysctl_root_check(G.sysctl_root, why, sizeof(why))) < 0) {
		if (r == -EPERM) {
			errorf("--sysctl-root '%s': %s: refusing to read or write keys there",
			       G.sysctl_root, why);
			return EXIT_SYSTEM;
		}
		errorf("--sysctl-root '%s': %s (it must hold net/ipv4)", G.sysctl_root,
		       strerror(-r));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

bool cmd_terminal_capable(bool for_screen)
{
	const char *term = getenv("TERM");
	struct term_caps caps;

	if (terminfo_caps(term, terminfo_default_dirs, &caps) < 0)
		return false;
	return for_screen ? caps.screen : caps.colors >= 8;
}

bool cmd_color_forced(void)
{
	return color_mode == COLOR_ALWAYS;
}

/* Once the command's options end: colour, then the namespace. */
static int globals_finish(void)
{
	const char *nc = getenv("NO_COLOR");

	if (color_mode == COLOR_AUTO)
		G.color = !(nc && *nc) && isatty(STDOUT_FILENO) && cmd_terminal_capable(false);
	else
		G.color = color_mode == COLOR_ALWAYS;
	output_init(&(struct output_opts){ .color = G.color, .verbosity = G.verbosity });
	/* Test hook: counters from a fixture directory instead of /proc/net
	 * (with TWTUNE_DIAG_REPLAY, an audit that does not depend on the host). */
	if (testhooks()->proc_net)
		G.proc_net = testhooks()->proc_net;
	if (G.all_netns)
		return all_netns_check(current);
	return enter_globals();
}

int cmd_next_opt(int argc, char **argv, const struct cmd_opt *opts, int *rc)
{
	struct option all[48];
	char shorts[32];
	int opt;

	build(opts, true, all, 48, shorts, sizeof(shorts));
	opterr = 0;
	for (;;) {
		opt = getopt_long(argc, argv, shorts, all, NULL);
		if (opt == -1) {
			*rc = globals_finish();
			return *rc == EXIT_OK ? -1 : CMD_DONE;
		}
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
			*rc = unknown_option(argv[0], argv[optind - 1], opts);
			return CMD_DONE;
		}
		if (!is_global(opt) || has_id(opts, opt))
			return opt;
		if ((*rc = global_apply(opt, optarg, argv[0])) >= 0)
			return CMD_DONE;
	}
}
