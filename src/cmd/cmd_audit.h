// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_audit.h: the options and the audit of one namespace of twtune
 * audit and diff, shared with --all-netns (cmd_allnetns_audit.c) */
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

/* The measuring window audit, diff and apply's report take by default: 1 s
 * (TWTUNE_TEST_INTERVAL sets it for the test suite). */
double cmd_default_interval(void);

/* Parses the options of audit (is_diff false) or diff. EXIT_OK, -1 when
 * --help was printed, or the exit code of a usage error (reported). */
int cmd_audit_parse(int argc, char **argv, bool is_diff, struct audit_opts *o);

struct profile;
struct obs_window;
struct audit;
struct sock_counters;
/* The audit of the namespace twtune is in, with the options o (PROF or
 * NULL, the eBPF window or NULL): what cmd_audit runs once, and
 * --all-netns once per namespace (netns: its label; window_start > 0 and
 * window_c0: the shared measuring window's start and this namespace's
 * counters then, else the audit measures its own). audit_run's return. */
int cmd_audit_one(const struct audit_opts *o, const struct profile *prof,
		  const struct obs_window *observed, const char *netns, double window_start,
		  const struct sock_counters *window_c0, struct audit *a, char *err, size_t len);

/* --all-netns (cmd_allnetns_audit.c): cmd_audit_one in every namespace,
 * one summary table, JSON document or Prometheus exposition of them all.
 * observed: the window of every namespace, or NULL (skipped: why, when
 * --observe was asked). The exit code. */
int all_netns_audit(const struct audit_opts *o, const char *cmd, bool is_diff,
		    const struct profile *prof, const struct obs_window *observed,
		    const char *skipped);

/* The run-level series of a Prometheus exposition made now: success
 * says whether the run read what it needs. */
struct prom_run prom_run_now(bool success);

struct report;
/* The change of R (the suggestion or the profile's diff) as a pod's
 * securityContext.sysctls (FMT_K8S) or docker run flags (FMT_DOCKER). 0
 * or -errno. */
int cmd_audit_snippet(FILE *f, const struct report *r, enum report_format fmt);

#endif
