// SPDX-License-Identifier: GPL-2.0-or-later
/* report.h: rendering an assessment as text, JSON or Prometheus metrics */
#ifndef TWTUNE_REPORT_H
#define TWTUNE_REPORT_H

#include <stdio.h>

#include "view.h"

void report_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
void report_prometheus(FILE *f, const struct report *r);
struct json;
/* The object report_json() (report_diff_json()) prints, written into J as
 * member KEY (NULL: an array element or the top level). */
void report_json_member(struct json *j, const char *key, const struct report *r);
void report_diff_json_member(struct json *j, const char *key, const struct report *r);
/* Only the diff and the predicted effect (twtune diff). */
void report_diff_text(FILE *f, const struct report *r);
void report_diff_json(FILE *f, const struct report *r);

/* One changed key as diff lines: "- NAME = BEFORE" (none when before is
 * NULL) and "+ NAME = AFTER", coloured. For apply, rollback and diff. */
void report_diff_line(FILE *f, enum sysctl_id key, const char *before, const char *after);

/* Number of keys whose value differs between current and target. */
size_t report_ndiff(const struct report *r);

#endif
