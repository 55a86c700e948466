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
#include "sockets_render.h"

#define WIDTH 100

static const enum color sev_color[] = { C_GREEN, C_CYAN, C_YELLOW, C_RED };

size_t report_ndiff(const struct report *r)
{
	return r->ndiff;
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
	size_t ok = r->metrics.count[SEV_OK], shown = 0;

	/* crit first; the ok ones are only counted */
	for (size_t i = 0; i < r->before->n && r->by_severity[i]->sev > SEV_OK; i++) {
		const struct finding *fd = r->by_severity[i];

		if (!shown++)
			fprintf(f, "\n%sfindings%s\n", color(C_BOLD), color(C_RESET));
		fprintf(f, "  %s%-5s%s %s%s%s\n", color(sev_color[fd->sev]), severity_name(fd->sev),
			color(C_RESET), color(C_BOLD), fd->id, color(C_RESET));
		wrap(f, 8, "", fd->title);
		text_evidence(f, fd);
		wrap(f, 13, "why: ", fd->why);
		if (fd->app_fix[0])
			wrap(f, 13, "fix first: ", fd->app_fix);
		if (fd->advice)
			wrap(f, 13, "also: ", fd->advice);
	}
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
	fprintf(f, "\nephemeral ports %u-%u: %u usable, about %.0f new connections/s per destination"
		   " without reuse\n",
		r->eph.low, r->eph.high, r->usable, r->usable / 60.0);
	fprintf(f, "close rate %.1f/s (%s)\n", r->obs->close_rate,
		r->obs->close_rate_measured ? "measured" : "estimated from TIME_WAIT / 60 s");
	if (r->socks && r->socks->s->ndests)
		sockets_text_destinations(f, r->socks);
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
	text_sysctls(f, r);
	text_pressure(f, r);
	if (r->observed) {
		fprintf(f, "\n%seBPF%s ", color(C_BOLD), color(C_RESET));
		observe_text(f, r->observed, r->top);
	}
	text_findings(f, r);
	conntrack_text(f, r->nat);
	if (r->ndiff || r->profile) {
		fprintf(f, "\n");
		report_diff_text(f, r);
	}
}
