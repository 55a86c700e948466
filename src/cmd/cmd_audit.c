// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_audit.c: twtune audit [--json | --format FMT] [--fail-on SEV] [--interval SEC]
 * [--observe SEC] [--top N] [--no-processes] [PROFILE], and twtune diff [--json] PROFILE,
 * in one network namespace or (--all-netns, cmd_allnetns_audit.c) in each */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd_audit.h"
#include "commands.h"
#include "observation.h"
#include "runtime_probe.h"
#include "report.h"
#include "risk_observed.h"
#include "sockets_render.h"
#include "stopflag.h"
#include "testhook.h"
#include "twtune.h"

static int parse_format(const char *cmd, const char *arg, bool is_diff, enum report_format *fmt)
{
	static const char *const names[] = { "text", "json", "prometheus", "k8s", "docker" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i]) && !(is_diff && i == FMT_PROMETHEUS)) {
			*fmt = (enum report_format)i;
			return EXIT_OK;
		}
	return usage_error(cmd, "--format '%s': use %s", arg,
			   is_diff ? "text, json, k8s or docker"
				   : "text, json, prometheus, k8s or docker");
}

const struct cmd_opt audit_options[] = {
	{ "json", 0, no_argument, NULL, 'j', "one JSON object (same as --format json)" },
	{ "format", 0, required_argument, "FMT", 'f',
	  "text (default), json, prometheus (node_exporter textfile),\n"
	  "k8s (the change as a pod's securityContext.sysctls) or\n"
	  "docker (the change as docker run --sysctl flags)" },
	{ "fail-on", 0, required_argument, "SEV", 'F',
	  "exit 1 when the risk reaches SEV: info, warn, crit (default), never" },
	{ "interval", 0, required_argument, "SEC", 'i',
	  "measure the rates over SEC seconds before the snapshot\n"
	  "(default 1; 0: a snapshot, rates estimated from it)" },
	{ "observe", 0, required_argument, "SEC", 'o',
	  "first count connect() failures and TIME_WAIT over eBPF for SEC\n"
	  "seconds (observe's object, as \"observed\"; skipped, saying why,\n"
	  "where eBPF cannot run)" },
	{ "top", 0, required_argument, "N", 't',
	  "destinations and server ports to list, and rows per observed\n"
	  "section (default 5)" },
	{ "no-processes", 0, no_argument, NULL, 'P',
	  "do not scan /proc to name the processes behind them" },
	{ NULL, 0, 0, "PROFILE", 0, "judge the change to PROFILE instead of the suggestion" },
	CMD_OPT_END,
};

const struct cmd_opt diff_options[] = {
	{ "json", 0, no_argument, NULL, 'j', "{profile, risk, diff, prediction, predicted_risk}" },
	{ "format", 0, required_argument, "FMT", 'f',
	  "text (default), json, k8s (pod securityContext.sysctls)\n"
	  "or docker (docker run --sysctl flags)" },
	{ "interval", 0, required_argument, "SEC", 'i',
	  "measure the rates over SEC seconds (default 1; 0: a snapshot)" },
	CMD_OPT_END,
};

double cmd_default_interval(void)
{
	/* the suite's default (TWTUNE_TEST_INTERVAL): a snapshot */
	return testhooks()->interval >= 0 ? (double)testhooks()->interval : 1;
}

int cmd_audit_parse(int argc, char **argv, bool is_diff, struct audit_opts *o)
{
	const char *cmd = argv[0];
	int opt, rc = EXIT_OK;
	long long n;

	*o = (struct audit_opts){ .format = FMT_TEXT, .fail_on = SEV_CRIT, .top = 5,
				   .processes = !is_diff, .interval = cmd_default_interval() };
	while ((opt = cmd_next_opt(argc, argv, is_diff ? diff_options : audit_options, &rc)) != -1) {
		switch (opt) {
		case CMD_DONE:
			return rc == EXIT_OK ? -1 : rc;
		case 'j':
			o->format = FMT_JSON;
			break;
		case 'f':
			rc = parse_format(cmd, optarg, is_diff, &o->format);
			if (rc != EXIT_OK)
				return rc;
			break;
		case 'F':
			if (!strcmp(optarg, "never"))
				o->fail_on = SEV_CRIT + 1;
			else if (!strcmp(optarg, "warn") || !strcmp(optarg, "crit") ||
				 !strcmp(optarg, "info"))
				o->fail_on = severity_parse(optarg);
			else
				return usage_error(cmd, "--fail-on '%s': use info, warn, crit or never",
						   optarg);
			break;
		case 'i':
			if (parse_ll(optarg, 0, 3600, &n) < 0)
				return usage_error(cmd, "--interval '%s': use whole seconds 0..3600",
						   optarg);
			o->interval = (double)n;
			break;
		case 'P':
			o->processes = false;
			break;
		case 'o':
			if (parse_ll(optarg, 1, 86400, &o->observe) < 0)
				return usage_error(cmd, "--observe '%s': use whole seconds 1..86400",
						   optarg);
			break;
		case 't':
			if (parse_ll(optarg, 0, 10000, &n) < 0)
				return usage_error(cmd, "--top '%s': use a number 0..10000", optarg);
			o->top = (size_t)n;
			break;
		}
	}
	if (is_diff && optind >= argc)
		return usage_error(cmd, "missing PROFILE");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	o->profile = optind < argc ? argv[optind] : NULL;
	return EXIT_OK;
}

/* --observe: the eBPF window before the snapshot, of the namespace
 * twtune is in or (all) of every one. 0 with *w filled, or -1 with why[]
 * saying what is missing (the audit goes on without it). */
static int observe_window(const struct audit_opts *o, bool all, struct obs_window *w, char *why,
			  size_t len)
{
	struct observe_opts oo = { .btf_path = observe_test_btf(), .all_netns = all };
	struct observe_session *s;
	struct obs_failure f;
	struct stop_saved saved;
	int r;

	if (observe_start(&oo, &s, &f) < 0) {
		observe_failure_text(&f, why, len);
		return -1;
	}
	stop_catch(&saved);
	/* Said once attached (tests wait for it); -q silences it. */
	if (G.verbosity >= 0)
		fprintf(stderr, "twtune: audit: observe: attached; watching for %lld s (Ctrl-C ends "
				"early)\n", o->observe);
	observe_wait(s, (double)o->observe, stop_flag());
	r = observe_collect(s, w);
	observe_stop(s);
	/* what the connecting processes run, while they still do */
	for (size_t i = 0; r == 0 && i < w->ndests; i++)
		for (size_t k = 0; k < w->dests[i].nprocs; k++)
			if (!w->dests[i].procs[k].no_pid)
				runtime_probe_pid(NULL, (int)w->dests[i].procs[k].pid,
						  &w->dests[i].procs[k].rt);
	stop_release(&saved);
	if (r < 0) {
		snprintf(why, len, "cannot read the eBPF maps: %s", strerror(-r));
		return -1;
	}
	return 0;
}

static int run(int argc, char **argv, bool is_diff)
{
	struct audit_opts o;
	struct profile prof;
	struct audit a;
	struct report r;
	struct obs_window win;
	char err[512], skipped[300] = "";
	bool observed = false;
	int rc = cmd_audit_parse(argc, argv, is_diff, &o);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (o.profile && (rc = cmd_load_profile(argv[0], o.profile, &prof)) != EXIT_OK)
		return rc;
	if (o.observe) {
		observed = observe_window(&o, G.all_netns, &win, skipped, sizeof(skipped)) == 0;
		if (!observed)
			warnf("%s: observation skipped: %s", argv[0], skipped);
	}
	/* on a terminal, say why nothing shows for a second; -q silences it */
	if (!observed && o.interval > 0 && G.verbosity >= 0 && isatty(STDERR_FILENO))
		fprintf(stderr, "twtune: %s: measuring %g s (--interval 0: a snapshot)\n", argv[0],
			o.interval);
	if (G.all_netns) {
		rc = all_netns_audit(&o, argv[0], is_diff, o.profile ? &prof : NULL,
				     observed ? &win : NULL, o.observe && !observed ? skipped : NULL);
		goto out;
	}
	if (cmd_audit_one(&o, o.profile ? &prof : NULL, observed ? &win : NULL, NULL, 0, NULL, &a,
			  err, sizeof(err)) < 0) {
		errorf("%s: %s", argv[0], err);
		rc = EXIT_SYSTEM;
		if (o.format == FMT_PROMETHEUS) { /* the collector's file says it failed */
			struct prom_run run = prom_run_now(false);

			report_prometheus(stdout, NULL, &run);
		}
		goto out;
	}
	if (observed && a.obs.socks)
		observed_drop_client_ports(&win, a.obs.socks, a.obs.observed_netns);
	if (!a.have_socks) {
		char why[300];

		warnf("%s: cannot list sockets (%s); judging the settings only", argv[0],
		      sockets_failure(&a.collected, a.sock_err, why, sizeof(why)));
	}
	if (audit_report(&a, o.profile ? prof.name : NULL, o.top, &r) < 0) {
		errorf("%s: %s", argv[0], strerror(ENOMEM));
		audit_free(&a);
		rc = EXIT_SYSTEM;
		goto out;
	}
	r.verbose = G.verbosity > 0;
	r.observe_skipped = o.observe && !observed ? skipped : NULL;
	{
		/* without the sockets the run is judged failed: it lacks most series */
		struct prom_run run = prom_run_now(a.have_socks);

		report_render(stdout, &r, o.format, is_diff, &run);
	}
	if (!is_diff && (int)a.before.risk >= o.fail_on)
		rc = EXIT_RISK;
	audit_free(&a);
out:
	if (observed)
		observation_free(&win);
	if (o.profile)
		profile_free(&prof);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_diff(int argc, char **argv)
{
	return run(argc, argv, true);
}
