// SPDX-License-Identifier: GPL-2.0-or-later
/* globals.c: the global options, with their defaults */
#include "twtune.h"

struct globals G = {
	.sysctl_root = "/proc/sys",
	.proc_net = "/proc/net",
};
