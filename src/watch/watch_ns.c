// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_ns.c: every network namespace of the host, sampled for the
 * summary of `twtune --all-netns watch` (see watch_ns.h) */
#include "watch_ns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nsenter.h"
#include "observation.h"
#include "watch_observe.h"

const char *watch_ns_status_name(enum watch_ns_status s)
{
	static const char *const names[] = { "read", "gone", "denied", "failed" };

	return (unsigned)s <= WNS_FAILED ? names[s] : "?";
}

const char *watch_ns_sort_name(enum watch_ns_sort s)
{
	static const char *const names[WNS_SORT_COUNT] = { "risk", "TIME_WAIT", "rate", "name" };

	return (unsigned)s < WNS_SORT_COUNT ? names[s] : "?";
}

static void row_free(struct watch_nsrow *row)
{
	if (row && row->started)
		watch_free(&row->w);
	free(row);
}

/* What the scan says of the namespace, again at every scan. */
static void row_describe(struct watch_nsrow *row, const struct netns_info *ns, size_t idx)
{
	size_t len = 0;

	row->inode = ns->inode;
	row->dev = ns->dev;
	row->host = ns->host;
	row->scan_idx = idx;
	row->process_count = ns->process_count;
	snprintf(row->label, sizeof(row->label), "%s", ns->label);
	row->procs[0] = '\0';
	for (unsigned i = 0; i < ns->nprocs && len < sizeof(row->procs); i++)
		len += (size_t)snprintf(row->procs + len, sizeof(row->procs) - len, "%s%s %d",
					i ? ", " : "", ns->procs[i].comm, ns->procs[i].pid);
}

/* The row of the namespace (dev, inode) among old[0..n), or NULL. */
static struct watch_nsrow *row_find(struct watch_nsrow **old, size_t n, const struct netns_info *ns)
{
	for (size_t i = 0; i < n; i++)
		if (old[i]->inode == ns->inode && old[i]->dev == ns->dev)
			return old[i];
	return NULL;
}

/* rows[i]: the old row of s->ns[i], or a new one. -ENOMEM with the new
 * ones freed and the old left alone. */
static int rows_match(const struct watch_all *a, const struct nsscan *s, struct watch_nsrow **rows)
{
	for (size_t i = 0; i < s->n; i++) {
		rows[i] = row_find(a->rows, a->n, &s->ns[i]);
		if (!rows[i] && !(rows[i] = calloc(1, sizeof(**rows)))) {
			while (i-- > 0)
				if (!row_find(a->rows, a->n, &s->ns[i]))
					free(rows[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The namespaces again; rows follow their namespace, those not found
 * are dropped. 0, or -errno with the rows and the scan as they were. */
static int rescan(struct watch_all *a, double now)
{
	struct watch_nsrow *sel = a->n ? a->order[a->sel] : NULL, **rows, **order;
	struct nsscan s;
	int r = nsscan_run(&s, a->proc_root, a->dirs);

	a->scan_at = now;
	rows = r == 0 ? calloc(s.n ? s.n : 1, sizeof(*rows)) : NULL;
	order = rows ? calloc(s.n ? s.n : 1, sizeof(*order)) : NULL;
	if (!order || rows_match(a, &s, rows) < 0) {
		free(order);
		free(rows);
		nsscan_free(&s);
		return a->scan_err = r < 0 ? r : -ENOMEM;
	}
	for (size_t i = 0; i < a->n; i++) {
		bool kept = false;

		for (size_t j = 0; j < s.n && !kept; j++)
			kept = rows[j] == a->rows[i];
		if (!kept)
			row_free(a->rows[i]);
	}
	for (size_t i = 0; i < s.n; i++) {
		row_describe(rows[i], &s.ns[i], i);
		order[i] = rows[i];
	}
	free(a->rows);
	free(a->order);
	if (a->have_scan)
		nsscan_free(&a->scan);
	a->scan = s;
	a->have_scan = true;
	a->scan_err = 0;
	a->rows = rows;
	a->order = order;
	a->n = s.n;
	a->sel = 0;
	for (size_t i = 0; sel && i < a->n; i++)
		if (a->order[i] == sel)
			a->sel = i;
	return 0;
}

/* The model of a namespace just entered: counters, sysctls, and a dump
 * within the shared budget. */
static int row_start(struct watch_all *a, struct watch_nsrow *row)
{
	int r;

	memset(&row->w, 0, sizeof(row->w));
	row->w.collect = a->collect;
	row->w.collect.processes = false;
	row->w.sysctl_root = a->sysctl_root;
	row->w.netns = row->label;
	row->w.budget = a->unbudgeted ? NULL : &a->budget;
	row->w.cheap_idle = true;
	r = watch_init(&row->w);
	if (r < 0)
		watch_free(&row->w);
	row->started = r == 0;
	return r;
}

/* The fullest destination's share of the usable ports; judged from the
 * counters, the most it can be (every socket towards one destination). */
static double row_pool(const struct watch_nsrow *row)
{
	unsigned usable = row->w.have_socks ? ephemeral_usable(&row->w.socks.eph) : 0;
	const struct sock_counters *c = &row->w.counters;
	double worst = 0;

	if (usable && row->w.from_counters)
		return (double)(c->sockstat_tw + c->sockstat_inuse + c->sockstat6_inuse) / usable;

	for (size_t i = 0; usable && i < row->w.nrows; i++) {
		double p = (double)row->w.rows[i].d->used / usable;

		worst = p > worst ? p : worst;
	}
	return worst;
}

/* Into the namespace, a frame of its model, and back. 0, or -errno when
 * the thread cannot come back. */
static int sample_row(struct watch_all *a, struct watch_nsrow *row, double now)
{
	const struct netns_info *ns = &a->scan.ns[row->scan_idx];
	int r = nsenter_enter(&a->scan, ns, row->why, sizeof(row->why));

	if (r < 0) {
		row->status = r == -ENOENT ? WNS_GONE : WNS_DENIED;
		return 0;
	}
	r = row->started ? watch_sample(&row->w, now) : row_start(a, row);
	row->status = r < 0 ? WNS_FAILED : WNS_READ;
	if (r < 0)
		snprintf(row->why, sizeof(row->why), "cannot read its %s: %s",
			 row->started ? "counters" : "sysctls or counters", strerror(-r));
	row->pool = row_pool(row);
	r = nsenter_return(a->home);
	a->lost_home = r < 0;
	return r;
}

static void totals(struct watch_all *a)
{
	a->tw_total = a->rate_total = -1;
	a->worst = SEV_OK;
	a->nread = a->ngone = a->ndenied = a->nfailed = 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct watch_nsrow *row = a->rows[i];

		a->nread += row->status == WNS_READ;
		a->ngone += row->status == WNS_GONE;
		a->ndenied += row->status == WNS_DENIED;
		a->nfailed += row->status == WNS_FAILED;
		if (row->status != WNS_READ)
			continue;
		if (row->w.tw_now >= 0)
			a->tw_total = (a->tw_total < 0 ? 0 : a->tw_total) + row->w.tw_now;
		if (row->w.close_rate >= 0)
			a->rate_total = (a->rate_total < 0 ? 0 : a->rate_total) + row->w.close_rate;
		if (row->w.have_settings && row->w.now.risk > a->worst)
			a->worst = row->w.now.risk;
	}
}

int watch_all_observed(struct watch_all *a, const struct obs_window *win)
{
	int err = 0;

	a->observing = true;
	a->connects_total = a->failures_total = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct watch_nsrow *row = a->rows[i];
		int r;

		row->connects_rate = row->failures_rate = 0;
		if (!row->started) /* its model is made at its first frame, next */
			continue;
		row->w.observing = true;
		row->w.observe_netns = (uint32_t)row->inode;
		if ((r = watch_observed(&row->w, win)) < 0) {
			err = r;
			continue;
		}
		row->w.observed_win = win;
		for (size_t k = 0; k < row->w.nobserved; k++) {
			row->connects_rate += row->w.observed[k].connects_rate;
			row->failures_rate += row->w.observed[k].failures_rate;
		}
		a->connects_total += row->connects_rate;
		a->failures_total += row->failures_rate;
	}
	a->observed_window = win->window_seconds;
	return err;
}

static enum watch_ns_sort sort_key; /* qsort has no argument */

/* Rows not read sort last, whatever the key. */
static double key_of(const struct watch_nsrow *row)
{
	if (row->status != WNS_READ)
		return -2;
	switch (sort_key) {
	case WNS_SORT_RISK:
		return (double)row->w.now.risk * 1e12 + (double)(row->w.tw_now > 0 ? row->w.tw_now : 0);
	case WNS_SORT_TW:
		return (double)row->w.tw_now;
	case WNS_SORT_RATE:
		return row->w.close_rate;
	default:
		return 0;
	}
}

static int by_key(const void *va, const void *vb)
{
	const struct watch_nsrow *a = *(struct watch_nsrow *const *)va;
	const struct watch_nsrow *b = *(struct watch_nsrow *const *)vb;
	double ka = key_of(a), kb = key_of(b);
	int c;

	if (ka != kb)
		return ka < kb ? 1 : -1;
	if (a->host != b->host)
		return a->host ? -1 : 1;
	if ((c = strcmp(a->label, b->label)) != 0)
		return c;
	return a->inode < b->inode ? -1 : a->inode > b->inode;
}

void watch_all_set_sort(struct watch_all *a, enum watch_ns_sort s)
{
	struct watch_nsrow *sel = a->n ? a->order[a->sel] : NULL;

	a->sort = s;
	sort_key = s;
	qsort(a->order, a->n, sizeof(*a->order), by_key);
	for (size_t i = 0; i < a->n; i++)
		if (a->order[i] == sel)
			a->sel = i;
}

void watch_all_move(struct watch_all *a, long delta)
{
	long to = (long)a->sel + delta;

	if (!a->n)
		return;
	to = to < 0 ? 0 : to >= (long)a->n ? (long)a->n - 1 : to;
	a->sel = (size_t)to;
}

int watch_all_sample(struct watch_all *a, double now)
{
	if (a->open) {
		/* entered: a frame of that namespace alone (a failed read keeps
		 * the last frame's counts, as watch does) */
		watch_sample(&a->open->w, now);
		a->open->pool = row_pool(a->open);
		return 0;
	}
	if (!a->have_scan || now - a->scan_at >= WATCH_NS_RESCAN)
		rescan(a, now);
	watch_budget_fill(&a->budget, now);
	for (size_t k = 0; k < a->n; k++) {
		int r = sample_row(a, a->rows[(a->first + k) % a->n], now);

		if (r < 0)
			return r;
	}
	a->first = a->n ? (a->first + 1) % a->n : 0;
	a->frames++;
	totals(a);
	watch_all_set_sort(a, a->sort);
	return 0;
}

int watch_all_init(struct watch_all *a, double now)
{
	struct utsname u;
	int r;

	snprintf(a->kernel, sizeof(a->kernel), "%s", uname(&u) == 0 ? u.release : "unknown");
	snprintf(a->host, sizeof(a->host), "%s", uname(&u) == 0 ? u.nodename : "unknown");
	a->budget = (struct watch_budget){ .balance = WATCH_BUDGET_CAP, .at = now,
					   .cap = WATCH_BUDGET_CAP };
	a->home = nsenter_save(a->proc_root);
	if (a->home < 0)
		return a->home;
	if ((r = rescan(a, now)) < 0)
		return r;
	a->scan_at = now;
	if ((r = watch_all_sample(a, now)) < 0)
		return r;
	a->sel = 0; /* the top row of the first sort */
	return a->nread ? 0 : -ENOENT;
}

int watch_all_open(struct watch_all *a, double now, char *why, size_t len)
{
	struct watch_nsrow *row = a->n ? a->order[a->sel] : NULL;
	int r;

	if (!row) {
		snprintf(why, len, "no namespace to open");
		return -ENOENT;
	}
	r = nsenter_enter(&a->scan, &a->scan.ns[row->scan_idx], why, len);
	if (r < 0)
		return r;
	if (!row->started && (r = row_start(a, row)) < 0) {
		snprintf(why, len, "cannot read its sysctls or counters: %s", strerror(-r));
		nsenter_return(a->home);
		return r;
	}
	row->w.collect.processes = a->processes;
	row->w.budget = NULL;
	row->w.cheap_idle = false;
	/* a dump at the first frame, for the processes */
	row->w.frames_since_dump = WATCH_DUMP_EVERY;
	row->w.dump_cpu = 0;
	a->open = row;
	watch_all_sample(a, now);
	return 0;
}

int watch_all_close(struct watch_all *a)
{
	int r;

	if (!a->open)
		return 0;
	a->open->w.collect.processes = false;
	a->open->w.budget = a->unbudgeted ? NULL : &a->budget;
	a->open->w.cheap_idle = true;
	a->open = NULL;
	r = nsenter_return(a->home);
	a->lost_home = r < 0;
	return r;
}

void watch_all_free(struct watch_all *a)
{
	if (a->open)
		watch_all_close(a);
	for (size_t i = 0; i < a->n; i++)
		row_free(a->rows[i]);
	free(a->rows);
	free(a->order);
	if (a->have_scan)
		nsscan_free(&a->scan);
	if (a->home >= 0)
		close(a->home);
	a->rows = a->order = NULL;
	a->n = 0;
	a->have_scan = false;
	a->home = -1;
}
