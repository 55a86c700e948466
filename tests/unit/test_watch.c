// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch.c: the watch model fed by hand (watch_step) and its frames
 * at many terminal sizes: widths and heights kept, the footer last,
 * escapes only with colour, the sorts, the rates and the ring */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "observation.h"
#include "output.h"
#include "tap.h"
#include "watch.h"
#include "watch_observe.h"
#include "watch_render.h"

/* Every key at its kernel default, from the registry. */
static void defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char buf[32];
		const char *def = d->kernel_default;

		if (!def && d->default_fn && d->default_fn("-262144\n", buf, sizeof(buf)) == 0)
			def = buf;
		settings_set(s, i, def);
	}
	s->max_tw_default = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
}

/* used sockets from 10.0.0.1 towards 10.0.1.<host>:443, tw of them in
 * TIME_WAIT, the rest ESTABLISHED; lport is the next local port. */
static void add_dest(struct sock_snapshot *s, unsigned host, unsigned used, unsigned tw,
		     unsigned *lport)
{
	uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 1, (uint8_t)host };

	for (unsigned i = 0; i < used; i++)
		sockets_account(s, AF_INET, src, dst, (uint16_t)(*lport)++, 443,
				i < tw ? TCP_STATE_TIME_WAIT : TCP_STATE_ESTABLISHED);
}

/* Three destinations: .1 used 20000 (tw 20000), .2 used 9000 (tw 1000),
 * .3 used 500 (tw 500 + grow). */
static void snapshot(struct sock_snapshot *s, unsigned grow)
{
	struct ephemeral eph = { 32768, 60999, NULL };
	unsigned lport = 32768;

	sockets_init(s, &eph);
	add_dest(s, 1, 20000, 20000, &lport);
	lport = 32768;
	add_dest(s, 2, 9000, 1000, &lport);
	lport = 32768;
	add_dest(s, 3, 500 + grow, 500 + grow, &lport);
	sockets_finish(s);
}

static struct sock_counters counters(long long sockstat_tw, long long tw)
{
	return (struct sock_counters){ .sockstat_inuse = 30000, .sockstat_tw = sockstat_tw,
				       .sockstat_orphan = 0, .sockstat_alloc = 30000,
				       .sockstat6_inuse = 0, .tw = tw, .tw_recycled = 0,
				       .tw_killed = 0, .tw_overflow = 0, .curr_estab = 8000 };
}

/* The columns of a line, escapes left out. */
static unsigned visible(const char *t)
{
	unsigned n = 0;

	while (*t) {
		if (*t == '\033') {
			while (*t && *t != 'm')
				t++;
			if (*t)
				t++;
			continue;
		}
		n += (*t & 0xC0) != 0x80;
		t++;
	}
	return n;
}

static const struct size_case {
	unsigned width, height;
	bool color, utf8;
} sizes[] = {
	{ 100, 0, false, false }, { 120, 40, true, true }, { 80, 24, false, true },
	{ 80, 24, true, false },  { 60, 12, false, false }, { 40, 6, true, true },
	{ 30, 3, false, false },  { 200, 60, false, true }, { 20, 1, true, false },
};

static void test_sizes(struct watch *w)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const struct size_case *c = &sizes[i];
		struct watch_view v = { .width = c->width, .height = c->height, .top = 10,
					.color = c->color, .utf8 = c->utf8, .interval = 1 };
		struct watch_frame f = { 0 };
		bool fits = true, cols_right = true, esc = false, ascii = true;

		TAP_OK(watch_render(w, &v, &f) == 0, "%ux%u: renders", c->width, c->height);
		for (size_t l = 0; l < f.n; l++) {
			fits &= visible(f.lines[l].text) <= c->width;
			cols_right &= visible(f.lines[l].text) == f.lines[l].cols;
			esc |= strchr(f.lines[l].text, '\033') != NULL;
			for (const char *p = f.lines[l].text; *p; p++)
				ascii &= (unsigned char)*p < 0x80;
		}
		TAP_OK(fits, "%ux%u: every line within %u columns", c->width, c->height, c->width);
		TAP_OK(cols_right, "%ux%u: the columns counted are the columns shown", c->width,
		       c->height);
		TAP_OK(esc == c->color, "%ux%u: escapes %s", c->width, c->height,
		       c->color ? "with colour" : "none without colour");
		TAP_OK(ascii == !c->utf8 || c->width <= 41 /* no room for sparklines */, "%ux%u: %s", c->width, c->height,
		       c->utf8 ? "block characters in UTF-8" : "ASCII only without UTF-8");
		if (c->height) {
			TAP_OK(f.n == c->height, "%ux%u: exactly %u rows (got %zu)", c->width,
			       c->height, c->height, f.n);
			TAP_OK(f.n && strstr(f.lines[f.n - 1].text, "sort"), "%ux%u: footer last",
			       c->width, c->height);
		} else {
			size_t dests = 0, observed = 0;

			for (size_t l = 0; l < f.n; l++) {
				bool to = strstr(f.lines[l].text, " > 10.0.1.") != NULL;

				observed += to && strstr(f.lines[l].text, "connects/s");
				dests += to && !strstr(f.lines[l].text, "connects/s");
			}
			TAP_OK(dests == 3, "%ux%u: all three destinations (got %zu)", c->width,
			       c->height, dests);
			TAP_OK(observed == 2 || c->width < 40, "%ux%u: both observed destinations (got %zu)",
			       c->width, c->height, observed);
		}
		watch_frame_free(&f);
	}
}

static unsigned first_host(const struct watch *w)
{
	return w->nrows ? w->rows[0].d->remote.bytes[3] : 0;
}

static void test_model(struct watch *w)
{
	struct sock_snapshot s;
	struct sock_counters c;

	snapshot(&s, 0);
	c = counters(21500, 100000);
	TAP_OK(watch_step(w, &c, &s, 10.0) == 0 && w->nrows == 3, "first frame: three rows");
	TAP_OK(w->close_rate < 0, "first frame: no close rate yet");
	TAP_OK(w->rows[0].rate == 0, "first dump: no destination rate");
	snapshot(&s, 1500);
	c = counters(23000, 100600);
	TAP_OK(watch_step(w, &c, &s, 12.0) == 0, "second frame");
	TAP_OK(w->close_rate == 300, "close rate from TcpExt TW: 600 in 2 s (got %g)", w->close_rate);
	TAP_OK(w->tw_now == 23000 && w->nhist == 2, "TIME_WAIT from sockstat, two samples");
	TAP_OK(first_host(w) == 1, "sorted by used: .1 first");
	watch_set_sort(w, WATCH_SORT_TW);
	TAP_OK(first_host(w) == 1 && w->rows[1].d->remote.bytes[3] == 3,
	       "sorted by TIME_WAIT: .1, then .3 (2000) above .2 (1000)");
	watch_set_sort(w, WATCH_SORT_RATE);
	TAP_OK(first_host(w) == 3 && w->rows[0].rate == 750,
	       "sorted by rate: .3 first, 1500 in 2 s (got %g)", w->nrows ? w->rows[0].rate : -1);
	watch_set_sort(w, WATCH_SORT_USED);
	TAP_OK(w->now.risk >= SEV_WARN, "the rules judge the snapshot: 20000 of 28232 ports");
	/* frames without a dump keep the snapshot and fill the ring */
	for (int i = 0; i < 70; i++) {
		c = counters(23000 + i, 100600 + i);
		watch_step(w, &c, NULL, 13.0 + i);
	}
	TAP_OK(w->nhist == WATCH_HISTORY && watch_tw_at(w, WATCH_HISTORY - 1) == 23069 &&
		       watch_tw_at(w, 0) == 23010,
	       "the ring holds the last 60 samples, oldest first");
	TAP_OK(w->frames_since_dump == 70 && w->nrows == 3, "no dump: the rows stay");
}

/* --observe: rates from the differences of cumulative eBPF counts */
static void test_observed(struct watch *w)
{
	struct obs_row rows[2] = {
		{ .family = AF_INET, .remote = { 10, 0, 1, 1 }, .port = 443, .attempts = 100 },
		{ .family = AF_INET, .remote = { 10, 0, 1, 2 }, .port = 443, .attempts = 10,
		  .eaddrnotavail = 4 },
	};
	struct obs_window win = { .window_seconds = 2, .dests = rows, .ndests = 2 };

	TAP_OK(watch_observed(w, &win) == 0 && w->nobserved == 2, "observed: two destinations");
	TAP_OK(w->observed[0].remote[3] == 2 && w->observed[0].failures_rate == 2,
	       "observed: the failing one first, 4 failures in 2 s (got %g)",
	       w->observed[0].failures_rate);
	rows[0].attempts = 400;
	rows[1].attempts = 11;
	rows[1].eaddrnotavail = 4;
	win.window_seconds = 5;
	TAP_OK(watch_observed(w, &win) == 0 && w->observed[0].remote[3] == 1 &&
		       w->observed[0].connects_rate == 100 && w->observed[1].failures_rate == 0,
	       "observed: rates over the 3 s between reads (got %g, %g)",
	       w->observed[0].connects_rate, w->observed[1].failures_rate);
	{
		/* --all-netns: a model takes only its own namespace's rows */
		struct watch one = { .observe_netns = 7 };

		rows[0].netns = 7;
		rows[1].netns = 8;
		TAP_OK(watch_observed(&one, &win) == 0 && one.nobserved == 1 &&
			       one.observed[0].remote[3] == 1 && one.observed[0].attempts == 400,
		       "observed: only the namespace's own destinations (got %zu)", one.nobserved);
		watch_observed_free(&one);
		rows[0].netns = rows[1].netns = 0;
	}
	w->observing = true;
}

/* server side: 8080 listening on 10.0.0.1 and tw TIME_WAIT from clients */
static void server_snapshot(struct sock_snapshot *s, unsigned tw)
{
	struct ephemeral eph = { 32768, 60999, NULL };
	uint8_t me[4] = { 10, 0, 0, 1 }, any[4] = { 0 }, peer[4] = { 10, 0, 2, 1 };

	sockets_init(s, &eph);
	sockets_account(s, AF_INET, any, any, 8080, 0, TCP_STATE_LISTEN);
	for (unsigned i = 0; i < tw; i++)
		sockets_account(s, AF_INET, me, peer, 8080, (uint16_t)(40000 + i),
				TCP_STATE_TIME_WAIT);
	sockets_finish(s);
}

static void test_servers(struct watch *w)
{
	struct sock_snapshot s;
	struct sock_counters c = counters(100, 1000);

	server_snapshot(&s, 100);
	TAP_OK(watch_step(w, &c, &s, 100.0) == 0 && w->nservers == 1 &&
		       w->servers[0].e->port == 8080 && w->servers[0].e->time_wait == 100,
	       "server side: port 8080 with 100 TIME_WAIT");
	server_snapshot(&s, 300);
	c = counters(300, 1200);
	TAP_OK(watch_step(w, &c, &s, 104.0) == 0 && w->servers[0].rate == 50,
	       "server side: 200 more in 4 s (got %g)", w->nservers ? w->servers[0].rate : -1);
}

int main(void)
{
	struct watch w = { .sysctl_root = "/nonexistent" };

	output_init(&(struct output_opts){ .color = true });
	defaults(&w.cur);
	w.have_settings = true;
	for (size_t i = 0; i < THR_COUNT_; i++)
		w.thresholds[i] = threshold_table[i].def;
	snprintf(w.host, sizeof(w.host), "a-host-name-that-is-long");
	snprintf(w.kernel, sizeof(w.kernel), "6.1.0-28-amd64");
	snprintf(w.netns_id, sizeof(w.netns_id), "net:[4026531840]");
	w.tw_now = w.close_rate = -1;
	test_model(&w);
	test_observed(&w);
	test_sizes(&w);
	watch_free(&w);
	{
		struct watch ws = w;

		ws.rows = NULL, ws.nrows = 0, ws.have_socks = false, ws.observed = NULL;
		ws.nobserved = 0, ws.have_settings = false;
		test_servers(&ws);
		watch_free(&ws);
	}
	return tap_done();
}
