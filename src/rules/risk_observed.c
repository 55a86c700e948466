// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_observed.c: the rule on what audit --observe counted over eBPF
 * (connect-failures), and the measured TIME_WAIT rates other rules can use
 * instead of a count / 60 s. The model (twtune-kernel(7)): connect()
 * fails with EADDRNOTAVAIL when destination key K has no free port, and
 * bind(ip, 0) with EADDRINUSE when the source address has none; a range
 * with n more usable ports gives K n more; tcp_tw_reuse frees K's TIME_WAIT
 * ports only once they are tcp_tw_reuse_delay old. */
#include "risk_observed.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "observation.h"

static void effect(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void effect(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->effect, sizeof(f->effect), fmt, ap);
	va_end(ap);
}

static bool in_scope(const struct observation *o, const struct obs_row *r)
{
	return !o->observed_netns || r->netns == o->observed_netns;
}

static void row_addr(const struct obs_row *r, const uint8_t *bytes, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = r->family == AF_INET6 ? AF_INET6 : AF_INET;
	memcpy(a->bytes, bytes, a->family == AF_INET ? 4 : 16);
}

/* The row as a destination key, for reuse_applies(). */
static struct dest row_dest(const struct obs_row *r)
{
	struct dest d = { .rport = r->port, .time_wait = (uint32_t)r->time_wait };

	row_addr(r, r->local, &d.local);
	row_addr(r, r->remote, &d.remote);
	return d;
}

/* The window's rows towards d, summed: attempts, successes, TIME_WAIT
 * entered. False without --observe or when no row is d's. */
static bool dest_totals(const struct observation *o, const struct dest *d, uint64_t *attempts,
			uint64_t *successes, uint64_t *time_wait)
{
	const struct obs_window *w = o->observed;
	bool found = false;

	*attempts = *successes = *time_wait = 0;
	if (!w || w->window_seconds <= 0)
		return false;
	for (size_t i = 0; i < w->ndests; i++) {
		const struct obs_row *r = &w->dests[i];
		struct dest k = row_dest(r);

		if (in_scope(o, r) && k.rport == d->rport &&
		    !memcmp(&k.local, &d->local, sizeof(k.local)) &&
		    !memcmp(&k.remote, &d->remote, sizeof(k.remote))) {
			*attempts += r->attempts;
			*successes += r->successes;
			*time_wait += r->time_wait;
			found = true;
		}
	}
	return found;
}

double observed_dest_tw_rate(const struct observation *o, const struct dest *d)
{
	uint64_t a, ok, tw;

	if (!o->observed || o->observed->window_seconds <= 0)
		return -1;
	dest_totals(o, d, &a, &ok, &tw);
	return (double)tw / o->observed->window_seconds;
}

double observed_dest_close_share(const struct observation *o, const struct dest *d)
{
	uint64_t a, ok, tw;

	if (!dest_totals(o, d, &a, &ok, &tw) || !ok)
		return -1;
	return tw >= ok ? 1 : (double)tw / (double)ok;
}

double observed_dest_attempt_rate(const struct observation *o, const struct dest *d)
{
	uint64_t a, ok, tw;

	if (!dest_totals(o, d, &a, &ok, &tw))
		return -1;
	return (double)a / o->observed->window_seconds;
}

void observed_clients(const struct observation *o, const struct addr *local,
		      const struct addr *remote, uint16_t port, struct owners *w)
{
	const struct obs_window *win = o->observed;

	memset(w, 0, sizeof(*w));
	if (!win)
		return;
	w->asked = true;
	for (size_t i = 0; i < win->ndests; i++) {
		const struct obs_row *r = &win->dests[i];
		struct dest k = row_dest(r);

		if (!in_scope(o, r) || k.rport != port || memcmp(&k.remote, remote, sizeof(k.remote)) ||
		    (local && r->has_local && memcmp(&k.local, local, sizeof(k.local))))
			continue;
		for (size_t j = 0; j < r->nprocs; j++) {
			const struct obs_process *p = &r->procs[j];
			size_t at = w->n;

			if (!p->attempts)
				continue;
			for (size_t m = 0; m < w->n; m++)
				if (w->v[m].pid == (int)p->pid && !strcmp(w->v[m].comm, p->comm))
					at = m;
			if (at == w->n) {
				if (w->n == OWNERS_MAX) {
					w->more++;
					continue;
				}
				w->v[w->n++] = (struct owner){ .pid = (int)p->pid, .comm = p->comm,
							       .rt = p->rt.id != RT_UNKNOWN ? &p->rt : NULL };
			}
			w->v[at].established += p->attempts > 1000000 ? 1000000u : (unsigned)p->attempts;
		}
	}
	/* most attempts first */
	for (size_t i = 1; i < w->n; i++)
		for (size_t j = i; j > 0 && w->v[j - 1].established < w->v[j].established; j--) {
			struct owner t = w->v[j];

			w->v[j] = w->v[j - 1];
			w->v[j - 1] = t;
		}
}

struct drop_ctx {
	const struct sock_snapshot *s;
	uint32_t netns;
};

static bool server_row_kept(const struct obs_row *r, void *arg)
{
	const struct drop_ctx *c = arg;

	return r->netns != c->netns || sockets_listening(c->s, r->port) ||
	       r->port < c->s->eph.low || r->port > c->s->eph.high;
}

void observed_drop_client_ports(struct obs_window *w, const struct sock_snapshot *s,
				uint32_t netns)
{
	struct drop_ctx c = { s, netns };

	if (w && s)
		observation_keep_servers(w, server_row_kept, &c);
}

double observed_port_tw_rate(const struct observation *o, const struct addr *local, uint16_t port)
{
	const struct obs_window *w = o->observed;
	uint64_t n = 0;

	if (!w || w->window_seconds <= 0)
		return -1;
	for (size_t i = 0; i < w->nservers; i++) {
		const struct obs_row *r = &w->servers[i];
		struct addr a;

		row_addr(r, r->local, &a);
		if (in_scope(o, r) && r->port == port &&
		    (!local || !memcmp(&a, local, sizeof(a))))
			n += r->time_wait;
	}
	return (double)n / w->window_seconds;
}

/* "1,203" */
static const char *grouped(unsigned long long v, char *buf, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* "127.0.0.1:9000" or "[::1]:9000" (destinations), "127.0.0.1" (bind). */
static const char *where(const struct obs_row *r, bool dest, char *buf, size_t len)
{
	return dest ? endpoint_str(r->family, r->remote, r->port, buf, len)
		    : ip_str(r->family, r->local, buf, len);
}

/* "connclient[4242] 15, curl[17] 2" */
static const char *who(const struct obs_row *r, bool dest, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nprocs && i < 3 && o < len; i++) {
		const struct obs_process *p = &r->procs[i];
		char pid[16];

		o += (size_t)snprintf(buf + o, len - o, "%s%s[%s] %llu", i ? ", " : "", p->comm,
				      obs_pid_text(p, pid, sizeof(pid)),
				      (unsigned long long)(dest ? p->failures : p->events));
	}
	return r->nprocs ? buf : "no process seen";
}

/* The failure that needed the most ports: a destination's EADDRNOTAVAIL
 * or a source address's bind() EADDRINUSE. */
struct worst {
	const struct obs_row *row;
	bool dest;
	uint64_t need;
	size_t keys; /* destinations and addresses that ran out */
};

static void find_worst(const struct observation *o, struct worst *w, struct finding *f)
{
	const struct obs_window *ob = o->observed;
	uint64_t attempts = 0, notavail = 0, inuse = 0, other = 0, bind = 0;
	char a[64], p[160];

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < ob->ndests; i++) {
		const struct obs_row *r = &ob->dests[i];

		if (!in_scope(o, r))
			continue;
		attempts += r->attempts;
		notavail += r->eaddrnotavail;
		inuse += r->eaddrinuse;
		other += r->other;
		if (!r->eaddrnotavail)
			continue;
		if (w->keys++ < 2)
			risk_ev_text(f, "destination", "%s: %llu of %llu connect() failed with EADDRNOTAVAIL; %s",
				where(r, true, a, sizeof(a)), (unsigned long long)r->eaddrnotavail,
				(unsigned long long)r->attempts, who(r, true, p, sizeof(p)));
		if (r->eaddrnotavail > w->need)
			*w = (struct worst){ r, true, r->eaddrnotavail, w->keys };
	}
	for (size_t i = 0; i < ob->nbinds; i++) {
		const struct obs_row *r = &ob->binds[i];

		if (!in_scope(o, r) || !r->count)
			continue;
		bind += r->count;
		if (w->keys++ < 2)
			risk_ev_text(f, "bind_address", "%s: %llu bind() to port 0 failed with EADDRINUSE; %s",
				where(r, false, a, sizeof(a)), (unsigned long long)r->count,
				who(r, false, p, sizeof(p)));
		if (r->count > w->need)
			*w = (struct worst){ r, false, r->count, w->keys };
	}
	risk_ev_num(f, "window_seconds", ob->window_seconds);
	risk_ev_num(f, "EADDRNOTAVAIL", (double)notavail);
	risk_ev_num(f, "EADDRINUSE", (double)inuse);
	risk_ev_num(f, "other", (double)other);
	risk_ev_num(f, "bind_failures", (double)bind);
	if (!w->need && (inuse || other)) {
		f->sev = SEV_INFO;
		risk_title(f, "%llu connect() failed in %.1f s, none for want of a local port",
		      (unsigned long long)(inuse + other), ob->window_seconds);
	} else if (!w->need) {
		risk_title(f, "no connect() or bind() ran out of local ports in %.1f s (%llu attempts)",
		      ob->window_seconds, (unsigned long long)attempts);
	}
}

/* What s would have done to the worst failure, compared with the settings
 * it was observed under: the severity, and the sentence saying why. */
static enum severity predict(const struct settings *s, const struct observation *o,
			     const struct worst *w, struct finding *f)
{
	const struct settings *then = o->observed_under ? o->observed_under : s;
	struct ephemeral e0 = settings_ephemeral(then), e1 = settings_ephemeral(s);
	long long added = (long long)ephemeral_usable(&e1) - (long long)ephemeral_usable(&e0);
	struct dest d = row_dest(w->row);
	bool reuse = w->dest && w->row->time_wait && reuse_applies(s, &d) && !reuse_applies(then, &d);
	char key[80], need[32], add[32];

	if (w->dest)
		snprintf(key, sizeof(key), "towards %s", where(w->row, true, need, sizeof(need)));
	else
		snprintf(key, sizeof(key), "binding %s", where(w->row, false, need, sizeof(need)));
	grouped(w->need, need, sizeof(need));
	grouped(added > 0 ? (unsigned long long)added : 0, add, sizeof(add));
	if (added >= (long long)w->need) {
		effect(f, "the %s failures %s needed up to %s more ports; the proposed range adds %s: "
			  "they would have found one", need, key, need, add);
		return SEV_OK;
	}
	if (reuse) {
		effect(f, "the %s failures %s needed up to %s more ports; the proposed values add %s, "
			  "and let connect() reuse its %llu ports that entered TIME_WAIT once %lld ms "
			  "old: avoided only where the failures came that late", need, key, need,
		       added > 0 ? add : "none", (unsigned long long)w->row->time_wait,
		       settings_num(s, SYSCTL_TCP_TW_REUSE_DELAY, 1000));
		return SEV_WARN;
	}
	effect(f, "the %s failures %s needed up to %s more ports; the proposed values add %s: "
		  "they would recur", need, key, need, added > 0 ? add : "none");
	return SEV_CRIT;
}

void check_connect_failures(const struct settings *s, const struct observation *o,
			    const double *thr, struct finding *f)
{
	const struct settings *then = o->observed_under ? o->observed_under : s;
	struct ephemeral e = settings_ephemeral(s), e0 = settings_ephemeral(then);
	unsigned lo, hi, usable0 = ephemeral_usable(&e0);
	struct worst w;
	char a[64], n[32];

	if (!o->observed) {
		risk_title(f, "connect() not observed (audit --observe N counts its failures)");
		return;
	}
	find_worst(o, &w, f);
	if (!w.need)
		return;
	if (w.dest)
		risk_title(f, "%s connect() to %s failed with EADDRNOTAVAIL in %.1f s: no free local port "
			 "(%s)%s", grouped(w.need, n, sizeof(n)), where(w.row, true, a, sizeof(a)),
		      o->observed->window_seconds,
		      w.row->nprocs ? w.row->procs[0].comm : "no process seen",
		      w.keys > 1 ? ", and more" : "");
	else
		risk_title(f, "%s bind() to %s port 0 failed with EADDRINUSE in %.1f s: no free local port "
			 "(%s)%s", grouped(w.need, n, sizeof(n)), where(w.row, false, a, sizeof(a)),
		      o->observed->window_seconds,
		      w.row->nprocs ? w.row->procs[0].comm : "no process seen",
		      w.keys > 1 ? ", and more" : "");
	f->sev = predict(s, o, &w, f);
	if (f->sev < SEV_WARN)
		return;
	/* bind-before-connect: one pool per address whatever the range; the
	 * socket option is the fix, before any sysctl */
	if (!w.dest)
		snprintf(f->app_fix, sizeof(f->app_fix),
			 "set IP_BIND_ADDRESS_NO_PORT (Linux 4.2) on the sockets before bind(%s, 0): "
			 "connect() then picks the port, and each destination gets the whole range "
			 "instead of all of them sharing one pool of %u ports for the address (the "
			 "program's source or its proxy's option, e.g. Envoy's upstream bind config); "
			 "or drop the bind() if the source address is the default one",
			 where(w.row, false, a, sizeof(a)), ephemeral_usable(&e0));
	/* With port-exhaustion's fix (risk_assess adds it): a range in which
	 * the peak, every port the key had plus the failures, stays below
	 * the warning threshold. */
	risk_wider_range(s, (unsigned)fmin(65535, ceil((double)(usable0 + w.need) /
						       (thr[THR_PORT_PRESSURE_WARN] * 0.99))),
			 &lo, &hi);
	if (lo < e.low || hi > e.high) {
		f->fix[f->nfix].key = SYSCTL_IP_LOCAL_PORT_RANGE;
		snprintf(f->fix[f->nfix++].value, sizeof(f->fix[0].value), "%u %u", lo, hi);
	}
}

void risk_link_fixes(struct finding *f, const struct finding *from)
{
	if (from->sev < SEV_WARN)
		return;
	for (size_t i = 0; i < from->nfix && f->nfix < FIX_MAX; i++) {
		size_t k = 0;

		while (k < f->nfix && f->fix[k].key != from->fix[i].key)
			k++;
		if (k == f->nfix)
			f->fix[f->nfix++] = from->fix[i];
	}
	if (from->nfix)
		risk_ev_text(f, "fix", "with %s's fix", from->id);
}
