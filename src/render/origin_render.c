// SPDX-License-Identifier: GPL-2.0-or-later
/* origin_render.c: "where TIME_WAIT comes from": the sides of TIME_WAIT,
 * their keys, shares, close rates and processes, as text and JSON */
#include "origin_render.h"

#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "output.h"
#include "owners.h"
#include "procscan.h"

#define WIDTH 100

const char *sockets_procs_problem(const struct sock_snapshot *s, char *buf, size_t len)
{
	const struct procscan_result *r;
	char why[160];

	if (!s->procs_asked)
		return NULL;
	if (!s->procs) {
		snprintf(buf, len, "processes not resolved: cannot scan /proc (%s)",
			 strerror(-s->procs_err));
		return buf;
	}
	r = &s->procs->res;
	if (r->complete)
		return NULL;
	snprintf(buf, len, "not all processes resolved: %zu of %zu sockets have no owner found: %s",
		 r->unresolved, r->inodes, procscan_why_text(r, why, sizeof(why)));
	return buf;
}

static void key_server(const struct port_entry *e, char *buf, size_t len)
{
	char a[ENDPOINT_STR_LEN];

	snprintf(buf, len, "local %s", endpoint_str(e->local.family, e->local.bytes, e->port, a,
						    sizeof(a)));
}

/* One row: side, key (on a line of its own when too wide), numbers, and
 * the processes cut to the 100th column. */
static void row(FILE *f, const char *side, const char *key, unsigned long long tw,
		unsigned long long all, double rate, const char *procs)
{
	enum { KEY = 32 };
	int col;

	if ((int)strlen(key) > KEY) {
		fprintf(f, "  %-6s  %s\n", side, key);
		col = fprintf(f, "  %-6s  %-*s", "", KEY, "");
	} else {
		col = fprintf(f, "  %-6s  %-*s", side, KEY, key);
	}
	col += fprintf(f, " %9llu %6.1f%% %8.1f", tw, all ? 100.0 * (double)tw / (double)all : 0.0,
		       rate);
	if (procs && *procs)
		fprintf(f, "  %.*s", WIDTH - col - 2 > 0 ? WIDTH - col - 2 : 0, procs);
	fputc('\n', f);
}

/* Whether a row's processes come from a sample (said once, after the rows). */
static void sample_note(bool *said, const struct owners *o)
{
	if (o->asked && o->live > o->sampled)
		*said = true;
}

static void text_servers(FILE *f, const struct sockets_view *v, bool *sampled)
{
	char key[96], procs[256];

	for (size_t i = 0; i < v->nservers; i++) {
		const struct server_view *e = &v->servers[i];

		key_server(e->e, key, sizeof(key));
		row(f, "server", key, e->e->time_wait, v->tw_sides, e->rate,
		    e->owners.asked ? owners_str(&e->owners, procs, sizeof(procs)) : "");
		sample_note(sampled, &e->owners);
	}
}

static void text_clients(FILE *f, const struct sockets_view *v, bool *sampled)
{
	char key[120], procs[256];

	for (size_t i = 0; i < v->ndests; i++) {
		const struct dest_view *d = &v->dests[i];

		if (!d->d->time_wait)
			continue;
		dest_key_str(d->d, key, sizeof(key));
		row(f, "client", key, d->d->time_wait, v->tw_sides, d->rate,
		    d->owners.asked ? owners_str(&d->owners, procs, sizeof(procs)) : "");
		sample_note(sampled, &d->owners);
	}
}

void sockets_text_origin(FILE *f, const struct sockets_view *v)
{
	const struct sock_snapshot *s = v->s;
	unsigned long long all = v->tw_sides;
	bool sampled = false;
	char why[300];

	fprintf(f, "\n%swhere TIME_WAIT comes from%s: %llu (server side %llu, client side %llu, "
		   "other %llu)\n",
		color(C_BOLD), color(C_RESET), all, s->tw_server, s->tw_client, s->tw_other);
	if (!all)
		return;
	fprintf(f, "  %-6s  %-32s %9s %7s %8s%s\n", "side", "key", "TIME_WAIT", "share",
		"closes/s", s->procs_asked ? "  processes" : "");
	text_servers(f, v, &sampled);
	text_clients(f, v, &sampled);
	if (s->tw_other)
		row(f, "other", "fixed local port, no listener", s->tw_other, all, v->other_rate, "");
	if (v->s->nservers > v->nservers)
		fprintf(f, "  %s(%zu more server ports)%s\n", color(C_DIM),
			v->s->nservers - v->nservers, color(C_RESET));
	if (sampled)
		fprintf(f, "  %sprocesses from a sample of %u live sockets per entry%s\n", color(C_DIM),
			SOCKETS_SAMPLE, color(C_RESET));
	if (sockets_procs_problem(s, why, sizeof(why)))
		fprintf(f, "  %s\n", why);
}

static void json_owners(struct json *j, const struct owners *o)
{
	if (!o->asked) {
		json_null(j, "processes");
		return;
	}
	json_arr_begin(j, "processes");
	for (size_t i = 0; i < o->n; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "pid", o->v[i].pid);
		json_str(j, "comm", o->v[i].comm);
		json_str(j, "exe", o->v[i].exe && o->v[i].exe[0] ? o->v[i].exe : NULL);
		json_str(j, "runtime", o->v[i].rt ? runtime_name(o->v[i].rt->id) : NULL);
		json_str(j, "runtime_version",
			 o->v[i].rt && o->v[i].rt->version[0] ? o->v[i].rt->version : NULL);
		json_str(j, "user", o->v[i].user);
		json_str(j, "cgroup", o->v[i].cgroup);
		json_uint(j, "established", o->v[i].established);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_uint(j, "live", o->live);
	json_uint(j, "live_sampled", o->sampled);
}

void sockets_json_dest_owners(struct json *j, const struct dest_view *d)
{
	json_double(j, "rate_per_second", d->rate, 2);
	json_owners(j, &d->owners);
}

void sockets_json_origin(struct json *j, const struct sockets_view *v)
{
	const struct sock_snapshot *s = v->s;
	char a[INET6_ADDRSTRLEN], why[300];

	json_obj_begin(j, "time_wait_sides");
	json_uint(j, "server", s->tw_server);
	json_uint(j, "client", s->tw_client);
	json_uint(j, "other", s->tw_other);
	json_obj_end(j);
	json_uint(j, "server_ports_total", s->nservers);
	json_arr_begin(j, "server_side");
	for (size_t i = 0; i < v->nservers; i++) {
		const struct server_view *e = &v->servers[i];

		json_obj_begin(j, NULL);
		json_str(j, "local", addr_str(&e->e->local, a, sizeof(a)));
		json_uint(j, "port", e->e->port);
		json_uint(j, "time_wait", e->e->time_wait);
		json_double(j, "rate_per_second", e->rate, 2);
		json_uint(j, "from_local", e->e->from_local);
		json_arr_begin(j, "remote_clients");
		for (uint8_t k = 0; k < e->e->npeers; k++) {
			json_obj_begin(j, NULL);
			json_str(j, "address", addr_str(&e->e->peer[k].addr, a, sizeof(a)));
			json_uint(j, "time_wait", e->e->peer[k].time_wait);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_uint(j, "remote_clients_other_time_wait", e->e->peers_other);
		json_owners(j, &e->owners);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_uint(j, "other_time_wait", s->tw_other);
	json_obj_begin(j, "process_scan");
	json_bool(j, "asked", s->procs_asked);
	json_bool(j, "complete", s->procs && s->procs->res.complete);
	json_str(j, "problem", sockets_procs_problem(s, why, sizeof(why)));
	if (s->procs) {
		json_uint(j, "inodes", s->procs->res.inodes);
		json_uint(j, "resolved", s->procs->res.resolved);
		json_str(j, "why", s->procs->res.complete ? NULL : procscan_why_str(s->procs->res.why));
		json_uint(j, "processes_exited", s->procs->res.pids_gone);
		json_uint(j, "processes_denied", s->procs->res.pids_denied);
	}
	json_obj_end(j);
}
