// SPDX-License-Identifier: GPL-2.0-or-later
/* ct_tool: drives src/kernel/conntrack.c for tests/conntrack.bats.
 *
 *   ct_tool [--replay FILE] [--record FILE] [--sysctl-root DIR]
 *           [--proc-net DIR] [--always]
 *
 * Reads the conntrack table of its own network namespace (or a recorded
 * dump) and prints one fact a line:
 *   count N | max N | buckets N | tw_timeout N       (-1: unreadable)
 *   skipped | entries N | nat N | dnat N
 *   proto NAME N                  (every protocol)
 *   state NAME N                  (every TCP state)
 *   map PROTO NATADDR DST DPORT used N tw N close N lo P hi P
 *   src ADDR entries N nat N tw N
 *   stat NAME N                   (summed over cpus; absent columns left out)
 *   fault NAME ERRNO              (when the collection failed)
 * Exit 0 when the table was read, 1 when not.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack.h"

static const char *addr(int family, const uint8_t *a, char *buf)
{
	return inet_ntop(family, a, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

static void stat_line(const char *name, long long v)
{
	if (v >= 0)
		printf("stat %s %lld\n", name, v);
}

int main(int argc, char **argv)
{
	static const char *const faults[] = { "none", "unavailable", "socket", "malformed",
					      "truncated", "kernel", "interrupted" };
	static const struct option opts[] = {
		{ "replay", required_argument, NULL, 'r' },
		{ "record", required_argument, NULL, 'w' },
		{ "sysctl-root", required_argument, NULL, 's' },
		{ "proc-net", required_argument, NULL, 'p' },
		{ "always", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_opts o = { .sysctl_root = NULL };
	struct ct_table t;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.replay = optarg; break;
		case 'w': o.record = optarg; break;
		case 's': o.sysctl_root = optarg; break;
		case 'p': o.proc_net = optarg; break;
		case 'a': o.always_dump = true; break;
		default:
			fprintf(stderr, "usage: ct_tool [--replay F] [--record F] [--sysctl-root D] "
					"[--proc-net D] [--always]\n");
			return 2;
		}
	}
	conntrack_init(&t);
	r = conntrack_collect(&t, &o);
	printf("count %lld\nmax %lld\nbuckets %lld\ntw_timeout %lld\n", t.count, t.max, t.buckets,
	       t.tw_timeout);
	if (t.skipped)
		printf("skipped\n");
	if (t.dumped) {
		printf("entries %llu\nnat %llu\ndnat %llu\n", t.entries, t.nat_entries,
		       t.dnat_entries);
		for (int i = 0; i < CT_PROTO_N; i++)
			printf("proto %s %llu\n", ct_proto_name(i), t.by_proto[i]);
		for (int i = 0; i < CT_TCP_NSTATES; i++)
			printf("state %s %llu\n", ct_tcp_state_name(i), t.tcp[i]);
		for (size_t i = 0; i < t.nmaps; i++) {
			const struct ct_nat_map *m = &t.maps[i];

			printf("map %u %s %s %u used %u tw %u close %u lo %u hi %u\n", m->proto,
			       addr(m->family, m->nat_addr, a), addr(m->family, m->dst, b), m->dport,
			       m->used, m->time_wait, m->close, m->port_lo, m->port_hi);
		}
		for (size_t i = 0; i < t.nsrcs; i++)
			printf("src %s entries %u nat %u tw %u\n", addr(t.srcs[i].family, t.srcs[i].addr, a),
			       t.srcs[i].entries, t.srcs[i].nat, t.srcs[i].time_wait);
	}
	if (t.have_stats) {
		printf("stat cpus %d\n", t.stats.cpus);
		stat_line("found", t.stats.found);
		stat_line("insert", t.stats.insert);
		stat_line("insert_failed", t.stats.insert_failed);
		stat_line("drop", t.stats.drop);
		stat_line("early_drop", t.stats.early_drop);
		stat_line("search_restart", t.stats.search_restart);
		stat_line("clash_resolve", t.stats.clash_resolve);
	}
	if (r < 0)
		printf("fault %s %d\n", faults[t.fault], -r);
	conntrack_free(&t);
	return r < 0;
}
