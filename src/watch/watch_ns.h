// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_ns.h: `twtune --all-netns watch`: the model of every network
 * namespace of the host, one struct watch each.
 *
 * The namespaces come from nsscan, again every WATCH_NS_RESCAN seconds
 * (rows are kept by namespace identity, so their history survives; those
 * no longer found are dropped). Each frame enters every namespace in turn
 * (nsenter, from the main thread: /proc/net and netlink follow it),
 * samples its model as `watch` does, and comes back: the counters every
 * frame, the socket dump when due, all dumps sharing one budget of
 * WATCH_DUMP_BUDGET of one core, and without naming processes (the scan
 * of /proc would run once per namespace). Opening a row enters that
 * namespace until it is closed: its model is then sampled alone, with
 * processes and its own budget, as `watch --netns` would. Nothing here
 * prints or reads the global options.
 */
#ifndef TWTUNE_WATCH_NS_H
#define TWTUNE_WATCH_NS_H

#include <stdbool.h>
#include <stddef.h>

#include "nsscan.h"
#include "watch.h"

#define WATCH_NS_RESCAN 5.0 /* seconds between scans for namespaces */

enum watch_ns_status {
	WNS_READ,   /* entered and sampled */
	WNS_GONE,   /* went away since the scan */
	WNS_DENIED, /* may not be opened or entered */
	WNS_FAILED, /* entered, but neither its sysctls nor its counters read */
};
const char *watch_ns_status_name(enum watch_ns_status s);

struct watch_nsrow {
	unsigned long long inode, dev;
	char label[NSSCAN_LABEL];
	char procs[80];       /* "nginx 412, pause 17": its first processes */
	unsigned long process_count;
	bool host;
	enum watch_ns_status status;
	char why[300];        /* for every status but WNS_READ */
	bool started;         /* w was initialized (watch_init) */
	struct watch w;       /* sampled inside the namespace */
	size_t scan_idx;      /* its entry in the latest scan */
	double pool;          /* the fullest destination's share of usable ports */
	double connects_rate, failures_rate; /* --observe: connect()s per second, all
						destinations, last frame */
};

enum watch_ns_sort { WNS_SORT_RISK, WNS_SORT_TW, WNS_SORT_RATE, WNS_SORT_NAME, WNS_SORT_COUNT };
/* "risk", "TIME_WAIT", "rate", "name" */
const char *watch_ns_sort_name(enum watch_ns_sort s);

struct watch_all {
	/* set before watch_all_init */
	struct collect_opts collect; /* for every namespace's dump */
	bool processes;              /* name the processes of an opened namespace */
	bool unbudgeted;             /* dump each namespace when due whatever it costs
					(--once: one frame, the whole picture) */
	const char *sysctl_root;     /* "/proc/sys" */
	const char *proc_root;       /* "/proc" */
	const char *const *dirs;     /* bind-mount directories (nsscan_default_dirs) */

	char host[65];
	char kernel[65];
	struct nsscan scan;
	bool have_scan;
	int scan_err;        /* why the latest scan failed (the rows stay), or 0 */
	double scan_at;      /* when it ran */
	int home;            /* the namespace watch started in */
	struct watch_nsrow **rows; /* by scan order; order[] is the shown one */
	size_t n, cap;
	struct watch_nsrow **order;
	enum watch_ns_sort sort;
	size_t sel;          /* the selected row, into order */
	struct watch_budget budget;
	unsigned long long frames;
	size_t first;        /* the row sampled first this frame (turns round) */

	/* of the latest frame */
	long long tw_total;  /* -1: none read */
	double rate_total;   /* -1: not measured */
	enum severity worst;
	size_t nread, ngone, ndenied, nfailed;

	struct watch_nsrow *open; /* the row entered with watch_all_open, or NULL */
	bool lost_home;           /* the thread could not come back: nothing more is read */
	bool observing;           /* --observe: the eBPF program counts every namespace */
	double observed_window;   /* seconds counted by the last read */
	double connects_total, failures_total; /* per second, every namespace */
};

/* Scans, keeps a way back to the current namespace, and samples every
 * namespace once. 0, or -errno when the namespaces cannot be listed, the
 * current one cannot be kept, or none could be read (watch_all_free
 * either way). */
int watch_all_init(struct watch_all *a, double now);
void watch_all_free(struct watch_all *a);

/* One frame at now: a scan when WATCH_NS_RESCAN went by, then every
 * namespace (or, while one is open, only that one). 0, or -errno when
 * the thread could not come back to its namespace (nothing else can be
 * trusted then). */
int watch_all_sample(struct watch_all *a, double now);

/* --observe: the eBPF counts read now (of every namespace, cumulative
 * since attaching) split by namespace into each row's model, as
 * watch_observed does for one, and summed per row; win stays the caller's
 * until the next call (the rules of each namespace judge it). 0 or
 * -ENOMEM. */
struct obs_window;
int watch_all_observed(struct watch_all *a, const struct obs_window *win);

/* Sorts order[] by s, the selection staying on its namespace. */
void watch_all_set_sort(struct watch_all *a, enum watch_ns_sort s);
/* Moves the selection by delta rows, within the rows. */
void watch_all_move(struct watch_all *a, long delta);

/* Enters the selected namespace and samples its model alone from now on,
 * with processes. 0, or -errno with why ("gone", or the reason it cannot
 * be entered) and nothing open. */
int watch_all_open(struct watch_all *a, double now, char *why, size_t len);
/* Back to the summary (and the namespace watch started in). 0 or -errno. */
int watch_all_close(struct watch_all *a);


#endif
