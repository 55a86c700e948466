// SPDX-License-Identifier: GPL-2.0-or-later
/* observe_render.c: an observation for people and for tools */
#include "observe_render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "output.h"
#include "sanitize.h"

static const char *addr(const struct obs_row *r, const uint8_t *a, char *buf, size_t len)
{
	return ip_str(r->family, a, buf, len);
}

static const char *local(const struct obs_row *r, char *buf, size_t len)
{
	return r->has_local ? addr(r, r->local, buf, len) : NULL;
}

static size_t shown(size_t n, size_t top)
{
	return top && top < n ? top : n;
}

enum section { SEC_DEST, SEC_SERVER, SEC_BIND };

static void procs_json(struct json *j, const struct obs_row *r, enum section sec)
{
	json_arr_begin(j, "processes");
	for (size_t i = 0; i < shown(r->nprocs, OBS_TOP_PROCS); i++) {
		const struct obs_process *p = &r->procs[i];

		json_obj_begin(j, NULL);
		if (p->no_pid)
			json_null(j, "pid");
		else
			json_uint(j, "pid", p->pid);
		json_str(j, "comm", p->comm);
		json_str(j, "cgroup", p->cgroup);
		json_uint(j, "cgroup_id", p->cgroup_id);
		if (sec == SEC_DEST) {
			json_uint(j, "attempts", p->attempts);
			json_uint(j, "failures", p->failures);
		} else {
			json_uint(j, sec == SEC_SERVER ? "time_wait_entered" : "count", p->events);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void row_json(struct json *j, const struct obs_row *r, enum section sec)
{
	char a[INET6_ADDRSTRLEN];

	json_obj_begin(j, NULL);
	json_uint(j, "netns", r->netns);
	json_str(j, "local", local(r, a, sizeof(a)));
	if (sec == SEC_DEST)
		json_str(j, "remote", addr(r, r->remote, a, sizeof(a)));
	if (sec != SEC_BIND)
		json_uint(j, "port", r->port);
	if (sec == SEC_DEST) {
		json_uint(j, "attempts", r->attempts);
		json_uint(j, "successes", r->successes);
		json_obj_begin(j, "failures");
		json_uint(j, "EADDRNOTAVAIL", r->eaddrnotavail);
		json_uint(j, "EADDRINUSE", r->eaddrinuse);
		json_uint(j, "other", r->other);
		json_obj_end(j);
	}
	if (sec == SEC_BIND)
		json_uint(j, "count", r->count);
	else
		json_uint(j, "time_wait_entered", r->time_wait);
	procs_json(j, r, sec);
	json_obj_end(j);
}

static void rows_json(struct json *j, const char *key, const struct obs_row *r, size_t n,
		      size_t top, enum section sec)
{
	json_arr_begin(j, key);
	for (size_t i = 0; i < shown(n, top); i++)
		row_json(j, &r[i], sec);
	json_arr_end(j);
}

void observe_json(struct json *j, const char *key, const struct obs_window *obs, size_t top)
{
	json_obj_begin(j, key);
	json_double(j, "window_seconds", obs->window_seconds, 3);
	json_arr_begin(j, "namespaces");
	for (size_t i = 0; i < obs->nnamespaces; i++)
		json_uint(j, NULL, obs->namespaces[i]);
	json_arr_end(j);
	rows_json(j, "destinations", obs->dests, obs->ndests, top, SEC_DEST);
	rows_json(j, "server_side", obs->servers, obs->nservers, top, SEC_SERVER);
	rows_json(j, "bind_failures", obs->binds, obs->nbinds, top, SEC_BIND);
	if (obs->dropped)
		json_uint(j, "dropped", obs->dropped);
	json_obj_end(j);
}

/* "192.0.2.1:80" or "[2001:db8::1]:80". */
static const char *endpoint(const struct obs_row *r, const uint8_t *a, char *buf, size_t len)
{
	return endpoint_str(r->family, a, r->port, buf, len);
}

static void procs_text(FILE *f, const struct obs_row *r, enum section sec)
{
	for (size_t i = 0; i < shown(r->nprocs, OBS_TOP_PROCS); i++) {
		const struct obs_process *p = &r->procs[i];

		char pid[16];

		fprintf(f, "      %s", color(C_BOLD));
		san_fputs(f, p->comm, SAN_TERM);
		fprintf(f, "%s[%s]", color(C_RESET), obs_pid_text(p, pid, sizeof(pid)));
		if (sec == SEC_DEST)
			fprintf(f, ": %" PRIu64 " attempts, %" PRIu64 " failed", p->attempts, p->failures);
		else
			fprintf(f, ": %" PRIu64 " %s", p->events,
				sec == SEC_SERVER ? "entered TIME_WAIT" : "failed");
		if (p->cgroup) {
			fputs(", cgroup ", f);
			san_fputs(f, p->cgroup, SAN_TERM);
		}
		else if (p->cgroup_id)
			fprintf(f, ", cgroup id %" PRIu64, p->cgroup_id);
		fputc('\n', f);
	}
}

static void netns_col(FILE *f, const struct obs_window *obs, const struct obs_row *r)
{
	if (obs->nnamespaces > 1)
		fprintf(f, "  netns %" PRIu32 "\n", r->netns);
}

static void dests_text(FILE *f, const struct obs_window *obs, size_t top)
{
	char a[64], l[INET6_ADDRSTRLEN];

	fprintf(f, "\n%sconnect() by destination%s\n", color(C_BOLD), color(C_RESET));
	if (!obs->ndests) {
		fprintf(f, "  none seen\n");
		return;
	}
	fprintf(f, "  %-30s %-16s %9s %9s %14s %11s %7s %10s\n", "DESTINATION", "LOCAL",
		"ATTEMPTS", "SUCCESSES", "EADDRNOTAVAIL", "EADDRINUSE", "OTHER", "TIME_WAIT");
	for (size_t i = 0; i < shown(obs->ndests, top); i++) {
		const struct obs_row *r = &obs->dests[i];
		const char *lo = local(r, l, sizeof(l));

		netns_col(f, obs, r);
		fprintf(f, "  %-30s %-16s %9" PRIu64 " %9" PRIu64 " %s%14" PRIu64 "%s %11" PRIu64
			   " %7" PRIu64 " %10" PRIu64 "\n",
			endpoint(r, r->remote, a, sizeof(a)), lo ? lo : "-", r->attempts,
			r->successes, r->eaddrnotavail ? color(C_RED) : "", r->eaddrnotavail,
			r->eaddrnotavail ? color(C_RESET) : "", r->eaddrinuse, r->other,
			r->time_wait);
		procs_text(f, r, SEC_DEST);
	}
}

static void others_text(FILE *f, const struct obs_window *obs, size_t top, enum section sec)
{
	const struct obs_row *rows = sec == SEC_SERVER ? obs->servers : obs->binds;
	size_t n = sec == SEC_SERVER ? obs->nservers : obs->nbinds;
	char a[64];

	fprintf(f, "\n%s%s%s\n", color(C_BOLD),
		sec == SEC_SERVER ? "TIME_WAIT on the server side, by local port"
				  : "bind() to port 0 failing with EADDRINUSE, by local address",
		color(C_RESET));
	if (!n) {
		fprintf(f, "  none seen\n");
		return;
	}
	for (size_t i = 0; i < shown(n, top); i++) {
		const struct obs_row *r = &rows[i];

		netns_col(f, obs, r);
		if (sec == SEC_SERVER)
			fprintf(f, "  %-30s %9" PRIu64 " entered TIME_WAIT\n",
				endpoint(r, r->local, a, sizeof(a)), r->time_wait);
		else
			fprintf(f, "  %-30s %9" PRIu64 " failed\n", addr(r, r->local, a, sizeof(a)),
				r->count);
		procs_text(f, r, sec);
	}
}

void observe_text(FILE *f, const struct obs_window *obs, size_t top)
{
	fprintf(f, "observed %.1f s", obs->window_seconds);
	if (obs->nnamespaces == 1)
		fprintf(f, " in network namespace %" PRIu32 "\n", obs->namespaces[0]);
	else
		fprintf(f, " in %zu network namespaces\n", obs->nnamespaces);
	dests_text(f, obs, top);
	others_text(f, obs, top, SEC_SERVER);
	others_text(f, obs, top, SEC_BIND);
	if (obs->dropped)
		fprintf(f, "\n%snote:%s %" PRIu64 " events were not counted: a kernel map was full\n",
			color(C_YELLOW), color(C_RESET), obs->dropped);
}
