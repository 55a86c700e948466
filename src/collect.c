/* collect.c: choose the decoder, the fallback and the replay */
#include "collect.h"

#include <string.h>

#include "procnet.h"

/* sock_diag live, or a recording of it. */
static int from_sock_diag(struct sock_snapshot *s, const struct collect_opts *o,
			  struct diag_status *st)
{
	if (o->replay && *o->replay)
		return sockdiag_replay(s, o->replay, st);
	if (o->listeners_only)
		return sockdiag_dump_states(s, o->per_family, 1U << TCP_STATE_LISTEN, o->record, st);
	return sockdiag_dump(s, o->per_family, o->record, st);
}

int collect_sockets(struct sock_snapshot *s, const struct ephemeral *eph,
		    const struct collect_opts *o, struct collect_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	r = sockets_init(s, eph);
	if (r < 0)
		goto fail;
	if (o->source == COLLECT_PROCFS) {
		s->source = SOURCE_PROCFS;
		r = procnet_sockets(s, o->proc_net);
	} else {
		s->source = SOURCE_SOCK_DIAG;
		r = from_sock_diag(s, o, &res->diag);
		/* Whatever sock_diag got is thrown away: /proc/net/tcp is slower
		 * and not atomic either, but it is whole. */
		if (r < 0 && res->diag.fault != DIAG_FAULT_NONE && o->source == COLLECT_AUTO) {
			s->source = SOURCE_PROCFS;
			res->fell_back = true;
			r = sockets_reset(s);
			if (r == 0)
				r = procnet_sockets(s, o->proc_net);
		}
	}
	if (r < 0)
		goto fail;
	sockets_finish(s);
	procnet_counters(o->proc_net, &s->counters);
	return 0;
fail:
	sockets_free(s);
	return r;
}

int collect_counters(const struct collect_opts *o, struct sock_counters *c)
{
	return procnet_counters(o->proc_net, c);
}
