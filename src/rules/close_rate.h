// SPDX-License-Identifier: GPL-2.0-or-later
/* close_rate.h: the close rate, TIME_WAIT made per second, for the audit
 * and watch alike: measured from two reads of TcpExt TW, or estimated
 * from the TIME_WAIT count now (each lives 60 s, so the count now is about
 * the closes of the last minute) */
#ifndef TWTUNE_CLOSE_RATE_H
#define TWTUNE_CLOSE_RATE_H

#include <stdbool.h>

#include "risk.h"
#include "sockets.h"

/* The closes per second between the counters a and b, read dt seconds
 * apart: the growth of TcpExt TW plus TCPTimeWaitOverflow (closes that
 * skipped TIME_WAIT) over dt. True with *rate and
 * *overflow_delta (the growth of TCPTimeWaitOverflow, or -1 when either
 * read lacks it) set; false, leaving them alone, when a TW counter is
 * missing, it went back, or dt <= 0. */
bool close_rate_between(const struct sock_counters *a, const struct sock_counters *b, double dt,
			double *rate, long long *overflow_delta);

/* The TIME_WAIT count the estimate divides: sockstat's tw, else the
 * dump's count (s may be NULL: none), else -1. */
long long close_rate_tw(const struct sock_counters *c, const struct sock_snapshot *s);

/* Sets the close rate of o: rate >= 0 is measured over interval seconds
 * (with overflow_delta); rate < 0 estimates it from tw, the TIME_WAIT
 * count now (tw < 0: unknown, 0 per second), over TCP_TIMEWAIT_SECONDS,
 * with overflow_delta -1. */
void close_rate_set(struct observation *o, double rate, double interval,
		    long long overflow_delta, long long tw);

#endif
