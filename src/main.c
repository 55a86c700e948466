// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c: global options and the command table */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_allnetns.h"
#include "commands.h"
#include "netns.h"
#include "output.h"
#include "sysctl.h"
#include "testhook.h"
#include "twtune.h"

const struct command commands[] = {
	{ "audit", cmd_audit, CMD_ALL_NETNS,
	  "audit [--json | --format text|json|prometheus|k8s|docker] [--fail-on info|warn|crit|never] [--interval SEC] [--observe SEC] [--top N] [--no-processes] [PROFILE]",
	  "judge TIME_WAIT pressure: where it comes from, findings, suggested change and its predicted effect",
	  "  --json               one JSON object (same as --format json)\n"
	  "  --format FMT         text (default), json, prometheus (node_exporter textfile),\n"
	  "                       k8s (the change as a pod's securityContext.sysctls) or\n"
	  "                       docker (the change as docker run --sysctl flags)\n"
	  "  --fail-on SEV        exit 1 when the risk reaches SEV: info, warn, crit (default), never\n"
	  "  --interval SEC       sample the close rate over SEC seconds (default 0: estimate)\n"
	  "  --observe SEC        first count connect() failures and TIME_WAIT over eBPF for SEC\n"
	  "                       seconds (observe's object, as \"observed\"; skipped, saying why,\n"
	  "                       where eBPF cannot run)\n"
	  "  --top N              destinations and server ports to list, and rows per observed\n"
	  "                       section (default 5)\n"
	  "  --no-processes       do not scan /proc to name the processes behind them\n"
	  "  PROFILE              judge the change to PROFILE instead of the suggestion\n" },
	{ "diff", cmd_diff, CMD_ALL_NETNS,
	  "diff [--json | --format text|json|k8s|docker] [--interval SEC] PROFILE",
	  "show what PROFILE would change and the predicted effect, nothing else",
	  "  --json               {profile, risk, diff, prediction, predicted_risk}\n"
	  "  --format FMT         text (default), json, k8s (pod securityContext.sysctls)\n"
	  "                       or docker (docker run --sysctl flags)\n"
	  "  --interval SEC       sample the close rate over SEC seconds\n" },
	{ "apply", cmd_apply, CMD_WRITES_KERNEL,
	  "apply [--check] [--yes] [--json] [--persist[=FILE]] [--state-dir DIR] [--wait SEC] PROFILE",
	  "apply a profile: report and diff first, confirm, journal, write, verify, undo on failure",
	  "  --check              show everything, write nothing\n"
	  "  --yes                do not ask (needed without a terminal)\n"
	  "  --json               {changed, check, profile, changes, diff, persisted, risk_before, risk_after}\n"
	  "  --persist[=FILE]     also write FILE (default /etc/sysctl.d/90-twtune.conf) for boot\n"
	  "  --state-dir DIR      journal and lock (default /var/lib/twtune)\n"
	  "  --wait SEC           wait up to SEC for another apply or rollback (default 10)\n" },
	{ "rollback", cmd_rollback, CMD_WRITES_KERNEL,
	  "rollback [--check] [--yes] [--json] [--state-dir DIR] [--wait SEC]",
	  "put back the values (and persisted file) from before the first apply since the last rollback",
	  "  --check              show everything, write nothing\n"
	  "  --yes                do not ask (needed without a terminal)\n"
	  "  --json               apply --json's object; each change also has from {profile, time}\n"
	  "  --state-dir DIR      journal and lock (default /var/lib/twtune)\n"
	  "  --wait SEC           wait up to SEC for another apply or rollback (default 10)\n" },
	{ "sockets", cmd_sockets, CMD_ALL_NETNS, "sockets [--json] [--top N] [--no-processes]",
	  "show live TCP sockets: states, fullest destinations, where TIME_WAIT comes from, listeners in the range, counters",
	  "  --json               one JSON object (the one audit --json embeds as \"sockets\")\n"
	  "  --top N              destinations and server ports to list (default 10)\n"
	  "  --no-processes       do not scan /proc to name the processes behind them\n" },
	{ "observe", cmd_observe, 0, "observe [--seconds N] [--json] [--top N] [--all-netns]",
	  "count connect() failures, TIME_WAIT entered and bind() failures over eBPF",
	  "  --seconds N          watch N seconds (default 10; Ctrl-C ends early and prints)\n"
	  "  --json               {window_seconds, namespaces, destinations, server_side, bind_failures}\n"
	  "  --top N              rows per section (default 10, 0: all)\n"
	  "  --all-netns          count every network namespace, not only the current one\n" },
	{ "watch", cmd_watch, CMD_ALL_NETNS, "watch [--interval SEC] [--top N] [--observe] [--once] [--no-processes]",
	  "a live view: TIME_WAIT and its rate, the fullest destinations, the server ports, the findings now",
	  "  --interval SEC       seconds between frames, 0.1..3600 (default 1; keys + and -)\n"
	  "  --top N              destinations and server ports to list (default 10)\n"
	  "  --observe            connects/s and failures/s per destination (eBPF; exit 4 without it)\n"
	  "  --once               print one frame as plain text and exit (no terminal needed)\n"
	  "  --no-processes       do not name the processes behind destinations and ports\n" },
	{ "get", cmd_get, CMD_ALL_NETNS, "get [--json | --list-keys] [KEY...]",
	  "print the current values of the managed sysctls, like sysctl(8)",
	  "  --json               one JSON object: key -> value (null where the kernel lacks the key)\n"
	  "  --list-keys          the full names of the managed keys (or of each KEY), one per line\n" },
	{ "profiles", cmd_profiles, 0, "profiles [--json | --names]",
	  "list the profiles found along the search path",
	  "  --json               a JSON array of {name, description, path, error}\n"
	  "  --names              names only, one per line (for completion)\n" },
	{ "show", cmd_show, 0, "show [--json] PROFILE",
	  "print a profile's values after inheritance, and the file each came from",
	  "  --json               one JSON object\n" },
	{ "help", cmd_help, 0, "help [COMMAND]", "show help for twtune or one command", "" },
};
const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const char global_options[] =
	"  --sysctl-root DIR     read and write sysctls under DIR (default /proc/sys)\n"
	"  --profile-dir DIR     search DIR for profiles first (repeatable)\n"
	"  --netns NAME|PATH     work in network namespace /run/netns/NAME or PATH\n"
	"  --all-netns           get, sockets, audit, diff: once per network namespace;\n"
	"                        watch: a summary of them all\n"
	"  --allow-insecure-profiles\n"
	"                        as root, read profiles that others can write\n"
	"  --no-color            no colour (also when NO_COLOR is set)\n"
	"  -q, --quiet           only errors on stderr\n"
	"  -v, --verbose         say more (repeatable)\n"
	"  --version             print the version\n"
	"  -h, --help            show this help\n";

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
	for (size_t i = 0; i < ncommands; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options:\n%s\nexit codes:\n%s\n"
		   "Run 'twtune help COMMAND' or 'twtune COMMAND --help' for a command's options.\n",
		global_options, exit_codes);
}

int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		command_usage(command_find("help"), stdout);
		return EXIT_OK;
	}
	if (argc > 1 && argv[1][0] == '-')
		return usage_error("help", "unknown option '%s'", argv[1]);
	if (argc > 2)
		return usage_error("help", "too many arguments");
	if (argc == 1) {
		usage(stdout);
		return EXIT_OK;
	}
	c = command_find(argv[1]);
	if (!c)
		return usage_error("help", "unknown command '%s'", argv[1]);
	command_usage(c, stdout);
	return EXIT_OK;
}

enum {
	OPT_SYSCTL_ROOT = 256,
	OPT_PROFILE_DIR,
	OPT_NETNS,
	OPT_ALL_NETNS,
	OPT_ALLOW_INSECURE,
	OPT_NO_COLOR,
	OPT_VERSION
};

/* The global options, into G. Returns -1 to go on with the command at
 * argv[optind], or the exit code (--version, --help, a usage error). */
static int parse_globals(int argc, char **argv, bool *root_given)
{
	static const struct option opts[] = {
		{ "sysctl-root", required_argument, NULL, OPT_SYSCTL_ROOT },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
		{ "allow-insecure-profiles", no_argument, NULL, OPT_ALLOW_INSECURE },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *nc = getenv("NO_COLOR");
	bool no_color = nc && *nc;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:qvh", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SYSCTL_ROOT:
			G.sysctl_root = optarg;
			*root_given = true;
			break;
		case OPT_PROFILE_DIR:
			if (G.nprofile_dirs == MAX_PROFILE_DIRS)
				return usage_error(NULL, "--profile-dir given more than %d times",
						   MAX_PROFILE_DIRS);
			G.profile_dirs[G.nprofile_dirs++] = optarg;
			break;
		case OPT_NETNS:
			G.netns = optarg;
			break;
		case OPT_ALL_NETNS:
			G.all_netns = true;
			break;
		case OPT_ALLOW_INSECURE:
			G.allow_insecure_profiles = true;
			break;
		case OPT_NO_COLOR:
			no_color = true;
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
			return finish_stdout(EXIT_OK);
		case 'h':
			usage(stdout);
			return finish_stdout(EXIT_OK);
		case ':':
			return usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	G.color = !no_color && isatty(STDOUT_FILENO);
	output_init(&(struct output_opts){ .color = G.color, .verbosity = G.verbosity });
	/* Test hook: counters from a fixture directory instead of /proc/net
	 * (with TWTUNE_DIAG_REPLAY, an audit that does not depend on the host). */
	if (getenv("TWTUNE_PROC_NET") && *getenv("TWTUNE_PROC_NET"))
		G.proc_net = getenv("TWTUNE_PROC_NET");
	return -1;
}

/* --netns, then --sysctl-root (which must be checked inside the
 * namespace). EXIT_OK, or the exit code after one line on stderr. */
static int enter_globals(bool root_given)
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

/* --all-netns: the command c once per network namespace (watch: all of
 * them in one view, cmd_watch.c). */
static int cmd_all_netns(const struct command *c, int argc, char **argv)
{
	if (!strcmp(c->name, "watch"))
		return c->fn(argc, argv);
	if (!strcmp(c->name, "get"))
		return all_netns_get(argc, argv);
	if (!strcmp(c->name, "sockets"))
		return all_netns_sockets(argc, argv);
	return all_netns_audit(argc, argv, !strcmp(c->name, "diff"));
}

/* --all-netns: only with the commands that read, alone. */
static int all_netns_check(const struct command *c, bool root_given)
{
	if (c->flags & CMD_WRITES_KERNEL)
		return usage_error(NULL, "--all-netns: %s works on one namespace: use --netns NAME|PATH",
				   c->name);
	if (!strcmp(c->name, "observe"))
		return usage_error(NULL, "--all-netns: observe has an option of its own: "
					 "twtune observe --all-netns");
	if (!(c->flags & CMD_ALL_NETNS))
		return usage_error(NULL, "--all-netns works with get, sockets, audit, diff and watch, not %s",
				   c->name);
	if (G.netns)
		return usage_error(NULL, "--all-netns and --netns exclude each other");
	if (root_given)
		return usage_error(NULL, "--all-netns reads /proc/sys of each namespace: "
					 "not with --sysctl-root");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *c;
	bool root_given = false;
	int rc, idx;

	testhook_init();
	if (std_fds_check() < 0) {
		errorf("cannot write output: standard output is closed; nothing was done");
		return EXIT_SYSTEM;
	}
	rc = parse_globals(argc, argv, &root_given);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = command_find(argv[optind]);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);
	idx = optind;
	cmd_set_current(c);
	if (G.all_netns) {
		rc = all_netns_check(c, root_given);
		if (rc != EXIT_OK)
			return rc;
		optind = 0;
		return finish_stdout(cmd_all_netns(c, argc - idx, argv + idx));
	}
	rc = enter_globals(root_given);
	if (rc != EXIT_OK)
		return rc;
	optind = 0; /* commands parse their own options from scratch */
	return finish_stdout(c->fn(argc - idx, argv + idx));
}
