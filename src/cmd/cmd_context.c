// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_context.c: what the commands hand to library code, filled from the
 * global options and the test hooks (library code reads neither) */
#include "audit.h"
#include "collect.h"
#include "commands.h"
#include "testhook.h"
#include "twtune.h"

/* The bounds of the one /proc scan that names processes: 20,000
 * descriptors cost 35-90 ms (procscan.h). */
#define PROCESS_SCAN_MS 1000
#define PROCESS_SCAN_FDS 1000000UL

void cmd_collect_opts(struct collect_opts *o)
{
	const struct testhooks *t = testhooks();

	*o = (struct collect_opts){
		/* a replay is a sock_diag dump: it wins over forcing procfs */
		.source = t->force_procfs && !t->diag_replay ? COLLECT_PROCFS : COLLECT_AUTO,
		.proc_net = G.proc_net,
		.replay = t->diag_replay,
		.record = t->diag_record,
		.per_family = t->diag_per_family,
		/* the commands turn it off (--no-processes) and say how many
		 * entries they show */
		.processes = true,
		.proc_root = "/proc",
		.show = 5,
		.time_budget_ms = PROCESS_SCAN_MS,
		.fd_budget = PROCESS_SCAN_FDS,
	};
}

void cmd_audit_ctx(struct audit_ctx *ctx)
{
	*ctx = (struct audit_ctx){ .sysctl_root = G.sysctl_root, .netns = G.netns };
	cmd_collect_opts(&ctx->collect);
	ctx->observed = NULL; /* cmd_audit sets it for --observe */
	ctx->conntrack = true;
	ctx->ct_replay = testhooks()->ct_replay;
}
