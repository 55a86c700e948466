// SPDX-License-Identifier: GPL-2.0-or-later
/* test_watch_ns.c: the keys of the live view decoded (term.c), the
 * shared dump budget, and the summary of every namespace (watch_ns.h)
 * built by hand: its sorts, the selection kept through them and on
 * screen, and its frames within every terminal size */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "term.h"
#include "watch_ns.h"
#include "watch_nsrender.h"

static void test_keys(void)
{
	static const struct {
		const char *in;
		int want[6];
		size_t n;
		const char *what;
	} cases[] = {
		{ "q", { 'q' }, 1, "a plain key" },
		{ "\033[A\033[B", { KEY_UP, KEY_DOWN }, 2, "up and down" },
		{ "\033OA\033OB", { KEY_UP, KEY_DOWN }, 2, "up and down in application mode" },
		{ "\033[5~\033[6~\033[H\033[F", { KEY_PGUP, KEY_PGDN, KEY_HOME, KEY_END }, 4,
		  "page up and down, home and end" },
		{ "\033", { KEY_ESC }, 1, "escape alone" },
		{ "\033x", { KEY_ESC, 'x' }, 2, "escape then a key" },
		{ "\033[Z", { KEY_ESC, '[', 'Z' }, 3, "an unknown sequence: escape and its bytes" },
		{ "\r\n\177\010\003", { KEY_ENTER, KEY_ENTER, KEY_BACKSPACE, KEY_BACKSPACE, KEY_CTRL_C },
		  5, "enter, backspace, Ctrl-C" },
		{ "\033[Dj\033[C", { KEY_LEFT, 'j', KEY_RIGHT }, 3, "left, a key, right" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int keys[8];
		size_t n = term_decode_keys((const unsigned char *)cases[i].in, strlen(cases[i].in),
					    keys, 8);
		bool same = n == cases[i].n;

		for (size_t k = 0; same && k < n; k++)
			same = keys[k] == cases[i].want[k];
		TAP_OK(same, "keys: %s (%zu decoded)", cases[i].what, n);
	}
	{
		int keys[2];

		TAP_OK(term_decode_keys((const unsigned char *)"abcd", 4, keys, 2) == 2,
		       "keys: no more than the room given");
	}
}

static void test_budget(void)
{
	struct watch_budget b = { .balance = 0, .at = 10 };

	watch_budget_fill(&b, 11);
	TAP_OK(b.balance > WATCH_DUMP_BUDGET * 0.999 && b.balance < WATCH_DUMP_BUDGET * 1.001,
	       "budget: one second fills %g s of CPU (got %g)", WATCH_DUMP_BUDGET, b.balance);
	watch_budget_fill(&b, 1000);
	TAP_OK(b.balance == WATCH_BUDGET_CAP, "budget: capped at %g s", WATCH_BUDGET_CAP);
	b.balance = -0.2;
	watch_budget_fill(&b, 1005);
	TAP_OK(b.balance < 0, "budget: an expensive dump is paid back before the next");
}

/* A namespace read: tw TIME_WAIT now, made at rate per second. */
static struct watch_nsrow *row(const char *label, enum watch_ns_status st, long long tw,
			       double rate, enum severity risk)
{
	struct watch_nsrow *r = calloc(1, sizeof(*r));

	snprintf(r->label, sizeof(r->label), "%s", label);
	snprintf(r->procs, sizeof(r->procs), "nginx %d", (int)tw);
	r->status = st;
	r->started = false;
	r->w.tw_now = tw;
	r->w.close_rate = rate;
	r->w.counters.sockstat_inuse = tw / 2;
	r->w.counters.sockstat6_inuse = 0;
	r->w.have_settings = true;
	r->w.now.risk = risk;
	for (size_t i = 0; i < 20; i++) {
		r->w.tw[i] = tw * (long long)i / 20;
		r->w.rate[i] = rate;
	}
	r->w.nhist = 20;
	if (st != WNS_READ)
		snprintf(r->why, sizeof(r->why), "setns /run/netns/%s: Operation not permitted", label);
	return r;
}

static struct watch_all *summary(size_t n)
{
	struct watch_all *a = calloc(1, sizeof(*a));

	snprintf(a->host, sizeof(a->host), "vm");
	snprintf(a->kernel, sizeof(a->kernel), "6.18");
	a->rows = calloc(n, sizeof(*a->rows));
	a->order = calloc(n, sizeof(*a->order));
	for (size_t i = 0; i < n; i++) {
		char label[32];

		snprintf(label, sizeof(label), "ns-%02zu", i);
		a->rows[i] = row(label, i % 7 == 6 ? WNS_DENIED : WNS_READ, (long long)(i * 1000 % 7919),
				 (double)(i * 37 % 101), i % 5 == 0 ? SEV_CRIT : SEV_OK);
		a->order[i] = a->rows[i];
	}
	a->rows[0]->host = true;
	a->n = n;
	a->tw_total = 12345;
	a->rate_total = 678;
	a->worst = SEV_CRIT;
	a->nread = n - n / 7;
	a->ndenied = n / 7;
	a->home = -1;
	return a;
}

static void summary_free(struct watch_all *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->rows[i]);
	free(a->rows);
	free(a->order);
	free(a);
}

static bool sorted(const struct watch_all *a, enum watch_ns_sort s)
{
	for (size_t i = 1; i < a->n; i++) {
		const struct watch_nsrow *p = a->order[i - 1], *q = a->order[i];

		if (p->status != WNS_READ && q->status == WNS_READ)
			return false;
		if (p->status != WNS_READ || q->status != WNS_READ)
			continue;
		if (s == WNS_SORT_RISK && (p->w.now.risk < q->w.now.risk ||
					   (p->w.now.risk == q->w.now.risk && p->w.tw_now < q->w.tw_now)))
			return false;
		if (s == WNS_SORT_TW && p->w.tw_now < q->w.tw_now)
			return false;
		if (s == WNS_SORT_RATE && p->w.close_rate < q->w.close_rate)
			return false;
		if (s == WNS_SORT_NAME && !p->host && strcmp(p->label, q->label) > 0)
			return false;
	}
	return true;
}

static void test_sorts(void)
{
	struct watch_all *a = summary(30);
	struct watch_nsrow *sel;

	watch_all_move(a, 13);
	sel = a->order[a->sel];
	for (int s = 0; s < WNS_SORT_COUNT; s++) {
		watch_all_set_sort(a, (enum watch_ns_sort)s);
		TAP_OK(sorted(a, (enum watch_ns_sort)s), "sort %s: in order, the unread last",
		       watch_ns_sort_name((enum watch_ns_sort)s));
		TAP_OK(a->order[a->sel] == sel, "sort %s: the selection stays on %s",
		       watch_ns_sort_name((enum watch_ns_sort)s), sel->label);
	}
	TAP_OK(a->order[0]->host, "sort name: the host first");
	watch_all_move(a, -100);
	TAP_OK(a->sel == 0, "move: not above the first row");
	watch_all_move(a, 100);
	TAP_OK(a->sel == 29, "move: not below the last row");
	summary_free(a);
}

/* The columns of a line, escapes left out. */
static unsigned visible(const char *t)
{
	unsigned n = 0;

	for (; *t; t++) {
		if (*t == '\033') {
			while (t[1] && *t != 'm')
				t++;
			continue;
		}
		n += (*t & 0xC0) != 0x80;
	}
	return n;
}

static void test_frames(void)
{
	static const unsigned sizes[][2] = { { 120, 40 }, { 80, 24 }, { 60, 12 }, { 40, 6 },
					     { 20, 3 },  { 200, 0 }, { 80, 0 } };
	struct watch_all *a = summary(30);

	watch_all_move(a, 25);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct watch_view v = { .width = sizes[i][0], .height = sizes[i][1], .top = 10,
					.color = i % 2, .utf8 = true, .interval = 1 };
		struct watch_frame f = { 0 };
		bool fits = true, counted = true;
		size_t rows = 0, marked = 0;

		TAP_OK(watch_all_render(a, &v, &f) == 0, "%ux%u: renders", v.width, v.height);
		for (size_t l = 0; l < f.n; l++) {
			fits &= visible(f.lines[l].text) <= v.width;
			counted &= visible(f.lines[l].text) == f.lines[l].cols;
			rows += strstr(f.lines[l].text, " ns-") != NULL;
			marked += strncmp(f.lines[l].text + (v.color && !strncmp(f.lines[l].text, "\033[7m", 4) ? 4 : 0), ">", 1) == 0;
		}
		TAP_OK(fits && counted, "%ux%u: every line within the width, counted right", v.width,
		       v.height);
		if (v.height) {
			TAP_OK(f.n == v.height && strstr(f.lines[f.n - 1].text, "sort risk"),
			       "%ux%u: exactly the rows, the footer last", v.width, v.height);
			TAP_OK(marked == (v.height > 4), "%ux%u: the selected row on screen (%zu marked)",
			       v.width, v.height, marked);
		} else {
			TAP_OK(rows == 30 && marked == 0,
			       "%ux%u: every namespace, none selected (%zu rows)", v.width, v.height,
			       rows);
		}
		watch_frame_free(&f);
	}
	{
		struct watch_view v = { .width = 200, .height = 0, .top = 10, .interval = 1 };
		struct watch_frame f = { 0 };
		bool denied = false;

		watch_all_render(a, &v, &f);
		for (size_t l = 0; l < f.n; l++)
			denied |= strstr(f.lines[l].text, " denied  ns-06 ") &&
				  strstr(f.lines[l].text, "setns /run/netns/ns-06: Operation not permitted");
		TAP_OK(denied, "a namespace denied: its status and the reason on its row");
		TAP_OK(f.n && strstr(f.lines[0].text, "all network namespaces: 30 (26 read, 4 denied)"),
		       "header: the namespaces counted by status");
		watch_frame_free(&f);
	}
	summary_free(a);
}

int main(void)
{
	test_keys();
	test_budget();
	test_sorts();
	test_frames();
	return tap_done();
}
