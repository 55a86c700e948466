// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_sockets.c: twtune sockets [--json] [--top N] [--no-processes] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "commands.h"
#include "sockets.h"
#include "sockets_render.h"
#include "sysctl.h"
#include "twtune.h"

int cmd_sockets(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "no-processes", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct sysval range, reserved;
	struct ephemeral eph;
	struct collect_opts co;
	struct collect_result res;
	struct sock_snapshot s;
	struct sockets_view v;
	long long top = 10;
	bool json = false, have_res, processes = true;
	int opt, rc = EXIT_OK, r;

	while ((opt = cmd_next_opt(argc, argv, opts, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'j')
			json = true;
		else if (opt == 'P')
			processes = false;
		else if (parse_ll(optarg, 0, 100000, &top) < 0)
			return usage_error("sockets", "--top '%s': use a number 0..100000", optarg);
	}
	if (optind < argc)
		return usage_error("sockets", "unexpected argument '%s'", argv[optind]);
	r = sysctl_read(G.sysctl_root, sysctl_lookup("ip_local_port_range"), &range);
	if (r < 0) {
		errorf("sockets: cannot read net.ipv4.ip_local_port_range: %s", strerror(-r));
		return EXIT_SYSTEM;
	}
	have_res = sysctl_read(G.sysctl_root, sysctl_lookup("ip_local_reserved_ports"), &reserved) == 0;
	eph = (struct ephemeral){ range.lo, range.hi, have_res ? reserved.ports : NULL };
	cmd_collect_opts(&co);
	co.processes = processes;
	co.show = (size_t)top;
	r = collect_sockets(&s, &eph, &co, &res);
	if (r < 0) {
		char why[300];

		errorf("sockets: cannot list sockets: %s", sockets_failure(&res, r, why, sizeof(why)));
		rc = EXIT_SYSTEM;
		goto out;
	}
	r = sockets_view_build(&v, &s, &res, (size_t)top, -1);
	if (r < 0) {
		errorf("sockets: %s", strerror(-r));
		rc = EXIT_SYSTEM;
	} else if (json) {
		struct json j;

		json_init(&j, stdout);
		sockets_json(&j, NULL, &v);
		json_end(&j);
	} else {
		sockets_text(stdout, &v);
	}
	sockets_view_free(&v);
	sockets_free(&s);
out:
	sysval_free(&range);
	if (have_res)
		sysval_free(&reserved);
	return rc;
}
