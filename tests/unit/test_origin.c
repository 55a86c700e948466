// SPDX-License-Identifier: GPL-2.0-or-later
/* test_origin.c: the groups of server-closes-first and client-churn
 * (src/rules/risk_origin.c) from recorded sockets, processes and eBPF
 * counts: a group per port and pool over its threshold, the programs at
 * both ends named, the fix lines in the order the evidence gives, and
 * every headline and fix line a whole sentence, with and without names,
 * runtimes, versions and observed rates. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "observation.h"
#include "procscan.h"
#include "risk.h"
#include "risk_origin.h"
#include "tap.h"
#include "thresholds.h"

static const uint8_t lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 }, srv[4] = { 10, 0, 0, 1 },
		     peer[4] = { 10, 0, 0, 9 };

/* The snapshot: 127.0.0.1:8080 (listener inode 100) with 1500 TIME_WAIT
 * from local clients, 10.0.0.1:8081 (inode 200) with 1200 from 10.0.0.9,
 * and a pool 127.0.0.1 -> 127.0.0.1:9000 (no listener) with 3600
 * TIME_WAIT and a live socket (inode 300). */
static void fill(struct sock_snapshot *s)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };

	sockets_init(s, &eph);
	sockets_account_ref(s, AF_INET, lo, any, 8080, 0, TCP_STATE_LISTEN, (struct sock_ref){ 100, 0 });
	sockets_account_ref(s, AF_INET, srv, any, 8081, 0, TCP_STATE_LISTEN, (struct sock_ref){ 200, 0 });
	for (unsigned i = 0; i < 1500; i++)
		sockets_account_ref(s, AF_INET, lo, lo, 8080, (uint16_t)(40000 + i), TCP_STATE_TIME_WAIT,
				    (struct sock_ref){ 0, 0 });
	for (unsigned i = 0; i < 1200; i++)
		sockets_account_ref(s, AF_INET, srv, peer, 8081, (uint16_t)(40000 + i),
				    TCP_STATE_TIME_WAIT, (struct sock_ref){ 0, 0 });
	for (unsigned i = 0; i < 3600; i++)
		sockets_account_ref(s, AF_INET, lo, lo, (uint16_t)(42000 + i), 9000, TCP_STATE_TIME_WAIT,
				    (struct sock_ref){ 0, 0 });
	sockets_account_ref(s, AF_INET, lo, lo, 50000, 9000, TCP_STATE_ESTABLISHED,
			    (struct sock_ref){ 300, 0 });
	sockets_finish(s);
}

/* A process scan that found comm[i] holding inode 100 * (i + 1). */
static struct procscan *scan(const char *const comm[3], const struct runtime rt[3])
{
	struct procscan *ps;

	if (procscan_new(&ps, 4))
		return NULL;
	for (int i = 0; i < 3; i++)
		procscan_add(ps, 100u * (unsigned)(i + 1), 0);
	ps->procs = calloc(3, sizeof(*ps->procs));
	ps->nprocs = ps->capprocs = 3;
	for (int i = 0; i < 3; i++) {
		ps->procs[i].pid = 10 + i;
		strcpy(ps->procs[i].comm, comm[i]);
		strcpy(ps->procs[i].exe, comm[i]);
		ps->procs[i].rt = rt[i];
		ps->socks[i].holders = ps->socks[i].nprocs = 1;
		ps->socks[i].procs[0] = i;
	}
	ps->sorted = true;
	return ps;
}

static const char *broken(const char *s)
{
	static const char *const bad[] = { "above)", "above;", "above,", "if it is", "too:", " ()",
					   "( )", " ,", " ;", ";;", "  ", ": ;", "``", "(null)",
					   "%s", "%u", "%d", ": :", "()," };
	size_t n = strlen(s);
	int tick = 0, paren = 0;

	if (!n)
		return "empty";
	if (s[n - 1] == ';' || s[n - 1] == ',' || s[n - 1] == ':' || s[n - 1] == ' ')
		return "dangling end";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(s, bad[i]))
			return bad[i];
	for (const char *p = s; *p; p++) {
		tick += *p == '`';
		paren += (*p == '(') - (*p == ')');
	}
	return tick % 2 ? "odd backticks" : paren ? "unbalanced parentheses" : NULL;
}

static size_t check_groups(const struct finding *f, const char *what)
{
	size_t bad = 0;

	for (size_t g = 0; g < f->ngroup; g++) {
		const char *why = broken(f->group[g].head);

		if (why && !bad++)
			TAP_OK(0, "%s group %zu headline: %s: '%s'", what, g, why, f->group[g].head);
		for (size_t k = 0; k < f->group[g].nfix; k++) {
			why = broken(f->group[g].fix[k]);
			if (!why && strlen(f->group[g].fix[k]) > 330)
				why = "longer than about three lines";
			if (why && !bad++)
				TAP_OK(0, "%s group %zu fix %zu: %s: '%s'", what, g, k, why, f->group[g].fix[k]);
		}
	}
	return bad;
}

struct variant {
	const char *name;
	bool procs, observed;
	const char *comm[3];
	struct runtime rt[3];
	struct runtime client_rt; /* of the observed client towards 8080 */
};

static const struct variant variants[] = {
	{ "no processes looked up", false, false, { "", "", "" }, { { 0 } }, { 0 } },
	{ "unknown programs", true, false, { "svc", "proxy", "worker" }, { { 0 } }, { 0 } },
	{ "nginx, haproxy, python", true, false, { "nginx", "haproxy", "python3" },
	  { { .id = RT_NGINX, .version = "1.22.1" }, { .id = RT_HAPROXY, .config_read = true,
	    .closes_option = "httpclose" }, { .id = RT_PYTHON, .version = "3.11" } }, { 0 } },
	{ "nginx, observed ab -k", true, true, { "nginx", "haproxy", "python3" },
	  { { .id = RT_NGINX }, { .id = RT_HAPROXY }, { .id = RT_PYTHON } },
	  { .id = RT_AB, .keepalive_flag = true } },
	{ "nginx, observed ab", true, true, { "nginx", "haproxy", "go-client" },
	  { { .id = RT_NGINX }, { .id = RT_HAPROXY }, { .id = RT_GO, .version = "1.19.8" } },
	  { .id = RT_AB } },
	{ "observed, nothing else", false, true, { "", "", "" }, { { 0 } }, { .id = RT_UNKNOWN } },
};

/* An eBPF window of 2 s: connects towards 127.0.0.1:8080 by "ab" (pid
 * 77); 200 TIME_WAIT entered towards 127.0.0.1:9000 and 300 on the
 * server side of 127.0.0.1:8080. */
static void window(struct obs_window *w, struct obs_row *row, struct obs_process *p,
		   const struct runtime *rt)
{
	memset(w, 0, sizeof(*w));
	memset(row, 0, 3 * sizeof(*row));
	memset(p, 0, sizeof(*p));
	p->pid = 77;
	strcpy(p->comm, "ab");
	p->attempts = 5000;
	p->rt = *rt;
	row->family = AF_INET;
	row->has_local = true;
	memcpy(row->local, lo, 4);
	memcpy(row->remote, lo, 4);
	row->port = 8080;
	row->attempts = 5000;
	row->procs = p;
	row->nprocs = 1;
	row[1] = row[0];
	row[1].port = 9000;
	row[1].time_wait = 200;
	row[1].procs = NULL;
	row[1].nprocs = 0;
	row[2].family = AF_INET;
	memcpy(row[2].local, lo, 4);
	row[2].port = 8080;
	row[2].time_wait = 300;
	w->window_seconds = 2;
	w->dests = row;
	w->ndests = 2;
	w->servers = &row[2];
	w->nservers = 1;
}

int main(void)
{
	double thr[THR_COUNT_];
	struct settings set;

	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	memset(&set, 0, sizeof(set));
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		const struct variant *c = &variants[v];
		struct sock_snapshot s;
		struct observation o = { .overflow_delta = -1, .interval = 60, .max_tw_observed = -1,
					 .close_rate = -1 };
		struct obs_window w;
		struct obs_row row[3];
		struct obs_process p;
		struct finding f;

		fill(&s);
		if (c->procs) {
			s.procs = scan(c->comm, c->rt);
			s.procs_free = procscan_free;
			s.procs_asked = true;
		}
		o.socks = &s;
		if (c->observed) {
			window(&w, row, &p, &c->client_rt);
			o.observed = &w;
		}
		memset(&f, 0, sizeof(f));
		check_server_closes_first(&set, &o, thr, &f);
		TAP_OK(f.sev == SEV_INFO && f.ngroup == 2, "%s: server-closes-first, a group for each of "
		       "its 2 ports (%zu)", c->name, f.ngroup);
		TAP_OK(f.ngroup == 2 && strstr(f.group[0].head, "127.0.0.1:8080") &&
			       strstr(f.group[1].head, "10.0.0.1:8081") &&
			       strstr(f.group[1].head, "clients: 10.0.0.9 (1200 TIME_WAIT)"),
		       "%s: the busiest port first; the remote clients by address and count", c->name);
		TAP_OK(!check_groups(&f, c->name), "%s: every server headline and fix line reads",
		       c->name);
		TAP_OK(strstr(f.group[0].head, c->observed ? "150 closes/s observed over eBPF" :
						 "estimated from TIME_WAIT / 60 s") != NULL,
		       "%s: the rate says where it came from", c->name);
		if (c->procs && c->rt[0].id == RT_NGINX)
			TAP_OK(strstr(f.group[0].head, "(nginx (pid 10))") &&
				       strstr(f.group[1].head, "(haproxy (pid 11))"),
			       "%s: the servers named by their listeners", c->name);
		if (c->observed && c->client_rt.id == RT_AB)
			TAP_OK(strstr(f.group[0].head, "clients: ab (pid 77) on this host") &&
				       strstr(f.group[0].fix[0], c->client_rt.keepalive_flag ? "nginx" : "ab") ==
					       f.group[0].fix[0],
			       "%s: ab named from eBPF; the first fix is %s's", c->name,
			       c->client_rt.keepalive_flag ? "the server" : "the client");
		if (c->observed && c->client_rt.keepalive_flag)
			TAP_OK(f.group[0].nfix == 1 && !strstr(f.app_fix, "-k"),
			       "%s: nothing for ab -k", c->name);
		if (c->procs && c->rt[1].closes_option[0])
			TAP_OK(strstr(f.group[1].fix[0], "its configuration sets `option httpclose`") != NULL,
			       "%s: HAProxy's own option leads its port's fix", c->name);
		if (!c->procs && !c->observed)
			TAP_OK(strstr(f.group[0].head, "not named (processes not looked up)") != NULL,
			       "%s: says why nobody is named", c->name);
		memset(&f, 0, sizeof(f));
		check_client_churn(&set, &o, thr, &f);
		TAP_OK(f.ngroup == 1 && strstr(f.group[0].head, "pool 127.0.0.1 -> 127.0.0.1:9000: 3600 TIME_WAIT"),
		       "%s: client-churn, the pool's group", c->name);
		TAP_OK(!check_groups(&f, c->name), "%s: every pool headline and fix line reads", c->name);
		if (c->procs && c->rt[2].id == RT_GO)
			TAP_OK(strstr(f.group[0].fix[0], "MaxIdleConnsPerHost") != NULL,
			       "%s: the Go client gets MaxIdleConnsPerHost", c->name);
		sockets_free(&s);
	}
	return tap_done();
}
