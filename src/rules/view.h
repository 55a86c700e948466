// SPDX-License-Identifier: GPL-2.0-or-later
/* view.h: what an audit hands its renderers (struct report): the settings,
 * the sockets, both assessments and the observation, gathered once */
#ifndef TWTUNE_VIEW_H
#define TWTUNE_VIEW_H

#include <stddef.h>

#include "risk.h"

struct collect_result;

#define REPORT_SCHEMA_VERSION 1

struct report {
	const char *kernel;               /* uname release */
	const char *netns;                /* --netns argument, or "current" */
	const char *netns_id;             /* "net:[4026531840]" */
	const struct settings *current;
	const struct settings *target;    /* suggested, or the profile's */
	const struct observation *obs;
	const struct collect_result *collected; /* how obs->socks were read, or NULL */
	const struct assessment *before;  /* rules on current */
	const struct assessment *after;   /* rules on target, same sockets */
	const char *profile;              /* profile name, or NULL for the suggestion */
	const char *const *unsupported;   /* keys the profile sets that this kernel lacks */
	size_t top;                       /* destinations to list */
	const struct obs_window *observed; /* audit --observe: the eBPF window, or NULL */
	const char *observe_skipped;      /* --observe given, but why it could not run */
};

#endif
