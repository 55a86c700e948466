// SPDX-License-Identifier: GPL-2.0-or-later
/* report_text.c: the audit report for people: the view (view.h) as
 * text, folded before 100 columns. The only printing of findings as
 * text. */
#include "report_text.h"

#include "conntrack_render.h"

#include <math.h>
#include <string.h>

#include "observe_render.h"
#include "origin_render.h"
#include "output.h"
#include "sanitize.h"
#include "sockets_render.h"

#define WIDTH 100

static const enum color sev_color[] = { C_GREEN, C_CYAN, C_YELLOW, C_RED };

size_t report_ndiff(const struct report *r)
{
	return r->ndiff;
}

/* Untrusted text from column col (already reached), made safe for a
 * terminal (it quotes process and file names), folded before WIDTH with
 * its continuation lines `cont` columns in. */
static void wrap_at(FILE *f, int col, int cont, const char *untrusted)
{
	char safe[4096];
	const char *text = san_str(safe, sizeof(safe), untrusted, SAN_TERM);
	const char *p = text;
	int start = col;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (col + 1 + (int)w > WIDTH && col > start && col > cont) {
			col = fprintf(f, "\n%*s", cont, "") - 1;
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

/* label after `indent` spaces, then the text, folded at WIDTH under itself. */
static void wrap(FILE *f, int indent, const char *label, const char *untrusted)
{
	int col = fprintf(f, "%*s%s", indent, "", label);

	wrap_at(f, col, col, untrusted);
}

/* text from column `indent`, its continuation lines `hang` columns further in. */
static void wrap_hanging(FILE *f, int indent, int hang, const char *text)
{
	wrap_at(f, fprintf(f, "%*s", indent, ""), indent + hang, text);
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
		wrap(f, 10, "evidence: ", line);
	for (size_t i = 0; i < fd->nev; i++)
		if (!fd->ev[i].is_num) {
			char label[64];

			snprintf(label, sizeof(label), "%s: ", fd->ev[i].name);
			wrap(f, 10, label, fd->ev[i].text);
		}
}

/* A finding's groups: each headline (its continuation lines two columns
 * in), its fix lines under it. */
static void text_groups(FILE *f, const struct finding *fd, int indent)
{
	for (size_t g = 0; g < fd->ngroup; g++) {
		wrap_hanging(f, indent, 2, fd->group[g].head);
		for (size_t i = 0; i < fd->group[g].nfix; i++)
			wrap(f, indent + 2, "fix: ", fd->group[g].fix[i]);
	}
	if (fd->more[0])
		wrap(f, indent, "also over the threshold: ", fd->more);
}

static void text_findings(FILE *f, const struct report *r)
{
	size_t ok = r->metrics.count[SEV_OK], shown = 0;

	/* crit first; the ok ones are only counted */
	for (size_t i = 0; i < r->before->n && r->by_severity[i]->sev > SEV_OK; i++) {
		const struct finding *fd = r->by_severity[i];
		if (!shown++)
			fprintf(f, "%sfindings%s\n", color(C_BOLD), color(C_RESET));
		fprintf(f, "  %s%-5s%s %s%s%s: ", color(sev_color[fd->sev]), severity_name(fd->sev),
			color(C_RESET), color(C_BOLD), fd->id, color(C_RESET));
		wrap_at(f, 2 + 5 + 1 + (int)strlen(fd->id) + 2, 10, fd->title);
		if (fd->ngroup)
			text_groups(f, fd, 8);
		else if (fd->app_fix[0])
			wrap(f, 10, "fix: ", fd->app_fix);
		if (fd->advice)
			wrap(f, 10, "also: ", fd->advice);
		if (r->verbose)
			text_evidence(f, fd);
		if (r->verbose || !fd->ngroup)
			wrap(f, 10, "why: ", fd->why);
	}
	if (!shown)
		fprintf(f, "%sno findings%s: all %zu checks ok\n", color(C_GREEN), color(C_RESET), ok);
	else if (ok)
		fprintf(f, "  %s%zu other checks ok%s\n", color(C_DIM), ok, color(C_RESET));
}

/* "twtune audit  kernel ...  netns ...  sockets ...  profile ...", wrapped
 * between fields before WIDTH columns. */
static void text_header(FILE *f, const struct report *r)
{
	const struct sock_snapshot *s = r->obs->socks;
	char field[4][320], note[256], safe[256];
	size_t n = 0, col = strlen("twtune audit");

	snprintf(field[n++], sizeof(field[0]), "kernel %s", r->kernel);
	snprintf(field[n++], sizeof(field[0]), "netns %s %s",
		 san_str(safe, sizeof(safe), r->netns, SAN_TERM), r->netns_id);
	snprintf(field[n++], sizeof(field[0]), "sockets %s",
		 s ? (s->source == SOURCE_SOCK_DIAG ? "sock_diag" : "procfs") : "unavailable");
	if (r->profile)
		snprintf(field[n++], sizeof(field[0]), "profile %s",
			 san_str(safe, sizeof(safe), r->profile, SAN_TERM));
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
		fprintf(f, "note: observation skipped: %s\n",
			san_str(safe, sizeof(safe), r->observe_skipped, SAN_TERM));
	fprintf(f, "\n");
}

/* "16/s" or "no limit from TIME_WAIT" */
static const char *sustain_text(const struct pool_capacity *c, char *buf, size_t len)
{
	if (c->tw_capped)
		snprintf(buf, len, "no port limit (tcp_max_tw_buckets < usable)");
	else
		snprintf(buf, len, "%.0f/s", c->sustain);
	return buf;
}

static void text_capacity(FILE *f, const struct report *r, const struct pool_capacity *c)
{
	char held[80] = "", knee[64] = "", how[64], line[400];

	if (c->held)
		snprintf(held, sizeof(held), " (%u held by listeners and bound sockets)", c->held);
	if (c->knee > 0)
		snprintf(knee, sizeof(knee), ", connect() slows above %.0f/s", c->knee);
	if (c->tw_capped)
		snprintf(how, sizeof(how), "TIME_WAIT cannot fill it: tcp_max_tw_buckets is lower");
	else
		snprintf(how, sizeof(how), "%.0f new connections/s per destination without failures",
			 c->sustain);
	if (c->tw_capped)
		snprintf(line, sizeof(line), "ephemeral ports %u-%u: %u usable%s; %s", r->eph.low,
			 r->eph.high, c->usable, held, how);
	else
		snprintf(line, sizeof(line), "ephemeral ports %u-%u: %u usable%s; %s (usable / %g s%s)%s",
			 r->eph.low, r->eph.high, c->usable, held, how, c->port_seconds,
			 c->reuse ? ": tcp_tw_reuse" : "", knee);
	wrap(f, 0, "", line);
}

/* The listed pools: demand against capacity. */
static void text_pools(FILE *f, const struct report *r)
{
	char name[120], s[64];

	if (!r->npools)
		return;
	fprintf(f, "\n%s%-40s %12s %10s %9s %8s%s\n", color(C_BOLD), "pool (local -> remote)",
		"demand/s", "sustains", "knee/s", "failing", color(C_RESET));
	for (size_t i = 0; i < r->npools; i++) {
		const struct pool_view *p = &r->pools[i];
		char d[32], k[16], fs[16];

		snprintf(d, sizeof(d), "%s%.1f", p->demand.at_least ? ">=" : "", p->demand.rate);
		snprintf(k, sizeof(k), p->now.knee > 0 ? "%.0f" : "-", p->now.knee);
		/* a key too long for its column gets a line of its own */
		if (strlen(dest_key_str(p->d, name, sizeof(name))) > 40) {
			fprintf(f, "%s\n", name);
			name[0] = '\0';
		}
		snprintf(fs, sizeof(fs), "%s%.0f%%", p->demand.at_least ? ">=" : "",
			 p->demand.fail_share * 100);
		fprintf(f, "%-40s %12s %10s %9s %8s\n", name, d,
			p->now.tw_capped ? "no limit" : (snprintf(s, sizeof(s), "%.0f/s",
								   p->now.sustain), s),
			k, fs);
	}
	if (r->npools)
		fprintf(f, "demand: %s\n", r->pools[0].source);
}

static void text_pressure(FILE *f, const struct report *r)
{
	fprintf(f, "\n");
	text_capacity(f, r, &r->cap_now);
	{
		char line[400];
		size_t n = (size_t)snprintf(line, sizeof(line), "close rate %.1f/s (%s)",
					    r->obs->close_rate, r->rate_source);

		if (r->obs->close_rate_measured && r->obs->open_rate >= 0 && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      "; connects %.1f/s (Tcp ActiveOpens)", r->obs->open_rate);
		if (r->obs->close_rate_measured && r->obs->recycled_rate > 0 && n < sizeof(line))
			snprintf(line + n, sizeof(line) - n, "; TIME_WAIT reused %.1f/s (TcpExt TWRecycled)",
				 r->obs->recycled_rate);
		wrap(f, 0, "", line);
	}
	if (r->socks && r->socks->s->ndests)
		sockets_text_destinations(f, r->socks);
	text_pools(f, r);
	if (r->socks)
		sockets_text_origin(f, r->socks);
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
		if (r->differs[i])
			report_diff_line(f, (enum sysctl_id)i, value_text(r->current, i),
					 r->target->val[i].text);
}

/* Per pool, at the demand measured now: capacity before -> after and the
 * share of connects that would fail; the listeners a new range covers. */
static void text_pool_prediction(FILE *f, const struct report *r)
{
	char line[600], name[120], b[64], a[64];

	for (size_t i = 0; i < r->npools; i++) {
		const struct pool_view *p = &r->pools[i];

		if (p->demand.rate <= 0 && p->now.sustain == p->after.sustain)
			continue;
		/* a lower bound of the demand gives lower bounds of the shares */
		snprintf(line, sizeof(line), "%s: %s%.*f/s wanted (%s); sustains %s -> %s; %s%.0f%% -> "
			 "%.0f%% of connects would fail%s",
			 dest_key_str(p->d, name, sizeof(name)), p->demand.at_least ? "at least " : "",
			 p->demand.rate < 10 ? 1 : 0, p->demand.rate, p->source,
			 sustain_text(&p->now, b, sizeof(b)), sustain_text(&p->after, a, sizeof(a)),
			 p->demand.at_least ? "at least " : "about ", p->demand.fail_share * 100,
			 p->demand_after.fail_share * 100,
			 p->demand.at_least && p->d->used >= p->now.usable
				 ? " (connects that failed are not counted: audit --observe counts them)"
				 : "");
		wrap(f, 4, "", line);
	}
	if (r->cap_now.sustain != r->cap_after.sustain && !r->npools) {
		snprintf(line, sizeof(line), "each destination: sustains %s -> %s",
			 sustain_text(&r->cap_now, b, sizeof(b)),
			 sustain_text(&r->cap_after, a, sizeof(a)));
		wrap(f, 4, "", line);
	}
	if (r->covered[0]) {
		snprintf(line, sizeof(line), "the proposed range covers listening port%s %s: a client "
			 "may take %s first and the service fails to start with EADDRINUSE unless "
			 "ip_local_reserved_ports reserves %s", strchr(r->covered, ',') ? "s" : "",
			 r->covered, strchr(r->covered, ',') ? "them" : "it",
			 strchr(r->covered, ',') ? "them" : "it");
		wrap(f, 4, "", line);
	}
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
	text_pool_prediction(f, r);
}

static void text_unsupported(FILE *f, const struct report *r)
{
	for (const char *const *k = r->unsupported; k && *k; k++)
		fprintf(f, "  %s# %s: not supported by this kernel, left out%s\n", color(C_DIM), *k,
			color(C_RESET));
}

void report_diff_text(FILE *f, const struct report *r)
{
	size_t n = r->ndiff;

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
	text_findings(f, r);
	text_pressure(f, r);
	conntrack_text(f, r->nat);
	if (r->observed) {
		fprintf(f, "\n%seBPF%s ", color(C_BOLD), color(C_RESET));
		observe_text(f, r->observed, r->top);
	}
	if (r->verbose) {
		fprintf(f, "\n");
		text_sysctls(f, r);
	}
	if (r->ndiff || r->profile) {
		fprintf(f, "\n");
		report_diff_text(f, r);
	}
}
