// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_audit_run.c: what audit and diff do in one network namespace, for
 * cmd_audit.c (once) and cmd_allnetns_audit.c (once per namespace): the
 * audit itself, and the change as a pod's or a container's snippet */
#include <stdio.h>
#include <time.h>

#include "audit.h"
#include "cmd_audit.h"
#include "commands.h"
#include "k8s_render.h"
#include "report.h"
#include "twtune.h"

struct prom_run prom_run_now(bool success)
{
	struct timespec ts = { 0, 0 };

	clock_gettime(CLOCK_REALTIME, &ts);
	return (struct prom_run){ .version = TWTUNE_VERSION,
				  .timestamp = (double)ts.tv_sec + ts.tv_nsec / 1e9,
				  .success = success };
}

int cmd_audit_snippet(FILE *f, const struct report *r, enum report_format fmt)
{
	return report_k8s(f, r, fmt);
}

int cmd_audit_one(const struct audit_opts *o, const struct profile *prof,
		  const struct obs_window *observed, const char *netns, double window_start,
		  const struct sock_counters *window_c0, struct audit *a, char *err, size_t len)
{
	struct audit_ctx ctx;

	cmd_audit_ctx(&ctx);
	ctx.collect.processes = o->processes;
	ctx.collect.show = o->top;
	ctx.observed = observed;
	if (window_start > 0 && window_c0) {
		ctx.window_start = window_start;
		ctx.window_c0 = *window_c0;
	}
	if (G.all_netns) {
		ctx.netns = netns;
		ctx.cheap_idle = true;
	}
	return audit_run(a, &ctx, prof, o->interval, err, len);
}
