// SPDX-License-Identifier: GPL-2.0-or-later
/* report_prom.h: the audit report for monitoring: Prometheus text format
 * 0.0.4, for one namespace or every one in one exposition */
#ifndef TWTUNE_REPORT_PROM_H
#define TWTUNE_REPORT_PROM_H

#include <stddef.h>
#include <stdio.h>

#include "view.h"

void report_prometheus(FILE *f, const struct report *r);

/* One network namespace of an --all-netns exposition. */
struct prom_netns {
	unsigned long long inode;          /* the label netns */
	const char *label;                 /* the label netns_label (escaped when written) */
	const struct report_metrics *m;    /* its report's metrics, or NULL when it was
					      not read */
};
/* One exposition of every namespace: each family's HELP and TYPE once,
 * then the samples of every namespace that has them, in ns[] order, with
 * netns and netns_label first in each label set; twtune_netns_read for
 * all, twtune_netns_judged_from_counters and the report's families for
 * those read. 0, -ENOMEM, or -EIO when writing f failed. */
int report_prometheus_all(FILE *f, const struct prom_netns *ns, size_t n);

#endif
