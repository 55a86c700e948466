// SPDX-License-Identifier: GPL-2.0-or-later
/* suggest.c: the suggestion: the smallest set of sysctl changes that
 * clears what a sysctl can clear, found by running the rules on the
 * values proposed so far */
#include <errno.h>
#include <string.h>

#include "suggest.h"

int risk_suggest(const struct settings *s, const struct observation *o, const double *thr,
		 struct settings *proposed)
{
	int changed = 0;

	if (settings_copy(proposed, s) < 0)
		return -ENOMEM;
	/* A fix can reveal the next one (reuse first, then a wider range):
	 * a few rounds, each on the settings proposed so far. */
	for (int round = 0; round < 4; round++) {
		struct assessment a;
		int before = changed;

		risk_assess(proposed, o, thr, &a);
		for (size_t i = 0; i < a.n; i++) {
			const struct finding *f = &a.f[i];

			if (f->sev < SEV_WARN)
				continue;
			for (size_t k = 0; k < f->nfix; k++) {
				int key = f->fix[k].key;

				if (key < 0 || (proposed->have[key] &&
						strcmp(proposed->val[key].text, f->fix[k].value) == 0))
					continue;
				if (settings_set(proposed, (size_t)key, f->fix[k].value) == 0)
					changed++;
			}
		}
		if (changed == before)
			break;
	}
	{
		int n = 0;

		for (size_t i = 0; i < SYSCTL_COUNT; i++)
			if (proposed->have[i] &&
			    (!s->have[i] || !sysval_equal(&s->val[i], &proposed->val[i])))
				n++;
		return n;
	}
}
