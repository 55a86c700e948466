// SPDX-License-Identifier: GPL-2.0-or-later
/* sanitize.c: the one sanitizer of untrusted text at the output edge
 * (sanitize.h says what each mode writes) */
#include "sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

/* The length of the valid UTF-8 character at p (1..4) with its code
 * point in *cp, or 0 when the byte at p does not start one. */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static bool is_control(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

static bool is_bidi(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* What one character (or invalid byte, valid false) becomes: into out
 * (at least 8 bytes), returns its length. */
static size_t one(const unsigned char *p, size_t n, uint32_t c, bool valid, enum san_mode mode,
		  char *out)
{
	switch (mode) {
	case SAN_TERM:
	case SAN_TERM_LINES:
		if (valid && mode == SAN_TERM_LINES && (c == '\n' || c == '\t')) {
			out[0] = (char)c;
			return 1;
		}
		if (!valid || is_control(c) || is_bidi(c)) {
			out[0] = '?';
			return 1;
		}
		break;
	case SAN_JSON:
		if (!valid) {
			memcpy(out, REPLACEMENT, 3);
			return 3;
		}
		switch (c) {
		case '"': memcpy(out, "\\\"", 2); return 2;
		case '\\': memcpy(out, "\\\\", 2); return 2;
		case '\b': memcpy(out, "\\b", 2); return 2;
		case '\f': memcpy(out, "\\f", 2); return 2;
		case '\n': memcpy(out, "\\n", 2); return 2;
		case '\r': memcpy(out, "\\r", 2); return 2;
		case '\t': memcpy(out, "\\t", 2); return 2;
		default: break;
		}
		if (is_control(c)) {
			static const char hex[] = "0123456789abcdef";

			memcpy(out, "\\u00", 4);
			out[4] = hex[c >> 4];
			out[5] = hex[c & 15];
			return 6;
		}
		break;
	case SAN_PROM:
		if (valid && (c == '\\' || c == '"')) {
			out[0] = '\\';
			out[1] = (char)c;
			return 2;
		}
		if (valid && c == '\n') {
			memcpy(out, "\\n", 2);
			return 2;
		}
		if (!valid || is_control(c)) {
			memcpy(out, REPLACEMENT, 3);
			return 3;
		}
		break;
	}
	memcpy(out, p, n);
	return n;
}

/* Walks s, handing each piece to put(arg, piece, len); stops when put
 * returns false. */
static void walk(const char *s, enum san_mode mode, bool (*put)(void *, const char *, size_t),
		 void *arg)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		uint32_t c = 0;
		size_t n = utf8_next(p, &c);
		char out[8];
		size_t k = one(p, n ? n : 1, c, n != 0, mode, out);

		if (!put(arg, out, k))
			return;
		p += n ? n : 1;
	}
}

struct buf {
	char *b;
	size_t len, used;
};

static bool put_buf(void *arg, const char *piece, size_t n)
{
	struct buf *b = arg;

	if (b->used + n >= b->len)
		return false;
	memcpy(b->b + b->used, piece, n);
	b->used += n;
	return true;
}

const char *san_str(char *buf, size_t len, const char *s, enum san_mode mode)
{
	struct buf b = { buf, len, 0 };

	if (!len)
		return buf;
	walk(s, mode, put_buf, &b);
	buf[b.used] = '\0';
	return buf;
}

static bool put_file(void *arg, const char *piece, size_t n)
{
	fwrite(piece, 1, n, (FILE *)arg);
	return true;
}

void san_fputs(FILE *f, const char *s, enum san_mode mode)
{
	walk(s, mode, put_file, f);
}
