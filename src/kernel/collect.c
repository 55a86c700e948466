// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.c: choose the decoder, the fallback and the replay */
#include "collect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procnet.h"
#include "procscan.h"

static int add_sample(struct procscan *ps, const struct sock_ref *v, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = procscan_add(ps, v[i].inode, v[i].uid);
	return r;
}

/* The inodes worth a name: the sampled live sockets of the entries that
 * will be shown, and the listeners on the shown server ports and on the
 * ports of the shown destinations (a server on this host). */
static int add_inodes(struct procscan *ps, const struct sock_snapshot *s, size_t show)
{
	const struct dest **d = calloc(show, sizeof(*d));
	const struct port_entry **e = calloc(show, sizeof(*e));
	size_t nd, ne;
	int r = 0;

	if (!d || !e) {
		r = -ENOMEM;
		goto out;
	}
	nd = sockets_top(s, d, show);
	for (size_t i = 0; i < nd && r == 0; i++) {
		r = add_sample(ps, d[i]->sample, d[i]->nsample);
		/* a destination on this host: its server, by the listener */
		for (size_t k = 0; k < s->nlsocks && r == 0; k++)
			if (s->lsocks[k].port == d[i]->rport)
				r = procscan_add(ps, s->lsocks[k].ref.inode, s->lsocks[k].ref.uid);
	}
	ne = sockets_top_servers(s, e, show);
	for (size_t i = 0; i < ne && r == 0; i++) {
		r = add_sample(ps, e[i]->sample, e[i]->nsample);
		for (size_t k = 0; k < s->nlsocks && r == 0; k++)
			if (s->lsocks[k].port == e[i]->port)
				r = procscan_add(ps, s->lsocks[k].ref.inode, s->lsocks[k].ref.uid);
	}
out:
	free(d);
	free(e);
	return r;
}

/* One scan of /proc for the owners, in the namespace dumped. */
static int scan_owners(struct sock_snapshot *s, const struct collect_opts *o)
{
	const char *root = o->proc_root && *o->proc_root ? o->proc_root : "/proc";
	struct procscan_opts po = {
		.proc_root = root,
		.time_budget_ms = o->time_budget_ms,
		.fd_budget = o->fd_budget,
	};
	struct procscan *ps = NULL;
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/thread-self/ns/net", root);
	if (procscan_netns_ino(path, &po.netns_ino) < 0)
		po.netns_ino = 0; /* a tree without it: every process */
	r = procscan_new(&ps, 64);
	if (r == 0 && o->show)
		r = add_inodes(ps, s, o->show);
	if (r == 0)
		r = procscan_run(ps, &po);
	if (r < 0) {
		procscan_free(ps);
		return r;
	}
	s->procs = ps;
	s->procs_free = procscan_free;
	return 0;
}

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
	s->young_ms = o->young_ms;
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
	/* A replay's inodes are looked up too: a recording made moments
	 * ago names the same processes as the live dump, an old one none. */
	if (o->processes) {
		s->procs_asked = true;
		s->procs_err = scan_owners(s, o);
	}
	return 0;
fail:
	sockets_free(s);
	return r;
}

int collect_counters(const struct collect_opts *o, struct sock_counters *c)
{
	return procnet_counters(o->proc_net, c);
}
