// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_origin.c: the rules about which side closes first and who is
 * behind it (FACTS.md: "Which side closes first decides where TIME_WAIT
 * lands", "The application fix comes first"). Only the programs at the
 * two ends change these: keep-alive means fewer connections opened and
 * closed; no sysctl shortens TIME_WAIT or moves it to the other side. */
#include "risk_origin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "advice.h"
#include "capacity.h"
#include "endpoint.h"
#include "owners.h"
#include "risk_observed.h"

static const char no_sysctl[] =
	"no sysctl removes these: TIME_WAIT lasts 60 s on the side that closes first, and "
	"tcp_tw_reuse only helps the connecting side; the application fix is what changes them";

static double side_rate(const struct observation *o, unsigned long long tw)
{
	return sockets_side_rate(o->socks, tw, o->close_rate);
}

/* "<lead><processes, or the program>: <fix> (in <where>); <effect>;
 * note: <note>; <tail>" into f->app_fix. */
static void app_fix(struct finding *f, const struct owners *w, const struct advice *a,
		    enum advice_side side, double rate, const char *what, const char *lead,
		    const char *tail)
{
	const struct advice_text *t = advice_for_side(a, side);
	char who[220], procs[200], effect[300];
	size_t used, len = sizeof(f->app_fix);

	if (advice_effect(effect, sizeof(effect), side, rate, what) < 0)
		effect[0] = '\0';
	if (w && w->n)
		snprintf(who, sizeof(who), "%s: ", owners_str(w, procs, sizeof(procs)));
	else if (!lead[0] && strcmp(a->id, "generic") != 0)
		snprintf(who, sizeof(who), "%s: ", a->program);
	else
		who[0] = '\0';
	used = (size_t)snprintf(f->app_fix, len, "%s%s%s (in %s)", lead, who, t->fix, t->where);
	if (effect[0] && used < len)
		used += (size_t)snprintf(f->app_fix + used, len - used, "; %s", effect);
	if (a->note && used < len)
		used += (size_t)snprintf(f->app_fix + used, len - used, "; note: %s", a->note);
	if (tail && used < len)
		snprintf(f->app_fix + used, len - used, "; %s", tail);
}

static const struct advice *advice_of(const struct owners *w)
{
	return advice_match(w->n ? w->v[0].comm : NULL, w->n ? w->v[0].exe : NULL);
}

static bool same_key(const struct dest *d, const struct port_entry *e)
{
	return d->rport == e->port && d->remote.family == e->local.family &&
	       memcmp(d->remote.bytes, e->local.bytes, 16) == 0;
}

/* A local client of e with a name: the destination towards e's address
 * and port whose live sockets have owners. */
static bool local_client(const struct sock_snapshot *s, const struct port_entry *e,
			 struct owners *w)
{
	for (const struct dest *d = sockets_dests(s, NULL); d; d = sockets_dests(s, d)) {
		if (!same_key(d, e))
			continue;
		owners_dest(s, d, w);
		if (w->n)
			return true;
	}
	return false;
}

static void key_str(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	endpoint_str(a->family, a->bytes, port, buf, len);
}

void check_server_closes_first(const struct settings *s, const struct observation *o,
			       const double *thr, struct finding *f)
{
	long long max = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	const struct port_entry *e = NULL;
	struct owners w, client;
	char key[64], procs[300];
	double rate, share;

	if (!o->socks) {
		risk_title(f, "server-side TIME_WAIT not measured");
		return;
	}
	risk_ev_num(f, "server_side_time_wait", (double)o->socks->tw_server);
	if (!sockets_top_servers(o->socks, &e, 1)) {
		risk_title(f, "no local service closes first");
		return;
	}
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
	if (e->time_wait >= thr[THR_SERVER_TW_INFO])
		f->sev = SEV_INFO;
	if (max > 0 && e->time_wait >= thr[THR_TW_BUCKETS_WARN] * (double)max)
		f->sev = SEV_WARN;
	risk_title(f, "local %s closes first: %u TIME_WAIT (%.0f%%), about %.0f closes/s%s%s", key,
		   e->time_wait, share * 100, rate, w.n ? ", " : "", w.n ? w.v[0].comm : "");
	if (f->sev == SEV_OK)
		return;
	/* Both ends local: the client program is the place to fix. */
	if (e->from_local && local_client(o->socks, e, &client)) {
		app_fix(f, &client, advice_of(&client), ADVICE_CLIENT, rate, key,
			"its clients are on this host: fix the client, ", no_sysctl);
	} else if (e->from_local) {
		const struct advice *a = advice_of(&w);

		snprintf(procs, sizeof(procs), "its clients are on this host (none connected now to "
			 "name them): fix the client that connects to %s; if it is %s too: ", key,
			 a->program);
		app_fix(f, NULL, a, ADVICE_CLIENT, rate, key, procs, no_sysctl);
	} else {
		app_fix(f, w.asked ? &w : NULL, advice_of(&w), ADVICE_SERVER, rate, key, "",
			no_sysctl);
	}
}

void risk_dest_application(const struct observation *o, const struct dest *d, double rate,
			   struct finding *f)
{
	char key[64], procs[200];
	struct owners w;

	owners_dest(o->socks, d, &w);
	if (w.asked && w.n)
		risk_ev_text(f, "process", "%s%s", owners_str(&w, procs, sizeof(procs)),
			     w.live > w.sampled ? " (from a sample of its live sockets)" : "");
	else if (w.asked)
		risk_ev_text(f, "process", "none found: no live socket towards it%s",
			     w.unresolved ? " whose owner could be read" : " now");
	key_str(&d->remote, d->rport, key, sizeof(key));
	if (rate > 0)
		app_fix(f, w.asked ? &w : NULL, advice_of(&w), ADVICE_CLIENT, rate, key, "", NULL);
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
}
