// SPDX-License-Identifier: GPL-2.0-or-later
/* report_prom.c: the audit report for monitoring: the view (view.h) as
 * Prometheus text format 0.0.4, for one namespace or for several in one
 * exposition (--all-netns). One table of metric families serves both:
 * each family says whether a report has it and writes its samples with
 * the labels it is given put first.
 *
 * The naming rules (twtune-metrics(7), NAMING): a total and its split are
 * two families (twtune_time_wait, twtune_time_wait_by_side), never one; a
 * series is left out, not 0, where nothing was measured; the kernel's
 * counters are counters named _total; units are suffixes (_seconds,
 * _ratio, _per_second); label values are untrusted text, sanitized. */
#include "report_prom.h"

#include "conntrack_render.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

/* One namespace's metrics and its labels ("" for a single report). */
struct source {
	const struct report_metrics *m; /* NULL: the namespace was not read */
	const char *labels;             /* netns="...",... or "" */
};

struct family {
	const char *name, *type, *help;
	bool netns;                                   /* --all-netns only */
	bool (*has)(const struct report_metrics *m);  /* m is not NULL; NULL: every source */
	void (*samples)(FILE *f, const struct source *s);
};

/* "twtune_NAME{LABELS,EXTRA} ", the braces only when there are labels. */
__attribute__((format(printf, 4, 5)))
static void sample(FILE *f, const char *name, const char *labels, const char *extra_fmt, ...)
{
	char extra[512] = "";

	if (extra_fmt) {
		va_list ap;

		va_start(ap, extra_fmt);
		vsnprintf(extra, sizeof(extra), extra_fmt, ap);
		va_end(ap);
	}
	fprintf(f, "twtune_%s", name);
	if (labels[0] || extra[0])
		fprintf(f, "{%s%s%s}", labels, labels[0] && extra[0] ? "," : "", extra);
	fputc(' ', f);
}

static void number(FILE *f, double v)
{
	fprintf(f, "%.6g\n", v);
}

static bool read_(const struct report_metrics *m)
{
	(void)m;
	return true;
}

/* The sockets were dumped in full: what the dump says is known. */
static bool dumped(const struct report_metrics *m)
{
	return m->have_socks && !m->judged_from_counters;
}

static bool have_close_rate(const struct report_metrics *m)
{
	return isfinite(m->close_rate) && m->close_rate >= 0;
}

static bool have_tw(const struct report_metrics *m)
{
	return m->have_socks && m->counters.sockstat_tw >= 0;
}

static bool have_buckets(const struct report_metrics *m)
{
	return have_tw(m) && m->max_tw_buckets > 0;
}

static bool have_pools(const struct report_metrics *m)
{
	return dumped(m) && m->npools > 0;
}

/* The kernel counters, each left out when this kernel lacks it. */
#define COUNTER(fn, field)                                                  \
	static bool have_##fn(const struct report_metrics *m)               \
	{                                                                   \
		return m->have_socks && m->counters.field >= 0;             \
	}                                                                   \
	static void fn(FILE *f, const struct source *s)                     \
	{                                                                   \
		sample(f, #fn, s->labels, NULL);                            \
		fprintf(f, "%lld\n", s->m->counters.field);                 \
	}
COUNTER(time_wait_created_total, tw)
COUNTER(time_wait_killed_total, tw_killed)
COUNTER(time_wait_overflow_total, tw_overflow)
COUNTER(time_wait_reused_total, tw_recycled)
COUNTER(tcp_active_opens_total, active_opens)
COUNTER(tcp_curr_estab, curr_estab)
#undef COUNTER

static void netns_read(FILE *f, const struct source *s)
{
	sample(f, "netns_read", s->labels, NULL);
	fprintf(f, "%d\n", s->m != NULL);
}

static void netns_judged(FILE *f, const struct source *s)
{
	sample(f, "netns_judged_from_counters", s->labels, NULL);
	fprintf(f, "%d\n", s->m->judged_from_counters);
}

static void risk_level(FILE *f, const struct source *s)
{
	sample(f, "risk_level", s->labels, NULL);
	fprintf(f, "%d\n", s->m->risk);
}

static void finding_severity(FILE *f, const struct source *s)
{
	for (size_t i = 0; i < s->m->nrules; i++) {
		sample(f, "finding_severity", s->labels, "rule=\"%s\"", s->m->rule[i]);
		fprintf(f, "%d\n", s->m->sev[i]);
	}
}

static void findings(FILE *f, const struct source *s)
{
	for (int i = SEV_OK; i <= SEV_CRIT; i++) {
		sample(f, "findings", s->labels, "severity=\"%s\"", severity_name((enum severity)i));
		fprintf(f, "%zu\n", s->m->count[i]);
	}
}

static void ports_usable(FILE *f, const struct source *s)
{
	sample(f, "ephemeral_ports_usable", s->labels, NULL);
	fprintf(f, "%u\n", s->m->usable);
}

static void close_rate(FILE *f, const struct source *s)
{
	sample(f, "close_rate_per_second", s->labels, NULL);
	number(f, s->m->close_rate);
}

static void pressure_max(FILE *f, const struct source *s)
{
	sample(f, "port_pressure_max_ratio", s->labels, NULL);
	number(f, s->m->worst_pressure);
}

static void destinations(FILE *f, const struct source *s)
{
	sample(f, "destinations", s->labels, NULL);
	fprintf(f, "%zu\n", s->m->ndests);
}

static void sockets_by_state(FILE *f, const struct source *s)
{
	for (int i = 1; i < TCP_NSTATES; i++) {
		sample(f, "sockets", s->labels, "state=\"%s\"", tcp_state_names[i]);
		fprintf(f, "%llu\n", s->m->states[i]);
	}
}

/* The kernel's count, the one checked against tcp_max_tw_buckets. */
static void time_wait(FILE *f, const struct source *s)
{
	sample(f, "time_wait", s->labels, NULL);
	fprintf(f, "%lld\n", s->m->counters.sockstat_tw);
}

/* The dump's TIME_WAIT by the side that closed first. */
static void time_wait_by_side(FILE *f, const struct source *s)
{
	static const char *const side[] = { "server", "client", "other" };
	const unsigned long long n[] = { s->m->tw_server, s->m->tw_client, s->m->tw_other };

	for (int i = 0; i < 3; i++) {
		sample(f, "time_wait_by_side", s->labels, "side=\"%s\"", side[i]);
		fprintf(f, "%llu\n", n[i]);
	}
}

static void buckets_ratio(FILE *f, const struct source *s)
{
	sample(f, "tw_buckets_ratio", s->labels, NULL);
	number(f, (double)s->m->counters.sockstat_tw / (double)s->m->max_tw_buckets);
}

/* The pools' series, labelled local and remote: their ports, and the
 * capacity model's figures (issue 20) where known: a pool's capacity only
 * when TIME_WAIT bounds it, its knee only when it has one, its demand and
 * failure ratio only when measured. The addresses are written by the
 * program (ip_str), not taken from outside: passed through the escaping
 * all the same. */
enum pool_what { P_USED, P_TW, P_PRESSURE, P_CAPACITY, P_KNEE, P_DEMAND, P_FAILURE };

static bool pool_has(const struct pool_metrics *p, enum pool_what what)
{
	switch (what) {
	case P_CAPACITY: return p->capacity >= 0;
	case P_KNEE: return p->knee > 0;
	case P_DEMAND:
	case P_FAILURE: return p->demand >= 0;
	default: return true;
	}
}

static void pool_samples(FILE *f, const struct source *s, const char *name, enum pool_what what)
{
	for (size_t i = 0; i < s->m->npools; i++) {
		const struct pool_metrics *p = &s->m->pools[i];
		char local[3 * sizeof(p->local)], remote[3 * sizeof(p->remote)];

		if (!pool_has(p, what))
			continue;
		sample(f, name, s->labels, "local=\"%s\",remote=\"%s\"",
		       san_str(local, sizeof(local), p->local, SAN_PROM),
		       san_str(remote, sizeof(remote), p->remote, SAN_PROM));
		switch (what) {
		case P_USED: fprintf(f, "%u\n", p->used); break;
		case P_TW: fprintf(f, "%u\n", p->time_wait); break;
		case P_PRESSURE: number(f, s->m->usable ? (double)p->used / s->m->usable : 0); break;
		case P_CAPACITY: number(f, p->capacity); break;
		case P_KNEE: number(f, p->knee); break;
		case P_DEMAND: number(f, p->demand); break;
		case P_FAILURE: number(f, p->failure_share); break;
		}
	}
}

static bool pools_have(const struct report_metrics *m, enum pool_what what)
{
	if (!have_pools(m))
		return false;
	for (size_t i = 0; i < m->npools; i++)
		if (pool_has(&m->pools[i], what))
			return true;
	return false;
}

static void pool_used(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_ports_used", P_USED);
}

static void pool_time_wait(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_time_wait", P_TW);
}

static void pool_pressure(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_pressure_ratio", P_PRESSURE);
}

static void pool_capacity(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_capacity_per_second", P_CAPACITY);
}

static void pool_knee(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_knee_per_second", P_KNEE);
}

static void pool_demand(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_demand_per_second", P_DEMAND);
}

static void pool_failure(FILE *f, const struct source *s)
{
	pool_samples(f, s, "pool_expected_failure_ratio", P_FAILURE);
}

static bool have_capacity(const struct report_metrics *m)
{
	return pools_have(m, P_CAPACITY);
}

static bool have_knee(const struct report_metrics *m)
{
	return pools_have(m, P_KNEE);
}

static bool have_demand(const struct report_metrics *m)
{
	return pools_have(m, P_DEMAND);
}

/* Every family of a namespace, in the order they are written. */
static const struct family families[] = {
	{ "netns_read", "gauge", "Whether the namespace could be read (0: gone or denied).", true,
	  NULL, netns_read },
	{ "netns_judged_from_counters", "gauge",
	  "Whether only listeners were dumped: the counters showed the namespace idle.", true,
	  read_, netns_judged },
	{ "risk_level", "gauge", "Highest finding severity: 0 ok, 1 info, 2 warn, 3 crit.", false,
	  read_, risk_level },
	{ "finding_severity", "gauge", "Severity of each rule: 0 ok, 1 info, 2 warn, 3 crit.",
	  false, read_, finding_severity },
	{ "findings", "gauge", "Number of rules at each severity.", false, read_, findings },
	{ "ephemeral_ports_usable", "gauge",
	  "Ports in ip_local_port_range minus reserved ones: each destination's pool.", false,
	  read_, ports_usable },
	{ "close_rate_per_second", "gauge",
	  "TIME_WAIT sockets made per second, over --interval or estimated as TIME_WAIT / 60 s.",
	  false, have_close_rate, close_rate },
	{ "port_pressure_max_ratio", "gauge",
	  "Highest share of usable ephemeral ports in use towards one destination.", false, dumped,
	  pressure_max },
	{ "destinations", "gauge", "Destinations holding ephemeral ports.", false, dumped,
	  destinations },
	{ "sockets", "gauge", "TCP sockets by kernel state, from the dump.", false, dumped,
	  sockets_by_state },
	{ "time_wait", "gauge",
	  "TIME_WAIT sockets counted against tcp_max_tw_buckets (/proc/net/sockstat).", false,
	  have_tw, time_wait },
	{ "time_wait_by_side", "gauge",
	  "TIME_WAIT sockets of the dump by the side that closed first (server, client, other).",
	  false, dumped, time_wait_by_side },
	{ "tw_buckets_ratio", "gauge", "TIME_WAIT sockets / tcp_max_tw_buckets.", false,
	  have_buckets, buckets_ratio },
	{ "time_wait_created_total", "counter", "TcpExt TW: TIME_WAIT sockets created.", false,
	  have_time_wait_created_total, time_wait_created_total },
	{ "time_wait_killed_total", "counter",
	  "TcpExt TWKilled: TIME_WAIT sockets ended before their timer.", false,
	  have_time_wait_killed_total, time_wait_killed_total },
	{ "time_wait_overflow_total", "counter",
	  "TcpExt TCPTimeWaitOverflow: sockets that skipped TIME_WAIT.", false,
	  have_time_wait_overflow_total, time_wait_overflow_total },
	{ "time_wait_reused_total", "counter",
	  "TcpExt TWRecycled: TIME_WAIT ports reused by connect().", false,
	  have_time_wait_reused_total, time_wait_reused_total },
	{ "tcp_active_opens_total", "counter",
	  "Tcp ActiveOpens: connect()s that got a port and sent a SYN.", false,
	  have_tcp_active_opens_total, tcp_active_opens_total },
	{ "tcp_curr_estab", "gauge", "Tcp CurrEstab: sockets in ESTABLISHED or CLOSE_WAIT.", false,
	  have_tcp_curr_estab, tcp_curr_estab },
	{ "pool_ports_used", "gauge",
	  "Ephemeral ports in use towards one destination, for the fullest pools.", false,
	  have_pools, pool_used },
	{ "pool_time_wait", "gauge", "Of them, in TIME_WAIT.", false, have_pools, pool_time_wait },
	{ "pool_pressure_ratio", "gauge",
	  "Share of the usable ephemeral ports in use towards the destination.", false, have_pools,
	  pool_pressure },
	{ "pool_capacity_per_second", "gauge",
	  "New connections per second the destination's pool sustains without failures.", false,
	  have_capacity, pool_capacity },
	{ "pool_knee_per_second", "gauge",
	  "New connections per second above which connect() slows (wide ranges only).", false,
	  have_knee, pool_knee },
	{ "pool_demand_per_second", "gauge",
	  "New connections per second wanted towards the destination, measured over the window.",
	  false, have_demand, pool_demand },
	{ "pool_expected_failure_ratio", "gauge",
	  "Share of connects expected to fail at the measured demand.", false, have_demand,
	  pool_failure },
};

static bool source_has(const struct family *fam, const struct source *s)
{
	return !fam->has || (s->m && fam->has(s->m));
}

static void meta(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP twtune_%s %s\n# TYPE twtune_%s %s\n", name, help, name, type);
}

/* The series of the run itself, once per exposition. */
static void write_run(FILE *f, const struct prom_run *run, bool netns)
{
	char version[64];

	meta(f, "build_info", "gauge", "Always 1; the label version is twtune's.");
	fprintf(f, "twtune_build_info{version=\"%s\"} 1\n",
		san_str(version, sizeof(version), run->version, SAN_PROM));
	meta(f, "last_run_timestamp_seconds", "gauge", "When this exposition was made.");
	fprintf(f, "twtune_last_run_timestamp_seconds %.3f\n", run->timestamp);
	meta(f, "last_run_success", "gauge",
	     "1 when the run read what it needs, 0 when it failed (the other series are then "
	     "left out).");
	fprintf(f, "twtune_last_run_success %d\n", run->success);
	if (!netns)
		return;
	meta(f, "netns_omitted", "gauge",
	     "Namespaces whose series were left out: over the cap, the lowest risks.");
	fprintf(f, "twtune_netns_omitted %zu\n", run->netns_omitted);
}

/* Each family that some source has: its HELP and TYPE, then the samples
 * of every source that has it. */
static int write_all(FILE *f, const struct source *src, size_t n, bool netns,
		     const struct prom_run *run)
{
	write_run(f, run, netns);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *fam = &families[i];
		bool said = false;

		if (fam->netns && !netns)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (!source_has(fam, &src[k]))
				continue;
			if (!said)
				meta(f, fam->name, fam->type, fam->help);
			said = true;
			fam->samples(f, &src[k]);
		}
	}
	return ferror(f) ? -EIO : 0;
}

int report_prometheus(FILE *f, const struct report *r, const struct prom_run *run)
{
	const struct source s = { r ? &r->metrics : NULL, "" };

	int err = write_all(f, &s, r ? 1 : 0, false, run);

	if (r)
		conntrack_prom(f, r->nat);
	return err < 0 ? err : ferror(f) ? -EIO : 0;
}

enum { LABELS_MAX = 2048 };

/* The label set of one namespace: each value sanitized (SAN_PROM), the
 * empty ones left out. */
static void ns_labels(const struct prom_netns *ns, char *buf, size_t len)
{
	const char *const name[] = { "netns", "netns_name", "container_id", "pod_uid",
				     "pod_namespace", "pod_name" };
	const char *const val[] = { ns->id, ns->name, ns->container, ns->pod_uid,
				    ns->pod_namespace, ns->pod_name };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(name) / sizeof(name[0]); i++) {
		char esc[LABELS_MAX / 2];

		if (!val[i] || !val[i][0] || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s=\"%s\"", used ? "," : "",
					 name[i], san_str(esc, sizeof(esc), val[i], SAN_PROM));
	}
}

int report_prometheus_all(FILE *f, const struct prom_netns *ns, size_t n,
			  const struct prom_run *run)
{
	struct source *src = calloc(n ? n : 1, sizeof(*src));
	char(*labels)[LABELS_MAX] = calloc(n ? n : 1, sizeof(*labels));
	int r = -ENOMEM;

	if (src && labels) {
		for (size_t i = 0; i < n; i++) {
			ns_labels(&ns[i], labels[i], sizeof(labels[i]));
			src[i] = (struct source){ ns[i].m, labels[i] };
		}
		r = write_all(f, src, n, true, run);
	}
	free(src);
	free(labels);
	return r;
}
