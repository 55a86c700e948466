// SPDX-License-Identifier: GPL-2.0-or-later
/* report_json.h: the audit report for tools: the view (view.h) as JSON */
#ifndef TWTUNE_REPORT_JSON_H
#define TWTUNE_REPORT_JSON_H

#include <stdio.h>

#include "json.h"
#include "view.h"

void report_json(FILE *f, const struct report *r);
void report_diff_json(FILE *f, const struct report *r);
/* The object report_json() (report_diff_json()) prints, written into J as
 * member KEY (NULL: an array element or the top level). */
void report_json_member(struct json *j, const char *key, const struct report *r);
void report_diff_json_member(struct json *j, const char *key, const struct report *r);

#endif
