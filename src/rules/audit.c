// SPDX-License-Identifier: GPL-2.0-or-later
/* audit.c: gather what the rules judge and assess it */
#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "close_rate.h"
#include "collect.h"
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

/* Measured over interval seconds (> 0), or over the eBPF window, else
 * estimated from the TIME_WAIT count now. */
static void measure_close_rate(struct audit *a, const struct collect_opts *co, double interval)
{
	const struct sock_counters *c = &a->socks.counters;
	double rate = -1;
	long long overflow = -1;

	a->obs.overflow_delta = -1;
	if (interval <= 0 && observed_close_rate(&a->obs))
		return;
	if (a->have_socks && interval > 0 && c->tw >= 0) {
		struct sock_counters later;
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (collect_counters(co, &later) == 0)
			close_rate_between(c, &later, interval, &rate, &overflow);
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
	struct utsname u;
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
	measure_close_rate(a, &ctx->collect, interval);
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
	metrics(a, r);
	sockets_view_free(&a->view);
	if (a->have_socks) {
		err = sockets_view_build(&a->view, &a->socks, r->collected, top, a->obs.close_rate);
		if (err < 0)
			return err;
		r->socks = &a->view;
	}
	return 0;
}
