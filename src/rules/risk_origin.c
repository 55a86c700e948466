// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_origin.c: the rules about which side closes first and who is
 * behind it (FACTS.md: "Which side closes first decides where TIME_WAIT
 * lands", "The application fix comes first"). Only the programs at the
 * two ends change these: keep-alive means fewer connections opened and
 * closed; no sysctl shortens TIME_WAIT or moves it to the other side. */
#include "risk_origin.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "advice.h"
#include "capacity.h"
#include "endpoint.h"
#include "owners.h"
#include "procscan.h"
#include "risk_observed.h"

static const char no_sysctl[] =
	"no sysctl removes these: TIME_WAIT lasts 60 s on the side that closes first, and "
	"tcp_tw_reuse only helps the connecting side; the application fix is what changes them";

static double side_rate(const struct observation *o, unsigned long long tw)
{
	return sockets_side_rate(o->socks, tw, o->close_rate);
}

static bool same_key(const struct dest *d, const struct port_entry *e)
{
	return d->rport == e->port && d->remote.family == e->local.family &&
	       memcmp(d->remote.bytes, e->local.bytes, 16) == 0;
}

/* The local clients of e with a name: the owners of the destinations
 * towards e's address and port (the one with most live sockets). */
static bool local_client(const struct sock_snapshot *s, const struct port_entry *e,
			 struct owners *w)
{
	struct owners t;
	bool found = false;

	memset(w, 0, sizeof(*w));
	for (const struct dest *d = sockets_dests(s, NULL); d; d = sockets_dests(s, d)) {
		if (!same_key(d, e))
			continue;
		owners_dest(s, d, &t);
		if (t.n && (!found || t.live > w->live)) {
			*w = t;
			found = true;
		}
	}
	return found;
}

static void key_str(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	endpoint_str(a->family, a->bytes, port, buf, len);
}

/* snprintf for text that may be cut: sentences end where the buffer does */
static void __attribute__((format(printf, 3, 4))) set_text(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* "5.1k", "214", "2.5", "less than 0.1" */
static void rate_str(char *buf, size_t len, double r)
{
	if (r >= 9950)
		snprintf(buf, len, "%.1fk", r / 1000);
	else if (r >= 9.95)
		snprintf(buf, len, "%.0f", r);
	else if (r >= 0.095)
		snprintf(buf, len, "%.1f", r);
	else
		snprintf(buf, len, "less than 0.1");
}

static const char *rate_source(const struct observation *o, bool observed)
{
	if (observed)
		return "observed over eBPF";
	return o->close_rate_measured ? "measured" : "estimated from TIME_WAIT / 60 s";
}

static void add_line(struct finding_group *g, const char *line)
{
	if (line[0] && g->nfix < GROUP_FIXES)
		snprintf(g->fix[g->nfix++], sizeof(g->fix[0]), "%s", line);
}

static const struct runtime *rt_of(const struct owners *w)
{
	return w && w->n ? w->v[0].rt : NULL;
}

static const struct advice *advice_of(const struct owners *w)
{
	if (!w || !w->n)
		return advice_match(NULL, NULL);
	return advice_for(w->v[0].rt, w->v[0].comm, w->v[0].exe);
}

/* Why no process was named, in buf: the scan's own words, with the
 * processes that exited during it and those it was not let in counted
 * apart, and what would name them. Returns buf. */
static const char *unnamed_why(const struct observation *o, const struct owners *w, char *buf,
			       size_t len)
{
	const struct sock_snapshot *s = o->socks;
	const struct procscan_result *res = s->procs ? &s->procs->res : NULL;
	const char *base;

	if (!res) {
		set_text(buf, len, "processes not looked up");
		return buf;
	}
	if (w->unresolved && res->why != PROCSCAN_WHY_NONE && res->why != PROCSCAN_WHY_NOTFOUND)
		base = procscan_why_str(res->why);
	else
		base = "no socket of theirs open at the /proc scan";
	{
		size_t used = (size_t)snprintf(buf, len, "%s", base);

		if (res->pids_gone && used < len)
			used += (size_t)snprintf(buf + used, len - used, "; %lu exited during it",
						 res->pids_gone);
		if (res->pids_denied && used < len)
			used += (size_t)snprintf(buf + used, len - used, "; %lu not permitted",
						 res->pids_denied);
		if (!o->observed && used < len)
			snprintf(buf + used, len - used, "; --observe names them");
	}
	return buf;
}

/* One server port's group: who closes (the server), who connects (its
 * clients), and the fixes in the order the evidence gives. */
static void server_group(const struct observation *o, const struct port_entry *e, double rate,
			 bool observed, double share, struct finding_group *g)
{
	const struct sock_snapshot *s = o->socks;
	struct owners w, c;
	const struct advice *as, *ac = NULL;
	char key[64], srv[200], cli[200], rs[32], line[400], remote[200] = "";
	bool have_client, server_first;
	int keeps = -1;
	unsigned from_remote = e->time_wait > e->from_local ? e->time_wait - e->from_local : 0;

	memset(g, 0, sizeof(*g));
	key_str(&e->local, e->port, key, sizeof(key));
	owners_server(s, e, &w);
	as = advice_of(&w);
	have_client = e->from_local && local_client(s, e, &c);
	if (e->from_local && !have_client) {
		observed_clients(o, NULL, &e->local, e->port, &c);
		have_client = c.n > 0;
	}
	if (have_client) {
		ac = advice_of(&c);
		keeps = advice_client_keeps_alive(ac, rt_of(&c));
	}
	if (w.n)
		owners_str(&w, srv, sizeof(srv));
	else
		set_text(srv, sizeof(srv), "server not named: %s",
			 w.asked ? "its listeners' owners could not be read" : "processes not looked up");
	if (from_remote) {
		size_t used = 0;

		for (uint8_t i = 0; i < e->npeers && used < sizeof(remote); i++) {
			char a[INET6_ADDRSTRLEN];

			used += (size_t)snprintf(remote + used, sizeof(remote) - used, "%s%s (%u TIME_WAIT)",
						 used || e->from_local ? ", " : "",
						 addr_str(&e->peer[i].addr, a, sizeof(a)),
						 e->peer[i].time_wait);
		}
		if (e->peers_other && used < sizeof(remote))
			snprintf(remote + used, sizeof(remote) - used, "%s%u from other remote clients",
				 used || e->from_local ? ", " : "", e->peers_other);
	}
	if (have_client)
		set_text(cli, sizeof(cli), "%s on this host%s", owners_str(&c, line, sizeof(line)),
			 keeps == 1 ? " (it keeps connections alive)"
			 : keeps == 0 ? " (one connection per request)" : "");
	else if (e->from_local)
		set_text(cli, sizeof(cli), "on this host, not named (%s)",
			 unnamed_why(o, &w, line, sizeof(line)));
	else
		cli[0] = '\0';
	rate_str(rs, sizeof(rs), rate);
	set_text(g->head, sizeof(g->head), "%.0f%% of TIME_WAIT is on %s (%s), %s closes/s %s; "
		 "clients: %s%s", share * 100, key, srv, rs, rate_source(o, observed), cli, remote);
	/* A client that keeps alive (or a remote one on held connections)
	 * points at the server's setting; one connection per request at the
	 * client. */
	server_first = keeps == 1 || (!have_client && !e->from_local) ||
		       (as->rt == RT_HAPROXY && rt_of(&w) && rt_of(&w)->closes_option[0]);
	if (server_first &&
	    advice_line(line, sizeof(line), as, ADVICE_SERVER, rt_of(&w), w.n ? srv : NULL) == 0)
		add_line(g, line);
	if (have_client &&
	    advice_line(line, sizeof(line), ac, ADVICE_CLIENT, rt_of(&c),
			owners_str(&c, cli, sizeof(cli))) == 0)
		add_line(g, line);
	else if (!have_client && e->from_local && w.n &&
		 (as->rt == RT_NGINX || as->rt == RT_HAPROXY || as->rt == RT_ENVOY) &&
		 advice_line(line, sizeof(line), as, ADVICE_CLIENT, rt_of(&w), NULL) == 0) {
		/* a proxy often is its own upstream's client: say so, as a condition */
		char cond[400];

		set_text(cond, sizeof(cond), "if the client is %s itself, proxying to this port: %s",
			 srv, line);
		add_line(g, cond);
	} else if (!have_client && e->from_local)
		add_line(g, "clients on this host, in their HTTP client or its configuration: reuse "
			    "connections (HTTP keep-alive, a pool) instead of one per request");
	if (!server_first &&
	    advice_line(line, sizeof(line), as, ADVICE_SERVER, rt_of(&w), w.n ? srv : NULL) == 0)
		add_line(g, line);
	if (from_remote && e->npeers) {
		char a[INET6_ADDRSTRLEN];

		set_text(line, sizeof(line), "clients at %s%s, in their HTTP client or its "
			 "configuration: reuse connections (HTTP keep-alive, a pool) instead of one "
			 "per request", addr_str(&e->peer[0].addr, a, sizeof(a)),
			 e->npeers > 1 || e->peers_other ? " and the others" : "");
		add_line(g, line);
	}
}

/* f->app_fix: the first group's fix lines, joined, then the effect. */
static void join_fix(struct finding *f, enum advice_side side, double rate, const char *what)
{
	size_t used = 0, len = sizeof(f->app_fix);
	char effect[300];

	f->app_fix[0] = '\0';
	if (!f->ngroup)
		return;
	for (size_t i = 0; i < f->group[0].nfix && used < len; i++)
		used += (size_t)snprintf(f->app_fix + used, len - used, "%s%s", i ? "; " : "",
					 f->group[0].fix[i]);
	if (advice_effect(effect, sizeof(effect), side, rate, what) == 0 && used < len)
		snprintf(f->app_fix + used, len - used, "; %s", effect);
}

void check_server_closes_first(const struct settings *s, const struct observation *o,
			       const double *thr, struct finding *f)
{
	long long max = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	const struct port_entry *top[16], *e;
	struct owners w;
	char key[64], procs[300];
	double rate, share, first_rate = 0;
	size_t n, more = 0, used = 0;

	if (!o->socks) {
		risk_title(f, "server-side TIME_WAIT not measured");
		return;
	}
	risk_ev_num(f, "server_side_time_wait", (double)o->socks->tw_server);
	n = sockets_top_servers(o->socks, top, sizeof(top) / sizeof(top[0]));
	if (!n) {
		risk_title(f, "no local service closes first");
		return;
	}
	e = top[0];
	key_str(&e->local, e->port, key, sizeof(key));
	rate = observed_port_tw_rate(o, &e->local, e->port);
	if (rate >= 0)
		risk_ev_text(f, "rate_source", "observed: TIME_WAIT entered over eBPF");
	else
		rate = side_rate(o, e->time_wait);
	share = sockets_tw_sides(o->socks) ? (double)e->time_wait / (double)sockets_tw_sides(o->socks) : 0;
	owners_server(o->socks, e, &w);
	risk_ev_num(f, "time_wait", e->time_wait);
	risk_ev_num(f, "share", share);
	risk_ev_num(f, "rate_per_second", rate);
	risk_ev_text(f, "port", "local %s", key);
	if (w.asked && w.n)
		risk_ev_text(f, "process", "%s", owners_str(&w, procs, sizeof(procs)));
	else if (w.asked)
		risk_ev_text(f, "process", "none found: its listeners' owners could not be read");
	if (e->from_local)
		risk_ev_text(f, "clients", "%u of its TIME_WAIT came from clients on this host",
			     e->from_local);
	for (size_t i = 0; i < n; i++) {
		const struct port_entry *p = top[i];
		enum severity sev = SEV_OK;

		if (p->time_wait >= thr[THR_SERVER_TW_INFO])
			sev = SEV_INFO;
		if (max > 0 && p->time_wait >= thr[THR_TW_BUCKETS_WARN] * (double)max)
			sev = SEV_WARN;
		if (sev > f->sev)
			f->sev = sev;
		if (sev == SEV_OK)
			continue;
		double r = observed_port_tw_rate(o, &p->local, p->port);
		bool observed = r >= 0;

		if (!observed)
			r = side_rate(o, p->time_wait);
		if (f->ngroup == GROUP_MAX) {
			char k[64];

			key_str(&p->local, p->port, k, sizeof(k));
			if (used < sizeof(f->more))
				used += (size_t)snprintf(f->more + used, sizeof(f->more) - used, "%s%s (%u)",
							 used ? ", " : "", k, p->time_wait);
			more++;
			continue;
		}
		if (!f->ngroup)
			first_rate = r;
		server_group(o, p, r, observed,
			     sockets_tw_sides(o->socks) ? (double)p->time_wait /
							  (double)sockets_tw_sides(o->socks) : 0,
			     &f->group[f->ngroup++]);
	}
	(void)more;
	risk_title(f, "local %s closes first: %u TIME_WAIT (%.0f%%), about %.0f closes/s%s%s%s", key,
		   e->time_wait, share * 100, rate, w.n ? ", " : "", w.n ? w.v[0].comm : "",
		   f->ngroup > 1 ? "; more ports below" : "");
	if (f->sev == SEV_OK)
		return;
	join_fix(f, ADVICE_SERVER, first_rate, key);
	if (f->app_fix[0] && strlen(f->app_fix) + sizeof(no_sysctl) + 2 < sizeof(f->app_fix)) {
		strcat(f->app_fix, "; ");
		strcat(f->app_fix, no_sysctl);
	}
}

/* One pool's group: the client program that closes first, and its fix
 * (the server, when it is on this host, only named). */
static void dest_group(const struct observation *o, const struct dest *d, double rate,
		       bool observed, struct finding_group *g)
{
	const struct sock_snapshot *s = o->socks;
	struct owners w, srv;
	const struct advice *a;
	char key[80], procs[200], rs[32], line[400], server[220] = "";
	int r;

	memset(g, 0, sizeof(*g));
	dest_key_str(d, key, sizeof(key));
	owners_dest(s, d, &w);
	if (!w.n && o->observed)
		observed_clients(o, &d->local, &d->remote, d->rport, &w);
	/* a server on this host: the owners of the listeners on its port */
	if (sockets_listening(s, d->rport) && d->remote.family == d->local.family &&
	    (!memcmp(d->remote.bytes, d->local.bytes, 16) ||
	     (d->remote.family == AF_INET && d->remote.bytes[0] == 127) ||
	     (d->remote.family == AF_INET6 && !memcmp(d->remote.bytes, in6addr_loopback.s6_addr, 16)))) {
		struct port_entry pe = { .local = d->remote, .port = d->rport, .server = true };

		owners_server(s, &pe, &srv);
		if (srv.n)
			set_text(server, sizeof(server), "; server %s on this host",
				 owners_str(&srv, procs, sizeof(procs)));
	}
	rate_str(rs, sizeof(rs), rate);
	if (w.n)
		owners_str(&w, procs, sizeof(procs));
	else
		set_text(procs, sizeof(procs), "not named (%s)", unnamed_why(o, &w, line, sizeof(line)));
	set_text(g->head, sizeof(g->head), "pool %s: %u TIME_WAIT, %s closes/s %s; client %s%s", key,
		 d->time_wait, rs, rate_source(o, observed), procs, server);
	a = advice_of(&w);
	r = advice_line(line, sizeof(line), a, ADVICE_CLIENT, rt_of(&w), w.n ? procs : NULL);
	if (r == 1) /* it keeps alive, yet closes first here: its fix all the same */
		r = advice_line(line, sizeof(line), a, ADVICE_CLIENT, NULL, w.n ? procs : NULL);
	if (r == 0)
		add_line(g, line);
}

void risk_dest_application(const struct observation *o, const struct dest *d, double rate,
			   struct finding *f)
{
	char key[64], procs[200], why[300];
	struct owners w;
	double obs = observed_dest_tw_rate(o, d);

	owners_dest(o->socks, d, &w);
	if (w.asked && w.n)
		risk_ev_text(f, "process", "%s%s", owners_str(&w, procs, sizeof(procs)),
			     w.live > w.sampled ? " (from a sample of its live sockets)" : "");
	else if (w.asked)
		risk_ev_text(f, "process", "none found: %s", unnamed_why(o, &w, why, sizeof(why)));
	key_str(&d->remote, d->rport, key, sizeof(key));
	if (rate <= 0)
		return;
	f->ngroup = 0;
	dest_group(o, d, rate, obs >= 0, &f->group[f->ngroup++]);
	join_fix(f, ADVICE_CLIENT, rate, key);
}

void risk_dest_more(const struct observation *o, const struct dest *first, double min_rate,
		    struct finding *f)
{
	size_t used = strlen(f->more);

	for (const struct dest *d = sockets_dests(o->socks, NULL); d; d = sockets_dests(o->socks, d)) {
		double r = observed_dest_tw_rate(o, d);
		bool observed = r >= 0;
		char key[80];

		if (d == first || !d->time_wait)
			continue;
		if (!observed)
			r = side_rate(o, d->time_wait);
		if (r < min_rate)
			continue;
		if (f->ngroup < GROUP_MAX) {
			dest_group(o, d, r, observed, &f->group[f->ngroup++]);
			continue;
		}
		dest_key_str(d, key, sizeof(key));
		if (used < sizeof(f->more))
			used += (size_t)snprintf(f->more + used, sizeof(f->more) - used, "%s%s (%u)",
						 used ? ", " : "", key, d->time_wait);
	}
}

void check_client_churn(const struct settings *s, const struct observation *o, const double *thr,
			struct finding *f)
{
	const struct dest *d = NULL;
	struct pool_capacity c;
	struct pool_demand m = { .rate = -1 };
	char key[64], name[140], l[INET6_ADDRSTRLEN], text[300], src[160];
	enum severity sev;

	if (!o->socks) {
		risk_title(f, "client-side close rate not measured");
		return;
	}
	risk_ev_num(f, "client_side_time_wait", (double)o->socks->tw_client);
	/* the pool closing the most: its demand, measured or estimated */
	for (const struct dest *x = sockets_dests(o->socks, NULL); x; x = sockets_dests(o->socks, x)) {
		struct pool_capacity cx;
		struct pool_demand mx;

		if (!x->time_wait && !x->tw_young)
			continue;
		capacity_dest(s, o->socks, x, &cx);
		capacity_demand(o, x, &cx, &mx);
		if (!d || mx.rate > m.rate || (mx.rate == m.rate && x->time_wait > d->time_wait)) {
			d = x;
			c = cx;
			m = mx;
		}
	}
	if (!d) {
		risk_title(f, "no local client closes first");
		return;
	}
	key_str(&d->remote, d->rport, key, sizeof(key));
	snprintf(name, sizeof(name), "%s -> %s", addr_str(&d->local, l, sizeof(l)), key);
	risk_ev_num(f, "time_wait", d->time_wait);
	risk_ev_num(f, "rate_per_second", m.rate);
	if (!c.tw_capped)
		risk_ev_num(f, "sustained_per_second", c.sustain);
	if (c.knee > 0)
		risk_ev_num(f, "knee_per_second", c.knee);
	risk_ev_text(f, "rate_source", "%s", capacity_source_text(o, &m, src, sizeof(src)));
	risk_ev_text(f, "destination", "%s", name);
	if (m.rate >= thr[THR_CLIENT_CHURN_INFO])
		f->sev = SEV_INFO;
	sev = capacity_severity(&c, &m, d->used);
	if (sev > f->sev)
		f->sev = sev;
	capacity_text(&c, &m, text, sizeof(text));
	risk_title(f, "%s: about %.0f closes/s from this host (%u TIME_WAIT)%s%s", name, m.rate,
		   d->time_wait, f->sev >= SEV_WARN ? "; " : "", f->sev >= SEV_WARN ? text : "");
	if (f->sev == SEV_OK)
		return;
	risk_dest_application(o, d, m.rate, f);
	risk_dest_more(o, d, thr[THR_CLIENT_CHURN_INFO], f);
}
