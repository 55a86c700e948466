// SPDX-License-Identifier: GPL-2.0-or-later
/* view.c: the socket snapshot's view, computed once for its renderers
 * (view.h) */
#include "view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sockets_view_build(struct sockets_view *v, const struct sock_snapshot *s,
		       const struct collect_result *res, size_t top, double close_rate)
{
	/* at most as many entries as there are: top may be large */
	size_t nd = top < s->ndests ? top : s->ndests, ns = top < s->nservers ? top : s->nservers;
	const struct dest **d = nd ? calloc(nd, sizeof(*d)) : NULL;
	const struct port_entry **e = ns ? calloc(ns, sizeof(*e)) : NULL;
	int r = 0;

	memset(v, 0, sizeof(*v));
	v->s = s;
	v->collected = res;
	v->top = top;
	v->usable = ephemeral_usable(&s->eph);
	v->tw_sides = sockets_tw_sides(s);
	v->other_rate = sockets_side_rate(s, s->tw_other, close_rate);
	if ((nd && !d) || (ns && !e))
		goto nomem;
	nd = nd ? sockets_top(s, d, nd) : 0;
	ns = ns ? sockets_top_servers(s, e, ns) : 0;
	v->dests = nd ? calloc(nd, sizeof(*v->dests)) : NULL;
	v->servers = ns ? calloc(ns, sizeof(*v->servers)) : NULL;
	if ((nd && !v->dests) || (ns && !v->servers))
		goto nomem;
	for (size_t i = 0; i < nd; i++) {
		v->dests[i].d = d[i];
		v->dests[i].rate = sockets_side_rate(s, d[i]->time_wait, close_rate);
		owners_dest(s, d[i], &v->dests[i].owners);
	}
	for (size_t i = 0; i < ns; i++) {
		v->servers[i].e = e[i];
		v->servers[i].rate = sockets_side_rate(s, e[i]->time_wait, close_rate);
		owners_server(s, e[i], &v->servers[i].owners);
	}
	v->ndests = nd;
	v->nservers = ns;
	goto out;
nomem:
	sockets_view_free(v);
	r = -ENOMEM;
out:
	free(d);
	free(e);
	return r;
}

void sockets_view_free(struct sockets_view *v)
{
	free(v->dests);
	free(v->servers);
	v->dests = NULL;
	v->servers = NULL;
	v->ndests = v->nservers = 0;
}

size_t netns_keep(const int *risk, const bool *host, size_t n, size_t cap, bool *keep)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		keep[i] = host[i] && kept < cap;
		kept += keep[i];
	}
	for (int sev = SEV_CRIT; sev >= -1; sev--)
		for (size_t i = 0; i < n && kept < cap; i++)
			if (!keep[i] && risk[i] == sev) {
				keep[i] = true;
				kept++;
			}
	return n - kept;
}
