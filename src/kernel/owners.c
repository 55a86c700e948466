// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c: the processes behind a destination or a server port */
#include "owners.h"

#include <stdio.h>
#include <string.h>

#include "procscan.h"
#include "sanitize.h"

static struct owner *slot(struct owners *o, int pid)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].pid == pid)
			return &o->v[i];
	if (o->n == OWNERS_MAX)
		return NULL;
	o->v[o->n] = (struct owner){ .pid = pid };
	return &o->v[o->n++];
}

/* Credits every holder of inode with one socket (live) or none (a listener). */
static void credit(struct owners *o, const struct procscan *ps, uint64_t inode, bool live)
{
	const struct procscan_sock *k = procscan_find(ps, inode);

	if (!k || !k->nprocs) {
		o->unresolved++;
		return;
	}
	for (unsigned i = 0; i < k->nprocs; i++) {
		const struct procscan_proc *p = &ps->procs[k->procs[i]];
		struct owner *w = slot(o, p->pid);

		if (!w) {
			o->more++;
			continue;
		}
		w->comm = p->comm;
		w->exe = p->exe;
		w->user = p->user;
		w->cgroup = p->cgroup;
		w->rt = &p->rt;
		w->established += live;
	}
}

static void order(struct owners *o)
{
	for (size_t i = 1; i < o->n; i++) {
		struct owner t = o->v[i];
		size_t j = i;

		while (j > 0 && (o->v[j - 1].established < t.established ||
				 (o->v[j - 1].established == t.established && o->v[j - 1].pid > t.pid))) {
			o->v[j] = o->v[j - 1];
			j--;
		}
		o->v[j] = t;
	}
}

static void start(const struct sock_snapshot *s, struct owners *o, unsigned live)
{
	memset(o, 0, sizeof(*o));
	o->asked = s->procs != NULL;
	o->live = live;
}

void owners_dest(const struct sock_snapshot *s, const struct dest *d, struct owners *o)
{
	start(s, o, d->live);
	if (!s->procs)
		return;
	for (size_t i = 0; i < d->nsample; i++)
		credit(o, s->procs, d->sample[i].inode, true);
	o->sampled = d->nsample;
	order(o);
}

void owners_server(const struct sock_snapshot *s, const struct port_entry *e, struct owners *o)
{
	start(s, o, e->live);
	if (!s->procs)
		return;
	for (size_t i = 0; i < s->nlsocks; i++)
		if (s->lsocks[i].port == e->port)
			credit(o, s->procs, s->lsocks[i].ref.inode, false);
	for (size_t i = 0; i < e->nsample; i++)
		credit(o, s->procs, e->sample[i].inode, true);
	o->sampled = e->nsample;
	order(o);
}

const char *owners_program(const struct owners *o)
{
	return o->n && o->v[0].comm && o->v[0].comm[0] ? o->v[0].comm : NULL;
}

const char *owners_str(const struct owners *o, char *buf, size_t len)
{
	size_t used = 0;
	bool done[OWNERS_MAX] = { false };

	buf[0] = '\0';
	for (size_t i = 0; i < o->n && used < len; i++) {
		size_t same = 0;
		char comm[64];

		if (done[i])
			continue;
		for (size_t k = i + 1; k < o->n; k++)
			if (!done[k] && o->v[k].comm && o->v[i].comm &&
			    strcmp(o->v[k].comm, o->v[i].comm) == 0) {
				done[k] = true;
				same++;
			}
		used += (size_t)snprintf(buf + used, len - used, "%s%s (pid %d", used ? "; " : "",
					 san_str(comm, sizeof(comm), o->v[i].comm ? o->v[i].comm : "?",
						 SAN_TERM),
					 o->v[i].pid);
		if (same && used < len)
			used += (size_t)snprintf(buf + used, len - used, " +%zu", same);
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, ")");
	}
	if (o->more && used < len)
		snprintf(buf + used, len - used, " +%zu more", o->more);
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}
