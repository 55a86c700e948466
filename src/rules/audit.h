// SPDX-License-Identifier: GPL-2.0-or-later
/* audit.h: gather what the rules judge (sysctls, sockets, counters) and
 * assess it, now and with the proposed values */
#ifndef TWTUNE_AUDIT_H
#define TWTUNE_AUDIT_H

#include <sys/utsname.h>

#include "collect.h"
#include "conntrack.h"
#include "nat.h"
#include "observation.h"
#include "profile.h"
#include "view.h"
#include "risk.h"
#include "sockets.h"

/* Where an audit reads from: filled by the command from the global
 * options. */
struct audit_ctx {
	const char *sysctl_root;     /* usually /proc/sys */
	const char *netns;           /* the --netns argument, or NULL for the current one */
	struct collect_opts collect; /* the sockets and counters */
	/* Judge an idle namespace from its counters: when TIME_WAIT plus the
	 * sockets in use (sockstat, sockstat6) cannot reach any warn
	 * threshold, dump the listeners only (collect.listeners_only). */
	bool cheap_idle;
	const struct obs_window *observed; /* audit --observe: the eBPF window, or NULL */
	/* A measuring window opened before (audit_window_open; --all-netns
	 * opens one for every namespace): its start (audit_clock() seconds;
	 * 0: none, audit_run opens its own) and the counters then. */
	double window_start;
	struct sock_counters window_c0;
	bool conntrack;          /* read the conntrack table too (nat.h) */
	const char *ct_replay;   /* a recorded ctnetlink dump instead of the kernel's, or NULL */
};

/* The measuring window: audit_clock() is its clock (monotonic seconds);
 * audit_window_open reads the counters o names and the time: 0, or
 * -ENODATA when they cannot be read (a replay, no TcpExt TW), *start 0;
 * audit_sleep sleeps (seconds <= 0: not). */
double audit_clock(void);
int audit_window_open(const struct collect_opts *co, struct sock_counters *c0, double *start);
void audit_sleep(double seconds);

struct audit {
	struct settings current, target;
	struct sock_snapshot socks;
	struct collect_result collected; /* how the sockets were read */
	bool have_socks;
	int sock_err;                /* why sockets could not be read */
	const char *netns;           /* as in audit_ctx */
	struct observation obs;
	double thresholds[THR_COUNT_];
	struct assessment before, after;
	const char *unsupported[17]; /* NULL-terminated */
	char kernel[sizeof(((struct utsname *)0)->release)];
	char netns_id[64];
	bool from_counters;          /* cheap_idle took: only listeners were dumped */
	struct sockets_view view;    /* the sockets as the last audit_report() shows them */
	struct pool_view *pools;     /* their pools, as the last audit_report() shows them */
	bool ct_read;                /* ctx->conntrack: ct and nat are filled */
	struct ct_table ct;
	struct nat_view nat;
};

/* True when the counters C bound every socket count the rules judge below
 * its warn threshold THR for the settings S: TIME_WAIT plus sockets in
 * use cannot fill any destination's ports, the TIME_WAIT buckets or the
 * CLOSE_WAIT limit, nor reach what the origin rules report (server_tw_info
 * on one port, client_churn_info closes/s by the TIME_WAIT estimate).
 * False when a counter is missing. */
bool audit_counters_idle(const struct sock_counters *c, const struct settings *s,
			 const double *thr);

/* The one decision to dump only the listeners (collect_opts
 * listeners_only), for an audit with cheap_idle and watch's rows alike:
 * the live kernel is asked over sock_diag (not procfs, a replay or a
 * recording, which read or keep every socket), the counters c say the
 * namespace is idle (audit_counters_idle), and the close rate measured
 * before the dump (< 0: none) does not reach client_churn_info. */
bool audit_listeners_only(const struct collect_opts *co, const struct sock_counters *c,
			  const struct settings *s, const double *thr, double close_rate);

/* The current values of every key under sysctl_root, and the computed
 * default of tcp_max_tw_buckets. 0 or -errno with err set. */
int settings_read(struct settings *s, const char *sysctl_root, char *err, size_t errlen);

/* Reads everything ctx names and assesses it. p (may be NULL) gives the
 * target and thresholds; without it the target is the suggestion.
 * interval > 0 measures the rates over a window of that many seconds
 * before the dump (ctx may have opened it: window_start): TcpExt TW and
 * TCPTimeWaitOverflow, Tcp ActiveOpens, TcpExt TWRecycled, and the
 * TIME_WAIT younger than the window; the eBPF window, when given, is the
 * measure instead; else the rates are estimated from the snapshot. 0 or -errno
 * with err set. */
int audit_run(struct audit *a, const struct audit_ctx *ctx, const struct profile *p,
	      double interval, char *err, size_t errlen);
void audit_free(struct audit *a);
/* The report of an audit, for report_*(): what every renderer walks,
 * computed once (view.h), with `top` destinations and server ports. The
 * audit keeps what it allocates until audit_free() (or the next call).
 * 0 or -ENOMEM. */
int audit_report(struct audit *a, const char *profile, size_t top, struct report *r);

#endif
