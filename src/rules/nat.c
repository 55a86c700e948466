// SPDX-License-Identifier: GPL-2.0-or-later
/* nat.c: the NAT and conntrack rules (nat.h) */
#include "nat.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

static int by_used(const void *a, const void *b)
{
	const struct ct_nat_map *x = *(const struct ct_nat_map *const *)a;
	const struct ct_nat_map *y = *(const struct ct_nat_map *const *)b;

	int c;

	if (x->used != y->used)
		return x->used < y->used ? 1 : -1;
	c = memcmp(x->dst, y->dst, 16);
	if (c)
		return c < 0 ? -1 : 1;
	if (x->dport != y->dport)
		return x->dport < y->dport ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	c = memcmp(x->nat_addr, y->nat_addr, 16);
	return c < 0 ? -1 : c > 0;
}

static int by_nat(const void *a, const void *b)
{
	const struct ct_source *x = *(const struct ct_source *const *)a;
	const struct ct_source *y = *(const struct ct_source *const *)b;

	if (x->nat != y->nat)
		return x->nat < y->nat ? 1 : -1;
	if (x->entries != y->entries)
		return x->entries < y->entries ? 1 : -1;
	return memcmp(x->addr, y->addr, 16) < 0 ? -1 : memcmp(x->addr, y->addr, 16) > 0;
}

/* The `n` largest of rows by cmp, into out (at most NAT_TOP): a bounded
 * selection, not a sort of every row. */
static size_t top_n(const void *rows, size_t nrows, size_t size, const void **out,
		    int (*cmp)(const void *, const void *))
{
	size_t n = 0;

	for (size_t i = 0; i < nrows; i++) {
		const void *row = (const char *)rows + i * size;
		size_t at = n;

		while (at > 0 && cmp(&row, &out[at - 1]) < 0)
			at--;
		if (at >= NAT_TOP)
			continue;
		if (n < NAT_TOP)
			n++;
		memmove(&out[at + 1], &out[at], (n - 1 - at) * sizeof(*out));
		out[at] = row;
	}
	return n;
}

static const char *addr(int family, const uint8_t *a, char *buf)
{
	return inet_ntop(family, a, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

static void advise(struct nat_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void advise(struct nat_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->nadvice == NAT_ADVICE)
		return;
	va_start(ap, fmt);
	vsnprintf(f->advice[f->nadvice++], sizeof(f->advice[0]), fmt, ap);
	va_end(ap);
}

static struct nat_finding *add(struct nat_view *v, const char *id, enum severity sev)
{
	struct nat_finding *f = &v->f[v->nf++];

	*f = (struct nat_finding){ .id = id, .sev = sev };
	if (sev > v->risk)
		v->risk = sev;
	return f;
}

/* "10.77.1.2 (4100 NAT entries), 10.77.2.2 (900)": the busiest sources. */
static void sources_text(const struct nat_view *v, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->nsrcs && i < 3 && off < len; i++) {
		if (!v->srcs[i]->nat)
			break;
		off += (size_t)snprintf(buf + off, len - off, "%s%s (%u%s)", i ? ", " : "",
					addr(v->srcs[i]->family, v->srcs[i]->addr, a), v->srcs[i]->nat,
					i ? "" : " NAT entries");
	}
}

static long long tw_timeout(const struct ct_table *t)
{
	return t->tw_timeout > 0 ? t->tw_timeout : 120;
}

static void rule_snat(struct nat_view *v)
{
	const struct nat_mapping_view *mv = v->nmaps ? &v->maps[0] : NULL;
	const struct ct_table *t = v->t;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], who[200];
	struct nat_finding *f;
	enum severity sev;
	double tw_half;

	if (!mv)
		return;
	sev = mv->fail >= 0.01 || mv->pressure >= 0.9 ? SEV_CRIT
	      : mv->pressure >= 0.5                   ? SEV_WARN
	      : mv->pressure >= 0.25                  ? SEV_INFO
						      : SEV_OK;
	if (sev == SEV_OK)
		return;
	f = add(v, "snat-port-pressure", sev);
	snprintf(f->title, sizeof(f->title),
		 "SNAT %s -> %s:%u holds %u of %u ports (%.1f%%; %u in TIME_WAIT or CLOSE, "
		 "evictable since 6.5); a new connection finds no port with chance %.2g "
		 "(%d random probes)",
		 addr(mv->m->family, mv->m->nat_addr, a), addr(mv->m->family, mv->m->dst, b),
		 mv->m->dport, mv->m->used, mv->range, 100 * mv->pressure, mv->evictable, mv->fail,
		 NAT_PROBES);
	sources_text(v, who, sizeof(who));
	advise(f,
	       "keep connections alive in the programs behind %s: each connection that closes "
	       "holds its NAT port %lld s in conntrack's TIME_WAIT "
	       "(nf_conntrack_tcp_timeout_time_wait)",
	       *who ? who : "the busiest sources", tw_timeout(t));
	if (mv->take_rate > 0)
		advise(f, "ports are taken at about %.1f/s (TIME_WAIT entries / %lld s): the free "
			  "%u last about %.0f s at that rate",
		       mv->take_rate, tw_timeout(t), mv->range - mv->m->used,
		       (mv->range - mv->m->used) / mv->take_rate);
	advise(f, "add SNAT source addresses (nft snat to a range or an address set): with 2, "
		  "this mapping's load would hold %.1f%% of each address's ports",
	       50.0 * mv->pressure);
	tw_half = mv->m->time_wait / 2.0;
	advise(f,
	       "lower net.netfilter.nf_conntrack_tcp_timeout_time_wait from %lld to %lld: about "
	       "%.0f fewer entries held here (%.1f%% instead of %.1f%%); risk: a late segment of "
	       "the old connection is no longer matched, and the server may still hold the "
	       "4-tuple in its own TIME_WAIT (60 s) when NAT reuses the port",
	       tw_timeout(t), tw_timeout(t) / 2, tw_half,
	       100.0 * (mv->m->used - tw_half) / mv->range, 100 * mv->pressure);
}

static void rule_table_full(struct nat_view *v)
{
	const struct ct_table *t = v->t;
	struct nat_finding *f;
	enum severity sev;
	char who[200];

	if (v->fill < 0)
		return;
	sev = v->fill >= 0.9 ? SEV_CRIT : v->fill >= 0.75 ? SEV_WARN : v->fill >= 0.5 ? SEV_INFO : SEV_OK;
	if (t->have_stats && (t->stats.drop > 0 || t->stats.early_drop > 0) && sev < SEV_WARN)
		sev = SEV_WARN;
	if (sev == SEV_OK)
		return;
	f = add(v, "conntrack-table-full", sev);
	snprintf(f->title, sizeof(f->title),
		 "conntrack holds %lld entries of nf_conntrack_max %lld (%.1f%%, the host's "
		 "limit); drop %lld, early_drop %lld since boot",
		 t->count, t->max, 100 * v->fill, t->have_stats ? t->stats.drop : -1LL,
		 t->have_stats ? t->stats.early_drop : -1LL);
	sources_text(v, who, sizeof(who));
	advise(f, "keep connections alive in the programs behind %s: fewer connections, fewer "
		  "entries",
	       *who ? who : "the busiest sources");
	advise(f,
	       "raise net.netfilter.nf_conntrack_max to at least %lld (twice today's count), "
	       "from the initial namespace: it is one limit for the whole host",
	       2 * t->count);
	if (t->dumped && t->tcp[CT_TCP_TIME_WAIT])
		advise(f,
		       "lower net.netfilter.nf_conntrack_tcp_timeout_time_wait from %lld to %lld: "
		       "about %llu fewer entries (of %llu in TIME_WAIT); risk: late segments of "
		       "closed connections are no longer matched",
		       tw_timeout(t), tw_timeout(t) / 2, t->tcp[CT_TCP_TIME_WAIT] / 2,
		       t->tcp[CT_TCP_TIME_WAIT]);
}

static void rule_insert_failed(struct nat_view *v)
{
	const struct ct_table *t = v->t;
	struct nat_finding *f;

	if (!t->have_stats || t->stats.insert_failed <= 0)
		return;
	f = add(v, "conntrack-insert-failed", SEV_WARN);
	snprintf(f->title, sizeof(f->title),
		 "conntrack failed to insert %lld new entries since boot (insert_failed, summed "
		 "over %d CPUs; clash_resolve %lld): packets of those connections were dropped",
		 t->stats.insert_failed, t->stats.cpus, t->stats.clash_resolve);
	advise(f, "make the masquerade rule fully random (nft: masquerade fully-random; "
		  "iptables: --random-fully): two connections racing for one port then clash "
		  "far less often; check the node's ruleset (nft list ruleset) for it. It does "
		  "not cure a server that still holds the 4-tuple in TIME_WAIT");
	advise(f, "keep connections alive in the pods' programs: fewer new connections, fewer "
		  "races");
}

void nat_view_build(struct nat_view *v, const struct ct_table *t, int err)
{
	const void *top[NAT_TOP];

	memset(v, 0, sizeof(*v));
	v->t = t;
	v->fill = -1;
	if (!t)
		return;
	v->available = t->fault != CT_FAULT_UNAVAILABLE &&
		       (t->count >= 0 || t->have_stats || t->dumped);
	v->dumped = t->dumped;
	if (!v->available)
		snprintf(v->note, sizeof(v->note), "conntrack unavailable here (%s): no NAT or "
			 "conntrack checks", strerror(err < 0 ? -err : ENOENT));
	else if (err < 0)
		snprintf(v->note, sizeof(v->note), "the conntrack dump failed (%s): table fill "
			 "and statistics only", strerror(-err));
	if (t->count >= 0 && t->max > 0)
		v->fill = (double)t->count / (double)t->max;
	if (t->dumped) {
		v->nmaps = top_n(t->maps, t->nmaps, sizeof(*t->maps), top, by_used);
		for (size_t i = 0; i < v->nmaps; i++) {
			struct nat_mapping_view *mv = &v->maps[i];
			double q;

			mv->m = top[i];
			mv->range = CT_NAT_DEFAULT_PORTS;
			mv->pressure = (double)mv->m->used / mv->range;
			mv->evictable = mv->m->time_wait + mv->m->close;
			q = (double)(mv->m->used - mv->evictable) / mv->range;
			mv->fail = q >= 1 ? 1 : pow(q, NAT_PROBES);
			mv->take_rate = t->tw_timeout > 0 ? (double)mv->m->time_wait / t->tw_timeout : -1;
		}
		v->nsrcs = top_n(t->srcs, t->nsrcs, sizeof(*t->srcs), top, by_nat);
		for (size_t i = 0; i < v->nsrcs; i++)
			v->srcs[i] = top[i];
	}
	if (!v->available)
		return;
	rule_snat(v);
	rule_table_full(v);
	rule_insert_failed(v);
}
