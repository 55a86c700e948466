// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_render.c: one frame of `twtune watch` from the model, as lines
 * no wider than the view. The live view and --once both print what this
 * returns; symbols carry what colour does (`!!` crit, `! ` warn, `i `
 * info), so the frame reads the same without colour. */
#include "watch_render.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "observation.h"
#include "output.h"
#include "owners.h"
#include "registry.h"

/* Host, kernel, namespace and risk; then the managed sysctls, wrapped
 * onto a second line and cut there. */
static int render_header(const struct watch *w, const struct watch_view *v, struct watch_frame *f)
{
	enum severity risk = w->have_settings ? w->now.risk : SEV_OK;
	struct lb l;
	int r;

	lb_init(&l, v);
	lb_put(&l, C_BOLD, "twtune watch");
	lb_put(&l, sev_color(risk), "  risk %s%s", risk > SEV_OK ? sev_symbol(risk) : "",
	       severity_name(risk));
	lb_put(&l, C_RESET, "  netns %s %s  host %s  kernel %s", w->netns ? w->netns : "current",
	       w->netns_id, w->host, w->kernel);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	lb_init(&l, v);
	for (size_t i = 0, line = 0; i < SYSCTL_COUNT && line < 2; i++) {
		char item[300];
		int n;

		if (!w->cur.have[i])
			continue;
		n = snprintf(item, sizeof(item), "%s%s %s", l.cols ? "  " : "", sysctl_table[i].name,
			     w->cur.val[i].text && *w->cur.val[i].text ? w->cur.val[i].text : "-");
		if (l.cols && (unsigned)n > lb_room(&l)) {
			if ((r = frame_add(f, &l)) < 0)
				return r;
			lb_init(&l, v);
			if (++line == 2)
				break;
			memmove(item, item + 2, strlen(item + 2) + 1);
		}
		lb_put(&l, C_DIM, "%s", item);
	}
	return l.cols ? frame_add(f, &l) : 0;
}

static int render_timewait(const struct watch *w, const struct watch_view *v,
			   struct watch_frame *f)
{
	long long buckets = settings_num(&w->cur, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	char head[200];
	struct lb l;
	int r;

	if (w->tw_now < 0)
		snprintf(head, sizeof(head), "TIME_WAIT       ?");
	else if (buckets > 0)
		snprintf(head, sizeof(head), "TIME_WAIT %7lld  %3.0f%% of %lld buckets", w->tw_now,
			 100.0 * (double)w->tw_now / (double)buckets, buckets);
	else
		snprintf(head, sizeof(head), "TIME_WAIT %7lld", w->tw_now);
	lb_init(&l, v);
	lb_put(&l, C_BOLD, "%-40s", head);
	lb_text(&l, " ");
	sparkline(&l, w, false, lb_room(&l), v->utf8);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	lb_init(&l, v);
	if (w->close_rate >= 0)
		snprintf(head, sizeof(head), "closes/s  %7.0f  (TcpExt TW over %.1f s)", w->close_rate,
			 v->interval);
	else
		snprintf(head, sizeof(head), "closes/s        ?  (measured from the second frame)");
	lb_put(&l, C_BOLD, "%-40s", head);
	lb_text(&l, " ");
	sparkline(&l, w, true, lb_room(&l), v->utf8);
	return frame_add(f, &l);
}

/* The program holding most of the sampled live sockets towards d, when
 * the dump named processes (collect_opts.processes); else NULL, and the
 * line shows no process column. */
static const char *dest_process(const struct watch *w, const struct dest *d)
{
	struct owners o;

	if (!w->socks.procs)
		return NULL;
	owners_dest(&w->socks, d, &o);
	return owners_program(&o);
}

/* [####===......]: TIME_WAIT (#), other sockets in use (=), free (.). */
static void bar(struct lb *l, const struct dest *d, unsigned usable, unsigned width)
{
	double u = usable ? (double)d->used / usable : 1, t = usable ? (double)d->time_wait / usable : 1;
	unsigned nu = (unsigned)(u * width + 0.5), nt = (unsigned)(t * width + 0.5);
	char b[256];

	width = width < sizeof(b) - 3 ? width : (unsigned)sizeof(b) - 3;
	nu = nu > width ? width : nu;
	nt = nt > nu ? nu : nt;
	b[0] = '[';
	for (unsigned i = 0; i < width; i++)
		b[1 + i] = i < nt ? '#' : i < nu ? '=' : '.';
	b[1 + width] = ']';
	b[2 + width] = '\0';
	lb_text(l, b);
}

static int render_dest(const struct watch *w, const struct watch_view *v,
		       const struct watch_row *row, unsigned usable, struct watch_frame *f)
{
	const struct dest *d = row->d;
	char lo[IP_STR_LEN], re[ENDPOINT_STR_LEN], label[160], nums[160];
	double p = usable ? (double)d->used / usable : 1;
	enum severity s = p >= w->thresholds[THR_PORT_PRESSURE_CRIT]   ? SEV_CRIT
			  : p >= w->thresholds[THR_PORT_PRESSURE_WARN] ? SEV_WARN
								       : SEV_OK;
	const char *proc = dest_process(w, d);
	unsigned labelw = v->width >= 100 ? 36 : 28, barw;
	struct lb l;

	snprintf(label, sizeof(label), "%s > %s", addr_str(&d->local, lo, sizeof(lo)),
		 endpoint_str(d->remote.family, d->remote.bytes, d->rport, re, sizeof(re)));
	snprintf(nums, sizeof(nums), " %5.1f%% used %5u tw %5u %+5.0f/s%s%s", 100 * p, d->used,
		 d->time_wait, row->rate, proc ? " " : "", proc ? proc : "");
	lb_init(&l, v);
	lb_put(&l, sev_color(s), "%s ", sev_symbol(s));
	lb_put(&l, C_RESET, "%-*.*s ", (int)labelw, (int)labelw, label);
	barw = lb_room(&l) > strlen(nums) + 2 ? lb_room(&l) - (unsigned)strlen(nums) - 2 : 0;
	if (barw > 40)
		barw = 40;
	if (barw >= 8)
		bar(&l, d, usable, barw);
	lb_put(&l, sev_color(s), "%s", nums);
	return frame_add(f, &l);
}

static int render_dests(const struct watch *w, const struct watch_view *v, size_t rows,
			struct watch_frame *f)
{
	unsigned usable = ephemeral_usable(&w->socks.eph);
	struct lb l;
	int r;

	lb_init(&l, v);
	if (!w->have_socks) {
		lb_put(&l, C_RED, "!! sockets cannot be read: %s", strerror(-w->sock_err));
		return frame_add(f, &l);
	}
	lb_put(&l, C_BOLD, "destinations %zu by %s, %u usable ports %u-%u  # tw = used", w->nrows,
	       watch_sort_name(w->sort), usable, w->socks.eph.low, w->socks.eph.high);
	if (w->socks.source == SOURCE_PROCFS)
		lb_put(&l, C_YELLOW, "  from /proc/net/tcp");
	if (w->sock_err < 0)
		lb_put(&l, C_RED, "  !! the last dump failed (%s): older counts", strerror(-w->sock_err));
	if ((r = frame_add(f, &l)) < 0)
		return r;
	for (size_t i = 0; i < rows && i < w->nrows; i++)
		if ((r = render_dest(w, v, &w->rows[i], usable, f)) < 0)
			return r;
	return 0;
}

/* Server-side TIME_WAIT per local port: a heading and one line per port,
 * when the dump found any. */
static size_t server_lines(const struct watch *w)
{
	return w->have_socks ? w->nservers : 0;
}

static int render_server_line(const struct watch *w, const struct watch_view *v,
			      const struct watch_server *sv, struct watch_frame *f)
{
	const struct port_entry *e = sv->e;
	unsigned long long all = w->socks.states[TCP_STATE_TIME_WAIT];
	double share = all ? (double)e->time_wait / (double)all : 0;
	char a[64], label[96], who[200] = "";
	struct owners o;
	struct lb l;

	addr_str(&e->local, a, sizeof(a));
	snprintf(label, sizeof(label), strchr(a, ':') ? "port %u [%s]" : "port %u %s", e->port, a);
	if (w->socks.procs) {
		owners_server(&w->socks, e, &o);
		owners_str(&o, who, sizeof(who));
	}
	lb_init(&l, v);
	lb_put(&l, C_RESET, "   %-28.28s tw %6u %5.1f%% %+6.0f/s", label, e->time_wait, 100 * share,
	       sv->rate);
	if (*who)
		lb_put(&l, C_BOLD, "  %s", who);
	return frame_add(f, &l);
}

static int render_server(const struct watch *w, const struct watch_view *v, size_t rows,
			 struct watch_frame *f)
{
	struct lb l;
	int r;

	if (!server_lines(w))
		return 0;
	lb_init(&l, v);
	lb_put(&l, C_BOLD, "server side %llu TIME_WAIT on %zu port%s (client %llu, other %llu)",
	       w->socks.tw_server, w->socks.nservers, w->socks.nservers == 1 ? "" : "s",
	       w->socks.tw_client, w->socks.tw_other);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	for (size_t i = 0; i < rows && i < w->nservers; i++)
		if ((r = render_server_line(w, v, &w->servers[i], f)) < 0)
			return r;
	return 0;
}

/* --observe: connects/s and failures/s per destination as the eBPF
 * program counted them; failing lines carry `!!` as well as red. */
static int render_observed_line(const struct watch_view *v, const struct watch_obs *o,
				struct watch_frame *f)
{
	char lo[IP_STR_LEN] = "*", re[ENDPOINT_STR_LEN], label[160];
	bool failing = o->failures_rate > 0;
	struct lb l;

	if (o->has_local)
		ip_str(o->family, o->local, lo, sizeof(lo));
	snprintf(label, sizeof(label), "%s > %s", lo,
		 endpoint_str(o->family, o->remote, o->port, re, sizeof(re)));
	lb_init(&l, v);
	lb_put(&l, failing ? C_RED : C_GREEN, "%s ", failing ? "!!" : "  ");
	lb_put(&l, C_RESET, "%-28.28s connects/s %4.0f ", label, o->connects_rate);
	lb_put(&l, failing ? C_RED : C_RESET, "failures/s %4.0f%s", o->failures_rate,
	       failing ? " FAILING" : "");
	/* the errno last: the first thing a narrow terminal cuts */
	lb_put(&l, C_DIM, "  %llu/%llu failed %s%s", (unsigned long long)o->failures,
	       (unsigned long long)o->attempts, o->comm, o->eaddrnotavail ? " EADDRNOTAVAIL" : "");
	return frame_add(f, &l);
}

static int render_observed(const struct watch *w, const struct watch_view *v, size_t rows,
			   struct watch_frame *f)
{
	struct lb l;
	int r;

	if (!w->observing)
		return 0;
	lb_init(&l, v);
	if (w->observe_err < 0)
		lb_put(&l, C_RED, "!! eBPF counts cannot be read: %s", strerror(-w->observe_err));
	else
		lb_put(&l, C_BOLD, "observed connect() %zu destinations over %.1f s (eBPF)",
		       w->nobserved, w->observed_window);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	for (size_t i = 0; i < rows && i < w->nobserved; i++)
		if ((r = render_observed_line(v, &w->observed[i], f)) < 0)
			return r;
	return 0;
}

static size_t nfindings(const struct watch *w)
{
	size_t n = 0;

	for (size_t i = 0; w->have_settings && i < w->now.n; i++)
		n += w->now.f[i].sev > SEV_OK;
	return n;
}

/* The findings active now, the most severe first, at most rows lines
 * after the heading. */
static int render_findings(const struct watch *w, const struct watch_view *v, size_t rows,
			   struct watch_frame *f)
{
	size_t shown = 0, n = nfindings(w);
	struct lb l;
	int r;

	lb_init(&l, v);
	lb_put(&l, C_BOLD, n ? "findings %zu" : "findings none: no rule fires", n);
	if ((r = frame_add(f, &l)) < 0)
		return r;
	for (int sev = SEV_CRIT; sev > SEV_OK; sev--)
		for (size_t i = 0; i < w->now.n && shown < rows; i++) {
			const struct finding *x = &w->now.f[i];

			if (x->sev != (enum severity)sev)
				continue;
			lb_init(&l, v);
			lb_put(&l, sev_color(x->sev), "%s %-4s %s", sev_symbol(x->sev),
			       severity_name(x->sev), x->id);
			lb_put(&l, C_RESET, "  %s", x->title);
			if ((r = frame_add(f, &l)) < 0)
				return r;
			shown++;
		}
	return 0;
}

static int render_footer(const struct watch *w, const struct watch_view *v, struct watch_frame *f)
{
	struct lb l;

	lb_init(&l, v);
	if (v->paused)
		lb_put(&l, C_YELLOW, "PAUSED  ");
	lb_put(&l, C_DIM, "sort %s  every %gs  dump %.0f ms x%llu  ", watch_sort_name(w->sort),
	       v->interval, w->dump_cpu * 1000, w->ndumps);
	if (v->height) /* live: the keys */
		lb_put(&l, C_RESET, "%sq quit p pause s sort +/- interval", v->back ? "Esc back  " : "");
	return frame_add(f, &l);
}

/* Rows for the lists when the height is bounded: every destination and
 * finding that fits, the findings keeping at least a third, the server
 * ports and the observed destinations at most a third of the rest each. */
static void fit(size_t avail, size_t *dests, size_t *server, size_t *obs, size_t *finds)
{
	size_t want = *finds, keep;

	if (*dests + *server + *obs + *finds <= avail)
		return;
	keep = avail / 3 < want ? avail / 3 : want;
	avail -= keep;
	*obs = *obs < avail / 3 ? *obs : avail / 3;
	*server = *server < avail / 3 ? *server : avail / 3;
	avail -= *obs + *server;
	*dests = *dests < avail ? *dests : avail;
	avail -= *dests;
	*finds = keep + avail < want ? keep + avail : want;
}

int watch_render(const struct watch *w, const struct watch_view *v, struct watch_frame *f)
{
	size_t dests = w->nrows < v->top ? w->nrows : v->top, server = server_lines(w);
	size_t obs = w->nobserved < v->top ? w->nobserved : v->top, finds = nfindings(w);
	int r;

	frame_clear(f);
	if ((r = render_header(w, v, f)) < 0 || (r = render_timewait(w, v, f)) < 0)
		return r;
	if (v->height) {
		/* the list headings and the footer */
		size_t fixed = f->n + 2 + 1 + (server > 0) + w->observing;
		size_t avail = v->height > fixed ? v->height - fixed : 0;

		server = server < v->top ? server : v->top;
		fit(avail, &dests, &server, &obs, &finds);
	}
	if (!v->height)
		server = server < v->top ? server : v->top;
	if ((r = render_dests(w, v, dests, f)) < 0 || (r = render_server(w, v, server, f)) < 0 ||
	    (r = render_observed(w, v, obs, f)) < 0 || (r = render_findings(w, v, finds, f)) < 0)
		return r;
	if (v->height && (r = frame_pad(f, v, v->height - 1)) < 0)
		return r;
	if ((r = render_footer(w, v, f)) < 0)
		return r;
	frame_cut(f, v->height);
	return 0;
}
