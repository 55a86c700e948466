// SPDX-License-Identifier: GPL-2.0-or-later
/* term.c: the terminal of the live view (term.h) */
#include "term.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal, got_winch;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_signal = sig;
}

static const int caught[TERM_NCAUGHT] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH };

int term_signal(void)
{
	return got_signal;
}

bool term_resized(void)
{
	bool r = got_winch;

	got_winch = 0;
	return r;
}

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

int term_enter(struct term *t)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios raw;
	sigset_t block;
	static const char on[] = "\033[?1049h\033[?25l\033[?7l\033[H\033[2J";

	if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return -errno;
	sigemptyset(&block);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < TERM_NCAUGHT; i++) {
		sigaddset(&block, caught[i]);
		sigaction(caught[i], &sa, &t->old[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &t->oldmask);
	t->waitmask = t->oldmask;
	for (size_t i = 0; i < TERM_NCAUGHT; i++)
		sigdelset(&t->waitmask, caught[i]);
	raw = t->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0) {
		int e = -errno;

		for (size_t i = 0; i < TERM_NCAUGHT; i++)
			sigaction(caught[i], &t->old[i], NULL);
		sigprocmask(SIG_SETMASK, &t->oldmask, NULL);
		return e;
	}
	t->entered = true;
	return write_all(on, sizeof(on) - 1);
}

void term_leave(struct term *t)
{
	static const char off[] = "\033[?7h\033[?25h\033[?1049l";

	if (!t->entered)
		return;
	write_all(off, sizeof(off) - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	for (size_t i = 0; i < TERM_NCAUGHT; i++)
		sigaction(caught[i], &t->old[i], NULL);
	sigprocmask(SIG_SETMASK, &t->oldmask, NULL);
	t->entered = false;
}

void term_size(unsigned *cols, unsigned *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* Home, each line and clear-to-end-of-line (not after a full line, where
 * it would erase the last column), then clear-to-end-of-screen. */
int term_draw(const struct watch_frame *f, unsigned width)
{
	size_t len = 16;
	char *buf, *p;
	int r;

	for (size_t i = 0; i < f->n; i++)
		len += strlen(f->lines[i].text) + 8;
	buf = p = malloc(len);
	if (!buf)
		return -ENOMEM;
	p = stpcpy(p, "\033[H");
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

int term_wait(struct term *t, double timeout)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	struct timespec ts = { 0, 0 };
	int n;

	if (timeout > 0) {
		ts.tv_sec = (time_t)timeout;
		ts.tv_nsec = (long)((timeout - (double)ts.tv_sec) * 1e9);
	}
	n = ppoll(&pfd, 1, timeout < 0 ? NULL : &ts, &t->waitmask);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		errno = 0;
		return -1;
	}
	return n > 0;
}

/* The sequences after ESC [ (or ESC O) that name a key. */
static const struct {
	const char *seq;
	int key;
} seqs[] = {
	{ "A", KEY_UP },     { "B", KEY_DOWN },  { "C", KEY_RIGHT }, { "D", KEY_LEFT },
	{ "H", KEY_HOME },   { "F", KEY_END },   { "5~", KEY_PGUP }, { "6~", KEY_PGDN },
	{ "1~", KEY_HOME },  { "4~", KEY_END },  { "7~", KEY_HOME }, { "8~", KEY_END },
};

/* A named key at b (just after ESC [ or ESC O): its length, or 0. */
static size_t decode_seq(const unsigned char *b, size_t n, int *key)
{
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		size_t len = strlen(seqs[i].seq);

		if (len <= n && memcmp(b, seqs[i].seq, len) == 0) {
			*key = seqs[i].key;
			return len;
		}
	}
	return 0;
}

size_t term_decode_keys(const unsigned char *b, size_t n, int *keys, size_t max)
{
	size_t nk = 0;

	for (size_t i = 0; i < n && nk < max; i++) {
		size_t len;
		int key;

		if (b[i] == 0x1b && i + 1 < n && (b[i + 1] == '[' || b[i + 1] == 'O') &&
		    (len = decode_seq(b + i + 2, n - i - 2, &key)) > 0) {
			keys[nk++] = key;
			i += 1 + len;
			continue;
		}
		key = b[i] == 0x1b	       ? KEY_ESC
		      : b[i] == '\r' || b[i] == '\n' ? KEY_ENTER
		      : b[i] == 0x7f || b[i] == 0x08 ? KEY_BACKSPACE
		      : b[i] == 3		       ? KEY_CTRL_C
						       : b[i];
		keys[nk++] = key;
	}
	return nk;
}

int term_read_keys(int *keys, size_t max)
{
	unsigned char b[64];
	ssize_t n = read(STDIN_FILENO, b, sizeof(b));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0) {
		errno = 0;
		return -1;
	}
	return (int)term_decode_keys(b, (size_t)n, keys, max);
}
