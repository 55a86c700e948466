// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_sockets.c: twtune sockets [--json] [--top N] [--no-processes], in
 * one network namespace or (--all-netns) in each */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd_allnetns.h"
#include "collect.h"
#include "commands.h"
#include "sockets.h"
#include "sockets_render.h"
#include "sysctl.h"
#include "twtune.h"

const struct cmd_opt sockets_options[] = {
	{ "json", 0, no_argument, NULL, 'j',
	  "one JSON object (the one audit --json embeds as \"sockets\")" },
	{ "top", 0, required_argument, "N", 't', "destinations and server ports to list (default 10)" },
	{ "no-processes", 0, no_argument, NULL, 'P',
	  "do not scan /proc to name the processes behind them" },
	CMD_OPT_END,
};

struct sockets_run {
	bool json, processes;
	size_t top;
	struct json j;  /* --all-netns --json: the document */
	bool first;     /* --all-netns: no namespace printed yet */
};

/* The sockets of one namespace, and the sysctls their ephemeral range
 * points into (the snapshot keeps the reserved ports): sockets_free_one
 * frees them together, after rendering. */
struct sockets_one {
	struct sock_snapshot s;
	struct collect_result res;
	struct sysval range, reserved;
	bool have_res;
};

static void sockets_free_one(struct sockets_one *t)
{
	sockets_free(&t->s);
	sysval_free(&t->range);
	if (t->have_res)
		sysval_free(&t->reserved);
}

/* The sockets of the namespace twtune is in, into *t (sockets_free_one
 * it). 0, or -1 with why[] saying what failed (nothing to free). */
static int sockets_one(const struct sockets_run *o, struct sockets_one *t, char *why, size_t len)
{
	struct ephemeral eph;
	struct collect_opts co;
	char err[300];
	int r;

	r = sysctl_read(G.sysctl_root, sysctl_lookup("ip_local_port_range"), &t->range);
	if (r < 0) {
		snprintf(why, len, "cannot read net.ipv4.ip_local_port_range: %s", strerror(-r));
		return -1;
	}
	t->have_res = sysctl_read(G.sysctl_root, sysctl_lookup("ip_local_reserved_ports"),
				  &t->reserved) == 0;
	eph = (struct ephemeral){ t->range.lo, t->range.hi,
				  t->have_res ? t->reserved.ports : NULL };
	cmd_collect_opts(&co);
	co.processes = o->processes;
	co.show = o->top;
	r = collect_sockets(&t->s, &eph, &co, &t->res);
	if (r < 0) {
		snprintf(why, len, "cannot list sockets: %s",
			 sockets_failure(&t->res, r, err, sizeof(err)));
		sysval_free(&t->range);
		if (t->have_res)
			sysval_free(&t->reserved);
		return -1;
	}
	return 0;
}

/* Prints the sockets of t through their view, as the JSON member key (of
 * j) or as text. 0, or -errno when the view cannot be built. */
static int sockets_print(const struct sockets_run *o, struct json *j, const char *key,
			 const struct sockets_one *t)
{
	struct sockets_view v;
	int r = sockets_view_build(&v, &t->s, &t->res, o->top, -1);

	if (r == 0 && o->json)
		sockets_json(j, key, &v);
	else if (r == 0)
		sockets_text(stdout, &v);
	sockets_view_free(&v);
	return r;
}

/* --all-netns: one namespace's turn (all_netns_each). */
static void sockets_visit(struct ns_visit *v, void *arg)
{
	struct sockets_run *sa = arg;
	struct sockets_one t;
	int r = -1;

	if (v->status == NS_READ) {
		r = sockets_one(sa, &t, v->why, sizeof(v->why));
		if (r < 0) {
			v->status = NS_FAILED;
			v->rc = EXIT_SYSTEM;
		}
	}
	if (sa->json) {
		all_netns_json_entry(&sa->j, v);
		if (r == 0)
			sockets_print(sa, &sa->j, "sockets", &t);
		else
			json_null(&sa->j, "sockets");
		json_obj_end(&sa->j);
	} else {
		printf("%s", sa->first ? "" : "\n");
		all_netns_text_header(stdout, v);
		if (r == 0)
			sockets_print(sa, NULL, NULL, &t);
	}
	sa->first = false;
	if (r == 0)
		sockets_free_one(&t);
}

int cmd_sockets(int argc, char **argv)
{
	struct sockets_run o = { .top = 10, .processes = true, .first = true };
	struct sockets_one t;
	char why[600];
	long long top;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, sockets_options, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'j')
			o.json = true;
		else if (opt == 'P')
			o.processes = false;
		else if (parse_ll(optarg, 0, 100000, &top) < 0)
			return usage_error("sockets", "--top '%s': use a number 0..100000", optarg);
		else
			o.top = (size_t)top;
	}
	if (optind < argc)
		return usage_error("sockets", "unexpected argument '%s'", argv[optind]);
	if (G.all_netns) {
		if (o.json)
			all_netns_json_begin(&o.j);
		rc = all_netns_each("sockets", sockets_visit, &o);
		if (o.json)
			all_netns_json_end(&o.j);
		return rc;
	}
	if (sockets_one(&o, &t, why, sizeof(why)) < 0) {
		errorf("sockets: %s", why);
		return EXIT_SYSTEM;
	}
	if (o.json)
		json_init(&o.j, stdout);
	rc = sockets_print(&o, &o.j, NULL, &t);
	if (rc == 0 && o.json)
		json_end(&o.j);
	sockets_free_one(&t);
	if (rc < 0) {
		errorf("sockets: %s", strerror(-rc));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}
