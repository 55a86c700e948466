// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_observe.h: `twtune watch --observe`: the eBPF counts of each
 * frame as connects/s and failures/s per destination */
#ifndef TWTUNE_WATCH_OBSERVE_H
#define TWTUNE_WATCH_OBSERVE_H

#include "observation.h"
#include "watch.h"

/* The eBPF counts read now (cumulative since attaching) replace the last
 * ones; the rates are their differences over the time between the reads
 * (the first read: over the time since attaching). 0 or -ENOMEM (the
 * last ones stay). */
int watch_observed(struct watch *w, const struct obs_window *win);
void watch_observed_free(struct watch *w);

#endif
