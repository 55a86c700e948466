// SPDX-License-Identifier: GPL-2.0-or-later
/* view.h: what an audit hands its renderers, computed once: the settings,
 * the sockets with their busiest entries sorted, their rates and
 * processes, the worst pool, the findings in the order they are shown,
 * the prediction and the change. The renderers (render/report_*.c,
 * sockets_render.c, origin_render.c, k8s_render.c) only walk it: they
 * sort nothing and call no rule. */
#ifndef TWTUNE_VIEW_H
#define TWTUNE_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "collect.h"
#include "endpoint.h"
#include "k8s.h"
#include "nat.h"
#include "owners.h"
#include "pool.h"
#include "risk.h"
#include "sockets.h"

/* 2: ephemeral.capacity_per_second follows the capacity model (held ports,
 * 61 s, reuse), close_rate counts overflowed closes and says its source,
 * and pools carry each listed pool's capacity and demand */
#define REPORT_SCHEMA_VERSION 2

/* One of the fullest destinations of a snapshot. */
struct dest_view {
	const struct dest *d; /* into the snapshot */
	double rate;          /* its TIME_WAIT made per second (sockets_side_rate) */
	struct owners owners; /* the processes behind it (owners.asked: looked up) */
};

/* One of the server-side ports with the most TIME_WAIT. */
struct server_view {
	const struct port_entry *e; /* into the snapshot */
	double rate;
	struct owners owners;
};

/* A socket snapshot as its renderers walk it. */
struct sockets_view {
	const struct sock_snapshot *s;
	const struct collect_result *collected; /* how it was read (the note), or NULL */
	size_t top;                   /* entries of each side asked for */
	unsigned usable;              /* ephemeral_usable(&s->eph) */
	struct dest_view *dests;      /* the `top` fullest destinations, by used then key */
	size_t ndests;
	struct server_view *servers;  /* the `top` server ports, most TIME_WAIT first */
	size_t nservers;
	unsigned long long tw_sides;  /* TIME_WAIT of the three sides: the shares' whole */
	double other_rate;            /* the rate of the "other" side's TIME_WAIT */
};

/* The view of snapshot s (res may be NULL) with `top` entries of each
 * side; close_rate < 0: every rate is TIME_WAIT / 60 s, else close_rate
 * shared out by TIME_WAIT (sockets_side_rate). 0 or -ENOMEM (v empty
 * then); free with sockets_view_free() either way. */
int sockets_view_build(struct sockets_view *v, const struct sock_snapshot *s,
		       const struct collect_result *res, size_t top, double close_rate);
void sockets_view_free(struct sockets_view *v);

/* At most this many destination pools per namespace become series
 * (twtune_pool_*): the label cardinality's bound (twtune-metrics(7)). */
#define REPORT_POOLS_MAX 10

/* At most this many namespaces have their series in one --all-netns
 * exposition; the rest are counted (twtune_netns_omitted). */
#define REPORT_NETNS_MAX 256

/* Which of n namespaces keep their series when there are more than cap:
 * the host's (host[i]), then the highest risk first (risk[i]: a severity,
 * -1 for one not read), in their order within a risk. Sets keep[i];
 * returns how many are left out. */
size_t netns_keep(const int *risk, const bool *host, size_t n, size_t cap, bool *keep);

/* One of the fullest destination pools, as the Prometheus series show it:
 * its ports and, where the report lists it, its capacity and demand. */
struct pool_metrics {
	char local[IP_STR_LEN], remote[ENDPOINT_STR_LEN];
	unsigned used, time_wait;
	double capacity;              /* per second; < 0: no limit from TIME_WAIT, or not listed */
	double knee;                  /* per second; 0: none */
	double demand;                /* per second; < 0: not measured (a snapshot) */
	double failure_share;         /* with a measured demand */
};

/* A listed destination's pool, now and with the target values, at the
 * demand measured now (rules/capacity.c). */
struct pool_view {
	const struct dest *d;         /* into the snapshot */
	struct pool_capacity now, after;
	struct pool_demand demand, demand_after; /* the same rate; the failure share differs */
	char source[160];             /* where the demand comes from */
};

/* The numbers a report's Prometheus metrics are made of, copied out of
 * the audit: --all-netns keeps one per namespace for its one exposition. */
struct report_metrics {
	enum severity risk;
	size_t nrules;
	const char *rule[RULE_COUNT];     /* the rules' ids (static strings), rule order */
	enum severity sev[RULE_COUNT];
	size_t count[SEV_CRIT + 1];       /* findings at each severity */
	unsigned usable;                  /* usable ephemeral ports */
	double close_rate;
	bool close_rate_measured;         /* over a window, not estimated */
	bool judged_from_counters;        /* only the listeners were dumped */
	bool have_socks;                  /* the rest is known */
	double worst_pressure;
	size_t ndests;
	unsigned long long states[TCP_NSTATES];
	struct sock_counters counters;
	unsigned long long tw_server, tw_client, tw_other;
	long long max_tw_buckets;         /* tcp_max_tw_buckets, or -1 */
	/* the fullest pools, as the view lists them (fullest first), at most
	   REPORT_POOLS_MAX and the report's top; none when judged from counters */
	struct pool_metrics pools[REPORT_POOLS_MAX];
	size_t npools;
};

/* The report of an audit (audit_report): pointers into the audit, and
 * what was computed from it once for every renderer. */
struct report {
	const char *kernel;               /* uname release */
	const char *netns;                /* --netns argument, or "current" */
	const char *netns_id;             /* "net:[4026531840]" */
	const struct settings *current;
	const struct settings *target;    /* suggested, or the profile's */
	const struct observation *obs;
	const struct collect_result *collected; /* how obs->socks were read, or NULL */
	const struct assessment *before;  /* rules on current */
	const struct assessment *after;   /* rules on target, same sockets */
	const char *profile;              /* profile name, or NULL for the suggestion */
	const char *const *unsupported;   /* keys the profile sets that this kernel lacks */
	size_t top;                       /* destinations to list */
	const struct obs_window *observed; /* audit --observe: the eBPF window, or NULL */
	const char *observe_skipped;      /* --observe given, but why it could not run */
	bool from_counters;               /* only the listeners were dumped (cheap_idle) */
	bool verbose;                     /* -v: the sysctl table, evidence and why too */
	const struct nat_view *nat;       /* NAT and conntrack (nat.h), or NULL: not read */

	/* computed once */
	struct ephemeral eph;             /* of the current settings */
	unsigned usable;                  /* its usable ports */
	const struct sockets_view *socks; /* obs->socks as shown, or NULL */
	const struct dest *worst;         /* the fullest pool by effective use (reuse
					     counted), or NULL */
	double worst_pressure;            /* its share of the usable ports; 0 without */
	bool differs[SYSCTL_COUNT];       /* the target changes key i */
	size_t ndiff;
	/* before's findings as they are listed: crit first, rule order within */
	const struct finding *by_severity[RULE_COUNT];
	const struct finding *top_finding; /* the first at the highest severity above
					      ok, or NULL */
	struct report_metrics metrics;
	/* capacity: a destination off loopback now and with the target values;
	 * the listed destinations' pools (socks->dests' order); where the close
	 * rate comes from; the listening ports the target's range covers that
	 * the current one does not (comma-separated, "" for none) */
	struct pool_capacity cap_now, cap_after;
	const struct pool_view *pools;
	size_t npools;
	char rate_source[160];
	char covered[200];
	/* the change as a pod's or docker's sysctls */
	struct k8s_change k8s[SYSCTL_COUNT];
	char k8s_names[SYSCTL_COUNT][96];
	size_t nk8s;
};

#endif
