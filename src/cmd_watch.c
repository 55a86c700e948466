/* cmd_watch.c: twtune watch [--interval SEC] [--top N] [--observe] [--once] [--no-processes]
 *
 * The terminal side of the live view, in plain ANSI sequences rather than
 * ncurses: the frame is whole lines of text (watch_render.c), so all the
 * terminal needs is the alternate screen, a hidden cursor, no autowrap,
 * raw input (termios) and, per frame, one write of cursor-home, each line
 * followed by clear-to-end-of-line, and clear-to-end-of-screen: redrawn in
 * place, without flicker, and no library to link. Signals are blocked but
 * during ppoll(), so q, Ctrl-C (read as a key), SIGINT, SIGTERM, SIGHUP
 * and errors all leave through the one path that restores the terminal
 * exactly; SIGWINCH redraws at the new size.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "observation.h"
#include "twtune.h"
#include "watch.h"

struct watch_opts {
	double interval;
	long long top;
	bool observe, once, no_processes;
};

/* --observe: attached for the whole run, read every frame */
static struct observe_session *observing;

/* the last read, which the rules of the next frame judge */
static struct obs_window last_win;
static bool have_win;

/* One frame: the eBPF counts, then the counters (and the dump when due)
 * judged with them. */
static void sample(struct watch *w, double now)
{
	struct obs_window win;

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
}

static volatile sig_atomic_t got_signal, got_winch;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_signal = sig;
}

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH };
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

struct term {
	struct termios saved;
	struct sigaction old[NCAUGHT];
	sigset_t oldmask;
	bool entered;
};

static int write_all(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Raw input, signals caught, the alternate screen. 0 or -errno, with
 * nothing changed. */
static int term_enter(struct term *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios raw;
	sigset_t block;
	static const char on[] = "\033[?1049h\033[?25l\033[?7l\033[H\033[2J";

	if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return -errno;
	sigemptyset(&block);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCAUGHT; i++) {
		sigaddset(&block, caught[i]);
		sigaction(caught[i], &sa, &t->old[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &t->oldmask);
	raw = t->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0) {
		int e = -errno;

		for (size_t i = 0; i < NCAUGHT; i++)
			sigaction(caught[i], &t->old[i], NULL);
		sigprocmask(SIG_SETMASK, &t->oldmask, NULL);
		return e;
	}
	t->entered = true;
	return write_all(on, sizeof(on) - 1);
}

static void term_leave(struct term *t)
{
	static const char off[] = "\033[?7h\033[?25h\033[?1049l";

	if (!t->entered)
		return;
	write_all(off, sizeof(off) - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &t->old[i], NULL);
	sigprocmask(SIG_SETMASK, &t->oldmask, NULL);
	t->entered = false;
}

static void term_size(unsigned *cols, unsigned *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* The whole frame in one write: home, each line and clear-to-end-of-line
 * (not after a full line, where it would erase the last column), then
 * clear-to-end-of-screen. */
static int draw(const struct watch_frame *f, unsigned width)
{
	size_t len = 16;
	char *buf, *p;
	int r;

	for (size_t i = 0; i < f->n; i++)
		len += strlen(f->lines[i].text) + 8;
	buf = p = malloc(len);
	if (!buf)
		return -ENOMEM;
	p += sprintf(p, "\033[H");
	for (size_t i = 0; i < f->n; i++) {
		p = stpcpy(p, f->lines[i].text);
		if (f->lines[i].cols < width)
			p = stpcpy(p, "\033[K");
		if (i + 1 < f->n)
			p = stpcpy(p, "\r\n");
	}
	p = stpcpy(p, "\033[J");
	r = write_all(buf, (size_t)(p - buf));
	free(buf);
	return r;
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

/* Keys waiting on stdin: 1 when one of them quits, or the terminal's
 * input ended (readable and nothing to read), else 0; -errno when it
 * cannot be read. */
static int read_keys(struct watch *w, struct watch_view *v)
{
	char k[64];
	ssize_t n = read(STDIN_FILENO, k, sizeof(k));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return 1;
	for (ssize_t i = 0; i < n; i++) {
		switch (k[i]) {
		case 'q':
		case 'Q':
		case 3: /* Ctrl-C: ISIG is off in raw mode */
			return 1;
		case 'p':
		case 'P':
			v->paused = !v->paused;
			break;
		case 's':
		case 'S':
			watch_set_sort(w, (enum watch_sort)((w->sort + 1) % WATCH_SORT_COUNT));
			break;
		case '+':
		case '=':
			v->interval = step_interval(v->interval, 1);
			break;
		case '-':
		case '_':
			v->interval = step_interval(v->interval, -1);
			break;
		}
	}
	return 0;
}

static int render_draw(struct watch *w, struct watch_view *v, struct watch_frame *f)
{
	int r;

	term_size(&v->width, &v->height);
	r = watch_render(w, v, f);
	return r < 0 ? r : draw(f, v->width);
}

/* The live loop, inside term_enter/term_leave. 0 (quit), or -errno. */
static int live(struct watch *w, struct watch_view *v, const sigset_t *waitmask)
{
	struct watch_frame f = { 0 };
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	double next = watch_clock() + v->interval;
	int r = render_draw(w, v, &f);

	while (r == 0 && !got_signal) {
		double left = next - watch_clock();
		struct timespec ts = { 0, 0 };
		bool redraw = false;
		int n;

		if (left > 0) {
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		}
		n = ppoll(&pfd, 1, v->paused ? NULL : &ts, waitmask);
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (got_winch) {
			got_winch = 0;
			redraw = true;
		}
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		if (n > 0) {
			double was = v->interval;

			if ((r = read_keys(w, v)) != 0)
				break;
			if (v->interval != was)
				next = watch_clock() + v->interval;
			redraw = true;
		}
		if (!v->paused && watch_clock() >= next) {
			double now = watch_clock();

			sample(w, now);
			next = fmax(next + v->interval, now + v->interval / 2);
			redraw = true;
		} else if (v->paused) {
			next = watch_clock() + v->interval;
		}
		if (redraw)
			r = render_draw(w, v, &f);
	}
	watch_frame_free(&f);
	return r < 0 ? r : 0;
}

static int parse_opts(int argc, char **argv, struct watch_opts *o, int *rc)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "top", required_argument, NULL, 't' },
		{ "observe", no_argument, NULL, 'o' },
		{ "once", no_argument, NULL, '1' },
		{ "no-processes", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = cmd_next_opt(argc, argv, opts, rc)) != -1) {
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
 * namespace watch looks at). 0, or -1 with the reason said. */
static int observe_begin(struct watch *w, bool once)
{
	struct observe_opts oo = { .btf_path = observe_test_btf() };
	struct obs_failure why;
	char msg[300];

	if (observe_start(&oo, &observing, &why) < 0) {
		errorf("watch: --observe: %s", observe_failure_text(&why, msg, sizeof(msg)));
		observing = NULL;
		return -1;
	}
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
static int once(struct watch *w, struct watch_view *v)
{
	struct timespec ts = { (time_t)v->interval,
			       (long)((v->interval - (double)(time_t)v->interval) * 1e9) };
	struct watch_frame f = { 0 };
	int r;

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	sample(w, watch_clock());
	v->width = once_width();
	v->height = 0;
	v->color = false;
	r = watch_render(w, v, &f);
	for (size_t i = 0; r == 0 && i < f.n; i++)
		printf("%s\n", f.lines[i].text);
	watch_frame_free(&f);
	return r;
}

static int run(struct watch *w, const struct watch_opts *o)
{
	struct watch_view v = { .top = (size_t)o->top, .interval = o->interval,
				.color = G.color, .utf8 = utf8_locale() };
	struct term t = { 0 };
	sigset_t waitmask;
	int r, sig;

	if (o->once) {
		r = once(w, &v);
		if (r < 0)
			errorf("watch: cannot render the frame: %s", strerror(-r));
		return r < 0 ? EXIT_SYSTEM : EXIT_OK;
	}
	r = term_enter(&t);
	if (r < 0) {
		term_leave(&t);
		errorf("watch: cannot set up the terminal: %s", strerror(-r));
		return EXIT_SYSTEM;
	}
	waitmask = t.oldmask;
	for (size_t i = 0; i < NCAUGHT; i++)
		sigdelset(&waitmask, caught[i]);
	r = live(w, &v, &waitmask);
	sig = got_signal;
	term_leave(&t);
	if (r < 0) {
		errorf("watch: %s", strerror(-r));
		return EXIT_SYSTEM;
	}
	if (sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
		/* the terminal is back: die of the signal, as the sender expects */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return EXIT_OK;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = { .interval = 1, .top = 10 };
	struct watch *w;
	int rc = EXIT_OK, r;

	if (parse_opts(argc, argv, &o, &rc) < 0)
		return rc;
	if (!o.once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		errorf("watch: needs a terminal on standard input and output (--once prints one frame as text)");
		return EXIT_USAGE;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errorf("watch: out of memory");
		return EXIT_SYSTEM;
	}
	cmd_collect_opts(&w->collect);
	/* the owners of the shown destinations and server ports, within the
	 * scan's time and fd budgets (the dump's CPU budget counts the scan) */
	w->collect.processes = !o.no_processes;
	w->collect.show = (size_t)o.top;
	w->sysctl_root = G.sysctl_root;
	w->netns = G.netns;
	if (o.observe && observe_begin(w, o.once) < 0) {
		free(w);
		return EXIT_SYSTEM;
	}
	r = watch_init(w);
	if (r < 0) {
		errorf("watch: cannot read the sysctls under %s or the counters under %s: %s",
		       G.sysctl_root, G.proc_net, strerror(-r));
		rc = EXIT_SYSTEM;
	} else {
		rc = run(w, &o);
	}
	observe_stop(observing);
	observing = NULL;
	if (have_win)
		observation_free(&last_win);
	have_win = false;
	watch_free(w);
	free(w);
	return rc;
}
