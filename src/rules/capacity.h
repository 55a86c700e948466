// SPDX-License-Identifier: GPL-2.0-or-later
/* capacity.h: the capacity model per pool (model/pool.h), as the
 * kernel allocates ports: __inet_hash_connect() scans the range for a port
 * whose 4-tuple __inet_check_established() finds free or in a TIME_WAIT
 * that tcp_twsk_unique() lets it take over; inet_csk_get_port() gives
 * bind(port 0) a port no other socket holds. twtune-kernel(7), PORT
 * CAPACITY, gives the model and its measurements. */
#ifndef TWTUNE_RULES_CAPACITY_H
#define TWTUNE_RULES_CAPACITY_H

#include "pool.h"
#include "risk.h"

/* Ports inside the range (not reserved) that no connect() can take:
 * listeners' and bound, never connected, sockets' (s may be NULL: 0). */
unsigned capacity_held(const struct settings *s, const struct sock_snapshot *socks);

/* The capacity of destination pool d (NULL: a destination off loopback)
 * under the settings s, with the sockets socks (may be NULL). */
void capacity_dest(const struct settings *s, const struct sock_snapshot *socks,
		   const struct dest *d, struct pool_capacity *c);

/* The capacity of a bind-before-connect pool (a local address): bind()
 * takes no TIME_WAIT over, whatever tcp_tw_reuse says. */
void capacity_bind(const struct settings *s, const struct sock_snapshot *socks,
		   struct pool_capacity *c);

/* The demand on destination pool d, and the share of connects expected to
 * fail against c: measured over eBPF, else the namespace's close rate
 * over the window split by TIME_WAIT ages (or counts), else the
 * snapshot's estimate. at_least when the pool is full. */
void capacity_demand(const struct observation *o, const struct dest *d,
		     const struct pool_capacity *c, struct pool_demand *m);

/* 1 - sustain / demand above the sustained rate, else 0. */
double capacity_fail_share(double demand, double sustain);

/* The severity of a pool with `used` ports taken: crit above the sustained
 * rate (or full without reuse, or full and at it), warn from
 * CAPACITY_WARN_SHARE of the sustained rate or of the knee, or when full. */
enum severity capacity_severity(const struct pool_capacity *c, const struct pool_demand *m,
				unsigned used);

/* "measured over 1.0 s: TcpExt TW + TCPTimeWaitOverflow, split by TIME_WAIT ages"
 * and the like. Returns buf. */
const char *capacity_source_text(const struct observation *o, const struct pool_demand *m,
				 char *buf, size_t len);

/* "at least 2000/s wanted; sustains 16/s without failures (1000 usable
 * ports / 61 s); about 99% of connects fail", or what the knee says. */
void capacity_text(const struct pool_capacity *c, const struct pool_demand *m, char *buf,
		   size_t len);

#endif
