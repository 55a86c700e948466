// SPDX-License-Identifier: GPL-2.0-or-later
/* report_prom.c: the audit report for monitoring: the view (view.h) as
 * Prometheus text format 0.0.4, for one namespace or for several in one
 * exposition (--all-netns). One table of metric families serves both:
 * each family says whether a report has it and writes its samples with
 * the labels it is given put first. */
#include "report_prom.h"

#include "conntrack_render.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One namespace's metrics and its labels ("" for a single report). */
struct source {
	const struct report_metrics *m; /* NULL: the namespace was not read */
	const char *labels;             /* netns="...",netns_label="..." or "" */
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
	char extra[256] = "";

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
	if (isfinite(v))
		fprintf(f, "%.6g\n", v);
	else
		fprintf(f, "NaN\n");
}

static bool read_(const struct report_metrics *m)
{
	(void)m;
	return true;
}

static bool have_socks(const struct report_metrics *m)
{
	return m->have_socks;
}

static bool have_tw(const struct report_metrics *m)
{
	return m->have_socks && m->counters.sockstat_tw >= 0;
}

static bool have_overflow(const struct report_metrics *m)
{
	return m->have_socks && m->counters.tw_overflow >= 0;
}

static bool have_recycled(const struct report_metrics *m)
{
	return m->have_socks && m->counters.tw_recycled >= 0;
}

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
	sample(f, "port_pressure_max", s->labels, NULL);
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

/* The kernel's count, then its sides (labelled) in the dump. */
static void time_wait(FILE *f, const struct source *s)
{
	sample(f, "time_wait", s->labels, NULL);
	fprintf(f, "%lld\n", s->m->counters.sockstat_tw);
	sample(f, "time_wait", s->labels, "side=\"server\"");
	fprintf(f, "%llu\n", s->m->tw_server);
	sample(f, "time_wait", s->labels, "side=\"client\"");
	fprintf(f, "%llu\n", s->m->tw_client);
	sample(f, "time_wait", s->labels, "side=\"other\"");
	fprintf(f, "%llu\n", s->m->tw_other);
}

static void buckets_ratio(FILE *f, const struct source *s)
{
	long long max = s->m->max_tw_buckets;

	sample(f, "tw_buckets_ratio", s->labels, NULL);
	number(f, max > 0 ? (double)s->m->counters.sockstat_tw / (double)max : NAN);
}

static void overflow(FILE *f, const struct source *s)
{
	sample(f, "time_wait_overflow_total", s->labels, NULL);
	fprintf(f, "%lld\n", s->m->counters.tw_overflow);
}

static void reused(FILE *f, const struct source *s)
{
	sample(f, "time_wait_reused_total", s->labels, NULL);
	fprintf(f, "%lld\n", s->m->counters.tw_recycled);
}

/* Every family, in the order they are written. */
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
	{ "ephemeral_ports_usable", "gauge", "Ports in ip_local_port_range minus reserved ones.",
	  false, read_, ports_usable },
	{ "close_rate_per_second", "gauge", "TIME_WAIT sockets created per second.", false, read_,
	  close_rate },
	{ "port_pressure_max", "gauge",
	  "Highest share of usable ephemeral ports in use towards one destination.", false,
	  have_socks, pressure_max },
	{ "destinations", "gauge", "Destinations holding ephemeral ports.", false, have_socks,
	  destinations },
	{ "sockets", "gauge", "TCP sockets by kernel state.", false, have_socks, sockets_by_state },
	{ "time_wait", "gauge",
	  "TIME_WAIT sockets counted against tcp_max_tw_buckets; by side (server: on a "
	  "listening port, client: towards a destination, other) in the dump.",
	  false, have_tw, time_wait },
	{ "tw_buckets_ratio", "gauge", "TIME_WAIT sockets / tcp_max_tw_buckets.", false, have_tw,
	  buckets_ratio },
	{ "time_wait_overflow_total", "counter",
	  "TcpExt TCPTimeWaitOverflow: sockets that skipped TIME_WAIT.", false, have_overflow,
	  overflow },
	{ "time_wait_reused_total", "counter", "TcpExt TWRecycled: TIME_WAIT ports reused by connect().",
	  false, have_recycled, reused },
};

static bool source_has(const struct family *fam, const struct source *s)
{
	return !fam->has || (s->m && fam->has(s->m));
}

/* Each family that some source has: its HELP and TYPE, then the samples
 * of every source that has it. */
static int write_all(FILE *f, const struct source *src, size_t n, bool netns)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *fam = &families[i];
		bool meta = false;

		if (fam->netns && !netns)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (!source_has(fam, &src[k]))
				continue;
			if (!meta)
				fprintf(f, "# HELP twtune_%s %s\n# TYPE twtune_%s %s\n", fam->name,
					fam->help, fam->name, fam->type);
			meta = true;
			fam->samples(f, &src[k]);
		}
	}
	return ferror(f) ? -EIO : 0;
}

void report_prometheus(FILE *f, const struct report *r)
{
	const struct source s = { &r->metrics, "" };

	write_all(f, &s, 1, false);
	conntrack_prom(f, r->nat);
}

/* A label value escaped for the text format (\\, \" and \n) into buf,
 * cut short when len is too small. */
static const char *label_escape(const char *v, char *buf, size_t len)
{
	size_t k = 0;

	for (; *v && k + 3 < len; v++) {
		if (*v == '\\' || *v == '"') {
			buf[k++] = '\\';
			buf[k++] = *v;
		} else if (*v == '\n') {
			buf[k++] = '\\';
			buf[k++] = 'n';
		} else {
			buf[k++] = *v;
		}
	}
	if (len)
		buf[k < len ? k : len - 1] = '\0';
	return buf;
}

enum { LABEL_MAX = 512 };

int report_prometheus_all(FILE *f, const struct prom_netns *ns, size_t n)
{
	struct source *src = calloc(n ? n : 1, sizeof(*src));
	char(*labels)[3 * LABEL_MAX] = calloc(n ? n : 1, sizeof(*labels));
	int r = -ENOMEM;

	if (src && labels) {
		for (size_t i = 0; i < n; i++) {
			char esc[2 * LABEL_MAX];

			snprintf(labels[i], sizeof(labels[i]), "netns=\"%llu\",netns_label=\"%s\"",
				 ns[i].inode, label_escape(ns[i].label, esc, sizeof(esc)));
			src[i] = (struct source){ ns[i].m, labels[i] };
		}
		r = write_all(f, src, n, true);
	}
	free(src);
	free(labels);
	return r;
}
