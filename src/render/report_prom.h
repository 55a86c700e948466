// SPDX-License-Identifier: GPL-2.0-or-later
/* report_prom.h: the audit report for monitoring: Prometheus text format
 * 0.0.4, for one namespace or every one in one exposition. The series and
 * their naming rules are twtune-metrics(7). */
#ifndef TWTUNE_REPORT_PROM_H
#define TWTUNE_REPORT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "view.h"

/* What the run-level series say: twtune_build_info, its time and whether
 * it succeeded. */
struct prom_run {
	const char *version;
	double timestamp; /* seconds since the epoch */
	bool success;     /* every reading the report needs worked */
	size_t netns_omitted; /* --all-netns: namespaces left out (REPORT_NETNS_MAX) */
};

/* One namespace's exposition, run-level series first; r NULL (a failed
 * run) writes only those. 0, or -EIO when writing f failed. */
int report_prometheus(FILE *f, const struct report *r, const struct prom_run *run);

/* One network namespace of an --all-netns exposition: its labels (every
 * value escaped when written; "" leaves the label out). */
struct prom_netns {
	const char *id;            /* netns: a name that survives restarts, unique in the run */
	const char *name;          /* netns_name: the ip netns name */
	const char *container;     /* container_id */
	const char *pod_uid;       /* pod_uid */
	const char *pod_namespace; /* pod_namespace */
	const char *pod_name;      /* pod_name */
	const struct report_metrics *m; /* its report's metrics, or NULL when it was
					   not read */
};
/* One exposition of every namespace: the run-level series, then each
 * family's HELP and TYPE once, then the samples of every namespace that
 * has them, in ns[] order, with the namespace's labels first in each
 * label set; twtune_netns_read for all, twtune_netns_judged_from_counters
 * and the report's families for those read. 0, -ENOMEM, or -EIO when
 * writing f failed. */
int report_prometheus_all(FILE *f, const struct prom_netns *ns, size_t n,
			  const struct prom_run *run);

#endif
