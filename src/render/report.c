// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c: the audit's view in the format asked for (report.h) */
#include "report.h"

int report_render(FILE *f, const struct report *r, enum report_format fmt, bool is_diff,
		  const struct prom_run *run)
{
	switch (fmt) {
	case FMT_K8S:
	case FMT_DOCKER:
		return report_k8s(f, r, fmt);
	case FMT_JSON:
		(is_diff ? report_diff_json : report_json)(f, r);
		return 0;
	case FMT_PROMETHEUS:
		if (!is_diff)
			return report_prometheus(f, r, run);
		break;
	case FMT_TEXT:
		break;
	}
	(is_diff ? report_diff_text : report_text)(f, r);
	return 0;
}
