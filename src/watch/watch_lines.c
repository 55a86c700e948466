// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_lines.c: lines of text no wider than the view (watch_lines.h) */
#include "watch_lines.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "sanitize.h"

void lb_init(struct lb *l, const struct watch_view *v)
{
	l->len = 0;
	l->cols = 0;
	l->width = v->width;
	l->color = v->color;
	l->buf[0] = '\0';
}

void lb_raw(struct lb *l, const char *s)
{
	size_t n = strlen(s);

	if (l->len + n < LINE_BYTES) {
		memcpy(l->buf + l->len, s, n + 1);
		l->len += n;
	}
}

/* Appends s made safe for the terminal (sanitize.h: a control byte or
 * invalid UTF-8 becomes '?'), whole characters only, while they fit the
 * width. */
void lb_text(struct lb *l, const char *text)
{
	char safe[LINE_BYTES];
	const char *s = san_str(safe, sizeof(safe), text, SAN_TERM);

	while (*s && l->cols < l->width) {
		size_t n = 1;

		while ((s[n] & 0xC0) == 0x80)
			n++;
		if (l->len + n >= LINE_BYTES)
			break;
		memcpy(l->buf + l->len, s, n);
		l->len += n;
		l->cols++;
		s += n;
	}
	l->buf[l->len] = '\0';
}

void lb_put(struct lb *l, enum color c, const char *fmt, ...)
{
	char tmp[LINE_BYTES];
	bool paint = l->color && c != C_RESET && l->cols < l->width;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (paint)
		lb_raw(l, color(c));
	lb_text(l, tmp);
	if (paint)
		lb_raw(l, color(C_RESET));
}

unsigned lb_room(const struct lb *l)
{
	return l->width > l->cols ? l->width - l->cols : 0;
}

int frame_add(struct watch_frame *f, const struct lb *l)
{
	if (grow((void **)&f->lines, &f->cap, f->n + 1, sizeof(*f->lines)) < 0)
		return -ENOMEM;
	f->lines[f->n].text = strdup(l->buf);
	if (!f->lines[f->n].text)
		return -ENOMEM;
	f->lines[f->n++].cols = l->cols;
	return 0;
}

void watch_frame_free(struct watch_frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->lines[i].text);
	free(f->lines);
	*f = (struct watch_frame){ 0 };
}

void frame_clear(struct watch_frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->lines[i].text);
	f->n = 0;
}

int frame_pad(struct watch_frame *f, const struct watch_view *v, size_t n)
{
	struct lb l;
	int r;

	lb_init(&l, v);
	while (f->n < n)
		if ((r = frame_add(f, &l)) < 0)
			return r;
	return 0;
}

void frame_cut(struct watch_frame *f, unsigned height)
{
	struct watch_line footer;

	if (!height || f->n <= height)
		return;
	footer = f->lines[--f->n];
	while (f->n > height - 1)
		free(f->lines[--f->n].text);
	f->lines[f->n++] = footer;
}

const char *sev_symbol(enum severity s)
{
	static const char *const sym[] = { "  ", "i ", "! ", "!!" };

	return sym[s <= SEV_CRIT ? s : SEV_CRIT];
}

enum color sev_color(enum severity s)
{
	return s == SEV_CRIT ? C_RED : s == SEV_WARN ? C_YELLOW : s == SEV_INFO ? C_CYAN : C_GREEN;
}

/* The last samples that fit in room columns, newest on the right, scaled
 * from 0 to their largest. Rate samples below 0 (not measured) are blank. */
void sparkline(struct lb *l, const struct watch *w, bool rate, unsigned room, bool utf8)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.-:=+*#";
	size_t n = w->nhist < room ? w->nhist : room, first = w->nhist - n;
	double max = 0;

	for (size_t i = first; i < w->nhist; i++) {
		double x = rate ? watch_rate_at(w, i) : (double)watch_tw_at(w, i);

		if (x > max)
			max = x;
	}
	for (size_t i = first; i < w->nhist; i++) {
		double x = rate ? watch_rate_at(w, i) : (double)watch_tw_at(w, i);
		int lv = max > 0 && x > 0 ? (int)(x / max * 7 + 0.5) : 0;
		char one[2] = { ascii[lv], '\0' };

		lb_text(l, x < 0 ? " " : utf8 ? blocks[lv] : one);
	}
}
