// SPDX-License-Identifier: GPL-2.0-or-later
/* test_observe.c: the order of observed rows and processes, and how they
 * render (text and JSON), on synthetic observations */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "observe_render.h"
#include "tap.h"

struct tdest {
	const char *remote, *local; /* local NULL: never chosen */
	unsigned port;
	unsigned long long attempts, successes, enotavail, einuse, other, tw;
};

struct tcase {
	const char *name;
	struct tdest dests[4];
	const char *order; /* the ports after sorting, "p1 p2 ..." */
};

static const struct tcase cases[] = {
	{ "failures first, then attempts",
	  { { "10.0.0.1", "10.0.0.2", 80, 100, 100, 0, 0, 0, 50 },
	    { "10.0.0.1", "10.0.0.2", 81, 30, 10, 20, 0, 0, 10 },
	    { "10.0.0.1", "10.0.0.2", 82, 300, 300, 0, 0, 0, 0 },
	    { "10.0.0.1", NULL, 83, 5, 0, 0, 0, 5, 0 } },
	  "81 83 82 80" },
	{ "all failure kinds add up",
	  { { "10.0.0.1", "10.0.0.2", 90, 3, 0, 1, 1, 1, 0 },
	    { "10.0.0.1", "10.0.0.2", 91, 4, 0, 2, 0, 0, 0 } },
	  "90 91" },
	{ "equal counts: by address, then port",
	  { { "10.0.0.9", "10.0.0.2", 70, 1, 1, 0, 0, 0, 0 },
	    { "10.0.0.1", "10.0.0.2", 71, 1, 1, 0, 0, 0, 0 },
	    { "10.0.0.1", "10.0.0.2", 69, 1, 1, 0, 0, 0, 0 } },
	  "69 71 70" },
};

static void fill(struct obs_row *r, const struct tdest *d)
{
	memset(r, 0, sizeof(*r));
	r->netns = 4026531840u;
	r->family = AF_INET;
	inet_pton(AF_INET, d->remote, r->remote);
	if (d->local) {
		inet_pton(AF_INET, d->local, r->local);
		r->has_local = true;
	}
	r->port = (uint16_t)d->port;
	r->attempts = d->attempts;
	r->successes = d->successes;
	r->eaddrnotavail = d->enotavail;
	r->eaddrinuse = d->einuse;
	r->other = d->other;
	r->time_wait = d->tw;
}

static void test_order(const struct tcase *c)
{
	struct obs_window obs = { 0 };
	char got[64] = "";
	size_t n = 0;

	while (n < 4 && c->dests[n].remote)
		n++;
	obs.dests = calloc(n, sizeof(*obs.dests));
	obs.ndests = n;
	for (size_t i = 0; i < n; i++)
		fill(&obs.dests[i], &c->dests[i]);
	observation_sort(&obs);
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u", i ? " " : "",
			 obs.dests[i].port);
	TAP_OK(strcmp(got, c->order) == 0, "%s: order %s (want %s)", c->name, got, c->order);
	observation_free(&obs);
}

/* One IPv6 destination without a local address, four processes (one
 * without a pid in the reader's PID namespace), a server port and a bind
 * address: rendered into a string. */
static char *render(bool json, size_t top)
{
	struct obs_window obs = { .window_seconds = 2.5 };
	struct obs_process *p = calloc(4, sizeof(*p));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	static uint32_t ns[] = { 7 };

	obs.namespaces = malloc(sizeof(ns));
	memcpy(obs.namespaces, ns, sizeof(ns));
	obs.nnamespaces = 1;
	obs.dests = calloc(1, sizeof(*obs.dests));
	obs.ndests = 1;
	obs.dests[0] = (struct obs_row){ .netns = 7, .family = AF_INET6, .port = 443, .attempts = 9,
					 .other = 9, .procs = p, .nprocs = 4 };
	inet_pton(AF_INET6, "2001:db8::1", obs.dests[0].remote);
	p[0] = (struct obs_process){ .pid = 10, .comm = "curl", .cgroup_id = 5, .attempts = 2,
				     .failures = 2 };
	p[1] = (struct obs_process){ .pid = 11, .comm = "wget", .cgroup_id = 6,
				     .cgroup = strdup("/system.slice/x.service"), .attempts = 7,
				     .failures = 7 };
	p[2] = (struct obs_process){ .no_pid = true, .comm = "nginx", .attempts = 1, .failures = 1 };
	p[3] = (struct obs_process){ .pid = 12, .comm = "ab", .attempts = 1, .failures = 1 };
	obs.servers = calloc(1, sizeof(*obs.servers));
	obs.nservers = 1;
	obs.servers[0] = (struct obs_row){ .netns = 7, .family = AF_INET, .has_local = true,
					   .port = 8080, .time_wait = 4 };
	inet_pton(AF_INET, "192.0.2.1", obs.servers[0].local);
	obs.binds = calloc(1, sizeof(*obs.binds));
	obs.nbinds = 1;
	obs.binds[0] = (struct obs_row){ .netns = 7, .family = AF_INET, .has_local = true, .count = 3 };
	inet_pton(AF_INET, "192.0.2.7", obs.binds[0].local);
	observation_sort(&obs);
	if (json) {
		struct json j;

		json_init(&j, f);
		observe_json(&j, NULL, &obs, top);
		json_end(&j);
	} else {
		observe_text(f, &obs, top);
	}
	fclose(f);
	observation_free(&obs);
	return buf;
}

static void test_render(void)
{
	char *t = render(false, 10), *j = render(true, 10), *top1 = render(true, 1);

	TAP_OK(strstr(t, "observed 2.5 s in network namespace 7\n") != NULL, "text: the window");
	TAP_OK(strstr(t, "  [2001:db8::1]:443") != NULL, "text: IPv6 destination in brackets");
	TAP_OK(strstr(t, "  [2001:db8::1]:443              -  ") != NULL,
	       "text: no local address is '-'");
	TAP_OK(strstr(t, "wget[11]: 7 attempts, 7 failed, cgroup /system.slice/x.service\n") &&
		       strstr(t, "curl[10]: 2 attempts, 2 failed, cgroup id 5\n") &&
		       strstr(t, "wget[11]") < strstr(t, "curl[10]"),
	       "text: processes, most failures first, cgroup path or id");
	TAP_OK(strstr(t, "      nginx[not visible]: 1 attempts, 1 failed\n") &&
		       strstr(t, "ab[12]") && strstr(t, "ab[12]") < strstr(t, "nginx["),
	       "text: a process without a pid here is 'not visible', after those with one");
	TAP_OK(strstr(j, "{\"pid\":null,\"comm\":\"nginx\",") != NULL &&
		       strstr(j, "{\"pid\":12,\"comm\":\"ab\",") != NULL,
	       "json: pid null for a process without a pid here");
	TAP_OK(strstr(t, "  192.0.2.1:8080                         4 entered TIME_WAIT\n") != NULL,
	       "text: server side");
	TAP_OK(strstr(t, "  192.0.2.7                              3 failed\n") != NULL, "text: bind");
	TAP_OK(strstr(j, "\"local\":null,\"remote\":\"2001:db8::1\",\"port\":443") != NULL,
	       "json: local null, IPv6 remote");
	TAP_OK(strstr(j, "\"EADDRNOTAVAIL\"") && strstr(j, "\"server_side\"") &&
		       strstr(j, "\"bind_failures\"") && !strstr(j, "\"dropped\""),
	       "json: the sections, no dropped count when none was dropped");
	TAP_OK(strstr(top1, "\"window_seconds\"") != NULL, "json with --top 1 renders");
	free(t);
	free(j);
	free(top1);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_order(&cases[i]);
	test_render();
	return tap_done();
}
