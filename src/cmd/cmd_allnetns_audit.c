// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_allnetns_audit.c: twtune --all-netns audit and diff: the audit of
 * cmd_audit.c (its options parsed once, cmd_audit_one in each network
 * namespace), merged: one summary table (or one JSON document, one
 * Prometheus exposition) of every namespace, then the full report of
 * those at or above warn. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd_allnetns.h"
#include "cmd_audit.h"
#include "commands.h"
#include "grow.h"
#include "observation.h"
#include "podmeta.h"
#include "report.h"
#include "sanitize.h"
#include "twtune.h"

/* One line of the summary table; the full report, when it is kept. */
struct ns_row {
	char label[NSSCAN_LABEL];
	unsigned long long inode;
	enum ns_status status;
	char why[200];
	long long sockets, tw; /* -1: not known */
	double pressure;       /* worst destination's share of usable ports (from
				  counters: the most it can be) */
	enum severity risk;
	bool from_counters;
	char top[120];         /* title of the highest finding */
	char *report;          /* text, or NULL */
	struct report_metrics metrics; /* --format prometheus, when read */
	/* the Prometheus labels: names that survive a restart (prom_ids) */
	char id[320];          /* the label netns */
	char name[256];        /* netns_name: the ip netns name, or "" */
	char container[NS_CONTAINER_ID_MAX + 1];
	char pod_uid[NS_POD_UID_MAX + 1];
	struct pod_meta pod;   /* the pod's name and namespace, when its runtime says */
	bool host, keep;       /* the host's; its series are in the exposition */
};

struct audit_all {
	const struct audit_opts *o;
	const char *cmd;
	bool is_diff;
	const struct profile *prof;       /* or NULL */
	const struct obs_window *observed; /* every namespace's, or NULL */
	const char *skipped;              /* why --observe has no window */
	struct json j;
	struct ns_row *rows;
	size_t nrows, cap;
	int worst;             /* highest risk of the namespaces read, -1 before */
	int err;               /* -ENOMEM while collecting the rows */
	bool host_from_self;   /* PID 1's namespace could not be read */
	/* the shared measuring window: each namespace's counters at its start */
	struct ns_window {
		unsigned long long inode;
		double start;
		struct sock_counters c0;
	} *wins;
	size_t nwins, wcap;
};

/* The window's first pass: the counters of each namespace read. */
static void window_visit(struct ns_visit *v, void *arg)
{
	struct audit_all *A = arg;
	struct audit_ctx ctx;
	struct ns_window w = { .inode = v->ns->inode };

	if (v->status != NS_READ)
		return;
	cmd_audit_ctx(&ctx);
	if (audit_window_open(&ctx.collect, &w.c0, &w.start) < 0)
		return;
	if (grow((void **)&A->wins, &A->wcap, A->nwins + 1, sizeof(*A->wins)) < 0) {
		A->err = -ENOMEM;
		return;
	}
	A->wins[A->nwins++] = w;
}

static const struct ns_window *window_at(const struct audit_all *A, unsigned long long inode)
{
	for (size_t i = 0; i < A->nwins; i++)
		if (A->wins[i].inode == inode)
			return &A->wins[i];
	return NULL;
}

static void summarize(struct ns_row *row, const struct audit *a, const struct report *r)
{
	const struct sock_snapshot *s = a->have_socks ? &a->socks : NULL;
	const struct sock_counters *c = s ? &s->counters : NULL;
	unsigned usable = r->usable;

	row->risk = a->before.risk;
	row->from_counters = a->from_counters;
	row->sockets = row->tw = -1;
	if (s && a->from_counters)
		row->sockets = c->sockstat_inuse + c->sockstat6_inuse + c->sockstat_tw;
	else if (s)
		row->sockets = (long long)s->total;
	if (c)
		row->tw = c->sockstat_tw >= 0 ? c->sockstat_tw
					       : (long long)s->states[TCP_STATE_TIME_WAIT];
	if (s && usable && a->from_counters) /* at most: every socket to one destination */
		row->pressure = (double)row->sockets / usable;
	else if (s && usable)
		row->pressure = r->worst_pressure;
	snprintf(row->top, sizeof(row->top), "-");
	/* a long title is cut to the column */
	if (r->top_finding && snprintf(row->top, sizeof(row->top), "%s: %s", r->top_finding->id,
				       r->top_finding->title) < 0)
		row->top[0] = '\0';
	/* a node whose only findings are NAT's: the first of them, marked with
	 * its severity (the NAT rules do not set the RISK column yet) */
	if (!r->top_finding && r->nat && r->nat->nf &&
	    snprintf(row->top, sizeof(row->top), "%s (%s): %s", r->nat->f[0].id,
		     severity_name(r->nat->f[0].sev), r->nat->f[0].title) < 0)
		row->top[0] = '\0';
}

/* The full text report, with the pod's or container's snippet. */
static char *full_text(const struct audit_all *A, const struct ns_visit *v,
		       const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "\n");
	all_netns_text_header(f, v);
	(A->is_diff ? report_diff_text : report_text)(f, r);
	if (report_ndiff(r) && (v->ns->owner.pod_uid[0] || v->ns->owner.container[0])) {
		fprintf(f, "\nthe change for %s %s:\n", v->ns->owner.pod_uid[0] ? "pod" : "container",
			v->ns->owner.pod_uid[0] ? v->ns->owner.pod_uid : v->ns->owner.container);
		cmd_audit_snippet(f, r, v->ns->owner.pod_uid[0] ? FMT_K8S : FMT_DOCKER);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The label netns of each row: "host"; the ip netns name; "pod/UID";
 * "container/ID"; else, and for a name another row has taken already,
 * "inode/N", which a restart changes. A label set must be unique in an
 * exposition (node_exporter refuses it otherwise). */
static void prom_ids(struct audit_all *A)
{
	for (size_t i = 0; i < A->nrows; i++) {
		struct ns_row *w = &A->rows[i];
		bool taken = false;

		for (size_t k = 0; k < i && w->id[0]; k++)
			taken |= strcmp(A->rows[k].id, w->id) == 0;
		if (!w->id[0] || taken)
			snprintf(w->id, sizeof(w->id), "inode/%llu", w->inode);
	}
}

static void row_ids(struct ns_row *row, const struct netns_info *ns)
{
	if (ns->name_dir == 0 && ns->name[0] && strncmp(ns->name, "cni-", 4) != 0)
		snprintf(row->name, sizeof(row->name), "%s", ns->name);
	snprintf(row->container, sizeof(row->container), "%s", ns->owner.container);
	snprintf(row->pod_uid, sizeof(row->pod_uid), "%s", ns->owner.pod_uid);
	/* a pod's container: its name from the runtime's sandbox metadata,
	 * where it is readable (else no label) */
	if (row->pod_uid[0] && row->container[0])
		(void)podmeta_read("", row->container, &row->pod);
	row->host = ns->host;
	if (ns->host)
		snprintf(row->id, sizeof(row->id), "host");
	else if (row->name[0])
		snprintf(row->id, sizeof(row->id), "%s", row->name);
	else if (row->pod_uid[0])
		snprintf(row->id, sizeof(row->id), "pod/%s", row->pod_uid);
	else if (row->container[0])
		snprintf(row->id, sizeof(row->id), "container/%s", row->container);
}

/* Which rows keep their series (netns_keep, REPORT_NETNS_MAX); how many
 * are left out. */
static size_t prom_keep(struct audit_all *A)
{
	int *risk = calloc(A->nrows ? A->nrows : 1, sizeof(*risk));
	bool *host = calloc(A->nrows ? A->nrows : 1, sizeof(*host));
	bool *keep = calloc(A->nrows ? A->nrows : 1, sizeof(*keep));
	size_t out = 0;

	if (!risk || !host || !keep) {
		for (size_t i = 0; i < A->nrows; i++) /* no memory: keep them all */
			A->rows[i].keep = true;
	} else {
		for (size_t i = 0; i < A->nrows; i++) {
			risk[i] = A->rows[i].status == NS_READ ? (int)A->rows[i].risk : -1;
			host[i] = A->rows[i].host;
		}
		out = netns_keep(risk, host, A->nrows, REPORT_NETNS_MAX, keep);
		for (size_t i = 0; i < A->nrows; i++)
			A->rows[i].keep = keep[i];
	}
	free(risk);
	free(host);
	free(keep);
	return out;
}

/* One exposition of every namespace, from the metrics kept per row;
 * success: the scan and every reading worked. */
static void prom_write(struct audit_all *A, bool success)
{
	struct prom_netns *ns = calloc(A->nrows ? A->nrows : 1, sizeof(*ns));
	struct prom_run run = prom_run_now(success);
	size_t n = 0;

	if (!ns) {
		A->err = -ENOMEM;
		return;
	}
	prom_ids(A);
	run.netns_omitted = prom_keep(A);
	for (size_t i = 0; i < A->nrows; i++) {
		const struct ns_row *w = &A->rows[i];

		if (!w->keep)
			continue;
		ns[n++] = (struct prom_netns){ .id = w->id, .name = w->name,
					     .container = w->container, .pod_uid = w->pod_uid,
					     .pod_namespace = w->pod.namespace_,
					     .pod_name = w->pod.name,
					     .m = w->status == NS_READ ? &w->metrics : NULL };
	}
	if (report_prometheus_all(stdout, ns, n, &run) == -ENOMEM)
		A->err = -ENOMEM;
	free(ns);
}

static void render_one(struct audit_all *A, struct ns_visit *v, const struct report *r)
{
	struct ns_row *row = &A->rows[A->nrows - 1];
	char label[4 * NSSCAN_LABEL], why[4 * sizeof(v->why)];

	switch (A->o->format) {
	case FMT_JSON:
		all_netns_json_entry(&A->j, v);
		json_bool(&A->j, "judged_from_counters", row->from_counters);
		if (r && A->is_diff)
			report_diff_json_member(&A->j, "diff", r);
		else if (r)
			report_json_member(&A->j, "audit", r);
		else
			json_null(&A->j, A->is_diff ? "diff" : "audit");
		json_obj_end(&A->j);
		break;
	case FMT_PROMETHEUS:
		if (r)
			row->metrics = r->metrics;
		break;
	case FMT_K8S:
	case FMT_DOCKER:
		printf("%s# netns %s (inode %llu)%s%s\n", A->o->format == FMT_K8S ? "---\n" : "",
		       san_str(label, sizeof(label), v->ns->label, SAN_TERM), v->ns->inode,
		       r ? "" : ": ", r ? "" : san_str(why, sizeof(why), v->why, SAN_TERM));
		if (r)
			cmd_audit_snippet(stdout, r, A->o->format);
		break;
	case FMT_TEXT:
		if (r && (row->risk >= SEV_WARN || G.verbosity > 0)) {
			row->report = full_text(A, v, r);
			if (!row->report)
				A->err = -ENOMEM;
		}
		break;
	}
}

static struct ns_row *new_row(struct audit_all *A, const struct ns_visit *v)
{
	struct ns_row *row;

	if (grow((void **)&A->rows, &A->cap, A->nrows + 1, sizeof(*A->rows)) < 0)
		return NULL;
	row = &A->rows[A->nrows++];
	memset(row, 0, sizeof(*row));
	snprintf(row->label, sizeof(row->label), "%s", v->ns->label);
	row->inode = v->ns->inode;
	row_ids(row, v->ns);
	row->sockets = row->tw = -1;
	return row;
}

/* The rows of the window all that are of namespace ino, into out: its
 * arrays are new (window_free), the rows' processes are all's. */
static int window_of(const struct obs_window *all, uint32_t ino, struct obs_window *out,
		     uint32_t *one)
{
	const struct obs_row *from[3] = { all->dests, all->servers, all->binds };
	const size_t n[3] = { all->ndests, all->nservers, all->nbinds };
	struct obs_row *to[3] = { NULL, NULL, NULL };
	size_t got[3] = { 0, 0, 0 };

	for (int k = 0; k < 3; k++) {
		to[k] = n[k] ? malloc(n[k] * sizeof(*to[k])) : NULL;
		if (n[k] && !to[k]) {
			free(to[0]);
			free(to[1]);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n[k]; i++)
			if (from[k][i].netns == ino)
				to[k][got[k]++] = from[k][i];
	}
	*one = ino;
	*out = (struct obs_window){ .window_seconds = all->window_seconds, .namespaces = one,
				    .nnamespaces = 1, .dests = to[0], .ndests = got[0],
				    .servers = to[1], .nservers = got[1], .binds = to[2],
				    .nbinds = got[2], .dropped = all->dropped };
	return 0;
}

static void window_free(struct obs_window *w)
{
	free(w->dests);
	free(w->servers);
	free(w->binds);
}

static void audit_visit(struct ns_visit *v, void *arg)
{
	struct audit_all *A = arg;
	struct ns_row *row = new_row(A, v);
	struct obs_window win;
	uint32_t ino;
	bool have_win = false;
	struct audit a;
	struct report r;
	char err[512];

	if (!row) {
		A->err = -ENOMEM;
		return;
	}
	A->host_from_self = v->scan->host_from_self;
	if (v->status == NS_READ && A->observed) {
		if (window_of(A->observed, (uint32_t)v->ns->inode, &win, &ino) < 0)
			A->err = -ENOMEM;
		else
			have_win = true;
	}
	if (v->status == NS_READ) {
		const struct ns_window *w = window_at(A, v->ns->inode);

		if (cmd_audit_one(A->o, A->prof, have_win ? &win : NULL, v->ns->label,
				  w ? w->start : 0, w ? &w->c0 : NULL, &a, err, sizeof(err)) < 0) {
			audit_free(&a);
			v->status = NS_FAILED;
			snprintf(v->why, sizeof(v->why), "%s", err);
			v->rc = EXIT_SYSTEM;
		}
	}
	row->status = v->status;
	snprintf(row->why, sizeof(row->why), "%.199s", v->status == NS_READ ? "" : v->why);
	if (v->status != NS_READ) {
		render_one(A, v, NULL);
		if (have_win)
			window_free(&win);
		return;
	}
	if (audit_report(&a, A->prof ? A->prof->name : NULL, A->o->top, &r) < 0) {
		A->err = -ENOMEM;
		audit_free(&a);
		return;
	}
	r.verbose = G.verbosity > 0;
	r.observe_skipped = A->skipped;
	summarize(row, &a, &r);
	if ((int)row->risk > A->worst)
		A->worst = (int)row->risk;
	if (!A->is_diff && (int)row->risk >= A->o->fail_on)
		v->rc = EXIT_RISK;
	render_one(A, v, &r);
	audit_free(&a);
	if (have_win)
		window_free(&win);
}

static void print_summary(const struct audit_all *A)
{
	size_t nread = 0, ncounters = 0;

	for (size_t i = 0; i < A->nrows; i++) {
		nread += A->rows[i].status == NS_READ;
		ncounters += A->rows[i].from_counters;
	}
	printf("twtune %s --all-netns: %zu network namespaces, %zu read\n",
	       A->is_diff ? "diff" : "audit", A->nrows, nread);
	if (A->host_from_self)
		printf("note: /proc/1/ns/net cannot be read here: \"host\" is the namespace twtune "
		       "runs in\n");
	printf("\n");
	printf("%-20s %-11s %8s %9s %8s %-6s %-8s %s\n", "LABEL", "INODE", "SOCKETS", "TIME_WAIT",
	       "PRESSURE", "RISK", "JUDGED", "TOP FINDING");
	for (size_t i = 0; i < A->nrows; i++) {
		const struct ns_row *w = &A->rows[i];
		char pressure[32], label[21], why[4 * sizeof(w->why)], top[4 * sizeof(w->top)];

		if (w->status != NS_READ) {
			printf("%-20s %-11llu %8s %9s %8s %-6s %-8s %s\n",
			       san_str(label, sizeof(label), w->label, SAN_TERM), w->inode, "-", "-", "-",
			       ns_status_name(w->status), "-", san_str(why, sizeof(why), w->why, SAN_TERM));
			continue;
		}
		snprintf(pressure, sizeof(pressure), "%s%.0f%%",
			 w->from_counters && w->sockets > 0 ? "<" : "",
			 w->pressure * 100 + (w->from_counters ? 0.5 : 0));
		printf("%-20s %-11llu %8lld %9lld %8s %-6s %-8s %s\n",
		       san_str(label, sizeof(label), w->label, SAN_TERM), w->inode, w->sockets, w->tw,
		       pressure, severity_name(w->risk), w->from_counters ? "counters" : "dump",
		       san_str(top, sizeof(top), w->top, SAN_TERM));
	}
	if (ncounters)
		printf("\njudged from counters: %zu namespace%s whose TIME_WAIT plus sockets in use "
		       "cannot reach a warn threshold; only their listeners were dumped\n",
		       ncounters, ncounters == 1 ? "" : "s");
	for (size_t i = 0; i < A->nrows; i++)
		if (A->rows[i].report)
			fputs(A->rows[i].report, stdout);
}

int all_netns_audit(const struct audit_opts *o, const char *cmd, bool is_diff,
		    const struct profile *prof, const struct obs_window *observed,
		    const char *skipped)
{
	struct audit_all A = { .o = o, .cmd = cmd, .is_diff = is_diff, .prof = prof,
			       .observed = observed, .skipped = skipped, .worst = -1 };
	int rc;

	if (A.o->format == FMT_JSON)
		all_netns_json_begin(&A.j);
	/* one window for them all (not with --observe: its window is the measure) */
	if (o->interval > 0 && !observed)
		rc = all_netns_each_window(cmd, window_visit, o->interval, audit_visit, &A);
	else
		rc = all_netns_each(cmd, audit_visit, &A);
	if (A.o->format == FMT_JSON)
		all_netns_json_end(&A.j);
	else if (A.o->format == FMT_PROMETHEUS)
		prom_write(&A, !A.err && (rc == EXIT_OK || rc == EXIT_RISK));
	else if (A.o->format == FMT_TEXT)
		print_summary(&A);
	if (A.err) {
		errorf("%s: --all-netns: %s", cmd, strerror(-A.err));
		rc = EXIT_SYSTEM;
	}
	for (size_t i = 0; i < A.nrows; i++)
		free(A.rows[i].report);
	free(A.rows);
	free(A.wins);
	return rc;
}
