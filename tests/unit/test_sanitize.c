// SPDX-License-Identifier: GPL-2.0-or-later
/* test_sanitize.c: the one sanitizer of untrusted text (sanitize.h), each
 * mode on the same hostile inputs: escape sequences, C1 controls, bytes
 * that are not UTF-8 (0xff, a lone continuation, an overlong '/', a
 * surrogate, a cut sequence), quotes and backslashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "tap.h"

struct tcase {
	const char *in, *term, *json, *prom;
};

static const struct tcase cases[] = {
	{ "nginx", "nginx", "nginx", "nginx" },
	{ "e\x1b[2Jx", "e?[2Jx", "e\\u001b[2Jx", "e\xef\xbf\xbd[2Jx" },
	{ "\xffgen", "?gen", "\xef\xbf\xbdgen", "\xef\xbf\xbdgen" },
	{ "a\xc2\x9b" "31mb", "a?31mb", "a\\u009b31mb", "a\xef\xbf\xbd" "31mb" }, /* C1 CSI */
	{ "\x80x", "?x", "\xef\xbf\xbdx", "\xef\xbf\xbdx" },                   /* lone continuation */
	{ "\xc0\xaf", "??", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd" }, /* overlong */
	{ "\xed\xa0\x80", "???", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },                              /* surrogate */
	{ "\xe2\x82", "??", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd" }, /* cut */
	{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac",
	  "caf\xc3\xa9 \xe2\x82\xac" },                                          /* valid */
	{ "a\xe2\x80\xae" "b", "a?b", "a\xe2\x80\xae" "b", "a\xe2\x80\xae" "b" }, /* RLO */
	{ "q\"b\\s", "q\"b\\s", "q\\\"b\\\\s", "q\\\"b\\\\s" },
	{ "l1\nl2\tt\x7f", "l1?l2?t?", "l1\\nl2\\tt\\u007f", "l1\\nl2\xef\xbf\xbdt\xef\xbf\xbd" },
};

int main(void)
{
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];

		TAP_OK(strcmp(san_str(buf, sizeof(buf), c->in, SAN_TERM), c->term) == 0,
		       "term case %zu", i);
		TAP_OK(strcmp(san_str(buf, sizeof(buf), c->in, SAN_JSON), c->json) == 0,
		       "json case %zu", i);
		TAP_OK(strcmp(san_str(buf, sizeof(buf), c->in, SAN_PROM), c->prom) == 0,
		       "prom case %zu", i);
	}
	TAP_OK(strcmp(san_str(buf, sizeof(buf), "a\nb\tc\x1b", SAN_TERM_LINES), "a\nb\tc?") == 0,
	       "term lines keeps newline and tab");
	/* cut at a character boundary, never inside one */
	TAP_OK(strcmp(san_str(buf, 5, "ab\xe2\x82\xac", SAN_TERM), "ab") == 0, "cut before a euro");
	TAP_OK(strcmp(san_str(buf, 6, "ab\xe2\x82\xac", SAN_TERM), "ab\xe2\x82\xac") == 0,
	       "the euro fits in 6");
	TAP_OK(strcmp(san_str(buf, 3, "\xff\xff", SAN_JSON), "") == 0,
	       "no half replacement character");
	TAP_OK(strcmp(san_str(buf, 4, "\xff\xff", SAN_JSON), "\xef\xbf\xbd") == 0,
	       "one replacement character fits in 4");
	TAP_OK(strcmp(san_str(buf, sizeof(buf), NULL, SAN_TERM), "") == 0, "NULL is empty");
	/* san_fputs writes the same as san_str, whatever the length */
	{
		char big[3000], *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		for (size_t i = 0; i + 1 < sizeof(big); i++)
			big[i] = i % 3 ? 'x' : '\x1b';
		big[sizeof(big) - 1] = '\0';
		san_fputs(f, big, SAN_TERM);
		fclose(f);
		TAP_OK(len == strlen(big) && !memchr(out, 0x1b, len), "san_fputs: long, no ESC left");
		free(out);
	}
	return tap_done();
}
