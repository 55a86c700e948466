// SPDX-License-Identifier: GPL-2.0-or-later
/* test_didyoumean.c: the Damerau-Levenshtein distance and the choice of
 * a suggestion (src/util/didyoumean.c), table-driven */
#include <stddef.h>
#include <string.h>

#include "didyoumean.h"
#include "tap.h"

static const struct {
	const char *a, *b;
	unsigned max, want;
} distances[] = {
	{ "", "", 2, 0 },
	{ "audit", "audit", 2, 0 },
	{ "audti", "audit", 2, 1 },         /* a swap of neighbours is one edit */
	{ "adit", "audit", 2, 1 },          /* a deletion */
	{ "auddit", "audit", 2, 1 },        /* an insertion */
	{ "audyt", "audit", 2, 1 },         /* a substitution */
	{ "tcp_tw_reuze", "tcp_tw_reuse", 2, 1 },
	{ "ca", "abc", 5, 3 },              /* optimal string alignment, not full DL (2) */
	{ "kitten", "sitting", 5, 3 },
	{ "kitten", "sitting", 2, 3 },      /* beyond max: max + 1 */
	{ "", "abc", 5, 3 },
	{ "abc", "", 1, 2 },
	{ "watch", "get", 2, 3 },
	{ "sockets", "socket", 2, 1 },
	{ "ab", "ba", 2, 1 },
};

static const char *const commands[] = { "audit", "diff",  "apply",    "rollback", "sockets", "observe",
					"watch", "get",   "profiles", "show",     "help" };
static const char *const keys[] = { "tcp_tw_reuse", "tcp_tw_reuse_delay", "tcp_fin_timeout",
				    "tcp_max_tw_buckets", "ip_local_port_range" };
static const char *const ties[] = { "abcd", "abce" };

static const struct {
	const char *word;
	const char *const *names;
	size_t n;
	const char *want; /* NULL: no suggestion */
} suggestions[] = {
	{ "audti", commands, 11, "audit" },
	{ "sokets", commands, 11, "sockets" },
	{ "rolback", commands, 11, "rollback" },
	{ "prof", commands, 11, "profiles" },     /* a unique prefix, however far */
	{ "frobnicate", commands, 11, NULL },
	{ "audit", commands, 11, NULL },           /* the name itself is no suggestion */
	{ "a", commands, 11, NULL },               /* a one-letter prefix is not enough */
	{ "tcp_tw_reuze", keys, 5, "tcp_tw_reuse" },
	{ "tcp_tw_reus", keys, 5, "tcp_tw_reuse" }, /* prefix of two: the nearest */
	{ "tcp_tw", keys, 5, NULL },              /* prefix of two, none near */
	{ "tcp_fin_timout", keys, 5, "tcp_fin_timeout" },
	{ "abcf", ties, 2, NULL },                /* two equally near: no guess */
	{ "", commands, 11, NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(distances) / sizeof(distances[0]); i++) {
		unsigned d = dym_distance(distances[i].a, distances[i].b, distances[i].max);

		TAP_OK(d == distances[i].want, "distance('%s', '%s', max %u) = %u (got %u)",
		       distances[i].a, distances[i].b, distances[i].max, distances[i].want, d);
	}
	for (size_t i = 0; i < sizeof(suggestions) / sizeof(suggestions[0]); i++) {
		const char *got = dym_suggest(suggestions[i].word, suggestions[i].names,
					      suggestions[i].n);
		const char *want = suggestions[i].want;

		TAP_OK(want ? got && !strcmp(got, want) : !got, "suggest('%s') = %s (got %s)",
		       suggestions[i].word, want ? want : "none", got ? got : "none");
	}
	/* symmetric */
	for (size_t i = 0; i < sizeof(distances) / sizeof(distances[0]); i++)
		TAP_OK(dym_distance(distances[i].a, distances[i].b, 9) ==
			       dym_distance(distances[i].b, distances[i].a, 9),
		       "distance('%s', '%s') is symmetric", distances[i].a, distances[i].b);
	return tap_done();
}
