// SPDX-License-Identifier: GPL-2.0-or-later
/* term.h: the terminal of the live view, in plain ANSI sequences rather
 * than ncurses: a frame is whole lines of text (watch_render.c), so all
 * the terminal needs is the alternate screen, a hidden cursor, no
 * autowrap, raw input (termios) and, per frame, one write of cursor-home,
 * each line followed by clear-to-end-of-line, and clear-to-end-of-screen:
 * redrawn in place, without flicker, and no library to link. Signals are
 * blocked but during term_wait(), so q, Ctrl-C (read as a key), SIGINT,
 * SIGTERM, SIGHUP and errors all leave through the one path that
 * restores the terminal exactly; SIGWINCH asks for a redraw.
 */
#ifndef TWTUNE_TERM_H
#define TWTUNE_TERM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "watch_lines.h"

#define TERM_NCAUGHT 5

struct term {
	struct termios saved;
	struct sigaction old[TERM_NCAUGHT];
	sigset_t oldmask, waitmask;
	bool entered;
};

/* Raw input, signals caught, the alternate screen. 0 or -errno (call
 * term_leave either way). */
int term_enter(struct term *t);
/* The screen, the input mode and the signals as they were. */
void term_leave(struct term *t);

/* Columns and rows (80x24 when the terminal does not say). */
void term_size(unsigned *cols, unsigned *rows);

/* The frame in one write. 0 or -errno. */
int term_draw(const struct watch_frame *f, unsigned width);

/* Waits at most timeout seconds (< 0: without end) for input or a
 * signal: 1 when input is waiting, 0 on timeout or a signal, -1 when the
 * input ended or failed (errno). */
int term_wait(struct term *t, double timeout);

/* The signal that should end the view (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT), or 0. */
int term_signal(void);
/* Whether the terminal was resized since the last call. */
bool term_resized(void);

/* Keys: a plain character is itself; these are the named ones. */
enum {
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_PGUP,
	KEY_PGDN,
	KEY_HOME,
	KEY_END,
	KEY_ENTER,
	KEY_ESC,
	KEY_BACKSPACE,
	KEY_CTRL_C,
};

/* The keys waiting on stdin, decoded, into keys (at most max). The count,
 * 0 when there was nothing, or -1 when the input ended (errno 0) or
 * cannot be read. */
int term_read_keys(int *keys, size_t max);

/* Decodes the bytes b[0..n) into keys (at most max): the count. An
 * escape alone, or followed by what is not a known sequence, is KEY_ESC
 * and the bytes after it are keys of their own. */
size_t term_decode_keys(const unsigned char *b, size_t n, int *keys, size_t max);

#endif
