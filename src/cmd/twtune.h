// SPDX-License-Identifier: GPL-2.0-or-later
/* twtune.h: what the commands share: the version and the global options */
#ifndef TWTUNE_H
#define TWTUNE_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

#define TWTUNE_VERSION "0.1.0"

#define MAX_PROFILE_DIRS 16

/* Global options, parsed before the command. */
struct globals {
	const char *sysctl_root;  /* default /proc/sys */
	const char *proc_net;     /* default /proc/net (follows --netns) */
	const char *netns;        /* --netns NAME|PATH, or NULL */
	bool all_netns;           /* --all-netns */
	const char *profile_dirs[MAX_PROFILE_DIRS];
	size_t nprofile_dirs;
	bool allow_insecure_profiles; /* as root, read profiles others can write */
	bool color;               /* colour on stdout */
	int verbosity;            /* -q: -1, default 0, -v: 1 and up */
};

extern struct globals G;

#endif
