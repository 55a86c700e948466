// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_watch.c: twtune [--netns NAME|--all-netns] watch [--interval SEC] [--top N]
 *                [--observe] [--once] [--no-processes]
 *
 * The live loop over the terminal of term.h: a frame every interval, a
 * redraw on a key or a resize, and one way out that restores the
 * terminal. With --all-netns the first screen is the summary of every
 * namespace (watch_ns.h); Enter opens the selected one in the view of one
 * namespace, Esc comes back.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "nsscan.h"
#include "observation.h"
#include "term.h"
#include "twtune.h"
#include "watch.h"
#include "watch_ns.h"
#include "watch_nsrender.h"
#include "watch_observe.h"
#include "watch_render.h"

struct watch_opts {
	double interval;
	long long top;
	bool observe, once, no_processes;
};

/* What the view shows: one namespace, or (--all-netns) the summary of
 * every namespace and, once opened, one of them. */
struct screen {
	struct watch *w;
	struct watch_all *all;
	char message[400]; /* why the last key did nothing, for the footer */
};

/* The namespace shown, or NULL for the summary. */
static struct watch *shown(const struct screen *s)
{
	return s->all ? (s->all->open ? &s->all->open->w : NULL) : s->w;
}

/* --observe: attached for the whole run, read every frame */
static struct observe_session *observing;

/* the last read, which the rules of the next frame judge */
static struct obs_window last_win;
static bool have_win;

/* One frame: the eBPF counts, then the counters (and the dump when due)
 * judged with them. -errno when the thread is lost between namespaces. */
static int sample(struct screen *s, double now)
{
	struct obs_window win;
	struct watch *w = s->w;

	if (s->all) {
		/* every namespace's counts, split among the rows */
		if (observing && observe_peek(observing, &win) == 0) {
			if (have_win)
				observation_free(&last_win);
			last_win = win;
			have_win = true;
			watch_all_observed(s->all, &last_win);
		}
		return watch_all_sample(s->all, now);
	}
	/* a failed peek leaves nothing to free */
	if (observing && (w->observe_err = observe_peek(observing, &win)) == 0) {
		w->observe_err = watch_observed(w, &win);
		if (have_win)
			observation_free(&last_win);
		last_win = win;
		have_win = true;
		w->observed_win = &last_win;
	}
	watch_sample(w, now);
	return 0;
}

static int render(const struct screen *s, struct watch_view *v, struct watch_frame *f)
{
	const struct watch *w = shown(s);

	v->back = s->all && w;
	v->message = s->message[0] ? s->message : NULL;
	return w ? watch_render(w, v, f) : watch_all_render(s->all, v, f);
}

/* The next interval of the + and - keys. */
static double step_interval(double cur, int dir)
{
	static const double steps[] = { 0.25, 0.5, 1, 2, 5, 10, 30, 60 };
	size_t n = sizeof(steps) / sizeof(steps[0]);

	if (dir > 0) {
		for (size_t i = 0; i < n; i++)
			if (steps[i] > cur + 1e-9)
				return steps[i];
		return cur;
	}
	for (size_t i = n; i-- > 0;)
		if (steps[i] < cur - 1e-9)
			return steps[i];
	return cur;
}

/* A key of the summary: moving, sorting, opening. */
static void summary_key(struct screen *s, int key, unsigned height)
{
	struct watch_all *a = s->all;
	long page = height > 6 ? (long)height - 5 : 1;

	switch (key) {
	case KEY_UP: case 'k':
		watch_all_move(a, -1);
		break;
	case KEY_DOWN: case 'j':
		watch_all_move(a, 1);
		break;
	case KEY_PGUP:
		watch_all_move(a, -page);
		break;
	case KEY_PGDN: case ' ':
		watch_all_move(a, page);
		break;
	case KEY_HOME: case 'g':
		watch_all_move(a, -(long)a->n);
		break;
	case KEY_END: case 'G':
		watch_all_move(a, (long)a->n);
		break;
	case 's': case 'S':
		watch_all_set_sort(a, (enum watch_ns_sort)((a->sort + 1) % WNS_SORT_COUNT));
		break;
	case KEY_ENTER: case KEY_RIGHT: {
		char why[300];

		if (watch_all_open(a, watch_clock(), why, sizeof(why)) < 0)
			snprintf(s->message, sizeof(s->message), "cannot open %s: %s",
				 a->n ? a->order[a->sel]->label : "a namespace", why);
		break;
	}
	}
}

/* A key of the view of one namespace. -errno when coming back from it
 * fails. */
static int detail_key(struct screen *s, int key)
{
	struct watch *w = shown(s);

	if (key == 's' || key == 'S')
		watch_set_sort(w, (enum watch_sort)((w->sort + 1) % WATCH_SORT_COUNT));
	if (s->all && (key == KEY_ESC || key == KEY_BACKSPACE || key == KEY_LEFT || key == 'b'))
		return watch_all_close(s->all);
	return 0;
}

/* The keys waiting: 1 when one of them quits, or the input ended; 0;
 * -errno. */
static int read_keys(struct screen *s, struct watch_view *v)
{
	int keys[64], n = term_read_keys(keys, 64);

	if (n < 0)
		return errno ? -errno : 1;
	for (int i = 0; i < n; i++) {
		int r = 0;

		s->message[0] = '\0';
		switch (keys[i]) {
		case 'q': case 'Q': case KEY_CTRL_C:
			return 1;
		case 'p': case 'P':
			v->paused = !v->paused;
			continue;
		case '+': case '=':
			v->interval = step_interval(v->interval, 1);
			continue;
		case '-': case '_':
			v->interval = step_interval(v->interval, -1);
			continue;
		}
		if (shown(s))
			r = detail_key(s, keys[i]);
		else
			summary_key(s, keys[i], v->height);
		if (r < 0)
			return r;
	}
	return 0;
}

static int render_draw(struct screen *s, struct watch_view *v, struct watch_frame *f)
{
	int r;

	term_size(&v->width, &v->height);
	r = render(s, v, f);
	return r < 0 ? r : term_draw(f, v->width);
}

/* The live loop, inside term_enter/term_leave. 0 (quit), or -errno. */
static int live(struct screen *s, struct watch_view *v, struct term *t)
{
	struct watch_frame f = { 0 };
	double next = watch_clock() + v->interval;
	int r = render_draw(s, v, &f);

	while (r == 0 && !term_signal()) {
		double left = next - watch_clock();
		bool redraw = term_resized();
		int n = term_wait(t, v->paused ? -1 : left > 0 ? left : 0);

		if (n < 0) {
			r = errno ? -errno : 0;
			break;
		}
		if (n > 0 || term_resized())
			redraw = true;
		if (n > 0) {
			double was = v->interval;

			if ((r = read_keys(s, v)) != 0)
				break;
			if (v->interval != was)
				next = watch_clock() + v->interval;
		}
		if (!v->paused && watch_clock() >= next) {
			double now = watch_clock();

			if ((r = sample(s, now)) < 0)
				break;
			next = fmax(next + v->interval, now + v->interval / 2);
			redraw = true;
		} else if (v->paused) {
			next = watch_clock() + v->interval;
		}
		if (redraw)
			r = render_draw(s, v, &f);
	}
	watch_frame_free(&f);
	return r < 0 ? r : 0;
}

const struct cmd_opt watch_options[] = {
	{ "interval", 0, required_argument, "SEC", 'i',
	  "seconds between frames, 0.1..3600 (default 1; keys + and -)" },
	{ "top", 0, required_argument, "N", 't', "destinations and server ports to list (default 10)" },
	{ "observe", 0, no_argument, NULL, 'o',
	  "connects/s and failures/s per destination (eBPF; exit 4 without it)" },
	{ "once", 0, no_argument, NULL, '1',
	  "print one frame as plain text and exit (no terminal needed)" },
	{ "no-processes", 0, no_argument, NULL, 'P',
	  "do not name the processes behind destinations and ports" },
	CMD_OPT_END,
};

static int parse_opts(int argc, char **argv, struct watch_opts *o, int *rc)
{
	int opt;

	while ((opt = cmd_next_opt(argc, argv, watch_options, rc)) != -1) {
		char *end;

		if (opt == CMD_DONE)
			return -1;
		if (opt == 'i') {
			errno = 0;
			o->interval = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->interval >= 0.1 && o->interval <= 3600)) {
				*rc = usage_error("watch", "--interval '%s': use seconds 0.1..3600", optarg);
				return -1;
			}
		} else if (opt == 't' && parse_ll(optarg, 0, 1000, &o->top) < 0) {
			*rc = usage_error("watch", "--top '%s': use a number 0..1000", optarg);
			return -1;
		} else if (opt == 'o') {
			o->observe = true;
		} else if (opt == '1') {
			o->once = true;
		} else if (opt == 'P') {
			o->no_processes = true;
		}
	}
	if (optind < argc) {
		*rc = usage_error("watch", "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* --observe: attaches the eBPF program (as twtune observe does, in the
 * namespace watch looks at; with w NULL, for --all-netns, in all). 0, or -1 with the reason said. */
static int observe_begin(struct watch *w, bool once)
{
	/* --all-netns: every namespace counted, each row taking its own */
	struct observe_opts oo = { .btf_path = observe_test_btf(), .all_netns = !w };
	struct obs_failure why;
	char msg[300];

	if (observe_start(&oo, &observing, &why) < 0) {
		errorf("watch: --observe: %s", observe_failure_text(&why, msg, sizeof(msg)));
		observing = NULL;
		return -1;
	}
	if (w)
		w->observing = true;
	/* --once: said on stderr once counting (tests and scripts wait for it) */
	if (once && G.verbosity >= 0)
		fprintf(stderr, "twtune: watch: observe: attached\n");
	return 0;
}

static unsigned once_width(void)
{
	const char *c = getenv("COLUMNS");
	long long n;

	return c && parse_ll(c, 20, 1000, &n) == 0 ? (unsigned)n : 100;
}

static bool utf8_locale(void)
{
	setlocale(LC_CTYPE, "");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* One frame as plain text, sampled over one interval. */
static int once(struct screen *s, struct watch_view *v)
{
	struct timespec ts = { (time_t)v->interval,
			       (long)((v->interval - (double)(time_t)v->interval) * 1e9) };
	struct watch_frame f = { 0 };
	int r;

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	if ((r = sample(s, watch_clock())) < 0)
		return r;
	v->width = once_width();
	v->height = 0;
	v->color = false;
	r = render(s, v, &f);
	for (size_t i = 0; r == 0 && i < f.n; i++)
		printf("%s\n", f.lines[i].text);
	watch_frame_free(&f);
	return r;
}

static int run(struct screen *s, const struct watch_opts *o)
{
	struct watch_view v = { .top = (size_t)o->top, .interval = o->interval,
				.color = G.color, .utf8 = utf8_locale() };
	struct term t = { 0 };
	int r, sig;

	if (o->once) {
		r = once(s, &v);
		if (r < 0)
			errorf("watch: cannot %s: %s", s->all ? "go back to the original network namespace"
							       : "render the frame", strerror(-r));
		return r < 0 ? EXIT_SYSTEM : EXIT_OK;
	}
	r = term_enter(&t);
	if (r < 0) {
		term_leave(&t);
		errorf("watch: cannot set up the terminal: %s", strerror(-r));
		return EXIT_SYSTEM;
	}
	r = live(s, &v, &t);
	sig = term_signal();
	term_leave(&t);
	if (r < 0 && s->all && s->all->lost_home)
		errorf("watch: --all-netns: cannot go back to the original network namespace: %s",
		       strerror(-r));
	else if (r < 0)
		errorf("watch: %s", strerror(-r));
	if (r < 0)
		return EXIT_SYSTEM;
	if (sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
		/* the terminal is back: die of the signal, as the sender expects */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return EXIT_OK;
}

/* --all-netns: the summary of every namespace first. */
static int run_all(const struct watch_opts *o)
{
	struct screen s = { 0 };
	int rc, r;

	s.all = calloc(1, sizeof(*s.all));
	if (!s.all) {
		errorf("watch: out of memory");
		return EXIT_SYSTEM;
	}
	cmd_collect_opts(&s.all->collect);
	s.all->collect.show = (size_t)o->top;
	s.all->processes = !o->no_processes;
	s.all->unbudgeted = o->once;
	s.all->sysctl_root = G.sysctl_root;
	s.all->proc_root = "/proc";
	s.all->dirs = nsscan_default_dirs;
	s.all->home = -1;
	if (o->observe && observe_begin(NULL, o->once) < 0) {
		free(s.all);
		return EXIT_SYSTEM;
	}
	r = watch_all_init(s.all, watch_clock());
	if (r == -ENOENT && s.all->have_scan) {
		errorf("watch: --all-netns: no network namespace could be read");
		rc = EXIT_SYSTEM;
	} else if (r < 0) {
		errorf("watch: --all-netns: cannot %s: %s",
		       s.all->home < 0 ? "open the current network namespace"
		       : !s.all->have_scan ? "list the network namespaces"
					   : "go back to the original network namespace",
		       strerror(-r));
		rc = EXIT_SYSTEM;
	} else {
		rc = run(&s, o);
	}
	observe_stop(observing);
	observing = NULL;
	watch_all_free(s.all);
	free(s.all);
	if (have_win)
		observation_free(&last_win);
	have_win = false;
	return rc;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = { .interval = 1, .top = 10 };
	struct screen s = { 0 };
	int rc = EXIT_OK, r;

	if (parse_opts(argc, argv, &o, &rc) < 0)
		return rc;
	if (!o.once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		errorf("watch: needs a terminal on standard input and output (--once prints one frame as text)");
		return EXIT_USAGE;
	}
	/* the live view moves the cursor and clears the screen: a terminal
	 * type that cannot (TERM unset or dumb) would show escape sequences */
	if (!o.once && !cmd_color_forced() && !cmd_terminal_capable(true)) {
		const char *term = getenv("TERM");

		errorf("watch: needs a capable terminal: TERM %s%s%s cannot move the cursor or clear "
		       "the screen (--once prints one frame as text)", term ? "'" : "is unset",
		       term ? term : "", term ? "'" : "");
		return EXIT_USAGE;
	}
	if (G.all_netns)
		return run_all(&o);
	s.w = calloc(1, sizeof(*s.w));
	if (!s.w) {
		errorf("watch: out of memory");
		return EXIT_SYSTEM;
	}
	cmd_collect_opts(&s.w->collect);
	/* the owners of the shown destinations and server ports, within the
	 * scan's time and fd budgets (the dump's CPU budget counts the scan) */
	s.w->collect.processes = !o.no_processes;
	s.w->collect.show = (size_t)o.top;
	s.w->sysctl_root = G.sysctl_root;
	s.w->netns = G.netns;
	if (o.observe && observe_begin(s.w, o.once) < 0) {
		free(s.w);
		return EXIT_SYSTEM;
	}
	r = watch_init(s.w);
	if (r < 0) {
		errorf("watch: cannot read the sysctls under %s or the counters under %s: %s",
		       G.sysctl_root, G.proc_net, strerror(-r));
		rc = EXIT_SYSTEM;
	} else {
		rc = run(&s, &o);
	}
	observe_stop(observing);
	observing = NULL;
	if (have_win)
		observation_free(&last_win);
	have_win = false;
	watch_free(s.w);
	free(s.w);
	return rc;
}
