// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack_render.c: the "NAT and conntrack" section (conntrack_render.h) */
#include "conntrack_render.h"

#include <math.h>

#include <arpa/inet.h>

#include "output.h"

static const char *addr(int family, const uint8_t *a, char *buf)
{
	return inet_ntop(family, a, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

static const char *proto(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 132 ? "sctp" : "other";
}

void conntrack_text(FILE *f, const struct nat_view *v)
{
	const struct ct_table *t;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!v || !v->t)
		return;
	t = v->t;
	if (!v->available) {
		fprintf(f, "\n%s\n", v->note);
		return;
	}
	if (t->count <= 0 && !t->entries && !v->nf && !v->note[0])
		return;
	fprintf(f, "\n%sNAT and conntrack%s\n", color(C_BOLD), color(C_RESET));
	if (v->note[0])
		fprintf(f, "%s\n", v->note);
	fprintf(f, "conntrack entries %lld of nf_conntrack_max %lld (host-wide)", t->count, t->max);
	if (v->fill >= 0)
		fprintf(f, ", %.1f%%", 100 * v->fill);
	fprintf(f, "; TIME_WAIT kept %lld s\n", t->tw_timeout);
	if (v->dumped) {
		fprintf(f, "by state:");
		for (int i = 0; i < CT_TCP_NSTATES; i++)
			if (t->tcp[i])
				fprintf(f, " %s %llu", ct_tcp_state_name(i), t->tcp[i]);
		for (int i = CT_PROTO_UDP; i < CT_PROTO_N; i++)
			if (t->by_proto[i])
				fprintf(f, " %s %llu", ct_proto_name(i), t->by_proto[i]);
		fprintf(f, "; source NAT %llu\n", t->nat_entries);
	}
	if (v->nmaps) {
		fprintf(f, "\n%-16s %-22s %-5s %8s %8s %8s\n", "nat source", "destination", "proto",
			"ports", "TW", "pressure");
		for (size_t i = 0; i < v->nmaps; i++) {
			const struct nat_mapping_view *m = &v->maps[i];
			char dst[INET6_ADDRSTRLEN + 8];

			snprintf(dst, sizeof(dst), m->m->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
				 addr(m->m->family, m->m->dst, b), m->m->dport);
			fprintf(f, "%-16s %-22s %-5s %8u %8u %7.1f%%\n",
				addr(m->m->family, m->m->nat_addr, a), dst, proto(m->m->proto),
				m->m->used, m->m->time_wait, 100 * m->pressure);
		}
		fprintf(f, "(pressure: ports held of %u, the range NAT uses when the rule names none)\n",
			CT_NAT_DEFAULT_PORTS);
	}
	if (v->nsrcs) {
		fprintf(f, "\nsources (original address)   entries      NAT  TIME_WAIT\n");
		for (size_t i = 0; i < v->nsrcs; i++)
			fprintf(f, "%-28s %8u %8u %10u\n", addr(v->srcs[i]->family, v->srcs[i]->addr, a),
				v->srcs[i]->entries, v->srcs[i]->nat, v->srcs[i]->time_wait);
	}
	if (t->have_stats)
		fprintf(f, "statistics since boot (%d CPUs): found %lld, insert_failed %lld, drop %lld, "
			   "early_drop %lld, search_restart %lld\n",
			t->stats.cpus, t->stats.found, t->stats.insert_failed, t->stats.drop,
			t->stats.early_drop, t->stats.search_restart);
	for (size_t i = 0; i < v->nf; i++) {
		const struct nat_finding *fd = &v->f[i];

		fprintf(f, "\n%s %s: %s\n", severity_name(fd->sev), fd->id, fd->title);
		for (size_t k = 0; k < fd->nadvice; k++)
			fprintf(f, "  %zu. %s\n", k + 1, fd->advice[k]);
	}
	if (!v->nf)
		fprintf(f, "no NAT or conntrack findings\n");
}

void conntrack_json(struct json *j, const char *key, const struct nat_view *v)
{
	const struct ct_table *t;
	char a[INET6_ADDRSTRLEN];

	if (!v || !v->t) {
		json_null(j, key);
		return;
	}
	t = v->t;
	json_obj_begin(j, key);
	json_bool(j, "available", v->available);
	json_str(j, "note", v->note[0] ? v->note : NULL);
	json_count(j, "count", t->count);
	json_count(j, "max", t->max);
	json_count(j, "buckets", t->buckets);
	json_count(j, "tcp_timeout_time_wait", t->tw_timeout);
	json_double(j, "fill_ratio", v->fill >= 0 ? v->fill : NAN, 4);
	json_bool(j, "dumped", v->dumped);
	if (v->dumped) {
		json_uint(j, "entries", t->entries);
		json_obj_begin(j, "by_protocol");
		for (int i = 0; i < CT_PROTO_N; i++)
			json_uint(j, ct_proto_name(i), t->by_proto[i]);
		json_obj_end(j);
		json_obj_begin(j, "tcp_states");
		for (int i = 0; i < CT_TCP_NSTATES; i++)
			json_uint(j, ct_tcp_state_name(i), t->tcp[i]);
		json_obj_end(j);
		json_uint(j, "source_nat", t->nat_entries);
		json_uint(j, "nat_mappings", t->nmaps);
		json_arr_begin(j, "top_mappings");
		for (size_t i = 0; i < v->nmaps; i++) {
			const struct nat_mapping_view *m = &v->maps[i];

			json_obj_begin(j, NULL);
			json_str(j, "nat_source", addr(m->m->family, m->m->nat_addr, a));
			json_str(j, "destination", addr(m->m->family, m->m->dst, a));
			json_uint(j, "port", m->m->dport);
			json_str(j, "protocol", proto(m->m->proto));
			json_uint(j, "ports_used", m->m->used);
			json_uint(j, "time_wait", m->m->time_wait);
			json_uint(j, "evictable", m->evictable);
			json_uint(j, "port_range", m->range);
			json_double(j, "pressure_ratio", m->pressure, 4);
			json_double(j, "no_port_chance", m->fail, 6);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_arr_begin(j, "top_sources");
		for (size_t i = 0; i < v->nsrcs; i++) {
			json_obj_begin(j, NULL);
			json_str(j, "address", addr(v->srcs[i]->family, v->srcs[i]->addr, a));
			json_uint(j, "entries", v->srcs[i]->entries);
			json_uint(j, "source_nat", v->srcs[i]->nat);
			json_uint(j, "time_wait", v->srcs[i]->time_wait);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	if (t->have_stats) {
		json_obj_begin(j, "statistics");
		json_int(j, "cpus", t->stats.cpus);
		json_count(j, "found", t->stats.found);
		json_count(j, "insert_failed", t->stats.insert_failed);
		json_count(j, "drop", t->stats.drop);
		json_count(j, "early_drop", t->stats.early_drop);
		json_count(j, "search_restart", t->stats.search_restart);
		json_count(j, "clash_resolve", t->stats.clash_resolve);
		json_obj_end(j);
	}
	json_arr_begin(j, "findings");
	for (size_t i = 0; i < v->nf; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "rule", v->f[i].id);
		json_str(j, "severity", severity_name(v->f[i].sev));
		json_str(j, "title", v->f[i].title);
		json_arr_begin(j, "advice");
		for (size_t k = 0; k < v->f[i].nadvice; k++)
			json_str(j, NULL, v->f[i].advice[k]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void prom_meta(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP twtune_%s %s\n# TYPE twtune_%s %s\n", name, help, name, type);
}

static void prom_ll(FILE *f, const char *name, const char *type, const char *help, long long v)
{
	if (v < 0)
		return; /* not measured: absent, not 0 */
	prom_meta(f, name, type, help);
	fprintf(f, "twtune_%s %lld\n", name, v);
}

void conntrack_prom(FILE *f, const struct nat_view *v)
{
	const struct ct_table *t;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	bool known;

	if (!v || !v->t || !v->available)
		return;
	t = v->t;
	prom_ll(f, "conntrack_entries", "gauge",
		"Conntrack entries of the namespace: the dump's, else nf_conntrack_count.",
		v->dumped ? (long long)t->entries : t->count);
	prom_ll(f, "conntrack_max", "gauge",
		"nf_conntrack_max: the host's limit every namespace's count is checked against.",
		t->max);
	if (v->fill >= 0) {
		prom_meta(f, "conntrack_fill_ratio", "gauge",
			  "nf_conntrack_count / nf_conntrack_max.");
		fprintf(f, "twtune_conntrack_fill_ratio %.6g\n", v->fill);
	}
	/* a count of 0 says every state holds 0 without a dump */
	known = v->dumped || t->skipped;
	if (known) {
		prom_meta(f, "conntrack_entries_by_state", "gauge",
			  "TCP conntrack entries by conntrack's TCP state.");
		for (int i = 0; i < CT_TCP_NSTATES; i++)
			fprintf(f, "twtune_conntrack_entries_by_state{state=\"%s\"} %llu\n",
				ct_tcp_state_name(i), v->dumped ? t->tcp[i] : 0);
		prom_meta(f, "conntrack_entries_by_protocol", "gauge",
			  "Conntrack entries by layer 4 protocol.");
		for (int i = 0; i < CT_PROTO_N; i++)
			fprintf(f, "twtune_conntrack_entries_by_protocol{protocol=\"%s\"} %llu\n",
				ct_proto_name(i), v->dumped ? t->by_proto[i] : 0);
	}
	if (v->nmaps) {
		prom_meta(f, "snat_ports_used", "gauge",
			  "Ports held by the fullest source NAT mappings (top 5).");
		for (size_t i = 0; i < v->nmaps; i++) {
			const struct nat_mapping_view *m = &v->maps[i];

			fprintf(f, "twtune_snat_ports_used{nat_source=\"%s\",destination=\"%s\","
				   "port=\"%u\",protocol=\"%s\"} %u\n",
				addr(m->m->family, m->m->nat_addr, a), addr(m->m->family, m->m->dst, b),
				m->m->dport, proto(m->m->proto), m->m->used);
		}
		prom_meta(f, "snat_port_pressure_ratio", "gauge",
			  "Ports held / the NAT port range (64512 assumed), top 5 mappings.");
		for (size_t i = 0; i < v->nmaps; i++) {
			const struct nat_mapping_view *m = &v->maps[i];

			fprintf(f, "twtune_snat_port_pressure_ratio{nat_source=\"%s\",destination=\"%s\","
				   "port=\"%u\",protocol=\"%s\"} %.6g\n",
				addr(m->m->family, m->m->nat_addr, a), addr(m->m->family, m->m->dst, b),
				m->m->dport, proto(m->m->proto), m->pressure);
		}
	}
	if (t->have_stats) {
		prom_ll(f, "conntrack_insert_failed_total", "counter",
			"Conntrack entries that could not be inserted, summed over CPUs.",
			t->stats.insert_failed);
		prom_ll(f, "conntrack_drop_total", "counter",
			"Packets dropped because the conntrack table was full, summed over CPUs.",
			t->stats.drop);
		prom_ll(f, "conntrack_early_drop_total", "counter",
			"Conntrack entries evicted early to make room, summed over CPUs.",
			t->stats.early_drop);
	}
}
