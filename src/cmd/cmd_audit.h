// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_audit.h: the options of twtune audit and diff, shared with
 * --all-netns (cmd_allnetns.c) */
#ifndef TWTUNE_CMD_AUDIT_H
#define TWTUNE_CMD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"

struct audit_opts {
	enum report_format format;
	int fail_on; /* severity, or 4 for never */
	double interval;
	long long observe; /* --observe seconds, 0: no eBPF */
	size_t top;
	bool processes; /* name the processes behind the sockets (--no-processes: false) */
	const char *profile;
};

/* Parses the options of audit (is_diff false) or diff. EXIT_OK, -1 when
 * --help was printed, or the exit code of a usage error (reported). */
int cmd_audit_parse(int argc, char **argv, bool is_diff, struct audit_opts *o);

struct report;
/* The change of R (the suggestion or the profile's diff) as a pod's
 * securityContext.sysctls (FMT_K8S) or docker run flags (FMT_DOCKER). 0
 * or -errno. */
int cmd_audit_snippet(FILE *f, const struct report *r, enum report_format fmt);

#endif
