// SPDX-License-Identifier: GPL-2.0-or-later
/* didyoumean.h: the nearest of a list of names to a mistyped one, for
 * "did you mean ...?" (as git's help.c does for commands) */
#ifndef TWTUNE_DIDYOUMEAN_H
#define TWTUNE_DIDYOUMEAN_H

#include <stddef.h>

/* The most a suggestion may differ from the word typed. */
#define DYM_MAX_DISTANCE 2

/* The Damerau-Levenshtein distance of a and b (optimal string alignment:
 * insertions, deletions, substitutions and swaps of two neighbours, each
 * costing 1), counted in bytes; bounded by max: any distance above max is
 * returned as max + 1. Strings longer than 255 bytes are never close. */
unsigned dym_distance(const char *a, const char *b, unsigned max);

/* The one name of names[0..n) that word most likely meant: the single one
 * of which word is a prefix (of at least 2 bytes), else the single name
 * nearest to word within DYM_MAX_DISTANCE. NULL when there is none, or
 * when two are equally near (a guess would mislead). A name equal to word
 * is not suggested. */
const char *dym_suggest(const char *word, const char *const *names, size_t n);

#endif
