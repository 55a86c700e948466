// SPDX-License-Identifier: GPL-2.0-or-later
/* audit.c: gather what the rules judge and assess it */
#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capacity.h"
#include "close_rate.h"
#include "collect.h"
#include "endpoint.h"
#include "netns.h"
#include "suggest.h"
#include "sysctl.h"

int settings_read(struct settings *s, const char *sysctl_root, char *err, size_t errlen)
{
	struct sysctl_state st;
	char buf[32];
	const char *def;
	size_t have = 0;
	int firsterr = 0;

	memset(s, 0, sizeof(*s));
	sysctl_read_all(sysctl_root, &st);
	for (size_t i = 0; i < sysctl_count; i++) {
		s->have[i] = st.err[i] == 0;
		if (s->have[i]) {
			s->val[i] = st.val[i];
			memset(&st.val[i], 0, sizeof(st.val[i]));
			have++;
		} else if (st.err[i] != -ENOENT && !firsterr) {
			firsterr = st.err[i];
		}
	}
	sysctl_state_free(&st);
	if (!have) {
		snprintf(err, errlen, "cannot read %s/net/ipv4: %s", sysctl_root,
			 strerror(firsterr ? -firsterr : ENOENT));
		return firsterr ? firsterr : -ENOENT;
	}
	def = sysctl_default(sysctl_root, &sysctl_table[SYSCTL_TCP_MAX_TW_BUCKETS], buf, sizeof(buf));
	s->max_tw_default = -1;
	if (def)
		parse_ll(def, 0, 1LL << 40, &s->max_tw_default);
	return 0;
}

/* TIME_WAIT entered in the audited namespace during the eBPF window, both
 * sides: every close that made one, counted. */
static bool observed_close_rate(struct observation *o)
{
	const struct obs_window *w = o->observed;
	uint64_t n = 0;

	if (!w || w->window_seconds <= 0)
		return false;
	for (size_t i = 0; i < w->ndests + w->nservers; i++) {
		const struct obs_row *r = i < w->ndests ? &w->dests[i] : &w->servers[i - w->ndests];

		if (!o->observed_netns || r->netns == o->observed_netns)
			n += r->time_wait;
	}
	o->close_rate = (double)n / w->window_seconds;
	o->close_rate_measured = true;
	o->interval = w->window_seconds;
	return true;
}

static double mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double per_second(long long a, long long b, double dt)
{
	return a >= 0 && b >= a && dt > 0 ? (double)(b - a) / dt : -1;
}

double audit_clock(void)
{
	return mono_now();
}

int audit_window_open(const struct collect_opts *co, struct sock_counters *c0, double *start)
{
	*start = 0;
	if ((co->replay && *co->replay) || collect_counters(co, c0) < 0 || c0->tw < 0)
		return -ENODATA;
	*start = mono_now();
	return 0;
}

void audit_sleep(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	if (seconds > 0)
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
}

/* The window before the dump (interval > 0, the kernel's counters
 * readable, no replay), or the one ctx opened: the counters at its start,
 * then the rest of interval seconds of sleep; the dump that follows reads
 * them again and counts the TIME_WAIT younger than the window. *start is
 * when the first read was made (0: no window). */
static void open_window(const struct audit_ctx *ctx, double interval, struct sock_counters *c0,
			double *start, struct collect_opts *dump)
{
	*start = 0;
	if (ctx->window_start > 0) {
		*c0 = ctx->window_c0;
		*start = ctx->window_start;
	} else if (!(interval > 0) || audit_window_open(&ctx->collect, c0, start) < 0) {
		return;
	}
	audit_sleep(*start + interval - mono_now());
	/* a TIME_WAIT made during the window has at most this age at the dump */
	dump->young_ms = (uint32_t)((mono_now() - *start) * 1000 + 0.5);
}

/* Measured over the window (c0 read at start, the dump's counters at its
 * end), or over the eBPF window, else estimated from the TIME_WAIT count
 * now. */
static void measure_close_rate(struct audit *a, const struct sock_counters *c0, double start,
			       double interval)
{
	const struct sock_counters *c = &a->socks.counters;
	double rate = -1, dt;
	long long overflow = -1;

	a->obs.overflow_delta = -1;
	a->obs.open_rate = a->obs.recycled_rate = -1;
	if (observed_close_rate(&a->obs))
		return;
	if (a->have_socks && start > 0) {
		dt = mono_now() - start;
		if (close_rate_between(c0, c, dt, &rate, &overflow)) {
			a->obs.open_rate = per_second(c0->active_opens, c->active_opens, dt);
			a->obs.recycled_rate = per_second(c0->tw_recycled, c->tw_recycled, dt);
			a->obs.ages = a->socks.young_ms > 0 && a->socks.source == SOURCE_SOCK_DIAG;
			interval = dt;
		}
	}
	close_rate_set(&a->obs, rate, interval, overflow,
		       a->have_socks ? close_rate_tw(c, &a->socks) : -1);
}

static int make_target(struct audit *a, const char *sysctl_root, const struct profile *p)
{
	size_t nun = 0;
	int r;

	if (!p)
		return risk_suggest(&a->current, &a->obs, a->thresholds, &a->target) < 0 ? -ENOMEM : 0;
	r = settings_copy(&a->target, &a->current);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sysctl_count; i++) {
		struct sysval v;

		if (!p->sysctl[i].set)
			continue;
		if (!a->current.have[i]) {
			a->unsupported[nun++] = sysctl_table[i].name;
			continue;
		}
		r = sysctl_profile_target(p, i, sysctl_root, &v);
		if (r == -ENODATA)
			continue;
		if (r < 0)
			return r;
		sysval_free(&a->target.val[i]);
		a->target.val[i] = v;
	}
	return 0;
}

bool audit_counters_idle(const struct sock_counters *c, const struct settings *s,
			 const double *thr)
{
	struct ephemeral e = settings_ephemeral(s);
	unsigned usable = ephemeral_usable(&e);
	long long max = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	double bound;

	if (c->sockstat_tw < 0 || c->sockstat_inuse < 0 || c->sockstat6_inuse < 0 || max <= 0 ||
	    usable == 0)
		return false;
	/* every socket a destination or a state could count is one of these;
	 * what the TIME_WAIT buckets rule reads (the counters) is read anyway */
	bound = (double)(c->sockstat_tw + c->sockstat_inuse + c->sockstat6_inuse);
	return bound < thr[THR_PORT_PRESSURE_WARN] * usable &&
	       (double)c->sockstat_tw < thr[THR_TW_BUCKETS_WARN] * (double)max &&
	       /* the origin rules: no server port could hold server_tw_info
		* TIME_WAIT, no destination reach client_churn_info closes/s
		* by the estimate they take without a measured rate */
	       (double)c->sockstat_tw < thr[THR_SERVER_TW_INFO] &&
	       (double)c->sockstat_tw / TCP_TIMEWAIT_SECONDS < thr[THR_CLIENT_CHURN_INFO] &&
	       (double)(c->sockstat_inuse + c->sockstat6_inuse) < thr[THR_CLOSE_WAIT_WARN] &&
	       bound < (double)usable; /* check_narrow: no destination closes faster */
}

bool audit_listeners_only(const struct collect_opts *co, const struct sock_counters *c,
			  const struct settings *s, const double *thr, double close_rate)
{
	/* procfs and a replay read every socket whatever is asked; a
	 * recording keeps every socket */
	if (co->source == COLLECT_PROCFS || (co->replay && *co->replay) || co->record)
		return false;
	return audit_counters_idle(c, s, thr) && !(close_rate >= thr[THR_CLIENT_CHURN_INFO]);
}

/* The collection options: listeners only when the counters say the
 * namespace is idle (and the live kernel is asked). */
static void collect_plan(struct audit *a, const struct audit_ctx *ctx, struct collect_opts *co)
{
	struct sock_counters c;

	*co = ctx->collect;
	if (ctx->cheap_idle && collect_counters(co, &c) == 0 &&
	    audit_listeners_only(co, &c, &a->current, a->thresholds, -1)) {
		co->listeners_only = true;
		a->from_counters = true;
	}
}

int audit_run(struct audit *a, const struct audit_ctx *ctx, const struct profile *p,
	      double interval, char *err, size_t errlen)
{
	struct ephemeral eph;
	struct collect_opts co;
	struct sock_counters c0;
	struct utsname u;
	double start = 0;
	int r;

	memset(a, 0, sizeof(*a));
	a->netns = ctx->netns;
	r = settings_read(&a->current, ctx->sysctl_root, err, errlen);
	if (r < 0)
		return r;
	snprintf(a->kernel, sizeof(a->kernel), "%s", uname(&u) == 0 ? u.release : "unknown");
	netns_identity(a->netns_id, sizeof(a->netns_id));
	for (size_t i = 0; i < THR_COUNT_; i++)
		a->thresholds[i] = p ? p->thresholds[i] : threshold_table[i].def;
	eph = settings_ephemeral(&a->current);
	collect_plan(a, ctx, &co);
	if (!ctx->observed)
		open_window(ctx, interval, &c0, &start, &co);
	a->sock_err = collect_sockets(&a->socks, &eph, &co, &a->collected);
	a->have_socks = a->sock_err == 0;
	a->obs.socks = a->have_socks ? &a->socks : NULL;
	a->obs.max_tw_observed = a->current.have[SYSCTL_TCP_MAX_TW_BUCKETS]
					 ? a->current.val[SYSCTL_TCP_MAX_TW_BUCKETS].num
					 : -1;
	if (ctx->observed) {
		a->obs.observed = ctx->observed;
		a->obs.observed_under = &a->current;
		a->obs.observed_netns = netns_self_inode();
	}
	measure_close_rate(a, &c0, start, interval);
	r = make_target(a, ctx->sysctl_root, p);
	if (r < 0) {
		snprintf(err, errlen, "cannot build the target values: %s", strerror(-r));
		return r;
	}
	risk_assess(&a->current, &a->obs, a->thresholds, &a->before);
	risk_assess(&a->target, &a->obs, a->thresholds, &a->after);
	if (ctx->conntrack) {
		struct ct_opts o = { .sysctl_root = ctx->sysctl_root,
				     .proc_net = ctx->collect.proc_net,
				     .replay = ctx->ct_replay };

		conntrack_init(&a->ct);
		r = conntrack_collect(&a->ct, &o);
		if (r == -ENOMEM) {
			conntrack_free(&a->ct);
			snprintf(err, errlen, "cannot read conntrack: %s", strerror(ENOMEM));
			return r;
		}
		a->ct_read = true;
		nat_view_build(&a->nat, &a->ct, r);
	}
	return 0;
}

void audit_free(struct audit *a)
{
	settings_free(&a->current);
	settings_free(&a->target);
	sockets_view_free(&a->view);
	free(a->pools);
	a->pools = NULL;
	if (a->ct_read)
		conntrack_free(&a->ct);
	if (a->have_socks)
		sockets_free(&a->socks);
}

/* Before's findings crit first, in rule order within a severity; the
 * count at each severity and the top finding. */
static void order_findings(struct report *r)
{
	const struct assessment *b = r->before;
	size_t n = 0;

	for (int sev = SEV_CRIT; sev >= SEV_OK; sev--)
		for (size_t i = 0; i < b->n; i++)
			if ((int)b->f[i].sev == sev)
				r->by_severity[n++] = &b->f[i];
	for (size_t i = 0; i < b->n; i++)
		if (!r->top_finding && b->risk > SEV_OK && b->f[i].sev == b->risk)
			r->top_finding = &b->f[i];
}

static void metrics(const struct audit *a, struct report *r)
{
	struct report_metrics *m = &r->metrics;
	const struct sock_snapshot *s = a->have_socks ? &a->socks : NULL;

	m->risk = a->before.risk;
	m->nrules = a->before.n;
	for (size_t i = 0; i < a->before.n; i++) {
		m->rule[i] = a->before.f[i].id;
		m->sev[i] = a->before.f[i].sev;
		m->count[a->before.f[i].sev]++;
	}
	m->usable = r->usable;
	m->close_rate = a->obs.close_rate;
	m->close_rate_measured = a->obs.close_rate_measured;
	m->judged_from_counters = r->collected && s && a->from_counters;
	m->max_tw_buckets = settings_num(&a->current, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	if (!s)
		return;
	m->have_socks = true;
	m->worst_pressure = r->worst_pressure;
	m->ndests = s->ndests;
	memcpy(m->states, s->states, sizeof(m->states));
	m->counters = s->counters;
	m->tw_server = s->tw_server;
	m->tw_client = s->tw_client;
	m->tw_other = s->tw_other;
}

/* The fullest pools of the view, for the metrics. */
static void pools(struct report *r)
{
	struct report_metrics *m = &r->metrics;

	if (m->judged_from_counters)
		return;
	for (size_t i = 0; i < r->socks->ndests && m->npools < REPORT_POOLS_MAX; i++) {
		const struct dest *d = r->socks->dests[i].d;
		struct pool_metrics *p = &m->pools[m->npools++];
		int fam = d->remote.family;

		ip_str(fam, d->local.bytes, p->local, sizeof(p->local));
		endpoint_str(fam, d->remote.bytes, d->rport, p->remote, sizeof(p->remote));
		p->used = d->used;
		p->time_wait = d->time_wait;
		p->capacity = p->demand = -1;
		p->knee = p->failure_share = 0;
		/* the report's pools are the view's destinations, in its order */
		if (i < r->npools) {
			const struct pool_view *v = &r->pools[i];
			bool measured = v->demand.source != DEMAND_ESTIMATE &&
					v->demand.source != DEMAND_NONE;

			p->capacity = v->now.tw_capped ? -1 : v->now.sustain;
			p->knee = v->now.knee;
			p->demand = measured ? v->demand.rate : -1;
			p->failure_share = v->demand.fail_share;
		}
	}
}

/* The listed destinations' pools, now and with the target values. */
static int build_pools(struct audit *a, struct report *r)
{
	const struct sockets_view *v = &a->view;

	if (!v->ndests)
		return 0;
	a->pools = calloc(v->ndests, sizeof(*a->pools));
	if (!a->pools)
		return -ENOMEM;
	for (size_t i = 0; i < v->ndests; i++) {
		struct pool_view *p = &a->pools[i];

		p->d = v->dests[i].d;
		capacity_dest(&a->current, &a->socks, p->d, &p->now);
		capacity_dest(&a->target, &a->socks, p->d, &p->after);
		capacity_demand(&a->obs, p->d, &p->now, &p->demand);
		capacity_demand(&a->obs, p->d, &p->after, &p->demand_after);
		capacity_source_text(&a->obs, &p->demand, p->source, sizeof(p->source));
	}
	r->pools = a->pools;
	r->npools = v->ndests;
	return 0;
}

/* Where the namespace's close rate comes from. */
static void rate_source(const struct observation *o, char *buf, size_t len)
{
	if (o->observed && o->observed->window_seconds > 0)
		snprintf(buf, len, "observed: TIME_WAIT entered over eBPF in %.1f s", o->interval);
	else if (o->close_rate_measured)
		snprintf(buf, len, "measured over %.1f s: TcpExt TW + TCPTimeWaitOverflow", o->interval);
	else
		snprintf(buf, len, "estimated from TIME_WAIT / 60 s, a lower bound: --interval 0");
}

/* The listening ports inside t's range, not reserved there, that c's
 * range does not cover (or reserves). */
static void covered_listeners(const struct settings *c, const struct settings *t,
			      const struct sock_snapshot *s, char *buf, size_t len)
{
	struct ephemeral ec = settings_ephemeral(c), et = settings_ephemeral(t);
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nlsocks; i++) {
		unsigned p = s->lsocks[i].port;

		if ((i && s->lsocks[i - 1].port == p) || p < et.low || p > et.high ||
		    ephemeral_reserved(&et, p) ||
		    (p >= ec.low && p <= ec.high && !ephemeral_reserved(&ec, p)))
			continue;
		if (used + 8 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%u", used ? "," : "", p);
	}
}

int audit_report(struct audit *a, const char *profile, size_t top, struct report *r)
{
	const struct settings *c = &a->current, *t = &a->target;
	int err;

	memset(r, 0, sizeof(*r));
	r->kernel = a->kernel;
	r->netns = a->netns ? a->netns : "current";
	r->netns_id = a->netns_id;
	r->current = &a->current;
	r->target = &a->target;
	r->obs = &a->obs;
	r->observed = a->obs.observed;
	r->collected = a->have_socks ? &a->collected : NULL;
	r->before = &a->before;
	r->after = &a->after;
	r->profile = profile;
	r->unsupported = a->unsupported;
	r->top = top;
	r->from_counters = a->from_counters;
	r->nat = a->ct_read ? &a->nat : NULL;

	r->eph = settings_ephemeral(c);
	r->usable = ephemeral_usable(&r->eph); /* walks the range: once */
	if (a->have_socks && r->usable)
		r->worst = worst_dest(c, &a->socks, r->usable, &r->worst_pressure);
	for (size_t i = 0; i < sysctl_count; i++) {
		r->differs[i] = t->have[i] && (!c->have[i] || !sysval_equal(&c->val[i], &t->val[i]));
		r->ndiff += r->differs[i];
	}
	r->nk8s = k8s_changes(c, t, r->k8s, r->k8s_names);
	order_findings(r);
	sockets_view_free(&a->view);
	free(a->pools);
	a->pools = NULL;
	if (a->have_socks) {
		err = sockets_view_build(&a->view, &a->socks, r->collected, top, a->obs.close_rate);
		if (err < 0)
			return err;
		r->socks = &a->view;
		err = build_pools(a, r);
		if (err < 0)
			return err;
	}
	capacity_dest(c, a->have_socks ? &a->socks : NULL, NULL, &r->cap_now);
	capacity_dest(t, a->have_socks ? &a->socks : NULL, NULL, &r->cap_after);
	rate_source(&a->obs, r->rate_source, sizeof(r->rate_source));
	if (a->have_socks)
		covered_listeners(c, t, &a->socks, r->covered, sizeof(r->covered));
	metrics(a, r);
	if (a->have_socks)
		pools(r); /* after metrics(): it reads judged_from_counters */
	return 0;
}
