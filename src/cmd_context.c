/* cmd_context.c: what the commands hand to library code, filled from the
 * global options and the test hooks (library code reads neither) */
#include "audit.h"
#include "collect.h"
#include "commands.h"
#include "testhook.h"
#include "twtune.h"

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
	};
}

void cmd_audit_ctx(struct audit_ctx *ctx)
{
	ctx->sysctl_root = G.sysctl_root;
	ctx->netns = G.netns;
	cmd_collect_opts(&ctx->collect);
	ctx->observed = NULL; /* cmd_audit sets it for --observe */
}
