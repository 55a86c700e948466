// SPDX-License-Identifier: GPL-2.0-or-later
/* test_report_prom.c: the Prometheus renderer, for one report and for
 * the one exposition of --all-netns (report_prometheus_all): every
 * family's HELP and TYPE once, then every namespace's samples with its
 * labels first; what a namespace lacks is left out; label values escaped;
 * the run-level series (build_info, last run time and success) once.
 * The exposition is checked against the merge it replaced (each
 * namespace's text relabelled and grouped by family). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_prom.h"
#include "tap.h"

static char *render(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fn(f, arg);
	fclose(f);
	return buf;
}

static const struct prom_run RUN = { .version = "9.9.9", .timestamp = 1700000000.5,
				     .success = true, .netns_omitted = 3 };

#define RUN_TEXT                                                                          \
	"# HELP twtune_build_info Always 1; the label version is twtune's.\n"              \
	"# TYPE twtune_build_info gauge\n"                                                 \
	"twtune_build_info{version=\"9.9.9\"} 1\n"                                         \
	"# HELP twtune_last_run_timestamp_seconds When this exposition was made.\n"        \
	"# TYPE twtune_last_run_timestamp_seconds gauge\n"                                 \
	"twtune_last_run_timestamp_seconds 1700000000.500\n"                               \
	"# HELP twtune_last_run_success 1 when the run read what it needs, 0 when it "      \
	"failed (the other series are then left out).\n"                                   \
	"# TYPE twtune_last_run_success gauge\n"                                           \
	"twtune_last_run_success 1\n"
#define OMITTED_TEXT                                                                      \
	"# HELP twtune_netns_omitted Namespaces whose series were left out: over the cap, "  \
	"the lowest risks.\n"                                                               \
	"# TYPE twtune_netns_omitted gauge\n"                                              \
	"twtune_netns_omitted 3\n"

struct all_args {
	const struct prom_netns *ns;
	size_t n;
	int rc;
};

static void call_all(FILE *f, const void *arg)
{
	struct all_args *a = (struct all_args *)arg;

	a->rc = report_prometheus_all(f, a->ns, a->n, &RUN);
}

static void call_one(FILE *f, const void *arg)
{
	report_prometheus(f, arg, &RUN);
}

static void metrics(struct report_metrics *m, bool socks, long long sockstat_tw)
{
	memset(m, 0, sizeof(*m));
	m->risk = SEV_WARN;
	m->nrules = 2;
	m->rule[0] = "port-exhaustion";
	m->sev[0] = SEV_WARN;
	m->rule[1] = "close-wait-leak";
	m->sev[1] = SEV_OK;
	m->count[SEV_WARN] = 1;
	m->count[SEV_OK] = 1;
	m->usable = 1000;
	m->close_rate = 2.5;
	m->max_tw_buckets = 1000;
	if (!socks)
		return;
	m->have_socks = true;
	m->judged_from_counters = false;
	m->worst_pressure = 0.75;
	m->ndests = 3;
	m->states[TCP_STATE_TIME_WAIT] = 40;
	m->counters.sockstat_tw = sockstat_tw;
	m->counters.tw_overflow = 7;
	m->counters.tw_recycled = -1;
	m->counters.tw = m->counters.tw_killed = m->counters.active_opens = -1;
	m->counters.curr_estab = -1;
	m->tw_client = 30;
	m->tw_server = 10;
	m->npools = 1;
	snprintf(m->pools[0].local, sizeof(m->pools[0].local), "10.0.0.1");
	snprintf(m->pools[0].remote, sizeof(m->pools[0].remote), "10.0.0.2:80");
	m->pools[0].used = 750;
	m->pools[0].time_wait = 700;
}

/* ---- the merge the exposition replaced, as the oracle ---- */

struct fam {
	char name[64];
	char text[8192];
};

static struct fam fams[32];
static size_t nfams;

static struct fam *fam_of(const char *name, size_t n, bool *fresh)
{
	*fresh = false;
	for (size_t i = 0; i < nfams; i++)
		if (strlen(fams[i].name) == n && !strncmp(fams[i].name, name, n))
			return &fams[i];
	if (nfams == sizeof(fams) / sizeof(fams[0]))
		return NULL;
	memset(&fams[nfams], 0, sizeof(fams[0]));
	snprintf(fams[nfams].name, sizeof(fams[0].name), "%.*s", (int)n, name);
	*fresh = true;
	return &fams[nfams++];
}

/* Adds one namespace's text: HELP and TYPE kept from the first, every
 * sample relabelled ("NAME{LABELS,...} V"). */
static void oracle_add(const char *text, const char *labels)
{
	struct fam *cur = NULL;
	bool keep = false;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			size_t k = strcspn(line + 7, " ");
			bool fresh;

			if (!cur || strlen(cur->name) != k || strncmp(cur->name, line + 7, k)) {
				cur = fam_of(line + 7, k, &fresh);
				keep = fresh;
			}
			if (cur && keep)
				snprintf(cur->text + strlen(cur->text),
					 sizeof(cur->text) - strlen(cur->text), "%s\n", line);
		} else if (cur && n) {
			size_t k = strcspn(line, "{ ");
			char out[1200];

			if (line[k] == '{')
				snprintf(out, sizeof(out), "%.*s{%s%s%s\n", (int)k, line, labels,
					 line[k + 1] == '}' ? "" : ",", line + k + 1);
			else
				snprintf(out, sizeof(out), "%.*s{%s}%s\n", (int)k, line, labels,
					 line + k);
			snprintf(cur->text + strlen(cur->text), sizeof(cur->text) - strlen(cur->text),
				 "%s", out);
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* One namespace's text as --all-netns wrote it before: netns_read, then
 * (read) netns_judged_from_counters and the report's own text. */
static char *ns_text(const struct report_metrics *m)
{
	char *buf = NULL, *one = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct report r;

	if (!f)
		return NULL;
	fprintf(f, "# HELP twtune_netns_read Whether the namespace could be read (0: gone or "
		   "denied).\n# TYPE twtune_netns_read gauge\ntwtune_netns_read %d\n",
		m != NULL);
	if (m) {
		memset(&r, 0, sizeof(r));
		r.metrics = *m;
		fprintf(f, "# HELP twtune_netns_judged_from_counters Whether only listeners were "
			   "dumped: the counters showed the namespace idle.\n"
			   "# TYPE twtune_netns_judged_from_counters gauge\n"
			   "twtune_netns_judged_from_counters %d\n",
			m->judged_from_counters);
		one = render(call_one, &r);
		fputs(one && !strncmp(one, RUN_TEXT, strlen(RUN_TEXT)) ? one + strlen(RUN_TEXT) : "",
		      f);
		free(one);
	}
	fclose(f);
	return buf;
}

static char *oracle(const struct prom_netns *ns, size_t n)
{
	static char out[65536];

	nfams = 0;
	for (size_t i = 0; i < n; i++) {
		char labels[256], *t = ns_text(ns[i].m);

		snprintf(labels, sizeof(labels), "netns=\"%s\"%s%s%s", ns[i].id,
			 ns[i].name ? ",netns_name=\"" : "", ns[i].name ? ns[i].name : "",
			 ns[i].name ? "\"" : "");
		oracle_add(t ? t : "", labels);
		free(t);
	}
	snprintf(out, sizeof(out), "%s", RUN_TEXT OMITTED_TEXT);
	for (size_t i = 0; i < nfams; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s", fams[i].text);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_one(void)
{
	struct report r;
	char *out;

	memset(&r, 0, sizeof(r));
	metrics(&r.metrics, true, 40);
	out = render(call_one, &r);
	TAP_OK(out && !strncmp(out, RUN_TEXT, strlen(RUN_TEXT)) &&
		       strstr(out, "\ntwtune_risk_level 2\n") &&
		       strstr(out, "\ntwtune_finding_severity{rule=\"port-exhaustion\"} 2\n") &&
		       strstr(out, "\ntwtune_findings{severity=\"ok\"} 1\n") &&
		       strstr(out, "\ntwtune_port_pressure_max_ratio 0.75\n") &&
		       strstr(out, "\ntwtune_time_wait 40\n") &&
		       strstr(out, "\ntwtune_time_wait_by_side{side=\"client\"} 30\n") &&
		       strstr(out, "\ntwtune_pool_ports_used{local=\"10.0.0.1\",remote=\"10.0.0.2:80\"} 750\n") &&
		       strstr(out, "\ntwtune_pool_pressure_ratio{local=\"10.0.0.1\",remote=\"10.0.0.2:80\"} 0.75\n") &&
		       strstr(out, "\ntwtune_tw_buckets_ratio 0.04\n"),
	       "one report: no netns labels, plain samples without braces");
	TAP_OK(out && !strstr(out, "netns") && !strstr(out, "time_wait_reused_total") &&
		       !strstr(out, "time_wait_created_total") &&
		       strstr(out, "# TYPE twtune_time_wait_overflow_total counter\n"
				   "twtune_time_wait_overflow_total 7\n"),
	       "no netns families; a missing counter's family is left out");
	TAP_OK(out && count(out, "twtune_time_wait{") == 0 && count(out, "# TYPE twtune_time_wait gauge") == 1 &&
		       count(out, "\ntwtune_time_wait ") == 1,
	       "the total and its split are two families");
	free(out);
	/* judged from counters: what only the dump knows is absent, not 0 */
	metrics(&r.metrics, true, 40);
	r.metrics.judged_from_counters = true;
	out = render(call_one, &r);
	TAP_OK(out && strstr(out, "\ntwtune_time_wait 40\n") && !strstr(out, "time_wait_by_side") &&
		       !strstr(out, "twtune_destinations") && !strstr(out, "twtune_sockets") &&
		       !strstr(out, "pool_") && !strstr(out, "port_pressure_max"),
	       "judged from counters: no by-side, destinations, sockets, pools or pressure");
	free(out);
	/* NaN is never written: the family is left out */
	metrics(&r.metrics, true, 40);
	r.metrics.close_rate = NAN;
	r.metrics.max_tw_buckets = 0;
	out = render(call_one, &r);
	TAP_OK(out && !strstr(out, "NaN") && !strstr(out, "close_rate") && !strstr(out, "tw_buckets_ratio"),
	       "an unknown close rate or bucket ratio is left out, not NaN");
	free(out);
	/* a failed run: the run-level series only, success 0 */
	{
		struct prom_run bad = RUN;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		bad.success = false;
		report_prometheus(f, NULL, &bad);
		fclose(f);
		TAP_OK(buf && strstr(buf, "\ntwtune_last_run_success 0\n") && !strstr(buf, "risk_level") &&
			       strstr(buf, "twtune_build_info{version=\"9.9.9\"} 1\n"),
		       "a failed run: build_info, time and success 0, nothing else");
		free(buf);
	}
	metrics(&r.metrics, false, 0);
	out = render(call_one, &r);
	TAP_OK(out && strstr(out, "twtune_close_rate_per_second 2.5\n") &&
		       !strstr(out, "port_pressure_max") && !strstr(out, "twtune_sockets"),
	       "without sockets: the settings' families only");
	free(out);
}

static void test_all(void)
{
	struct report_metrics m1, m2;
	struct prom_netns ns[3] = {
		{ .id = "host", .m = &m1 },
		{ .id = "gone", .m = NULL },
		{ .id = "b", .name = "b", .m = &m2 },
	};
	struct all_args a = { ns, 3, -1 };
	char *out, *want;

	metrics(&m1, true, 40);
	metrics(&m2, true, 12);
	m2.risk = SEV_OK;
	out = render(call_all, &a);
	want = oracle(ns, 3);
	TAP_OK(a.rc == 0 && out && !strcmp(out, want),
	       "the exposition is the old merge of each namespace's text");
	if (out && strcmp(out, want))
		printf("# got:\n%s# want:\n%s", out, want);
	TAP_OK(out && count(out, "# HELP twtune_risk_level ") == 1 &&
		       count(out, "# TYPE twtune_sockets gauge") == 1 &&
		       count(out, "# HELP twtune_netns_read ") == 1,
	       "each family's HELP and TYPE once");
	TAP_OK(out && strstr(out, "twtune_netns_read{netns=\"gone\"} 0\n") &&
		       count(out, "netns=\"gone\"") == 1,
	       "a namespace not read: netns_read 0 and nothing else");
	TAP_OK(out && strstr(out, "twtune_risk_level{netns=\"host\"} 2\n"
				  "twtune_risk_level{netns=\"b\",netns_name=\"b\"} 0\n"),
	       "a family's samples together, in namespace order, labels first");
	TAP_OK(out && strstr(out, "twtune_sockets{netns=\"b\",netns_name=\"b\",state="
				  "\"TIME_WAIT\"} 40\n"),
	       "the namespace's labels before the sample's own");
	free(out);

	/* the families keep one order whatever the first namespace lacks */
	m1.counters.sockstat_tw = -1;
	out = render(call_all, &a);
	TAP_OK(out && strstr(out, "twtune_sockets{") < strstr(out, "# HELP twtune_time_wait ") &&
		       strstr(out, "# HELP twtune_time_wait ") <
			       strstr(out, "# HELP twtune_time_wait_overflow_total") &&
		       count(out, "twtune_time_wait{netns=\"host\"") == 0 &&
		       count(out, "twtune_time_wait{netns=\"b\"") == 1 &&
		       count(out, "twtune_time_wait_by_side{netns=\"host\"") == 3,
	       "time_wait from the namespace that has it, in its place among the families");
	free(out);
}

static void test_escape_and_errors(void)
{
	struct report_metrics m;
	struct prom_netns ns = { .id = "a\"b\\c\nd", .pod_name = "e\x1b[2J\xffx", .m = &m };
	struct all_args a = { &ns, 1, -1 };
	char *out;
	FILE *full;

	metrics(&m, false, 0);
	out = render(call_all, &a);
	TAP_OK(a.rc == 0 && out && strstr(out, "{netns=\"a\\\"b\\\\c\\nd\",pod_name=\"e\xef\xbf\xbd[2J\xef\xbf\xbdx\"}"),
	       "the label values escaped (\\\\, \\\" and \\n), controls and bad bytes U+FFFD");
	free(out);
	a.n = 0;
	out = render(call_all, &a);
	TAP_OK(a.rc == 0 && out && !strcmp(out, RUN_TEXT OMITTED_TEXT),
	       "no namespace: the run-level series only");
	free(out);
	full = fopen("/dev/full", "w");
	if (full) {
		setvbuf(full, NULL, _IONBF, 0);
		a.n = 1;
		TAP_OK(report_prometheus_all(full, &ns, 1, &RUN) == -EIO, "a failed write: -EIO");
		fclose(full);
	}
}

static void test_keep(void)
{
	static const struct {
		int risk[6];
		bool host[6];
		size_t n, cap, out;
		bool keep[6];
	} cases[] = {
		{ { 0, 3, 1, 2 }, { true }, 4, 10, 0, { true, true, true, true } },
		{ { 0, 3, 1, 2, 3 }, { true }, 5, 3, 2, { true, true, false, false, true } },
		{ { 2, -1, 2, 0, 2 }, { false, false, false, true }, 5, 2, 3,
		  { true, false, false, true, false } },
		{ { 1, -1, 1 }, { false }, 3, 0, 3, { false, false, false } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool keep[6];
		size_t out = netns_keep(cases[i].risk, cases[i].host, cases[i].n, cases[i].cap, keep);
		bool same = out == cases[i].out;

		for (size_t k = 0; k < cases[i].n; k++)
			same &= keep[k] == cases[i].keep[k];
		TAP_OK(same, "netns_keep case %zu: the host, then the highest risks, %zu left out", i,
		       cases[i].out);
	}
}

int main(void)
{
	test_keep();
	test_one();
	test_all();
	test_escape_and_errors();
	return tap_done();
}
