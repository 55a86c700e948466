// SPDX-License-Identifier: GPL-2.0-or-later
/* plan.h: a planned change of sysctls, from current values to target ones
 * (made and written by apply.c, persisted by persist.c) */
#ifndef TWTUNE_PLAN_H
#define TWTUNE_PLAN_H

#include <stddef.h>

#include "registry.h"
#include "value.h"

struct change {
	enum sysctl_id key;
	struct sysval before, after;
};

struct plan {
	struct change all[SYSCTL_COUNT]; /* every key the target sets, in table order */
	size_t nall;
	size_t diff[SYSCTL_COUNT];       /* indexes into all[] of the keys that differ */
	size_t ndiff;
	enum sysctl_id skipped[SYSCTL_COUNT]; /* keys this kernel lacks, set to their default */
	size_t nskipped;
	enum sysctl_id missing[SYSCTL_COUNT]; /* rollback: journalled keys this kernel lacks */
	size_t nmissing;
};

#endif
