// SPDX-License-Identifier: GPL-2.0-or-later
/* report.h: the audit's view (view.h) rendered: text (report_text.c), JSON
 * (report_json.c), Prometheus metrics (report_prom.c), a pod's or
 * docker's sysctls (k8s_render.c). The renderers walk the view: they sort
 * nothing and judge nothing. */
#ifndef TWTUNE_REPORT_H
#define TWTUNE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "view.h"

/* The formats an audit can be written in. */
enum report_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_K8S, FMT_DOCKER };

/* The whole report in fmt, or (is_diff) only the change and its predicted
 * effect (no Prometheus form). 0, or -EINVAL for a name k8s_name_valid
 * refuses (k8s, docker). */
int report_render(FILE *f, const struct report *r, enum report_format fmt, bool is_diff);

/* report_text.c */
void report_text(FILE *f, const struct report *r);
/* Only the diff and the predicted effect (twtune diff). */
void report_diff_text(FILE *f, const struct report *r);
/* One changed key as diff lines: "- NAME = BEFORE" (none when before is
 * NULL) and "+ NAME = AFTER", coloured. For apply, rollback and diff. */
void report_diff_line(FILE *f, enum sysctl_id key, const char *before, const char *after);
/* Number of keys whose value differs between current and target. */
size_t report_ndiff(const struct report *r);

/* report_json.c */
void report_json(FILE *f, const struct report *r);
void report_diff_json(FILE *f, const struct report *r);
/* The object report_json() (report_diff_json()) prints, written into J as
 * member KEY (NULL: an array element or the top level). */
void report_json_member(struct json *j, const char *key, const struct report *r);
void report_diff_json_member(struct json *j, const char *key, const struct report *r);

/* report_prom.c: Prometheus text format 0.0.4 */
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
 * those read. 0, or -EIO when writing f failed. */
int report_prometheus_all(FILE *f, const struct prom_netns *ns, size_t n);

/* k8s_render.c: the change of r as a pod's securityContext.sysctls
 * (FMT_K8S) or docker run flags (FMT_DOCKER); see k8s_render.h. */
int report_k8s(FILE *f, const struct report *r, enum report_format fmt);

#endif
