// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_nsrender.c: the summary of `twtune --all-netns watch`: one row
 * per network namespace, the selected one marked with `>` (and shown
 * reversed in colour), no line wider than the view. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch_nsrender.h"

#define LABEL_W 22
#define SPARK_W 16

static int render_header(const struct watch_all *a, const struct watch_view *v,
			 struct watch_frame *f)
{
	char counts[160];
	size_t len;
	struct lb l;
	int r;

	lb_init(&l, v);
	lb_put(&l, C_BOLD, "twtune watch");
	lb_put(&l, sev_color(a->worst), "  risk %s%s", a->worst > SEV_OK ? sev_symbol(a->worst) : "",
	       severity_name(a->worst));
	len = (size_t)snprintf(counts, sizeof(counts), "%zu read", a->nread);
	if (a->ngone)
		len += (size_t)snprintf(counts + len, sizeof(counts) - len, ", %zu gone", a->ngone);
	if (a->ndenied)
		len += (size_t)snprintf(counts + len, sizeof(counts) - len, ", %zu denied", a->ndenied);
	if (a->nfailed)
		snprintf(counts + len, sizeof(counts) - len, ", %zu failed", a->nfailed);
	lb_put(&l, C_RESET, "  all network namespaces: %zu (%s)  host %s  kernel %s", a->n, counts,
	       a->host, a->kernel);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	lb_init(&l, v);
	if (a->tw_total >= 0)
		lb_put(&l, C_BOLD, "TIME_WAIT %lld in all", a->tw_total);
	else
		lb_put(&l, C_BOLD, "TIME_WAIT ?");
	if (a->rate_total >= 0)
		lb_put(&l, C_BOLD, "  closes/s %.0f (TcpExt TW over %.1f s)", a->rate_total,
		       v->interval);
	else
		lb_put(&l, C_BOLD, "  closes/s ? (measured from the second frame)");
	if (a->observing)
		lb_put(&l, a->failures_total > 0 ? C_RED : C_BOLD,
		       "  connects/s %.0f failures/s %.0f (eBPF, %.1f s)", a->connects_total,
		       a->failures_total, a->observed_window);
	if (a->scan_err < 0)
		lb_put(&l, C_RED, "  !! the last scan for namespaces failed (%s): older list",
		       strerror(-a->scan_err));
	return frame_add(f, &l);
}

static int render_heading(const struct watch_all *a, const struct watch_view *v,
			  struct watch_frame *f)
{
	struct lb l;

	lb_init(&l, v);
	lb_put(&l, C_BOLD, "  %-7s %-*s %9s %8s", "RISK", LABEL_W, "NAMESPACE", "TIME_WAIT",
	       "CLOSES/S");
	if (a->observing)
		lb_put(&l, C_BOLD, " %7s %7s", "CONN/S", "FAIL/S");
	lb_put(&l, C_BOLD, " %7s %6s  %-*s %s", "IN USE", "POOL", SPARK_W, "TIME_WAIT 60 s",
	       "TOP FINDING | PROCESSES");
	return frame_add(f, &l);
}

/* The highest finding's id, or NULL. */
static const char *top_finding(const struct watch *w)
{
	for (size_t i = 0; w->have_settings && w->now.risk > SEV_OK && i < w->now.n; i++)
		if (w->now.f[i].sev == w->now.risk)
			return w->now.f[i].id;
	return NULL;
}

static void row_numbers(struct lb *l, const struct watch_all *a, const struct watch_nsrow *row,
			const struct watch_view *v)
{
	const struct watch *w = &row->w;
	const struct sock_counters *c = &w->counters;
	char tw[24] = "?", rate[24] = "?", inuse[24] = "?", pool[16] = "-";
	const char *top = top_finding(w);

	if (w->tw_now >= 0)
		snprintf(tw, sizeof(tw), "%lld", w->tw_now);
	if (w->close_rate >= 0)
		snprintf(rate, sizeof(rate), "%.0f", w->close_rate);
	if (c->sockstat_inuse >= 0)
		snprintf(inuse, sizeof(inuse), "%lld",
			 c->sockstat_inuse + (c->sockstat6_inuse > 0 ? c->sockstat6_inuse : 0));
	if (w->have_socks && w->from_counters && row->pool > 0) /* at most */
		snprintf(pool, sizeof(pool), "<%.1f%%", 100 * row->pool + 0.05);
	else if (w->have_socks)
		snprintf(pool, sizeof(pool), "%.1f%%", 100 * row->pool);
	lb_put(l, C_RESET, " %9s %8s", tw, rate);
	if (a->observing) {
		lb_put(l, C_RESET, " %7.0f", row->connects_rate);
		lb_put(l, row->failures_rate > 0 ? C_RED : C_RESET, " %7.0f", row->failures_rate);
	}
	lb_put(l, C_RESET, " %7s %6s  ", inuse, pool);
	sparkline(l, w, false, SPARK_W, v->utf8);
	for (size_t i = w->nhist; i < SPARK_W; i++)
		lb_text(l, " ");
	lb_put(l, w->now.risk >= SEV_WARN ? sev_color(w->now.risk) : C_RESET, " %s", top ? top : "-");
	if (row->procs[0])
		lb_put(l, C_DIM, " | %s%s", row->procs,
		       row->process_count > NSSCAN_PROCS ? ", ..." : "");
}

static int render_row(const struct watch_all *a, const struct watch_view *v, size_t i,
		      struct watch_frame *f)
{
	const struct watch_nsrow *row = a->order[i];
	bool sel = i == a->sel && v->height; /* the live view selects */
	enum severity risk = row->status == WNS_READ && row->w.have_settings ? row->w.now.risk : SEV_OK;
	struct lb l;

	lb_init(&l, v);
	if (sel && v->color)
		lb_raw(&l, "\033[7m");
	lb_text(&l, sel ? ">" : " ");
	if (row->status == WNS_READ)
		lb_put(&l, sel ? C_RESET : sev_color(risk), " %s%-5s", sev_symbol(risk),
		       severity_name(risk));
	else
		lb_put(&l, sel ? C_RESET : C_YELLOW, " %-7s", watch_ns_status_name(row->status));
	lb_put(&l, C_RESET, " %-*.*s", LABEL_W, LABEL_W, row->label);
	if (row->status == WNS_READ)
		row_numbers(&l, a, row, v);
	else
		lb_put(&l, C_RESET, " %s", row->why);
	if (sel && v->color)
		lb_raw(&l, color(C_RESET));
	return frame_add(f, &l);
}

static int render_footer(const struct watch_all *a, const struct watch_view *v,
			 struct watch_frame *f)
{
	struct lb l;

	lb_init(&l, v);
	if (v->paused)
		lb_put(&l, C_YELLOW, "PAUSED  ");
	if (v->message)
		lb_put(&l, C_RED, "%s  ", v->message);
	lb_put(&l, C_DIM, "sort %s  every %gs  ", watch_ns_sort_name(a->sort), v->interval);
	if (v->height) /* live: the keys */
		lb_put(&l, C_RESET, "up/down select  Enter open  q quit p pause s sort +/- interval");
	return frame_add(f, &l);
}

int watch_all_render(const struct watch_all *a, const struct watch_view *v, struct watch_frame *f)
{
	size_t first = 0, last = a->n;
	int r;

	frame_clear(f);
	if ((r = render_header(a, v, f)) < 0 || (r = render_heading(a, v, f)) < 0)
		return r;
	if (v->height) {
		/* the rows that fit between the heading and the footer, the
		 * selected one among them */
		size_t room = v->height > f->n + 1 ? v->height - f->n - 1 : 0;

		if (a->n > room) {
			first = a->sel >= room / 2 ? a->sel - room / 2 : 0;
			first = first + room > a->n ? a->n - room : first;
			last = first + room;
		}
	}
	for (size_t i = first; i < last; i++)
		if ((r = render_row(a, v, i, f)) < 0)
			return r;
	if (v->height && (r = frame_pad(f, v, v->height - 1)) < 0)
		return r;
	if ((r = render_footer(a, v, f)) < 0)
		return r;
	frame_cut(f, v->height);
	return 0;
}
