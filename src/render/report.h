// SPDX-License-Identifier: GPL-2.0-or-later
/* report.h: the audit's view (view.h) rendered, and the one include for
 * the commands: text (report_text.h), JSON (report_json.h), Prometheus
 * metrics (report_prom.h), a pod's or docker's sysctls (k8s_render.h).
 * The renderers walk the view: they sort nothing and judge nothing. */
#ifndef TWTUNE_REPORT_H
#define TWTUNE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "k8s_render.h"
#include "report_format.h"
#include "report_json.h"
#include "report_prom.h"
#include "report_text.h"
#include "view.h"

/* The whole report in fmt, or (is_diff) only the change and its predicted
 * effect (no Prometheus form; run: the run-level series of Prometheus).
 * 0, or -EINVAL for a name k8s_name_valid refuses (k8s, docker). */
int report_render(FILE *f, const struct report *r, enum report_format fmt, bool is_diff,
		  const struct prom_run *run);

#endif
