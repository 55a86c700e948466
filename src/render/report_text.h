// SPDX-License-Identifier: GPL-2.0-or-later
/* report_text.h: the audit report for people: the view (view.h) as text */
#ifndef TWTUNE_REPORT_TEXT_H
#define TWTUNE_REPORT_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "view.h"

void report_text(FILE *f, const struct report *r);
/* Only the diff and the predicted effect (twtune diff). */
void report_diff_text(FILE *f, const struct report *r);
/* One changed key as diff lines: "- NAME = BEFORE" (none when before is
 * NULL) and "+ NAME = AFTER", coloured. For apply, rollback and diff. */
void report_diff_line(FILE *f, enum sysctl_id key, const char *before, const char *after);
/* Number of keys whose value differs between current and target. */
size_t report_ndiff(const struct report *r);

#endif
