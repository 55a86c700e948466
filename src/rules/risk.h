// SPDX-License-Identifier: GPL-2.0-or-later
/* risk.h: the risk engine: sysctls + a socket snapshot -> findings.
 *
 * Every rule is a table entry (id, title, why) and a function that decides
 * severity from plain numbers, records the evidence it saw and proposes
 * the sysctl values that would clear it. Nothing here prints.
 */
#ifndef TWTUNE_RISK_H
#define TWTUNE_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "profile.h"
#include "registry.h"
#include "settings.h"
#include "sockets.h"


struct obs_window;

/* What the socket dump and the counters say; fixed while predicting. */
struct observation {
	const struct sock_snapshot *socks; /* NULL when sockets could not be read */
	double close_rate;      /* TIME_WAIT created per second */
	bool close_rate_measured; /* sampled with --interval, else estimated */
	double interval;        /* seconds between the samples */
	long long overflow_delta; /* TCPTimeWaitOverflow growth during the interval, or -1 */
	/* Measured over the same window (close_rate_measured), else -1:
	 * TcpActiveOpens (connects that got a port) and TcpExt TWRecycled
	 * (TIME_WAIT taken over by connect()) per second. */
	double open_rate, recycled_rate;
	/* The window's TIME_WAIT ages were counted (sock_snapshot young_ms):
	 * each pool's young entries split close_rate. */
	bool ages;
	long long max_tw_observed; /* tcp_max_tw_buckets when the counters were read */
	/* audit --observe: what the eBPF window counted (observation.h), or
	 * NULL; the settings it was counted under; its namespace (0: rows
	 * of every namespace count). Read it through the observed_*()
	 * helpers below. */
	const struct obs_window *observed;
	const struct settings *observed_under;
	uint32_t observed_netns;
};


/* The rules, in rule_table order (the order of findings). */
enum rule_id {
	RULE_PORT_EXHAUSTION,
	RULE_CONNECT_FAILURES,
	RULE_TW_BUCKET_PRESSURE,
	RULE_TW_BUCKETS_LOWERED,
	RULE_TW_REUSE_NEEDS_TIMESTAMPS,
	RULE_PORT_RANGE_PARITY,
	RULE_LISTENER_IN_EPHEMERAL_RANGE,
	RULE_PORT_RANGE_NARROW,
	RULE_FIN_TIMEOUT_MYTH,
	RULE_CLOSE_WAIT_LEAK,
	RULE_SERVER_CLOSES_FIRST,
	RULE_CLIENT_CHURN,
	RULE_COUNT
};

struct rule {
	const char *id;
	const char *why;
	void (*check)(const struct settings *, const struct observation *, const double *thr,
		      struct finding *);
	bool app_only; /* no sysctl changes what it measures: only the application fix */
};
/* rule_table[RULE_x] is rule x. Declared without its length, so that
 * risk.c's _Static_assert sees the length its initializer gives. */
extern const struct rule rule_table[];
extern const size_t nrules;                      /* RULE_COUNT */

struct assessment {
	struct finding f[RULE_COUNT]; /* one per rule: f[RULE_x] */
	size_t n;
	enum severity risk;   /* the highest */
};

void risk_assess(const struct settings *s, const struct observation *o, const double *thr,
		 struct assessment *a);

#endif
