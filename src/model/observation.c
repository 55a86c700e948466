// SPDX-License-Identifier: GPL-2.0-or-later
/* observation.c: ordering and freeing what twtune observe measured */
#include "observation.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Same order every run for equal counts: namespace, family, addresses, port. */
static int cmp_key(const struct obs_row *a, const struct obs_row *b)
{
	int c;

	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->remote, b->remote, sizeof(a->remote))) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->has_local != b->has_local)
		return a->has_local ? 1 : -1;
	return memcmp(a->local, b->local, sizeof(a->local));
}

static int cmp_dest(const void *pa, const void *pb)
{
	const struct obs_row *a = pa, *b = pb;
	int c;

	if ((c = cmp_u64_desc(obs_failures(a), obs_failures(b))) != 0)
		return c;
	if ((c = cmp_u64_desc(a->attempts, b->attempts)) != 0)
		return c;
	if ((c = cmp_u64_desc(a->time_wait, b->time_wait)) != 0)
		return c;
	return cmp_key(a, b);
}

static int cmp_server(const void *pa, const void *pb)
{
	const struct obs_row *a = pa, *b = pb;
	int c = cmp_u64_desc(a->time_wait, b->time_wait);

	return c ? c : cmp_key(a, b);
}

static int cmp_bind(const void *pa, const void *pb)
{
	const struct obs_row *a = pa, *b = pb;
	int c = cmp_u64_desc(a->count, b->count);

	return c ? c : cmp_key(a, b);
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct obs_process *a = pa, *b = pb;
	int c;

	if ((c = cmp_u64_desc(a->failures, b->failures)) != 0)
		return c;
	if ((c = cmp_u64_desc(a->attempts, b->attempts)) != 0)
		return c;
	if ((c = cmp_u64_desc(a->events, b->events)) != 0)
		return c;
	/* processes with a pid first; those without by name */
	if (a->no_pid != b->no_pid)
		return a->no_pid ? 1 : -1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return strncmp(a->comm, b->comm, sizeof(a->comm));
}

static void sort_rows(struct obs_row *r, size_t n, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(r, n, sizeof(*r), cmp);
	for (size_t i = 0; i < n; i++)
		if (r[i].nprocs > 1)
			qsort(r[i].procs, r[i].nprocs, sizeof(*r[i].procs), cmp_proc);
}

void observation_sort(struct obs_window *obs)
{
	sort_rows(obs->dests, obs->ndests, cmp_dest);
	sort_rows(obs->servers, obs->nservers, cmp_server);
	sort_rows(obs->binds, obs->nbinds, cmp_bind);
}

static void free_rows(struct obs_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].nprocs; k++)
			free(r[i].procs[k].cgroup);
		free(r[i].procs);
	}
	free(r);
}

void observation_keep_servers(struct obs_window *obs,
			      bool (*keep)(const struct obs_row *r, void *ctx), void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < obs->nservers; i++) {
		struct obs_row *r = &obs->servers[i];

		if (keep(r, ctx)) {
			obs->servers[n++] = *r;
			continue;
		}
		for (size_t k = 0; k < r->nprocs; k++)
			free(r->procs[k].cgroup);
		free(r->procs);
	}
	obs->nservers = n;
}

void observation_free(struct obs_window *obs)
{
	if (!obs)
		return;
	free_rows(obs->dests, obs->ndests);
	free_rows(obs->servers, obs->nservers);
	free_rows(obs->binds, obs->nbinds);
	free(obs->namespaces);
	memset(obs, 0, sizeof(*obs));
}
