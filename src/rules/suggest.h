// SPDX-License-Identifier: GPL-2.0-or-later
/* suggest.h: the suggestion, found by running the rules on the values
 * proposed so far */
#ifndef TWTUNE_SUGGEST_H
#define TWTUNE_SUGGEST_H

#include "risk.h"

/* The smallest set of changes that clears what a sysctl can clear: fills
 * `proposed` (a copy of s with the fixes) and returns how many keys
 * changed, or -ENOMEM. */
int risk_suggest(const struct settings *s, const struct observation *o, const double *thr,
		 struct settings *proposed);

#endif
