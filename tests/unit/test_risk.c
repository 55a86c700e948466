// SPDX-License-Identifier: GPL-2.0-or-later
/* test_risk.c: every rule of the risk engine on synthetic snapshots, and
 * the suggestion with its predicted effect */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "observation.h"
#include "risk.h"
#include "risk_observed.h"
#include "suggest.h"
#include "tap.h"

struct tdest {
	const char *local, *remote;
	unsigned port, used, tw;
};

struct tcase {
	const char *name;
	const char *set[6];        /* "key=value" over kernel defaults */
	struct tdest dests[3];
	unsigned listen[3];        /* listening ports */
	long long sockstat_tw, overflow, close_wait;
	bool no_sockets;
	const char *expect[4];     /* "rule-id=severity" */
	const char *suggest[3];    /* "key=value" expected in the suggestion */
	const char *risk_after;    /* predicted risk of the suggestion */
};

static const struct tcase cases[] = {
	{ "defaults, no load", { NULL }, { { 0 } }, { 0 }, 0, 0, 0, false,
	  { "port-exhaustion=ok", "tw-bucket-pressure=ok", "port-range-parity=ok", "fin-timeout-myth=ok" },
	  { NULL }, "ok" },
	{ "1000-port range, 900 client TIME_WAIT, no reuse",
	  { "ip_local_port_range=40000 40999", "tcp_tw_reuse=0" },
	  { { "10.0.0.1", "10.0.0.9", 8080, 900, 900 } }, { 0 }, 900, 0, 0, false,
	  { "port-exhaustion=crit", "port-range-narrow=warn" },
	  { "tcp_tw_reuse=1", "ip_local_port_range=40000 65535" }, "ok" },
	{ "loopback TIME_WAIT with reuse 2 at 15 closes/s: judged by the rate, ok",
	  { "ip_local_port_range=40000 40999" },
	  { { "127.0.0.1", "127.0.0.1", 8080, 900, 900 } }, { 0 }, 900, 0, 0, false,
	  { "port-exhaustion=ok" }, { NULL }, NULL },
	{ "reuse 2 does not apply off loopback",
	  { "ip_local_port_range=40000 40999" },
	  { { "10.0.0.1", "10.0.0.9", 80, 600, 600 } }, { 0 }, 600, 0, 0, false,
	  { "port-exhaustion=warn" }, { "tcp_tw_reuse=1" }, NULL },
	{ "reuse without timestamps does nothing",
	  { "ip_local_port_range=40000 40999", "tcp_tw_reuse=1", "tcp_timestamps=0" },
	  { { "10.0.0.1", "10.0.0.9", 80, 900, 900 } }, { 0 }, 900, 0, 0, false,
	  { "port-exhaustion=crit", "tw-reuse-needs-timestamps=warn" }, { "tcp_timestamps=1" }, NULL },
	{ "established load needs a wider range",
	  { "ip_local_port_range=40000 40999", "tcp_tw_reuse=1" },
	  { { "10.0.0.1", "10.0.0.9", 80, 900, 0 } }, { 0 }, 0, 0, 0, false,
	  { "port-exhaustion=crit" }, { NULL }, "ok" },
	{ "bucket overflow is critical",
	  { "tcp_max_tw_buckets=100" },
	  { { 0 } }, { 0 }, 100, 100, 0, false,
	  { "tw-bucket-pressure=crit", "tw-buckets-lowered=warn" }, { "tcp_max_tw_buckets=131072" }, NULL },
	{ "buckets filling up warns",
	  { NULL }, { { 0 } }, { 0 }, 100000, 0, 0, false,
	  { "tw-bucket-pressure=warn", "tw-buckets-lowered=ok" }, { "tcp_max_tw_buckets=262144" }, "ok" },
	{ "same-parity range ends",
	  { "ip_local_port_range=32768 60998" }, { { 0 } }, { 0 }, 0, 0, 0, false,
	  { "port-range-parity=warn" }, { "ip_local_port_range=32768 60999" }, "ok" },
	{ "unreserved listener inside the range",
	  { NULL }, { { 0 } }, { 45000, 8080 }, 0, 0, 0, false,
	  { "listener-in-ephemeral-range=warn" }, { "ip_local_reserved_ports=45000" }, "ok" },
	{ "reserved listener is fine",
	  { "ip_local_reserved_ports=45000" }, { { 0 } }, { 45000 }, 0, 0, 0, false,
	  { "listener-in-ephemeral-range=ok" }, { NULL }, "ok" },
	{ "fin_timeout changed is the myth",
	  { "tcp_fin_timeout=30" }, { { 0 } }, { 0 }, 0, 0, 0, false,
	  { "fin-timeout-myth=info" }, { NULL }, "info" },
	{ "fin_timeout below 5 warns",
	  { "tcp_fin_timeout=2" }, { { 0 } }, { 0 }, 0, 0, 0, false,
	  { "fin-timeout-myth=warn" }, { "tcp_fin_timeout=60" }, "ok" },
	{ "CLOSE_WAIT leak",
	  { NULL }, { { 0 } }, { 0 }, 0, 0, 1500, false,
	  { "close-wait-leak=crit" }, { NULL }, "crit" },
	{ "narrow range below the floor",
	  { "ip_local_port_range=60000 60999" }, { { 0 } }, { 0 }, 0, 0, 0, false,
	  { "port-range-narrow=warn" }, { NULL }, "ok" },
	{ "no socket data: settings still judged",
	  { "tcp_tw_reuse=1", "tcp_timestamps=0" }, { { 0 } }, { 0 }, 0, 0, 0, true,
	  { "tw-reuse-needs-timestamps=warn", "port-exhaustion=ok" }, { "tcp_timestamps=1" }, "ok" },
};

/* Every key at its kernel default, from the registry: the computed one
 * as a namespace with 262144 hash entries has it. */
static void defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char buf[32];
		const char *def = d->kernel_default;

		if (!def && d->default_fn && d->default_fn("-262144\n", buf, sizeof(buf)) == 0)
			def = buf;
		settings_set(s, i, def);
	}
	s->max_tw_default = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
}

static void to_addr(const char *text, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, text, a->bytes) == 1)
		a->family = AF_INET6;
}

static const struct finding *find(const struct assessment *a, const char *id)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->f[i].id, id) == 0)
			return &a->f[i];
	return NULL;
}

static void run(const struct tcase *c)
{
	struct settings s, proposed;
	struct sock_snapshot snap;
	struct dest dests[3];
	struct listener ls[3];
	struct listen_sock lss[3]; /* every listener, as sockets.c keeps them */
	struct observation o = { .overflow_delta = -1, .interval = 60, .max_tw_observed = -1 };
	struct assessment a, after;
	double thr[THR_COUNT_];
	size_t nd = 0, nl = 0;

	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	defaults(&s);
	for (size_t i = 0; i < 6 && c->set[i]; i++) {
		char key[64];
		const char *eq = strchr(c->set[i], '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - c->set[i]), c->set[i]);
		TAP_OK(settings_set(&s, (size_t)settings_index(key), eq + 1) == 0, "%s: set %s",
		       c->name, c->set[i]);
	}
	memset(&snap, 0, sizeof(snap));
	memset(dests, 0, sizeof(dests));
	for (; nd < 3 && c->dests[nd].local; nd++) {
		to_addr(c->dests[nd].local, &dests[nd].local);
		to_addr(c->dests[nd].remote, &dests[nd].remote);
		dests[nd].rport = (uint16_t)c->dests[nd].port;
		dests[nd].used = c->dests[nd].used;
		dests[nd].time_wait = c->dests[nd].tw;
		snap.states[TCP_STATE_TIME_WAIT] += c->dests[nd].tw;
	}
	for (; nl < 3 && c->listen[nl]; nl++) {
		memset(&ls[nl], 0, sizeof(ls[nl]));
		ls[nl].addr.family = AF_INET;
		ls[nl].port = (uint16_t)c->listen[nl];
		lss[nl] = (struct listen_sock){ .addr = ls[nl].addr, .port = ls[nl].port };
	}
	snap.slots = dests;
	snap.nslots = snap.ndests = nd;
	snap.listeners = ls;
	snap.nlisteners = nl;
	snap.lsocks = lss;
	snap.nlsocks = nl;
	snap.states[TCP_STATE_CLOSE_WAIT] = (unsigned long long)c->close_wait;
	snap.counters = (struct sock_counters){ .sockstat_tw = c->sockstat_tw,
						.tw_overflow = c->overflow,
						.tw = -1, .sockstat_inuse = -1 };
	o.socks = c->no_sockets ? NULL : &snap;
	o.max_tw_observed = settings_num(&s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	o.close_rate = (double)c->sockstat_tw / 60;

	risk_assess(&s, &o, thr, &a);
	for (size_t i = 0; i < 4 && c->expect[i]; i++) {
		const char *eq = strchr(c->expect[i], '=');
		char id[64];
		const struct finding *f;

		snprintf(id, sizeof(id), "%.*s", (int)(eq - c->expect[i]), c->expect[i]);
		f = find(&a, id);
		TAP_OK(f && strcmp(severity_name(f->sev), eq + 1) == 0, "%s: %s (got %s: %s)", c->name,
		       c->expect[i], f ? severity_name(f->sev) : "none", f ? f->title : "");
	}
	TAP_OK(risk_suggest(&s, &o, thr, &proposed) >= 0, "%s: suggestion built", c->name);
	for (size_t i = 0; i < 3 && c->suggest[i]; i++) {
		const char *eq = strchr(c->suggest[i], '=');
		char key[64];
		int k;

		snprintf(key, sizeof(key), "%.*s", (int)(eq - c->suggest[i]), c->suggest[i]);
		k = settings_index(key);
		TAP_OK(k >= 0 && strcmp(proposed.val[k].text, eq + 1) == 0, "%s: suggests %s (got %s)",
		       c->name, c->suggest[i], k >= 0 ? proposed.val[k].text : "?");
	}
	if (c->risk_after) {
		risk_assess(&proposed, &o, thr, &after);
		TAP_OK(strcmp(severity_name(after.risk), c->risk_after) == 0,
		       "%s: predicted risk %s (got %s)", c->name, c->risk_after,
		       severity_name(after.risk));
	}
	settings_free(&proposed);
	settings_free(&s);
}

/* rule_table[RULE_x] is rule x, and findings come in the same order. */
static void test_rule_ids(void)
{
	static const struct {
		enum rule_id id;
		const char *name;
	} rules[] = {
		{ RULE_PORT_EXHAUSTION, "port-exhaustion" },
		{ RULE_CONNECT_FAILURES, "connect-failures" },
		{ RULE_TW_BUCKET_PRESSURE, "tw-bucket-pressure" },
		{ RULE_TW_BUCKETS_LOWERED, "tw-buckets-lowered" },
		{ RULE_TW_REUSE_NEEDS_TIMESTAMPS, "tw-reuse-needs-timestamps" },
		{ RULE_PORT_RANGE_PARITY, "port-range-parity" },
		{ RULE_LISTENER_IN_EPHEMERAL_RANGE, "listener-in-ephemeral-range" },
		{ RULE_PORT_RANGE_NARROW, "port-range-narrow" },
		{ RULE_FIN_TIMEOUT_MYTH, "fin-timeout-myth" },
		{ RULE_CLOSE_WAIT_LEAK, "close-wait-leak" },
		{ RULE_SERVER_CLOSES_FIRST, "server-closes-first" },
		{ RULE_CLIENT_CHURN, "client-churn" },
	};
	struct settings s;
	struct observation o = { .overflow_delta = -1, .interval = 60, .max_tw_observed = -1 };
	struct assessment a;
	double thr[THR_COUNT_];

	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	TAP_OK(nrules == RULE_COUNT && sizeof(rules) / sizeof(rules[0]) == RULE_COUNT, "%d rules",
	       RULE_COUNT);
	defaults(&s);
	risk_assess(&s, &o, thr, &a);
	TAP_OK(a.n == RULE_COUNT, "one finding per rule");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		TAP_OK(rule_table[rules[i].id].check && rule_table[rules[i].id].why &&
			       strcmp(rule_table[rules[i].id].id, rules[i].name) == 0 &&
			       strcmp(a.f[rules[i].id].id, rules[i].name) == 0,
		       "rule %d is %s", (int)rules[i].id, rules[i].name);
	settings_free(&s);
}

/* Keys by id: the value, the integer or its stand-in when absent, the
 * default as the report shows it. */
static void test_settings_by_id(void)
{
	struct settings s;
	char buf[32];
	const char *def;

	defaults(&s);
	TAP_OK(settings_num(&s, SYSCTL_TCP_TW_REUSE, -7) == 2, "tcp_tw_reuse by id");
	TAP_OK(strcmp(settings_get(&s, SYSCTL_IP_LOCAL_PORT_RANGE)->text, "32768 60999") == 0,
	       "ip_local_port_range by id");
	TAP_OK(settings_index("net.ipv4.tcp_fin_timeout") == SYSCTL_TCP_FIN_TIMEOUT &&
		       settings_index("tcp_bogus") == -1,
	       "settings_index for the edges");
	TAP_OK(settings_set(&s, SYSCTL_TCP_TW_REUSE, "3") == -ERANGE &&
		       settings_num(&s, SYSCTL_TCP_TW_REUSE, -7) == 2,
	       "an out-of-range value is refused and the old one kept");
	sysval_free(&s.val[SYSCTL_TCP_TIMESTAMPS]);
	s.have[SYSCTL_TCP_TIMESTAMPS] = false;
	TAP_OK(!settings_get(&s, SYSCTL_TCP_TIMESTAMPS) && settings_num(&s, SYSCTL_TCP_TIMESTAMPS, -7) == -7,
	       "a key the kernel lacks gives the stand-in");
	TAP_OK(strcmp(settings_default(&s, SYSCTL_TCP_FIN_TIMEOUT, buf, sizeof(buf)), "60") == 0,
	       "a fixed default from the table");
	def = settings_default(&s, SYSCTL_TCP_MAX_TW_BUCKETS, buf, sizeof(buf));
	TAP_OK(def && strcmp(def, "131072") == 0, "the computed default the settings carry");
	s.max_tw_default = -1;
	TAP_OK(!settings_default(&s, SYSCTL_TCP_MAX_TW_BUCKETS, buf, sizeof(buf)),
	       "an unknown computed default is NULL");
	settings_free(&s);
}

/* connect-failures on an observed window: crit under the settings it was
 * observed under, and what a wider range, reuse or nothing would have done
 * to the failures. Also the observed TIME_WAIT rates. */
static void test_connect_failures(void)
{
	struct obs_process proc = { .pid = 42, .comm = "client", .attempts = 25, .failures = 1203 };
	struct obs_row dest = { .netns = 7, .family = AF_INET, .has_local = true, .port = 8080,
				.attempts = 1300, .successes = 97, .eaddrnotavail = 1203,
				.time_wait = 97, .procs = &proc, .nprocs = 1 };
	struct obs_row server = { .netns = 7, .family = AF_INET, .has_local = true, .port = 80,
				  .time_wait = 30 };
	struct obs_window w = { .window_seconds = 10, .dests = &dest, .ndests = 1,
				.servers = &server, .nservers = 1 };
	struct observation o = { .overflow_delta = -1, .interval = 60, .max_tw_observed = -1,
				 .observed = &w, .observed_netns = 7 };
	struct settings now, wide, reuse;
	struct finding *f;
	struct assessment a;
	struct dest d = { .rport = 8080 };
	double thr[THR_COUNT_];

	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	inet_pton(AF_INET, "10.0.0.1", dest.local);
	inet_pton(AF_INET, "10.0.0.5", dest.remote);
	inet_pton(AF_INET, "10.0.0.1", server.local);
	defaults(&now);
	settings_set(&now, SYSCTL_IP_LOCAL_PORT_RANGE, "40000 40999");
	settings_set(&now, SYSCTL_TCP_TW_REUSE, "0");
	settings_copy(&wide, &now);
	settings_set(&wide, SYSCTL_IP_LOCAL_PORT_RANGE, "20000 40999");
	settings_copy(&reuse, &now);
	settings_set(&reuse, SYSCTL_TCP_TW_REUSE, "1");
	o.observed_under = &now;

	risk_assess(&now, &o, thr, &a);
	f = &a.f[RULE_CONNECT_FAILURES];
	TAP_OK(f->sev == SEV_CRIT, "observed EADDRNOTAVAIL is crit (%d)", f->sev);
	TAP_OK(strcmp(f->title, "1,203 connect() to 10.0.0.5:8080 failed with EADDRNOTAVAIL in "
				"10.0 s: no free local port (client)") == 0, "title: %s", f->title);
	TAP_OK(f->nfix == 1 && f->fix[0].key == SYSCTL_IP_LOCAL_PORT_RANGE,
	       "its own fix: a wider range (%zu)", f->nfix);
	risk_assess(&wide, &o, thr, &a);
	f = &a.f[RULE_CONNECT_FAILURES];
	TAP_OK(f->sev == SEV_OK && strcmp(f->effect, "the 1,203 failures towards 10.0.0.5:8080 "
				"needed up to 1,203 more ports; the proposed range adds 20,000: they "
				"would have found one") == 0, "a range 20,000 wider clears them: %s",
	       f->effect);
	risk_assess(&reuse, &o, thr, &a);
	f = &a.f[RULE_CONNECT_FAILURES];
	TAP_OK(f->sev == SEV_WARN && strstr(f->effect, "add none, and let connect() reuse its 97 ports"),
	       "reuse only maybe: %s", f->effect);
	o.observed_netns = 8;
	risk_assess(&now, &o, thr, &a);
	TAP_OK(a.f[RULE_CONNECT_FAILURES].sev == SEV_OK, "another namespace's rows do not count");
	o.observed_netns = 7;
	to_addr("10.0.0.1", &d.local);
	to_addr("10.0.0.5", &d.remote);
	TAP_OK(observed_dest_tw_rate(&o, &d) > 9.69 && observed_dest_tw_rate(&o, &d) < 9.71,
	       "observed client-side TIME_WAIT rate 9.7/s");
	TAP_OK(observed_port_tw_rate(&o, NULL, 80) == 3 && observed_port_tw_rate(&o, NULL, 81) == 0,
	       "observed server-side TIME_WAIT rate 3/s on port 80");
	o.observed = NULL;
	TAP_OK(observed_dest_tw_rate(&o, &d) == -1, "not observed: -1");
	risk_assess(&now, &o, thr, &a);
	TAP_OK(a.f[RULE_CONNECT_FAILURES].sev == SEV_OK, "not observed: ok");
	settings_free(&now);
	settings_free(&wide);
	settings_free(&reuse);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i]);
	{
		struct settings s;
		struct dest d = { .used = 10, .time_wait = 4 };

		defaults(&s);
		to_addr("::1", &d.remote);
		to_addr("::1", &d.local);
		TAP_OK(reuse_applies(&s, &d), "reuse 2 applies to ::1");
		TAP_OK(dest_used_effective(&s, &d) == 6, "effective use leaves TIME_WAIT out");
		to_addr("2001:db8::1", &d.remote);
		to_addr("2001:db8::2", &d.local);
		TAP_OK(!reuse_applies(&s, &d), "reuse 2 does not apply to 2001:db8::1");
		settings_free(&s);
	}
	TAP_OK(severity_parse("warn") == SEV_WARN && severity_parse("bogus") == -1, "severity names");
	test_rule_ids();
	test_settings_by_id();
	test_connect_failures();
	return tap_done();
}
