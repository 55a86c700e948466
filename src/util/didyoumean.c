// SPDX-License-Identifier: GPL-2.0-or-later
/* didyoumean.c: the nearest name to a mistyped one (didyoumean.h) */
#include "didyoumean.h"

#include <stdbool.h>
#include <string.h>

#define DYM_MAX_LEN 255

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned dym_distance(const char *a, const char *b, unsigned max)
{
	/* three rows of the table: i - 2, i - 1 and i */
	unsigned rows[3][DYM_MAX_LEN + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > DYM_MAX_LEN || lb > DYM_MAX_LEN)
		return la == lb && !strcmp(a, b) ? 0 : max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *prev2 = rows[(i - 2) % 3];
		unsigned best;

		cur[0] = (unsigned)i;
		best = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
			if (cur[j] < best)
				best = cur[j];
		}
		if (best > max) /* every later row is at least as far */
			return max + 1;
	}
	return rows[la % 3][lb] > max ? max + 1 : rows[la % 3][lb];
}

const char *dym_suggest(const char *word, const char *const *names, size_t n)
{
	const char *prefixed = NULL, *nearest = NULL;
	size_t len = strlen(word), nprefixed = 0;
	unsigned best = DYM_MAX_DISTANCE + 1;
	bool tie = false;

	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (!names[i] || !strcmp(word, names[i]))
			continue;
		if (len >= 2 && !strncmp(word, names[i], len)) {
			prefixed = names[i];
			nprefixed++;
		}
		d = dym_distance(word, names[i], DYM_MAX_DISTANCE);
		if (d < best) {
			best = d;
			nearest = names[i];
			tie = false;
		} else if (d == best && d <= DYM_MAX_DISTANCE && strcmp(nearest, names[i])) {
			tie = true;
		}
	}
	if (nprefixed == 1)
		return prefixed;
	return nearest && !tie ? nearest : NULL;
}
