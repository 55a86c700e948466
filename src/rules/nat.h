// SPDX-License-Identifier: GPL-2.0-or-later
/* nat.h: the NAT and conntrack rules (issue 23) over one namespace's
 * conntrack table (conntrack.h), and the view their renderers walk.
 *
 * Computed once here, sorted here: the fullest NAT mappings and the
 * busiest original sources, each capped at NAT_TOP, the table fill, and
 * the findings with their advice in the project's order (the program
 * first). Their numbers come from the table, the statistics and the
 * sysctls, and each says which.
 */
#ifndef TWTUNE_NAT_H
#define TWTUNE_NAT_H

#include <stdbool.h>
#include <stddef.h>

#include "conntrack.h"
#include "severity.h"

#define NAT_TOP 5       /* mappings and sources shown, and exported as labels */
#define NAT_FINDINGS 3
#define NAT_ADVICE 5

/* NAT does not search the whole range: nf_nat_l4proto_unique_tuple()
 * (net/netfilter/nf_nat_core.c) tries a bounded number of random ports,
 * about 240 in all (128, then halves from a new random offset while at
 * least 16: FACTS.md, turn 3; not re-read from the source for this). */
#define NAT_PROBES 240

struct nat_mapping_view {
	const struct ct_nat_map *m;
	unsigned range;       /* ports NAT chooses from (CT_NAT_DEFAULT_PORTS: assumed) */
	double pressure;      /* used / range */
	unsigned evictable;   /* TIME_WAIT + CLOSE: evictable by NAT since 6.5 */
	double fail;          /* chance that NAT_PROBES random probes all hit a port in
				 use and not evictable: (used - evictable) / range,
				 to the power NAT_PROBES */
	double take_rate;     /* ports taken per second, estimated: TIME_WAIT entries over
				 nf_conntrack_tcp_timeout_time_wait; < 0 unknown */
};

struct nat_finding {
	const char *id;       /* snat-port-pressure, conntrack-table-full, conntrack-insert-failed */
	enum severity sev;
	char title[320];
	char advice[NAT_ADVICE][320]; /* in order: the program first */
	size_t nadvice;
};

struct nat_view {
	const struct ct_table *t; /* NULL when nothing was read */
	bool available;           /* conntrack answered (or its files were read) */
	bool dumped;              /* entries are known (t->dumped) */
	char note[200];           /* one line when conntrack is unavailable or the dump failed */
	double fill;              /* count / max, < 0 when unknown */
	struct nat_mapping_view maps[NAT_TOP];
	size_t nmaps;
	const struct ct_source *srcs[NAT_TOP]; /* most NAT entries first */
	size_t nsrcs;
	struct nat_finding f[NAT_FINDINGS];
	size_t nf;
	enum severity risk;       /* the highest of f */
};

/* Builds the view of t (err: what conntrack_collect() returned). */
void nat_view_build(struct nat_view *v, const struct ct_table *t, int err);

#endif
