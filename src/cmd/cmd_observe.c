// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_observe.c: twtune observe [--seconds N] [--json] [--top N] [--all-netns] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "observation.h"
#include "observe_render.h"
#include "stopflag.h"
#include "testhook.h"
#include "twtune.h"
#include "value.h"

const struct cmd_opt observe_options[] = {
	{ "seconds", 0, required_argument, "N", 's',
	  "watch N seconds (default 10; Ctrl-C ends early and prints)" },
	{ "json", 0, no_argument, NULL, 'j',
	  "{window_seconds, namespaces, destinations, server_side, bind_failures}" },
	{ "top", 0, required_argument, "N", 't', "rows per section (default 10, 0: all)" },
	{ "all-netns", 0, no_argument, NULL, 'a',
	  "count every network namespace, not only the current one" },
	CMD_OPT_END,
};

const char *observe_failure_text(const struct obs_failure *w, char *buf, size_t len)
{
	const char *e = w->reason;

	switch (w->what) {
	case OBS_NOT_BUILT:
		snprintf(buf, len, "twtune was built without eBPF (clang, bpftool or libbpf-dev were "
				   "missing): run 'make deps' and rebuild");
		break;
	case OBS_NO_BTF:
		snprintf(buf, len, "no kernel BTF at %s (%s): the kernel needs CONFIG_DEBUG_INFO_BTF",
			 w->detail, e);
		break;
	case OBS_NO_PRIV:
		snprintf(buf, len, "loading eBPF needs root, or CAP_BPF and CAP_PERFMON");
		break;
	case OBS_LOCKDOWN:
		snprintf(buf, len, "the kernel is locked down (confidentiality): eBPF tracing is "
				   "not allowed");
		break;
	case OBS_NO_NETNS:
		snprintf(buf, len, "cannot tell the network namespace: %s: %s", w->detail, e);
		break;
	case OBS_NO_PIDNS:
		snprintf(buf, len, "cannot tell the PID namespace: %s: %s", w->detail, e);
		break;
	case OBS_OPEN:
	case OBS_LOAD:
		snprintf(buf, len, "cannot load the eBPF program: %s%s%s", e, w->detail[0] ? ": " : "",
			 w->detail);
		break;
	case OBS_ATTACH:
		snprintf(buf, len, "cannot attach eBPF hook %s: %s", w->detail, e);
		break;
	default:
		snprintf(buf, len, "%s", e);
	}
	return buf;
}

const char *observe_test_btf(void)
{
	/* Test hook: a kernel BTF file that is not there, or another one. */
	return testhooks()->btf_path;
}

static int parse_args(int argc, char **argv, long long *seconds, long long *top, bool *json,
		      bool *all)
{
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, observe_options, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'j')
			*json = true;
		else if (opt == 'a')
			*all = true;
		else if (opt == 's' && parse_ll(optarg, 1, 86400, seconds) < 0)
			return usage_error("observe", "--seconds '%s': use a number 1..86400", optarg);
		else if (opt == 't' && parse_ll(optarg, 0, 100000, top) < 0)
			return usage_error("observe", "--top '%s': use a number 0..100000", optarg);
	}
	if (optind < argc)
		return usage_error("observe", "unexpected argument '%s'", argv[optind]);
	return -1;
}

int cmd_observe(int argc, char **argv)
{
	struct observe_opts o = { 0 };
	struct stop_saved saved;
	struct observe_session *s;
	struct obs_window obs;
	struct obs_failure why;
	long long seconds = 10, top = 10;
	bool json = false;
	int r;

	if ((r = parse_args(argc, argv, &seconds, &top, &json, &o.all_netns)) >= 0)
		return r;
	o.btf_path = observe_test_btf();
	if (observe_start(&o, &s, &why) < 0) {
		char msg[256];

		errorf("observe: %s", observe_failure_text(&why, msg, sizeof(msg)));
		return EXIT_SYSTEM;
	}
	stop_catch(&saved);
	/* Said once attached (tests wait for it); -q silences it. */
	if (G.verbosity >= 0)
		fprintf(stderr, "twtune: observe: attached; watching for %lld s (Ctrl-C ends early)\n",
			seconds);
	observe_wait(s, (double)seconds, stop_flag());
	r = observe_collect(s, &obs);
	observe_stop(s);
	stop_release(&saved);
	if (r < 0) {
		errorf("observe: cannot read the eBPF maps: %s", strerror(-r));
		return EXIT_SYSTEM;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout);
		observe_json(&j, NULL, &obs, (size_t)top);
		json_end(&j);
	} else {
		observe_text(stdout, &obs, (size_t)top);
	}
	observation_free(&obs);
	return EXIT_OK;
}
