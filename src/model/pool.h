// SPDX-License-Identifier: GPL-2.0-or-later
/* pool.h: the capacity of a pool of local ports and the demand on it,
 * as plain numbers (computed by rules/capacity.c; the model and the
 * kernel functions it follows: twtune-kernel(7), PORT CAPACITY).
 *
 * A pool is what connect() picks a local port from: (local address,
 * remote address, remote port) for connect() without bind(), or the local
 * address alone for sockets bound to port 0 before connect(). */
#ifndef TWTUNE_POOL_H
#define TWTUNE_POOL_H

#include <stdbool.h>

/* How long a closed connection keeps its port without reuse: TIME_WAIT's
 * 60 s (TCP_TIMEWAIT_LEN) plus the timer's slack; measured 60.4-63 s on
 * 6.18, so about 61 s (FACTS.md, turn 3). */
#define CAPACITY_HOLD_SECONDS 61.0
/* Ranges with fewer usable ports have no noticeable knee: connect() scans
 * the first-parity half at about 0.25 us a port (measured on 6.18), under
 * 1 ms for a half of 8192 ports, about 6 ms for a half of 24,576. */
#define CAPACITY_KNEE_MIN_PORTS 8192u
/* Warn when the demand reaches this share of either figure. */
#define CAPACITY_WARN_SHARE 0.8

struct pool_capacity {
	unsigned range;       /* usable ports of the range: its size less reserved ports */
	unsigned held;        /* of those, held by listeners and bound sockets */
	unsigned usable;      /* range - held */
	bool reuse;           /* tcp_tw_reuse applies to the pool (timestamps on) */
	double port_seconds;  /* how long a closed connection keeps its port:
				 CAPACITY_HOLD_SECONDS, or with reuse the delay */
	double sustain;       /* connections/s sustained without failures */
	double knee;          /* connections/s before connect() slows; 0: none */
	/* tcp_max_tw_buckets is below usable: closes beyond it skip TIME_WAIT
	 * and free their port at once, so TIME_WAIT cannot fill the pool;
	 * sustain is then CAPACITY_UNBOUNDED (live sockets aside) */
	bool tw_capped;
};
#define CAPACITY_UNBOUNDED 1e9

/* Where a demand figure comes from. */
enum demand_source {
	DEMAND_NONE,      /* not known */
	DEMAND_ESTIMATE,  /* TIME_WAIT count / 60 s: a snapshot's lower bound */
	DEMAND_COUNTERS,  /* the namespace's counters over the window, split by TIME_WAIT count */
	DEMAND_AGES,      /* the namespace's counters over the window, split by TIME_WAIT ages */
	DEMAND_OBSERVED,  /* connect() attempts counted over eBPF */
};

struct pool_demand {
	double rate;              /* connections/s wanted; -1: not known */
	bool at_least;            /* a lower bound: connects that failed are not counted */
	enum demand_source source;
	double fail_share;        /* share of connects expected to fail: 0..1 */
	/* the pool holds half its ports or more on a range with a knee: the
	 * first-parity half is held, and every connect() scans it now */
	bool past_knee;
};

#endif
