// SPDX-License-Identifier: GPL-2.0-or-later
/* watch.c: the sampled model behind `twtune watch` (see watch.h) */
#include "watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "audit.h"
#include "close_rate.h"
#include "netns.h"
#include "watch_observe.h"

struct dkey {
	struct addr local, remote;
	uint16_t rport;
};

struct pentry {
	struct dkey k;
	uint32_t tw;
};

struct watch_prev {
	struct pentry *e; /* sorted by key */
	size_t n;
	double at;
};

const char *watch_sort_name(enum watch_sort s)
{
	static const char *const names[WATCH_SORT_COUNT] = { "used", "TIME_WAIT", "rate" };

	return (unsigned)s < WATCH_SORT_COUNT ? names[s] : "?";
}

double watch_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void dkey_of(struct dkey *k, const struct dest *d)
{
	memset(k, 0, sizeof(*k)); /* no padding left undefined for memcmp */
	k->local = d->local;
	k->remote = d->remote;
	k->rport = d->rport;
}

static int dkey_cmp(const struct dkey *a, const struct dkey *b)
{
	return memcmp(a, b, sizeof(*a));
}

static int pentry_cmp(const void *a, const void *b)
{
	return dkey_cmp(&((const struct pentry *)a)->k, &((const struct pentry *)b)->k);
}

long long watch_tw_at(const struct watch *w, size_t i)
{
	return w->tw[(w->head + i) % WATCH_HISTORY];
}

double watch_rate_at(const struct watch *w, size_t i)
{
	return w->rate[(w->head + i) % WATCH_HISTORY];
}

static void ring_push(struct watch *w, long long tw, double rate)
{
	size_t at = (w->head + w->nhist) % WATCH_HISTORY;

	w->tw[at] = tw;
	w->rate[at] = rate;
	if (w->nhist < WATCH_HISTORY)
		w->nhist++;
	else
		w->head = (w->head + 1) % WATCH_HISTORY;
}

/* The previous dump's TIME_WAIT of key k, or -1 when it had no such key. */
static long long prev_tw(const struct watch_prev *p, const struct dkey *k)
{
	size_t lo = 0, hi = p ? p->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = dkey_cmp(k, &p->e[mid].k);

		if (c == 0)
			return p->e[mid].tw;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void prev_free(struct watch_prev *p)
{
	if (p)
		free(p->e);
	free(p);
}

/* The keys and TIME_WAIT of the current rows, for the next dump's rates.
 * NULL when out of memory (the next rates are then 0). */
static struct watch_prev *prev_save(const struct watch *w)
{
	struct watch_prev *p = calloc(1, sizeof(*p));
	size_t n = w->nrows;

	if (!p)
		return NULL;
	p->e = calloc(n ? n : 1, sizeof(*p->e));
	if (!p->e) {
		prev_free(p);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		dkey_of(&p->e[i].k, w->rows[i].d);
		p->e[i].tw = w->rows[i].d->time_wait;
	}
	qsort(p->e, n, sizeof(*p->e), pentry_cmp);
	p->n = n;
	p->at = w->snap_at;
	return p;
}

static int row_key_cmp(const struct watch_row *a, const struct watch_row *b)
{
	struct dkey ka, kb;

	dkey_of(&ka, a->d);
	dkey_of(&kb, b->d);
	return dkey_cmp(&ka, &kb);
}

#define DESC(x, y) ((x) < (y) ? 1 : (x) > (y) ? -1 : 0)

static int by_used(const void *va, const void *vb)
{
	const struct watch_row *a = va, *b = vb;
	int c = DESC(a->d->used, b->d->used);

	return c ? c : row_key_cmp(a, b);
}

static int by_tw(const void *va, const void *vb)
{
	const struct watch_row *a = va, *b = vb;
	int c = DESC(a->d->time_wait, b->d->time_wait);

	return c ? c : by_used(va, vb);
}

static int by_rate(const void *va, const void *vb)
{
	const struct watch_row *a = va, *b = vb;
	int c = DESC(a->rate, b->rate);

	return c ? c : by_used(va, vb);
}

void watch_set_sort(struct watch *w, enum watch_sort s)
{
	static int (*const cmp[WATCH_SORT_COUNT])(const void *, const void *) = {
		by_used, by_tw, by_rate
	};

	w->sort = (unsigned)s < WATCH_SORT_COUNT ? s : WATCH_SORT_USED;
	if (w->nrows)
		qsort(w->rows, w->nrows, sizeof(*w->rows), cmp[w->sort]);
}

/* Rows for every destination of w->socks, with rates against prev. */
static int rows_build(struct watch *w, const struct watch_prev *prev)
{
	struct watch_row *rows = calloc(w->socks.ndests ? w->socks.ndests : 1, sizeof(*rows));
	double dt = prev ? w->snap_at - prev->at : 0;
	size_t n = 0;

	if (!rows)
		return -ENOMEM;
	for (const struct dest *d = sockets_dests(&w->socks, NULL); d && n < w->socks.ndests;
	     d = sockets_dests(&w->socks, d)) {
		struct dkey k;
		long long before;

		dkey_of(&k, d);
		before = prev_tw(prev, &k);
		rows[n].d = d;
		/* a destination the last dump lacked made all its TIME_WAIT since */
		rows[n].rate = prev && dt > 0 ? ((double)d->time_wait - (double)(before > 0 ? before : 0)) / dt : 0;
		n++;
	}
	free(w->rows);
	w->rows = rows;
	w->nrows = n;
	watch_set_sort(w, w->sort);
	return 0;
}

static bool counters_moved(const struct sock_counters *a, const struct sock_counters *b)
{
	return a->sockstat_inuse != b->sockstat_inuse || a->sockstat6_inuse != b->sockstat6_inuse ||
	       a->sockstat_tw != b->sockstat_tw || a->tw != b->tw || a->curr_estab != b->curr_estab;
}

/* A dump is due when the counters c moved since the last one or
 * WATCH_DUMP_EVERY frames went by, and the last dump's CPU time fits the
 * budget since. */
/* What the next dump is expected to cost: the last one's CPU time, or
 * before the first, by the sockets the counters show. */
static double dump_cost(const struct watch *w, const struct sock_counters *c)
{
	long long n = (c->sockstat_tw > 0 ? c->sockstat_tw : 0) +
		      (c->sockstat_inuse > 0 ? c->sockstat_inuse : 0) +
		      (c->sockstat6_inuse > 0 ? c->sockstat6_inuse : 0);

	return w->ndumps ? w->dump_cpu : WATCH_DUMP_FIXED + (double)n * WATCH_DUMP_PER_SOCKET;
}

/* The shared budget covers the expected cost (and holds enough for it). */
static bool budget_allows(const struct watch *w, const struct sock_counters *c)
{
	double cost = dump_cost(w, c);

	if (cost > w->budget->cap)
		w->budget->cap = cost;
	return w->budget->balance >= cost;
}

static bool dump_due(const struct watch *w, const struct sock_counters *c, double now)
{
	if (w->budget ? !budget_allows(w, c) : now - w->dump_at < w->dump_cpu / WATCH_DUMP_BUDGET)
		return false;
	if (!w->have_socks)
		return true;
	return counters_moved(c, &w->dumped) || w->frames_since_dump + 1 >= WATCH_DUMP_EVERY;
}

void watch_budget_fill(struct watch_budget *b, double now)
{
	if (b->cap < WATCH_BUDGET_CAP)
		b->cap = WATCH_BUDGET_CAP;
	if (now > b->at)
		b->balance += (now - b->at) * WATCH_DUMP_BUDGET;
	if (b->balance > b->cap)
		b->balance = b->cap;
	b->at = now;
}

/* The server ports of the last dump that was shown, as keys and counts. */
struct server_prev {
	struct dkey k[WATCH_SERVERS];
	uint32_t tw[WATCH_SERVERS];
	size_t n;
};

static void skey_of(struct dkey *k, const struct port_entry *e)
{
	memset(k, 0, sizeof(*k));
	k->local = e->local;
	k->rport = e->port;
}

static void servers_save(const struct watch *w, struct server_prev *p)
{
	p->n = w->have_socks ? w->nservers : 0;
	for (size_t i = 0; i < p->n; i++) {
		skey_of(&p->k[i], w->servers[i].e);
		p->tw[i] = w->servers[i].e->time_wait;
	}
}

/* The busiest server ports of w->socks, with rates against p (a port
 * not among the last ones shown made all its TIME_WAIT since). */
static void servers_build(struct watch *w, const struct server_prev *p, double dt)
{
	const struct port_entry *top[WATCH_SERVERS];

	w->nservers = sockets_top_servers(&w->socks, top, WATCH_SERVERS);
	for (size_t i = 0; i < w->nservers; i++) {
		struct dkey k;
		double before = 0;

		skey_of(&k, top[i]);
		for (size_t j = 0; j < p->n; j++)
			if (dkey_cmp(&k, &p->k[j]) == 0)
				before = p->tw[j];
		w->servers[i].e = top[i];
		w->servers[i].rate = dt > 0 ? ((double)top[i]->time_wait - before) / dt : 0;
	}
}

/* snap becomes the latest dump; the rates are against the one before. */
static int take_snapshot(struct watch *w, struct sock_snapshot *snap, double now)
{
	struct watch_prev *prev = w->have_socks ? prev_save(w) : NULL;
	double dt = w->have_socks ? now - w->snap_at : 0;
	struct server_prev sp;
	int r;

	servers_save(w, &sp);
	if (w->have_socks)
		sockets_free(&w->socks);
	w->socks = *snap;
	memset(snap, 0, sizeof(*snap));
	w->have_socks = true;
	w->snap_at = now;
	servers_build(w, &sp, dt);
	r = rows_build(w, prev);
	prev_free(prev);
	return r;
}

static void assess(struct watch *w, double interval, long long overflow_delta)
{
	w->obs = (struct observation){
		.socks = w->have_socks ? &w->socks : NULL,
		.max_tw_observed = settings_num(&w->cur, SYSCTL_TCP_MAX_TW_BUCKETS, -1),
		.observed = w->observed_win,
		.observed_under = w->observed_win ? &w->cur : NULL,
		.observed_netns = w->observed_win ? netns_self_inode() : 0,
	};
	close_rate_set(&w->obs, w->close_rate, interval, overflow_delta, w->tw_now);
	risk_assess(&w->cur, &w->obs, w->thresholds, &w->now);
}

int watch_step(struct watch *w, const struct sock_counters *c, struct sock_snapshot *snap,
	       double now)
{
	long long overflow = -1;
	double interval = 0;
	int r = 0;

	w->close_rate = -1;
	if (w->have_counters &&
	    close_rate_between(&w->counters, c, now - w->counters_at, &w->close_rate, &overflow))
		interval = now - w->counters_at;
	w->counters = *c;
	w->counters_at = now;
	w->have_counters = true;
	w->frames_since_dump++;
	if (snap) {
		w->dumped = *c;
		w->frames_since_dump = 0;
		r = take_snapshot(w, snap, now);
	}
	w->tw_now = close_rate_tw(c, w->have_socks ? &w->socks : NULL);
	ring_push(w, w->tw_now, w->close_rate);
	if (w->have_settings)
		assess(w, interval, overflow);
	return r;
}

/* The sysctls again, then the sockets into snap. The last good
 * snapshot stays when the dump fails (sock_err says why). */
static int dump(struct watch *w, const struct sock_counters *c, struct sock_snapshot *snap,
		double now)
{
	struct collect_opts co = w->collect;
	struct collect_result res;
	struct ephemeral eph;
	struct settings s;
	char err[300];
	double c0;
	int r;

	if (settings_read(&s, w->sysctl_root, err, sizeof(err)) == 0) {
		if (w->have_settings)
			settings_free(&w->cur);
		w->cur = s;
		w->have_settings = true;
	}
	eph = settings_ephemeral(&w->cur);
	/* idle by its counters: only the listeners, which spares the kernel
	 * the walk of the established table all namespaces share */
	co.listeners_only = w->cheap_idle && w->have_settings &&
			    audit_listeners_only(&co, c, &w->cur, w->thresholds, w->close_rate);
	w->from_counters = co.listeners_only;
	c0 = cpu_clock();
	r = collect_sockets(snap, &eph, &co, &res);
	w->dump_cpu = cpu_clock() - c0;
	if (w->budget)
		w->budget->balance -= w->dump_cpu;
	w->dump_at = now;
	w->ndumps++;
	w->collected = res;
	w->sock_err = r;
	return r;
}

int watch_sample(struct watch *w, double now)
{
	struct sock_snapshot snap;
	struct sock_counters c;
	bool dumped = false;
	int r = collect_counters(&w->collect, &c);

	if (r < 0)
		return r;
	if (dump_due(w, &c, now))
		dumped = dump(w, &c, &snap, now) == 0;
	return watch_step(w, &c, dumped ? &snap : NULL, now);
}

int watch_init(struct watch *w)
{
	struct utsname u;
	char err[300];
	int r;

	snprintf(w->kernel, sizeof(w->kernel), "%s", uname(&u) == 0 ? u.release : "unknown");
	snprintf(w->host, sizeof(w->host), "%s", uname(&u) == 0 ? u.nodename : "unknown");
	netns_identity(w->netns_id, sizeof(w->netns_id));
	for (size_t i = 0; i < THR_COUNT_; i++)
		w->thresholds[i] = threshold_table[i].def;
	w->sort = WATCH_SORT_USED;
	w->tw_now = -1;
	w->close_rate = -1;
	r = settings_read(&w->cur, w->sysctl_root, err, sizeof(err));
	if (r < 0)
		return r;
	w->have_settings = true;
	return watch_sample(w, watch_clock());
}

void watch_free(struct watch *w)
{
	if (w->have_settings)
		settings_free(&w->cur);
	if (w->have_socks)
		sockets_free(&w->socks);
	free(w->rows);
	w->rows = NULL;
	w->nservers = 0;
	watch_observed_free(w);
	w->have_settings = w->have_socks = false;
}
