// SPDX-License-Identifier: GPL-2.0-or-later
/* sockets_render.c: the socket snapshot for people and for tools */
#include "sockets_render.h"

#include <stdbool.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "origin_render.h"
#include "output.h"

static const char *source_name(const struct sock_snapshot *s)
{
	return s->source == SOURCE_SOCK_DIAG ? "sock_diag" : "procfs";
}

const char *diag_problem(const struct diag_status *st, char *buf, size_t len)
{
	const char *e = strerror(-st->err);

	switch (st->fault) {
	case DIAG_FAULT_NONE:
		return NULL;
	case DIAG_FAULT_UNAVAILABLE:
		snprintf(buf, len, "sock_diag is not available (%s)", e);
		break;
	case DIAG_FAULT_SOCKET:
		snprintf(buf, len, "the sock_diag netlink socket failed (%s)", e);
		break;
	case DIAG_FAULT_MALFORMED:
		snprintf(buf, len, "the sock_diag dump held a malformed netlink message");
		break;
	case DIAG_FAULT_TRUNCATED:
		snprintf(buf, len, "the sock_diag dump ended before its NLMSG_DONE");
		break;
	case DIAG_FAULT_KERNEL:
		snprintf(buf, len, "the kernel failed the sock_diag dump (%s)", e);
		break;
	case DIAG_FAULT_INTERRUPTED:
		snprintf(buf, len, "the sock_diag dump was interrupted (NLM_F_DUMP_INTR) on all %d attempts",
			 st->restarts + 1);
		break;
	}
	return buf;
}

const char *sockets_failure(const struct collect_result *res, int err, char *buf, size_t len)
{
	char why[160];

	if (res && res->fell_back && diag_problem(&res->diag, why, sizeof(why)))
		snprintf(buf, len, "%s, and /proc/net/tcp: %s", why, strerror(-err));
	else if (res && diag_problem(&res->diag, why, sizeof(why)))
		snprintf(buf, len, "%s", why);
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

const char *sockets_note(const struct collect_result *res, char *buf, size_t len)
{
	char why[160];

	if (!res || !diag_problem(&res->diag, why, sizeof(why)))
		return NULL;
	snprintf(buf, len, "%s; sockets counted from /proc/net/tcp instead", why);
	return buf;
}

void sockets_json(struct json *j, const char *key, const struct sockets_view *v)
{
	const struct sock_snapshot *s = v->s;
	unsigned usable = v->usable;
	char a[INET6_ADDRSTRLEN], note[256];

	json_obj_begin(j, key);
	json_str(j, "source", source_name(s));
	if (sockets_note(v->collected, note, sizeof(note)))
		json_str(j, "note", note);
	json_uint(j, "total", s->total);
	json_obj_begin(j, "states");
	for (int i = 1; i < TCP_NSTATES; i++)
		json_uint(j, tcp_state_names[i], s->states[i]);
	json_obj_end(j);
	json_obj_begin(j, "ephemeral");
	json_uint(j, "low", s->eph.low);
	json_uint(j, "high", s->eph.high);
	json_uint(j, "usable", usable);
	json_obj_end(j);
	json_uint(j, "destinations_total", s->ndests);
	json_arr_begin(j, "destinations");
	for (size_t i = 0; i < v->ndests; i++) {
		const struct dest *d = v->dests[i].d;

		json_obj_begin(j, NULL);
		json_str(j, "local", addr_str(&d->local, a, sizeof(a)));
		json_str(j, "remote", addr_str(&d->remote, a, sizeof(a)));
		json_uint(j, "port", d->rport);
		json_uint(j, "used", d->used);
		json_uint(j, "time_wait", d->time_wait);
		json_uint(j, "usable", usable);
		json_double(j, "pressure", usable ? (double)d->used / usable : 1.0, 4);
		sockets_json_dest_owners(j, &v->dests[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	sockets_json_origin(j, v);
	json_arr_begin(j, "listeners_in_range");
	for (size_t i = 0; i < s->nlisteners; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "address", addr_str(&s->listeners[i].addr, a, sizeof(a)));
		json_uint(j, "port", s->listeners[i].port);
		json_bool(j, "reserved", s->listeners[i].reserved);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_begin(j, "counters");
	json_count(j, "sockstat_inuse", s->counters.sockstat_inuse);
	json_count(j, "sockstat_orphan", s->counters.sockstat_orphan);
	json_count(j, "sockstat_tw", s->counters.sockstat_tw);
	json_count(j, "sockstat_alloc", s->counters.sockstat_alloc);
	json_count(j, "sockstat6_inuse", s->counters.sockstat6_inuse);
	json_count(j, "TW", s->counters.tw);
	json_count(j, "TWRecycled", s->counters.tw_recycled);
	json_count(j, "TWKilled", s->counters.tw_killed);
	json_count(j, "TCPTimeWaitOverflow", s->counters.tw_overflow);
	json_count(j, "CurrEstab", s->counters.curr_estab);
	json_obj_end(j);
	json_obj_end(j);
}

static void remote_str(const struct dest *d, char *buf, size_t len)
{
	endpoint_str(d->remote.family, d->remote.bytes, d->rport, buf, len);
}

void sockets_text_destinations(FILE *f, const struct sockets_view *v)
{
	const struct sock_snapshot *s = v->s;
	unsigned usable = v->usable;
	size_t n = v->ndests;
	char l[INET6_ADDRSTRLEN], r[ENDPOINT_STR_LEN];
	int wl = 5, wr = 6;
	bool split;

	if (!n)
		return;
	/* columns as wide as the widest address shown, so a line stays
	 * within 100 columns even with IPv6 */
	for (size_t i = 0; i < n; i++) {
		const struct dest *d = v->dests[i].d;
		int a = (int)strlen(addr_str(&d->local, l, sizeof(l)));

		remote_str(d, r, sizeof(r));
		wl = a > wl ? a : wl;
		wr = (int)strlen(r) > wr ? (int)strlen(r) : wr;
	}
	/* Two long IPv6 addresses do not fit beside the numbers: then the
	 * remote end goes on a line of its own. */
	split = wl + 2 + wr + 27 > 100;
	if (split)
		wl = wl < 15 ? 15 : wl;
	fprintf(f, "\n%s%-*s", color(C_BOLD), wl, split ? "local -> remote" : "local");
	if (!split)
		fprintf(f, "  %-*s", wr, "remote");
	fprintf(f, " %8s %8s %8s%s\n", "used", "TW", "pressure", color(C_RESET));
	for (size_t i = 0; i < n; i++) {
		const struct dest *d = v->dests[i].d;

		remote_str(d, r, sizeof(r));
		fprintf(f, "%-*s", wl, addr_str(&d->local, l, sizeof(l)));
		if (!split)
			fprintf(f, "  %-*s", wr, r);
		fprintf(f, " %8u %8u %7.1f%%\n", d->used, d->time_wait,
			usable ? 100.0 * d->used / usable : 100.0);
		if (split)
			fprintf(f, "  -> %s\n", r);
	}
	if (s->ndests > n)
		fprintf(f, "%s(%zu more destinations)%s\n", color(C_DIM), s->ndests - n, color(C_RESET));
}

void sockets_text(FILE *f, const struct sockets_view *v)
{
	const struct sock_snapshot *s = v->s;
	char a[INET6_ADDRSTRLEN], note[256];

	fprintf(f, "%s%llu TCP sockets%s (source %s)\n", color(C_BOLD), s->total, color(C_RESET),
		source_name(s));
	if (sockets_note(v->collected, note, sizeof(note)))
		fprintf(f, "note: %s\n", note);
	for (int i = 1; i < TCP_NSTATES; i++)
		if (s->states[i])
			fprintf(f, "  %-13s %llu\n", tcp_state_names[i], s->states[i]);
	fprintf(f, "\nephemeral ports %u-%u: %u usable; %zu destination%s hold some\n", s->eph.low,
		s->eph.high, v->usable, s->ndests, s->ndests == 1 ? "" : "s");
	sockets_text_destinations(f, v);
	sockets_text_origin(f, v);
	if (s->nlisteners) {
		fprintf(f, "\n%slisteners inside the ephemeral range%s\n", color(C_BOLD),
			color(C_RESET));
		for (size_t i = 0; i < s->nlisteners; i++)
			fprintf(f, "  %s port %u%s\n", addr_str(&s->listeners[i].addr, a, sizeof(a)),
				s->listeners[i].port,
				s->listeners[i].reserved ? " (reserved)" : " NOT reserved");
	}
	fprintf(f, "\n%scounters%s\n", color(C_BOLD), color(C_RESET));
	fprintf(f, "  sockstat TCP inuse %lld orphan %lld tw %lld alloc %lld; TCP6 inuse %lld\n",
		s->counters.sockstat_inuse, s->counters.sockstat_orphan, s->counters.sockstat_tw,
		s->counters.sockstat_alloc, s->counters.sockstat6_inuse);
	fprintf(f, "  TcpExt TW %lld TWRecycled %lld TWKilled %lld TCPTimeWaitOverflow %lld; "
		   "Tcp CurrEstab %lld\n",
		s->counters.tw, s->counters.tw_recycled, s->counters.tw_killed,
		s->counters.tw_overflow, s->counters.curr_estab);
}
