// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c: the audit report for people (text), tools (JSON) and
 * monitoring (Prometheus text format). The only printing of findings. */
#include "report.h"

#include <math.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "json.h"
#include "observe_render.h"
#include "origin_render.h"
#include "output.h"
#include "sockets_render.h"

#define WIDTH 100

static const enum color sev_color[] = { C_GREEN, C_CYAN, C_YELLOW, C_RED };

static bool differs(const struct report *r, size_t i)
{
	const struct settings *c = r->current, *t = r->target;

	return t && t->have[i] && (!c->have[i] || !sysval_equal(&c->val[i], &t->val[i]));
}

size_t report_ndiff(const struct report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < sysctl_count; i++)
		n += differs(r, i);
	return n;
}

/* Prints text folded at WIDTH, every line after `indent` spaces. */
static void wrap(FILE *f, int indent, const char *label, const char *text)
{
	int col = fprintf(f, "%*s%s", indent, "", label);
	const char *p = text;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (col + 1 + (int)w > WIDTH && col > indent + (int)strlen(label)) {
			col = fprintf(f, "\n%*s", indent + (int)strlen(label), "") - 1;
		} else if (p != text) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", (int)w, p);
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static const char *value_text(const struct settings *s, size_t i)
{
	return s->have[i] ? s->val[i].text : NULL;
}

/* One row of the sysctl table: the value from column 39, the kernel default
 * from column 56 when it differs. A long value (a reserved-ports list) wraps
 * at its commas, and a value wider than its column puts the default on the
 * next line, so that no line passes 100 columns. */
static void text_sysctl_row(FILE *f, const char *name, const char *cur, const char *def)
{
	enum { COL = 39, VALUE = 16 }; /* WIDTH: 100 columns */
	const char *p = cur[0] ? cur : "(empty)";
	size_t len = strlen(p);

	fprintf(f, "%-*s ", COL - 1, name);
	while (len > WIDTH - COL) {
		size_t cut = WIDTH - COL;

		while (cut > 0 && p[cut - 1] != ',')
			cut--;
		if (cut == 0)
			cut = WIDTH - COL;
		fprintf(f, "%.*s\n%*s", (int)cut, p, COL, "");
		p += cut;
		len -= cut;
	}
	if (!def)
		fprintf(f, "%s\n", p);
	else if (len <= VALUE)
		fprintf(f, "%-*s %s%s%s\n", VALUE, p, color(C_YELLOW), def[0] ? def : "(empty)",
			color(C_RESET));
	else
		fprintf(f, "%s\n%*s%s%s%s\n", p, COL + VALUE + 1, "", color(C_YELLOW),
			def[0] ? def : "(empty)", color(C_RESET));
}

static void text_sysctls(FILE *f, const struct report *r)
{
	fprintf(f, "%s%-38s %-16s %s%s\n", color(C_BOLD), "sysctl", "value", "kernel default",
		color(C_RESET));
	for (size_t i = 0; i < sysctl_count; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char name[96], buf[32];
		const char *def = settings_default(r->current, d->id, buf, sizeof(buf));
		const char *cur = value_text(r->current, i);

		sysctl_fullname(d, name, sizeof(name));
		if (!cur)
			fprintf(f, "%-38s %s%s%s\n", name, color(C_DIM), "not supported by this kernel",
				color(C_RESET));
		else
			text_sysctl_row(f, name, cur, def && strcmp(def, cur) != 0 ? def : NULL);
	}
}

static void text_evidence(FILE *f, const struct finding *fd)
{
	char line[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < fd->nev; i++) {
		const struct evidence *e = &fd->ev[i];

		if (e->is_num && used < sizeof(line))
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s=%.*f",
						 used ? " " : "", e->name,
						 e->num == floor(e->num) ? 0 : 2, e->num);
	}
	if (used)
		wrap(f, 13, "evidence: ", line);
	for (size_t i = 0; i < fd->nev; i++)
		if (!fd->ev[i].is_num)
			fprintf(f, "%13s%s: %s\n", "", fd->ev[i].name, fd->ev[i].text);
}

static void text_findings(FILE *f, const struct report *r)
{
	size_t ok = 0, shown = 0;

	for (int sev = SEV_CRIT; sev >= SEV_INFO; sev--)
		for (size_t i = 0; i < r->before->n; i++) {
			const struct finding *fd = &r->before->f[i];

			if ((int)fd->sev != sev)
				continue;
			if (!shown++)
				fprintf(f, "\n%sfindings%s\n", color(C_BOLD), color(C_RESET));
			fprintf(f, "  %s%-5s%s %s%s%s\n", color(sev_color[sev]), severity_name(fd->sev),
				color(C_RESET), color(C_BOLD), fd->id, color(C_RESET));
			wrap(f, 8, "", fd->title);
			text_evidence(f, fd);
			wrap(f, 13, "why: ", fd->why);
			if (fd->app_fix[0])
				wrap(f, 13, "fix first: ", fd->app_fix);
			if (fd->advice)
				wrap(f, 13, "also: ", fd->advice);
		}
	for (size_t i = 0; i < r->before->n; i++)
		ok += r->before->f[i].sev == SEV_OK;
	if (!shown)
		fprintf(f, "\n%sno findings%s: all %zu checks ok\n", color(C_GREEN), color(C_RESET), ok);
	else if (ok)
		fprintf(f, "  %s%zu other checks ok%s\n", color(C_DIM), ok, color(C_RESET));
}

/* "twtune audit  kernel ...  netns ...  sockets ...  profile ...", wrapped
 * between fields before WIDTH columns. */
static void text_header(FILE *f, const struct report *r)
{
	const struct sock_snapshot *s = r->obs->socks;
	char field[4][320], note[256];
	size_t n = 0, col = strlen("twtune audit");

	snprintf(field[n++], sizeof(field[0]), "kernel %s", r->kernel);
	snprintf(field[n++], sizeof(field[0]), "netns %s %s", r->netns, r->netns_id);
	snprintf(field[n++], sizeof(field[0]), "sockets %s",
		 s ? (s->source == SOURCE_SOCK_DIAG ? "sock_diag" : "procfs") : "unavailable");
	if (r->profile)
		snprintf(field[n++], sizeof(field[0]), "profile %s", r->profile);
	fprintf(f, "%stwtune audit%s", color(C_BOLD), color(C_RESET));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(field[i]);

		if (col + 2 + len > WIDTH) {
			fprintf(f, "\n  %s", field[i]);
			col = 2 + len;
		} else {
			fprintf(f, "  %s", field[i]);
			col += 2 + len;
		}
	}
	fprintf(f, "\n");
	if (s && sockets_note(r->collected, note, sizeof(note)))
		fprintf(f, "note: %s\n", note);
	if (r->observe_skipped)
		fprintf(f, "note: observation skipped: %s\n", r->observe_skipped);
	fprintf(f, "\n");
}

static void text_pressure(FILE *f, const struct report *r)
{
	struct ephemeral e = settings_ephemeral(r->current);
	unsigned usable = ephemeral_usable(&e);
	const struct sock_snapshot *s = r->obs->socks;

	fprintf(f, "\nephemeral ports %u-%u: %u usable, about %.0f new connections/s per destination"
		   " without reuse\n",
		e.low, e.high, usable, usable / 60.0);
	fprintf(f, "close rate %.1f/s (%s)\n", r->obs->close_rate,
		r->obs->close_rate_measured ? "measured" : "estimated from TIME_WAIT / 60 s");
	if (s && s->ndests)
		sockets_text_destinations(f, s, r->top);
	if (s)
		sockets_text_origin(f, s, r->obs->close_rate, r->top);
}

void report_diff_line(FILE *f, enum sysctl_id key, const char *before, const char *after)
{
	char name[96];

	sysctl_fullname(&sysctl_table[key], name, sizeof(name));
	if (before)
		fprintf(f, "%s- %s = %s%s\n", color(C_RED), name, before, color(C_RESET));
	fprintf(f, "%s+ %s = %s%s\n", color(C_GREEN), name, after, color(C_RESET));
}

static void text_diff_lines(FILE *f, const struct report *r)
{
	for (size_t i = 0; i < sysctl_count; i++)
		if (differs(r, i))
			report_diff_line(f, (enum sysctl_id)i, value_text(r->current, i),
					 r->target->val[i].text);
}

static void text_prediction(FILE *f, const struct report *r)
{
	fprintf(f, "\n%spredicted effect%s (same sockets, proposed values)\n", color(C_BOLD),
		color(C_RESET));
	for (size_t i = 0; i < r->before->n; i++) {
		enum severity a = r->before->f[i].sev, b = r->after->f[i].sev;

		if (a == SEV_OK && b == SEV_OK)
			continue;
		fprintf(f, "  %-28s %s%s%s -> %s%s%s%s\n", r->before->f[i].id, color(sev_color[a]),
			severity_name(a), color(C_RESET), color(sev_color[b]), severity_name(b),
			color(C_RESET),
			r->after->f[i].app_only && a == b ? "  (only the application fix changes it)" : "");
		if (r->after->f[i].effect[0])
			wrap(f, 4, "", r->after->f[i].effect);
	}
	fprintf(f, "  %-28s %s%s%s -> %s%s%s\n", "risk", color(sev_color[r->before->risk]),
		severity_name(r->before->risk), color(C_RESET), color(sev_color[r->after->risk]),
		severity_name(r->after->risk), color(C_RESET));
}

static void text_unsupported(FILE *f, const struct report *r)
{
	for (const char *const *k = r->unsupported; k && *k; k++)
		fprintf(f, "  %s# %s: not supported by this kernel, left out%s\n", color(C_DIM), *k,
			color(C_RESET));
}

void report_diff_text(FILE *f, const struct report *r)
{
	size_t n = report_ndiff(r);

	if (r->profile)
		fprintf(f, "%s# %s: %zu change%s%s\n", color(C_BOLD), r->profile, n, n == 1 ? "" : "s",
			color(C_RESET));
	else
		fprintf(f, "%s# suggested: %zu change%s%s\n", color(C_BOLD), n, n == 1 ? "" : "s",
			color(C_RESET));
	text_diff_lines(f, r);
	text_unsupported(f, r);
	text_prediction(f, r);
}

void report_text(FILE *f, const struct report *r)
{
	text_header(f, r);
	text_sysctls(f, r);
	text_pressure(f, r);
	if (r->observed) {
		fprintf(f, "\n%seBPF%s ", color(C_BOLD), color(C_RESET));
		observe_text(f, r->observed, r->top);
	}
	text_findings(f, r);
	if (report_ndiff(r) || r->profile) {
		fprintf(f, "\n");
		report_diff_text(f, r);
	}
}

/* ---- JSON ---- */

static void json_evidence(struct json *j, const struct finding *fd)
{
	json_obj_begin(j, "evidence");
	for (size_t i = 0; i < fd->nev; i++) {
		const struct evidence *e = &fd->ev[i];
		size_t same = 0;
		bool first = true;

		for (size_t k = 0; k < fd->nev; k++)
			if (strcmp(fd->ev[k].name, e->name) == 0) {
				same++;
				if (k < i)
					first = false;
			}
		if (!first)
			continue;
		/* numbers are scalars; listed things are arrays, even of one */
		if (e->is_num && same == 1) {
			json_double(j, e->name, e->num, e->num == floor(e->num) ? 0 : 4);
			continue;
		}
		json_arr_begin(j, e->name);
		for (size_t k = i; k < fd->nev; k++) {
			if (strcmp(fd->ev[k].name, e->name) != 0)
				continue;
			if (fd->ev[k].is_num)
				json_double(j, NULL, fd->ev[k].num, 4);
			else
				json_str(j, NULL, fd->ev[k].text);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
}

static void json_findings(struct json *j, const struct assessment *a)
{
	char name[96];

	json_arr_begin(j, "findings");
	for (int sev = SEV_CRIT; sev >= SEV_OK; sev--)
		for (size_t i = 0; i < a->n; i++) {
			const struct finding *fd = &a->f[i];

			if ((int)fd->sev != sev)
				continue;
			json_obj_begin(j, NULL);
			json_str(j, "id", fd->id);
			json_str(j, "severity", severity_name(fd->sev));
			json_str(j, "title", fd->title);
			json_evidence(j, fd);
			json_str(j, "why", fd->why);
			json_str(j, "advice", fd->advice);
			json_str(j, "application_fix", fd->app_fix[0] ? fd->app_fix : NULL);
			json_obj_begin(j, "fix");
			for (size_t k = 0; k < fd->nfix; k++)
				if (fd->fix[k].key >= 0)
					json_str(j, sysctl_fullname(&sysctl_table[fd->fix[k].key], name,
								    sizeof(name)),
						 fd->fix[k].value);
			json_obj_end(j);
			json_obj_end(j);
		}
	json_arr_end(j);
}

static void json_diff(struct json *j, const struct report *r)
{
	char name[96];

	json_arr_begin(j, "diff");
	for (size_t i = 0; i < sysctl_count; i++) {
		if (!differs(r, i))
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "key", sysctl_fullname(&sysctl_table[i], name, sizeof(name)));
		json_str(j, "current", value_text(r->current, i));
		json_str(j, "target", r->target->val[i].text);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "prediction");
	for (size_t i = 0; i < r->before->n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "id", r->before->f[i].id);
		json_str(j, "before", severity_name(r->before->f[i].sev));
		json_str(j, "after", severity_name(r->after->f[i].sev));
		json_bool(j, "application_fix_only", r->after->f[i].app_only);
		json_str(j, "effect", r->after->f[i].effect[0] ? r->after->f[i].effect : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "predicted_risk", severity_name(r->after->risk));
	json_arr_begin(j, "unsupported");
	for (const char *const *k = r->unsupported; k && *k; k++)
		json_str(j, NULL, *k);
	json_arr_end(j);
}

void report_diff_json_member(struct json *j, const char *key, const struct report *r)
{
	json_obj_begin(j, key);
	json_int(j, "schema_version", REPORT_SCHEMA_VERSION);
	json_str(j, "profile", r->profile);
	json_str(j, "risk", severity_name(r->before->risk));
	json_diff(j, r);
	json_obj_end(j);
}

void report_diff_json(FILE *f, const struct report *r)
{
	struct json j;

	json_init(&j, f);
	report_diff_json_member(&j, NULL, r);
	json_end(&j);
}

void report_json(FILE *f, const struct report *r)
{
	struct json j;

	json_init(&j, f);
	report_json_member(&j, NULL, r);
	json_end(&j);
}

void report_json_member(struct json *j, const char *key, const struct report *r)
{
	struct ephemeral e = settings_ephemeral(r->current);
	unsigned usable = ephemeral_usable(&e);
	char name[96];

	json_obj_begin(j, key);
	json_int(j, "schema_version", REPORT_SCHEMA_VERSION);
	json_str(j, "kernel", r->kernel);
	json_obj_begin(j, "netns");
	json_str(j, "name", r->netns);
	json_str(j, "id", r->netns_id);
	json_obj_end(j);
	json_obj_begin(j, "sysctl");
	for (size_t i = 0; i < sysctl_count; i++)
		json_sysval(j, sysctl_fullname(&sysctl_table[i], name, sizeof(name)),
			    r->current->have[i] ? &r->current->val[i] : NULL);
	json_obj_end(j);
	json_obj_begin(j, "ephemeral");
	json_uint(j, "low", e.low);
	json_uint(j, "high", e.high);
	json_uint(j, "reserved_in_range", e.high - e.low + 1 - usable);
	json_uint(j, "usable", usable);
	json_double(j, "capacity_per_second", usable / 60.0, 2);
	json_obj_end(j);
	json_obj_begin(j, "close_rate");
	json_double(j, "per_second", r->obs->close_rate, 2);
	json_bool(j, "measured", r->obs->close_rate_measured);
	json_double(j, "interval", r->obs->interval, 1);
	json_obj_end(j);
	if (r->obs->socks)
		sockets_json_rate(j, "sockets", r->obs->socks, r->collected, r->top,
				  r->obs->close_rate);
	else
		json_null(j, "sockets");
	if (r->observed)
		observe_json(j, "observed", r->observed, r->top);
	else
		json_null(j, "observed");
	json_str(j, "observed_skipped", r->observe_skipped);
	json_findings(j, r->before);
	json_str(j, "risk", severity_name(r->before->risk));
	json_obj_begin(j, "suggested");
	for (size_t i = 0; i < sysctl_count && !r->profile; i++)
		if (differs(r, i))
			json_str(j, sysctl_fullname(&sysctl_table[i], name, sizeof(name)),
				 r->target->val[i].text);
	json_obj_end(j);
	json_str(j, "profile", r->profile);
	json_diff(j, r);
	json_obj_end(j);
}

/* ---- Prometheus text format 0.0.4 ---- */

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP twtune_%s %s\n# TYPE twtune_%s %s\n", name, help, name, type);
}

static void prom_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g\n", v);
	else
		fprintf(f, "NaN\n");
}

/* The sides of TIME_WAIT, labelled, beside the unlabelled total. */
static void prom_sides(FILE *f, const struct sock_snapshot *s)
{
	fprintf(f, "twtune_time_wait{side=\"server\"} %llu\n", s->tw_server);
	fprintf(f, "twtune_time_wait{side=\"client\"} %llu\n", s->tw_client);
	fprintf(f, "twtune_time_wait{side=\"other\"} %llu\n", s->tw_other);
}

void report_prometheus(FILE *f, const struct report *r)
{
	const struct sock_snapshot *s = r->obs->socks;
	struct ephemeral e = settings_ephemeral(r->current);
	unsigned usable = ephemeral_usable(&e); /* walks the range: once */
	double worst = 0;
	int count[4] = { 0 };

	if (s && usable)
		worst_dest(r->current, s, usable, &worst);
	metric(f, "risk_level", "gauge", "Highest finding severity: 0 ok, 1 info, 2 warn, 3 crit.");
	fprintf(f, "twtune_risk_level %d\n", r->before->risk);
	metric(f, "finding_severity", "gauge", "Severity of each rule: 0 ok, 1 info, 2 warn, 3 crit.");
	for (size_t i = 0; i < r->before->n; i++) {
		fprintf(f, "twtune_finding_severity{rule=\"%s\"} %d\n", r->before->f[i].id,
			r->before->f[i].sev);
		count[r->before->f[i].sev]++;
	}
	metric(f, "findings", "gauge", "Number of rules at each severity.");
	for (int i = 0; i < 4; i++)
		fprintf(f, "twtune_findings{severity=\"%s\"} %d\n", severity_name((enum severity)i),
			count[i]);
	metric(f, "ephemeral_ports_usable", "gauge",
	       "Ports in ip_local_port_range minus reserved ones.");
	fprintf(f, "twtune_ephemeral_ports_usable %u\n", usable);
	metric(f, "close_rate_per_second", "gauge", "TIME_WAIT sockets created per second.");
	fprintf(f, "twtune_close_rate_per_second ");
	prom_number(f, r->obs->close_rate);
	if (!s)
		return;
	metric(f, "port_pressure_max", "gauge",
	       "Highest share of usable ephemeral ports in use towards one destination.");
	fprintf(f, "twtune_port_pressure_max ");
	prom_number(f, worst);
	metric(f, "destinations", "gauge", "Destinations holding ephemeral ports.");
	fprintf(f, "twtune_destinations %zu\n", s->ndests);
	metric(f, "sockets", "gauge", "TCP sockets by kernel state.");
	for (int i = 1; i < TCP_NSTATES; i++)
		fprintf(f, "twtune_sockets{state=\"%s\"} %llu\n", tcp_state_names[i], s->states[i]);
	if (s->counters.sockstat_tw >= 0) {
		long long max = settings_num(r->current, SYSCTL_TCP_MAX_TW_BUCKETS, -1);

		metric(f, "time_wait", "gauge",
		       "TIME_WAIT sockets counted against tcp_max_tw_buckets; by side (server: on a "
		       "listening port, client: towards a destination, other) in the dump.");
		fprintf(f, "twtune_time_wait %lld\n", s->counters.sockstat_tw);
		prom_sides(f, s);
		metric(f, "tw_buckets_ratio", "gauge", "TIME_WAIT sockets / tcp_max_tw_buckets.");
		fprintf(f, "twtune_tw_buckets_ratio ");
		prom_number(f, max > 0 ? (double)s->counters.sockstat_tw / (double)max : NAN);
	}
	if (s->counters.tw_overflow >= 0) {
		metric(f, "time_wait_overflow_total", "counter",
		       "TcpExt TCPTimeWaitOverflow: sockets that skipped TIME_WAIT.");
		fprintf(f, "twtune_time_wait_overflow_total %lld\n", s->counters.tw_overflow);
	}
	if (s->counters.tw_recycled >= 0) {
		metric(f, "time_wait_reused_total", "counter",
		       "TcpExt TWRecycled: TIME_WAIT ports reused by connect().");
		fprintf(f, "twtune_time_wait_reused_total %lld\n", s->counters.tw_recycled);
	}
}
