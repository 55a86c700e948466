// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nat.c: the NAT and conntrack rules (src/rules/nat.c) on conntrack
 * tables made by hand: the bounded-search model, the thresholds, the order
 * of the advice (the program first), the top-N selection, and a table
 * that could not be read. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat.h"
#include "tap.h"

/* A table with one NAT mapping per entry of used[] (to 10.0.0.<i+1>:80),
 * tw of them in TIME_WAIT, and two sources. */
static void table(struct ct_table *t, const unsigned *used, const unsigned *tw, size_t n,
		  long long count, long long max)
{
	conntrack_init(t);
	t->count = count;
	t->max = max;
	t->tw_timeout = 120;
	t->dumped = true;
	t->maps = calloc(n, sizeof(*t->maps));
	t->nmaps = t->maps_cap = n;
	for (size_t i = 0; i < n; i++) {
		struct ct_nat_map *m = &t->maps[i];

		m->family = AF_INET;
		m->proto = 6;
		m->dport = 80;
		inet_pton(AF_INET, "192.0.2.1", m->nat_addr);
		m->dst[0] = 10, m->dst[3] = (uint8_t)(i + 1);
		m->used = used[i];
		m->time_wait = tw[i];
		t->nat_entries += used[i];
		t->tcp[CT_TCP_TIME_WAIT] += tw[i];
	}
	t->srcs = calloc(2, sizeof(*t->srcs));
	t->nsrcs = t->srcs_cap = 2;
	t->srcs[0].family = t->srcs[1].family = AF_INET;
	inet_pton(AF_INET, "10.77.1.2", t->srcs[0].addr);
	inet_pton(AF_INET, "10.77.2.2", t->srcs[1].addr);
	t->srcs[0].nat = 10;
	t->srcs[1].nat = 20;
}

static const struct nat_finding *find(const struct nat_view *v, const char *id)
{
	for (size_t i = 0; i < v->nf; i++)
		if (!strcmp(v->f[i].id, id))
			return &v->f[i];
	return NULL;
}

static void test_pressure(void)
{
	unsigned used[7] = { 100, 60000, 20000, 5, 40000, 7, 30000 };
	unsigned tw[7] = { 0, 59000, 0, 0, 1000, 0, 0 };
	struct ct_table t;
	struct nat_view v;
	const struct nat_finding *f;
	double q;

	table(&t, used, tw, 7, 200000, 262144);
	nat_view_build(&v, &t, 0);
	TAP_OK(v.nmaps == NAT_TOP, "the top %d of 7 mappings", NAT_TOP);
	TAP_OK(v.maps[0].m->used == 60000 && v.maps[1].m->used == 40000 &&
		       v.maps[2].m->used == 30000 && v.maps[3].m->used == 20000 &&
		       v.maps[4].m->used == 100,
	       "fullest first");
	TAP_OK(v.nsrcs == 2 && v.srcs[0]->nat == 20, "the source with most NAT entries first");
	/* 60000 used, 59000 of them evictable: 1000 / 64512 per probe */
	q = 1000.0 / CT_NAT_DEFAULT_PORTS;
	TAP_OK(fabs(v.maps[0].fail - pow(q, NAT_PROBES)) < 1e-300 && v.maps[0].fail < 1e-100,
	       "evictable ports make a failed search unlikely: %g", v.maps[0].fail);
	q = 39000.0 / CT_NAT_DEFAULT_PORTS;
	TAP_OK(fabs(v.maps[1].fail - pow(q, NAT_PROBES)) < 1e-12, "40000 used, 1000 evictable: %g",
	       v.maps[1].fail);
	TAP_OK(fabs(v.maps[0].pressure - 60000.0 / CT_NAT_DEFAULT_PORTS) < 1e-9, "pressure");
	TAP_OK(fabs(v.maps[0].take_rate - 59000.0 / 120) < 1e-9, "ports taken: TIME_WAIT / timeout");
	f = find(&v, "snat-port-pressure");
	TAP_OK(f && f->sev == SEV_CRIT, "93%% of the range: crit");
	TAP_OK(f && f->nadvice >= 4 && strstr(f->advice[0], "keep connections alive") &&
		       strstr(f->advice[0], "10.77.2.2 (20 NAT entries), 10.77.1.2 (10)"),
	       "the programs first, named by their source: %s", f ? f->advice[0] : "");
	TAP_OK(f && strstr(f->advice[2], "add SNAT source addresses") && strstr(f->advice[2], "46.5%"),
	       "then more SNAT addresses, with the share predicted: %s", f ? f->advice[2] : "");
	TAP_OK(f && strstr(f->advice[3], "from 120 to 60") && strstr(f->advice[3], "risk"),
	       "then the conntrack TIME_WAIT timeout, with its risk");
	TAP_OK(find(&v, "conntrack-table-full") && find(&v, "conntrack-table-full")->sev == SEV_WARN,
	       "200000 of 262144 (76%%): table warn");
	TAP_OK(!find(&v, "conntrack-insert-failed"), "no statistics: no insert-failed finding");
	TAP_OK(v.risk == SEV_CRIT, "risk crit");
	conntrack_free(&t);
}

static void test_thresholds(void)
{
	static const struct {
		unsigned used;
		enum severity sev;
	} cases[] = { { 16000, SEV_OK }, { 16128, SEV_INFO }, { 32256, SEV_WARN }, { 58061, SEV_CRIT } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned tw = cases[i].used; /* all evictable: the search never fails */
		struct ct_table t;
		struct nat_view v;
		const struct nat_finding *f;

		table(&t, &cases[i].used, &tw, 1, 100, 262144);
		nat_view_build(&v, &t, 0);
		f = find(&v, "snat-port-pressure");
		TAP_OK(cases[i].sev == SEV_OK ? !f : f && f->sev == cases[i].sev,
		       "%u of %u ports: %s", cases[i].used, CT_NAT_DEFAULT_PORTS,
		       severity_name(cases[i].sev));
		conntrack_free(&t);
	}
}

static void test_stats_and_unavailable(void)
{
	unsigned used = 10, tw = 0;
	struct ct_table t;
	struct nat_view v;
	const struct nat_finding *f;

	table(&t, &used, &tw, 1, 10, 262144);
	t.have_stats = true;
	t.stats = (struct ct_stats){ .insert_failed = 3, .clash_resolve = 9, .cpus = 2 };
	nat_view_build(&v, &t, 0);
	f = find(&v, "conntrack-insert-failed");
	TAP_OK(f && f->sev == SEV_WARN && strstr(f->title, "3 new entries"), "insert_failed 3: warn");
	TAP_OK(f && strstr(f->advice[0], "fully-random") && strstr(f->advice[0], "--random-fully"),
	       "fully random masquerade first, for clashes");
	t.stats.insert_failed = 0;
	t.stats.early_drop = 1;
	nat_view_build(&v, &t, 0);
	TAP_OK(find(&v, "conntrack-table-full") && !find(&v, "conntrack-insert-failed"),
	       "early_drop with a near-empty table still warns of the table");
	conntrack_free(&t);

	conntrack_init(&t);
	t.fault = CT_FAULT_UNAVAILABLE;
	nat_view_build(&v, &t, -EOPNOTSUPP);
	TAP_OK(!v.available && v.nf == 0 && strstr(v.note, "conntrack unavailable"),
	       "unavailable: one note, no findings: %s", v.note);
	nat_view_build(&v, NULL, 0);
	TAP_OK(!v.t && !v.available && v.nf == 0, "not read: empty view");
}

int main(void)
{
	test_pressure();
	test_thresholds();
	test_stats_and_unavailable();
	return tap_done();
}
