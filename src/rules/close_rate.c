// SPDX-License-Identifier: GPL-2.0-or-later
/* close_rate.c: the close rate, measured or estimated (close_rate.h) */
#include "close_rate.h"

bool close_rate_between(const struct sock_counters *a, const struct sock_counters *b, double dt,
			double *rate, long long *overflow_delta)
{
	if (a->tw < 0 || b->tw < a->tw || !(dt > 0))
		return false;
	*overflow_delta = a->tw_overflow >= 0 && b->tw_overflow >= a->tw_overflow
				  ? b->tw_overflow - a->tw_overflow
				  : -1;
	/* a close that skipped TIME_WAIT (overflow) was a close all the same */
	*rate = (double)(b->tw - a->tw + (*overflow_delta > 0 ? *overflow_delta : 0)) / dt;
	return true;
}

long long close_rate_tw(const struct sock_counters *c, const struct sock_snapshot *s)
{
	if (c && c->sockstat_tw >= 0)
		return c->sockstat_tw;
	return s ? (long long)s->states[TCP_STATE_TIME_WAIT] : -1;
}

void close_rate_set(struct observation *o, double rate, double interval,
		    long long overflow_delta, long long tw)
{
	bool measured = rate >= 0;

	o->close_rate = measured ? rate : tw >= 0 ? (double)tw / TCP_TIMEWAIT_SECONDS : 0;
	o->close_rate_measured = measured;
	o->interval = measured ? interval : TCP_TIMEWAIT_SECONDS;
	o->overflow_delta = measured ? overflow_delta : -1;
}
