// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_lines.h: the frames of `twtune watch` are built of these lines:
 * text that stops at the view's width, counted in columns (whole UTF-8
 * characters; colour escapes take none). Shared by the view of one
 * namespace (watch_render.c) and the summary of all (watch_nsrender.c). */
#ifndef TWTUNE_WATCH_LINES_H
#define TWTUNE_WATCH_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "output.h"
#include "watch.h"

#define LINE_BYTES 2048

/* How a frame is drawn: for the live view and for --once alike. */
struct watch_view {
	unsigned width;  /* columns: no line is wider */
	unsigned height; /* rows, the footer on the last; 0: as many as needed */
	size_t top;      /* destinations to list at most */
	bool color;      /* colour escapes (they take no columns) */
	bool utf8;       /* block characters in the sparklines, else ASCII */
	bool paused;
	double interval; /* seconds between frames */
	bool back;       /* a namespace opened from the summary: Esc goes back */
	const char *message; /* one line for the footer (why a key did nothing), or NULL */
};

struct watch_line {
	char *text;    /* NUL-terminated, no newline */
	unsigned cols; /* the columns it takes */
};

/* A frame: the lines to draw, top to bottom. */
struct watch_frame {
	struct watch_line *lines;
	size_t n, cap;
};

void watch_frame_free(struct watch_frame *f);

/* A line being built: text that stops at the view's width. */
struct lb {
	char buf[LINE_BYTES];
	size_t len;
	unsigned cols, width;
	bool color;
};

void lb_init(struct lb *l, const struct watch_view *v);
/* Bytes that take no columns (escapes). */
void lb_raw(struct lb *l, const char *s);
/* Appends s, whole UTF-8 characters only, while they fit the width. */
void lb_text(struct lb *l, const char *s);
/* Formatted text in colour c (when the view has colour). */
void lb_put(struct lb *l, enum color c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Columns left. */
unsigned lb_room(const struct lb *l);
/* Appends a copy of the line to f. 0 or -ENOMEM. */
int frame_add(struct watch_frame *f, const struct lb *l);

/* Empties f (its lines freed, the array kept). */
void frame_clear(struct watch_frame *f);
/* Empty lines until f has n. 0 or -ENOMEM. */
int frame_pad(struct watch_frame *f, const struct watch_view *v, size_t n);
/* A terminal too small even for the fixed lines: the first rows and the
 * footer (f's last line) on the last of height rows. */
void frame_cut(struct watch_frame *f, unsigned height);

/* "  ", "i ", "! ", "!!": what the colour says, for a view without. */
const char *sev_symbol(enum severity s);
enum color sev_color(enum severity s);

/* The last samples of w's ring that fit in room columns, newest on the
 * right, scaled from 0 to their largest: TIME_WAIT, or with rate the
 * closes per second (samples not measured are blank). */
void sparkline(struct lb *l, const struct watch *w, bool rate, unsigned room, bool utf8);

#endif
