// SPDX-License-Identifier: GPL-2.0-or-later
/* capacity.c: the capacity model per pool and the demand on it
 * (capacity.h; twtune-kernel(7), PORT CAPACITY) */
#include "capacity.h"

#include <stdio.h>

#include <sys/socket.h>

#include "observation.h"
#include "risk_observed.h"

unsigned capacity_held(const struct settings *s, const struct sock_snapshot *socks)
{
	struct ephemeral e = settings_ephemeral(s);
	unsigned long long held = 0;

	if (!socks)
		return 0;
	/* a listener's or a bound socket's bucket (fastreuse >= 0) is skipped
	 * by __inet_hash_connect() for every destination; every listener,
	 * against the range of s (a proposed range may cover more of them) */
	for (size_t i = 0; i < socks->nlsocks; i++) {
		unsigned p = socks->lsocks[i].port;

		held += p >= e.low && p <= e.high && !ephemeral_reserved(&e, p) &&
			(i == 0 || socks->lsocks[i - 1].port != p);
	}
	held += socks->bound;
	return held > 65535 ? 65535 : (unsigned)held;
}

static void fill(struct pool_capacity *c, const struct settings *s,
		 const struct sock_snapshot *socks, bool reuse)
{
	struct ephemeral e = settings_ephemeral(s);
	long long delay = settings_num(s, SYSCTL_TCP_TW_REUSE_DELAY, -1);
	long long max_tw = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);

	c->range = ephemeral_usable(&e);
	c->held = capacity_held(s, socks);
	if (c->held > c->range)
		c->held = c->range;
	c->usable = c->range - c->held;
	c->reuse = reuse;
	/* 6.14+: tcp_tw_reuse_delay ms after the last timestamp; before, at
	 * the next whole second (between 0 and 1 s): about 1 s */
	c->port_seconds = !reuse ? CAPACITY_HOLD_SECONDS : delay > 0 ? (double)delay / 1000 : 1.0;
	c->sustain = c->usable / c->port_seconds;
	c->knee = c->usable >= CAPACITY_KNEE_MIN_PORTS ? c->sustain / 2 : 0;
	/* inet_twsk_alloc() refuses a TIME_WAIT past tcp_max_tw_buckets */
	c->tw_capped = max_tw >= 0 && max_tw < (long long)c->usable;
	if (c->tw_capped) {
		c->sustain = CAPACITY_UNBOUNDED;
		c->knee = 0;
	}
}

void capacity_dest(const struct settings *s, const struct sock_snapshot *socks,
		   const struct dest *d, struct pool_capacity *c)
{
	static const struct dest off_loopback = { .local = { .family = AF_INET, .bytes = { 10 } },
						  .remote = { .family = AF_INET, .bytes = { 10 } } };

	fill(c, s, socks, reuse_applies(s, d ? d : &off_loopback));
}

void capacity_bind(const struct settings *s, const struct sock_snapshot *socks,
		   struct pool_capacity *c)
{
	fill(c, s, socks, false);
	c->knee = 0; /* inet_csk_find_open_port() scans differently: not modelled */
}

double capacity_fail_share(double demand, double sustain)
{
	return demand > sustain && demand > 0 ? 1 - sustain / demand : 0;
}

void capacity_demand(const struct observation *o, const struct dest *d,
		     const struct pool_capacity *c, struct pool_demand *m)
{
	const struct sock_snapshot *s = o->socks;
	double obs = d ? observed_dest_attempt_rate(o, d) : -1;

	*m = (struct pool_demand){ .rate = -1, .source = DEMAND_NONE };
	if (obs >= 0) {
		/* the attempts whose ports stay held: not those the server
		 * closed first (their client side enters no TIME_WAIT) */
		double share = observed_dest_close_share(o, d);

		m->rate = share >= 0 ? obs * share : obs;
		m->source = DEMAND_OBSERVED;
	} else if (s && d && o->close_rate_measured && o->ages && s->tw_young) {
		m->rate = o->close_rate * (double)d->tw_young / (double)s->tw_young;
		m->source = DEMAND_AGES;
	} else if (s && d && o->close_rate_measured) {
		/* nothing young to split by (overflow, takeovers): by count */
		m->rate = sockets_side_rate(s, d->time_wait, o->close_rate);
		m->source = DEMAND_COUNTERS;
	} else if (s && d) {
		m->rate = (double)d->time_wait / TCP_TIMEWAIT_SECONDS;
		m->source = DEMAND_ESTIMATE;
		m->at_least = true;
	}
	/* a full pool turns connects away unseen by any counter; its
	 * TIME_WAIT were made within the last 61 s, at least that many */
	if (m->source != DEMAND_OBSERVED && d && d->used >= c->usable && c->usable) {
		double held = (double)d->time_wait / CAPACITY_HOLD_SECONDS;

		m->at_least = true;
		if (held > m->rate)
			m->rate = held;
	}
	m->fail_share = m->rate >= 0 ? capacity_fail_share(m->rate, c->sustain) : 0;
	m->past_knee = d && c->knee > 0 && d->used >= c->usable / 2;
}

enum severity capacity_severity(const struct pool_capacity *c, const struct pool_demand *m,
				unsigned used)
{
	bool full = c->usable == 0 || used >= c->usable;
	double r = m->rate;

	if (r > c->sustain || (full && !c->reuse) ||
	    (full && m->at_least && r >= 0.9 * c->sustain))
		return SEV_CRIT;
	if (r >= CAPACITY_WARN_SHARE * c->sustain ||
	    (c->knee > 0 && r >= CAPACITY_WARN_SHARE * c->knee) || full || m->past_knee)
		return SEV_WARN;
	return SEV_OK;
}

const char *capacity_source_text(const struct observation *o, const struct pool_demand *m,
				 char *buf, size_t len)
{
	switch (m->source) {
	case DEMAND_OBSERVED:
		snprintf(buf, len, "observed: connect() attempts over eBPF in %.1f s, those whose port "
			 "enters TIME_WAIT here",
			 o->observed ? o->observed->window_seconds : 0);
		break;
	case DEMAND_AGES:
		snprintf(buf, len, "measured over %.1f s: TcpExt TW + TCPTimeWaitOverflow, split by "
			 "TIME_WAIT ages", o->interval);
		break;
	case DEMAND_COUNTERS:
		snprintf(buf, len, "measured over %.1f s: TcpExt TW + TCPTimeWaitOverflow, split by "
			 "TIME_WAIT count", o->interval);
		break;
	case DEMAND_ESTIMATE:
		snprintf(buf, len, "estimated from TIME_WAIT / 60 s, a lower bound: --interval 0");
		break;
	default:
		snprintf(buf, len, "not measured");
	}
	return buf;
}

/* "2000/s" or "at least 2000/s" */
static const char *rate_text(const struct pool_demand *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s%.0f/s", m->at_least ? "at least " : "", m->rate);
	return buf;
}

void capacity_text(const struct pool_capacity *c, const struct pool_demand *m, char *buf,
		    size_t len)
{
	char r[48];
	size_t n;

	if (c->tw_capped) {
		snprintf(buf, len, "%s wanted; TIME_WAIT cannot fill its %u usable ports while "
			 "tcp_max_tw_buckets is lower: the closes beyond it skip TIME_WAIT",
			 rate_text(m, r, sizeof(r)), c->usable);
		return;
	}
	n = (size_t)snprintf(buf, len, "%s wanted; sustains %.0f/s without failures (%u usable ports"
			     " / %g s%s)", rate_text(m, r, sizeof(r)), c->sustain, c->usable,
			     c->port_seconds, c->reuse ? ", tcp_tw_reuse" : "");
	if (n >= len)
		return;
	if (m->fail_share > 0)
		snprintf(buf + n, len - n, "; about %.0f%% of connects fail", m->fail_share * 100);
	else if (m->past_knee)
		snprintf(buf + n, len - n, "; half its ports are held, so each connect() scans the "
			 "first-parity half first: slow now, and the rate it gets is what the slowness "
			 "leaves (knee %.0f/s)", c->knee);
	else if (c->knee > 0 && m->rate >= c->knee)
		snprintf(buf + n, len - n, "; above %.0f/s, where connect() slows (the first-parity "
			 "half of the range is held)", c->knee);
	else if (c->knee > 0)
		snprintf(buf + n, len - n, "; connect() slows above %.0f/s", c->knee);
}
