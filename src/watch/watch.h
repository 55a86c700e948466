// SPDX-License-Identifier: GPL-2.0-or-later
/* watch.h: the sampled model behind `twtune watch`.
 *
 * Every frame reads only the kernel's counters (/proc/net/sockstat and
 * /proc/net/netstat, collect_counters): the TIME_WAIT total and the close
 * rate (TcpExt TW deltas) go into a ring of the last WATCH_HISTORY
 * samples. The socket dump, which costs about 0.6 us per socket, is
 * redone only when the counters moved since the last one, or every
 * WATCH_DUMP_EVERY frames, and never more often than its CPU budget
 * allows: the next dump waits until the last one's CPU time is at most
 * WATCH_DUMP_BUDGET of the time since. After each dump the sysctls are
 * read again and the rules judge the new snapshot. Nothing here prints or
 * reads the global options; the render (watch_render.h) turns the model
 * into lines, the command (cmd_watch.c) draws them; --observe adds the
 * eBPF counts (watch_observe.h).
 */
#ifndef TWTUNE_WATCH_H
#define TWTUNE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "risk.h"
#include "settings.h"
#include "sockets.h"
#include "thresholds.h"

#define WATCH_HISTORY 60       /* samples in the sparkline ring */
#define WATCH_DUMP_EVERY 5     /* frames after which a dump is redone anyway */
#define WATCH_DUMP_BUDGET 0.02 /* share of one core the dumps may take */

/* A CPU budget the dumps of several models share (the summary of every
 * namespace, watch_ns.h): it fills at WATCH_DUMP_BUDGET seconds of CPU
 * per second, up to WATCH_BUDGET_CAP or the dearest dump expected if
 * more, and each dump takes its CPU time from it. A model dumps only
 * when the balance covers what its dump is expected to cost (its last
 * one, or WATCH_DUMP_PER_SOCKET for each socket the counters show), so
 * the cheap dumps of small namespaces are not held up for a namespace
 * of 400000 sockets, which waits until its own cost has accrued. */
#define WATCH_BUDGET_CAP (WATCH_DUMP_BUDGET * WATCH_DUMP_EVERY)
#define WATCH_DUMP_PER_SOCKET 0.6e-6 /* CPU seconds, measured by make bench */
#define WATCH_DUMP_FIXED 100e-6      /* CPU seconds of a dump of no socket */
struct watch_budget {
	double balance; /* CPU seconds the dumps may still take */
	double at;      /* when it was last filled (monotonic s) */
	double cap;     /* the most it holds: WATCH_BUDGET_CAP, or more */
};
/* Fills b for the time since it was last filled. */
void watch_budget_fill(struct watch_budget *b, double now);

enum watch_sort { WATCH_SORT_USED, WATCH_SORT_TW, WATCH_SORT_RATE, WATCH_SORT_COUNT };
/* "used", "TIME_WAIT", "rate" */
const char *watch_sort_name(enum watch_sort s);

/* One destination of the latest dump, with its TIME_WAIT growth per
 * second since the dump before (0 for a new destination). */
struct watch_row {
	const struct dest *d; /* into w->socks */
	double rate;
};

/* A server-side local port of the latest dump with TIME_WAIT, and its
 * growth per second since the dump before. */
#define WATCH_SERVERS 32
struct watch_server {
	const struct port_entry *e; /* into w->socks */
	double rate;
};

/* --observe: one destination the eBPF program counted connect()s to,
 * with the rates between the last two reads (watch_observed). */
struct watch_obs {
	int family;
	bool has_local;
	uint8_t local[16], remote[16];
	uint16_t port;
	uint64_t attempts, failures, eaddrnotavail; /* since attaching */
	double connects_rate, failures_rate;        /* per second, last frame */
	char comm[16];                              /* the process failing (or connecting) most */
};

struct watch {
	/* where to read: set before watch_init */
	struct collect_opts collect;
	const char *sysctl_root;
	const char *netns; /* the --netns argument, or NULL: "current" */
	struct watch_budget *budget; /* shared by several models, or NULL: the
					model's own (the last dump's CPU time) */
	bool cheap_idle;   /* dump only the listeners while the counters say the
			      namespace is idle (audit_counters_idle), as
			      --all-netns audit does; the summary's rows */

	/* who and where */
	char host[65];
	char kernel[65];
	char netns_id[64];

	/* the ring: tw[(head + i) % WATCH_HISTORY] for i < nhist, oldest first */
	long long tw[WATCH_HISTORY];
	double rate[WATCH_HISTORY];
	size_t head, nhist;
	long long tw_now;  /* TIME_WAIT now: sockstat tw, or the dump's count */
	double close_rate; /* TIME_WAIT made per second over the last frame, or -1 */
	struct sock_counters counters; /* of the latest frame */
	double counters_at;            /* when they were read (monotonic s) */
	bool have_counters;

	/* the latest dump and what the rules say of it */
	struct settings cur;
	bool have_settings;
	struct sock_snapshot socks;
	struct collect_result collected;
	bool have_socks;
	bool from_counters;           /* it holds only the listeners (cheap_idle) */
	int sock_err;                 /* why the last dump failed, or 0 */
	struct sock_counters dumped;  /* the counters when it was made */
	double snap_at;               /* when the snapshot in use was made */
	double dump_at, dump_cpu;     /* when the last dump ran, and its CPU seconds */
	unsigned frames_since_dump;
	unsigned long long ndumps;
	struct watch_server servers[WATCH_SERVERS]; /* most TIME_WAIT first */
	size_t nservers;
	struct watch_row *rows;       /* every destination, sorted by `sort` */
	size_t nrows;
	enum watch_sort sort;
	double thresholds[THR_COUNT_];
	struct observation obs;
	struct assessment now;

	/* --observe: the eBPF counts (watch_observe.c), most failing first */
	bool observing;
	uint32_t observe_netns; /* only those of this namespace (inode), or 0: all read */
	struct watch_obs *observed;
	size_t nobserved;
	double observed_window; /* seconds counted by the last read */
	/* the last read itself, owned by the caller, for the rules (the
	 * connect-failures finding, measured TIME_WAIT rates), or NULL */
	const struct obs_window *observed_win;
	int observe_err;        /* why the last read failed, or 0 */
};

/* Reads the host and kernel names and the namespace identity, and makes
 * the first sample (counters and a dump). 0, or -errno when neither the
 * sysctls nor the counters can be read (watch_free either way). */
int watch_init(struct watch *w);
void watch_free(struct watch *w);

/* One frame at monotonic time now (seconds): the counters, and the dump
 * when it is due. 0, or -errno when the counters cannot be read (the
 * model keeps the last frame's). */
int watch_sample(struct watch *w, double now);

/* The pure part of a frame, for watch_sample and the unit tests: the
 * counters c read at now and, when a dump was made, its snapshot (moved
 * into the model: snap is left empty). 0 or -ENOMEM. */
int watch_step(struct watch *w, const struct sock_counters *c, struct sock_snapshot *snap,
	       double now);

/* Sorts the rows by s (descending, ties by key order of the dump). */
void watch_set_sort(struct watch *w, enum watch_sort s);

/* The i-th sample of the ring, oldest first (i < w->nhist). */
long long watch_tw_at(const struct watch *w, size_t i);
double watch_rate_at(const struct watch *w, size_t i);

/* Seconds on the monotonic clock. */
double watch_clock(void);

#endif
