// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_observe.c: `twtune watch --observe`: the eBPF counts of each
 * frame (cumulative since the program attached, observe_peek) turned into
 * connects/s and failures/s per destination by differences with the
 * frame before. Nothing here reads the kernel or prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "watch_observe.h"

static bool same_dest(const struct watch_obs *a, const struct watch_obs *b)
{
	return a->family == b->family && a->has_local == b->has_local && a->port == b->port &&
	       memcmp(a->remote, b->remote, sizeof(a->remote)) == 0 &&
	       (!a->has_local || memcmp(a->local, b->local, sizeof(a->local)) == 0);
}

static void obs_of(struct watch_obs *o, const struct obs_row *r)
{
	memset(o, 0, sizeof(*o));
	o->family = r->family;
	o->has_local = r->has_local;
	memcpy(o->local, r->local, sizeof(o->local));
	memcpy(o->remote, r->remote, sizeof(o->remote));
	o->port = r->port;
	o->attempts = r->attempts;
	o->failures = obs_failures(r);
	o->eaddrnotavail = r->eaddrnotavail;
	if (r->nprocs)
		memcpy(o->comm, r->procs[0].comm, sizeof(o->comm));
	o->comm[sizeof(o->comm) - 1] = '\0';
}

/* Most failures per second first, then connects per second, then the
 * counts since attaching. */
static int by_failing(const void *va, const void *vb)
{
	const struct watch_obs *a = va, *b = vb;

	if (a->failures_rate != b->failures_rate)
		return a->failures_rate < b->failures_rate ? 1 : -1;
	if (a->connects_rate != b->connects_rate)
		return a->connects_rate < b->connects_rate ? 1 : -1;
	if (a->failures != b->failures)
		return a->failures < b->failures ? 1 : -1;
	return a->attempts < b->attempts ? 1 : a->attempts > b->attempts ? -1 : 0;
}

int watch_observed(struct watch *w, const struct obs_window *win)
{
	struct watch_obs *rows = calloc(win->ndests ? win->ndests : 1, sizeof(*rows));
	double dt = win->window_seconds - w->observed_window;
	size_t n = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t k = 0; k < win->ndests; k++) {
		uint64_t attempts = 0, failures = 0;
		size_t i = n;

		if (w->observe_netns && win->dests[k].netns != w->observe_netns)
			continue;
		n++;
		obs_of(&rows[i], &win->dests[k]);
		for (size_t j = 0; j < w->nobserved; j++)
			if (same_dest(&rows[i], &w->observed[j])) {
				attempts = w->observed[j].attempts;
				failures = w->observed[j].failures;
				break;
			}
		/* counts only grow while attached; a smaller one is a new row */
		if (attempts > rows[i].attempts || failures > rows[i].failures)
			attempts = failures = 0;
		rows[i].connects_rate = dt > 0 ? (double)(rows[i].attempts - attempts) / dt : 0;
		rows[i].failures_rate = dt > 0 ? (double)(rows[i].failures - failures) / dt : 0;
	}
	qsort(rows, n, sizeof(*rows), by_failing);
	free(w->observed);
	w->observed = rows;
	w->nobserved = n;
	w->observed_window = win->window_seconds;
	return 0;
}

void watch_observed_free(struct watch *w)
{
	free(w->observed);
	w->observed = NULL;
	w->nobserved = 0;
	w->observed_window = 0;
}
