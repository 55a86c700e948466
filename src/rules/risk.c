// SPDX-License-Identifier: GPL-2.0-or-later
/* risk.c: the risk rules. Kernel semantics as man/twtune-kernel.7 gives
 * them, from net/ipv4/tcp_ipv4.c (tcp_twsk_unique), inet_hashtables.c
 * (__inet_hash_connect) and tcp_minisocks.c (tcp_time_wait). */
#include "risk.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "capacity.h"
#include "risk_observed.h"
#include "risk_origin.h"

static enum severity by_threshold(double v, double warn, double crit)
{
	return v >= crit ? SEV_CRIT : v >= warn ? SEV_WARN : SEV_OK;
}

static const struct dest **top_dests(const struct observation *o, size_t n, size_t *got)
{
	const struct dest **top;

	*got = 0;
	if (!o->socks || !o->socks->ndests)
		return NULL;
	top = calloc(n, sizeof(*top));
	if (top)
		*got = sockets_top(o->socks, top, n);
	return top;
}

/* The pool judged worst: the highest severity, then the largest share of
 * its sustained rate wanted, then the most ports used. */
struct pool_eval {
	const struct dest *d;
	struct pool_capacity c;
	struct pool_demand m;
	double pressure; /* used / usable */
	enum severity sev;
};

static void pool_eval(const struct settings *s, const struct observation *o, const double *thr,
		      const struct dest *d, struct pool_eval *p)
{
	enum severity by_ports;

	p->d = d;
	capacity_dest(s, o->socks, d, &p->c);
	capacity_demand(o, d, &p->c, &p->m);
	p->pressure = p->c.usable ? (double)d->used / p->c.usable : 1;
	/* a TIME_WAIT port that reuse can take over is not free: it comes back
	 * after the delay, so with reuse the TIME_WAIT are judged by the rate
	 * (capacity_severity), the live sockets by their share */
	if (p->c.reuse)
		by_ports = by_threshold(p->c.usable ? (double)(d->used - d->time_wait) / p->c.usable : 1,
					thr[THR_PORT_PRESSURE_WARN], thr[THR_PORT_PRESSURE_CRIT]);
	else
		by_ports = by_threshold(p->pressure, thr[THR_PORT_PRESSURE_WARN],
					thr[THR_PORT_PRESSURE_CRIT]);
	p->sev = capacity_severity(&p->c, &p->m, d->used);
	if (by_ports > p->sev)
		p->sev = by_ports;
}

static bool pool_worse(const struct pool_eval *a, const struct pool_eval *b)
{
	double ra = a->c.sustain > 0 ? a->m.rate / a->c.sustain : 1e9;
	double rb = b->c.sustain > 0 ? b->m.rate / b->c.sustain : 1e9;

	if (a->sev != b->sev)
		return a->sev > b->sev;
	if (ra != rb)
		return ra > rb;
	return a->d->used > b->d->used;
}

/* The worst client pool, false when there is none. */
static bool worst_pool(const struct settings *s, const struct observation *o, const double *thr,
		       struct pool_eval *w)
{
	bool any = false;

	if (!o->socks)
		return false;
	for (const struct dest *d = sockets_dests(o->socks, NULL); d; d = sockets_dests(o->socks, d)) {
		struct pool_eval p;

		pool_eval(s, o, thr, d, &p);
		if (!any || pool_worse(&p, w))
			*w = p;
		any = true;
	}
	return any;
}

static void check_port_exhaustion(const struct settings *s, const struct observation *o,
				  const double *thr, struct finding *f)
{
	struct pool_eval w;
	char name[120], text[300], src[160];
	size_t n = 0;
	const struct dest **top;

	if (!o->socks) {
		risk_title(f, "socket pressure not measured");
		return;
	}
	if (!worst_pool(s, o, thr, &w)) {
		struct pool_capacity c;

		capacity_dest(s, o->socks, NULL, &c);
		risk_ev_num(f, "usable_ports", c.usable);
		risk_ev_num(f, "capacity_per_second", c.sustain);
		risk_title(f, "no outgoing connections hold ephemeral ports");
		return;
	}
	dest_key_str(w.d, name, sizeof(name));
	risk_ev_num(f, "usable_ports", w.c.usable);
	if (w.c.held)
		risk_ev_num(f, "held_ports", w.c.held);
	if (w.c.tw_capped)
		risk_ev_text(f, "capacity", "no limit from TIME_WAIT: tcp_max_tw_buckets is below "
			     "the usable ports");
	else
		risk_ev_num(f, "capacity_per_second", w.c.sustain);
	if (w.c.knee > 0)
		risk_ev_num(f, "knee_per_second", w.c.knee);
	risk_ev_num(f, "demand_per_second", w.m.rate);
	if (w.m.at_least)
		risk_ev_num(f, "demand_at_least", 1);
	risk_ev_num(f, "expected_failure_share", w.m.fail_share);
	risk_ev_num(f, "worst_pressure", w.pressure);
	risk_ev_num(f, "close_rate_per_second", o->close_rate);
	risk_ev_text(f, "demand_source", "%s", capacity_source_text(o, &w.m, src, sizeof(src)));
	f->sev = w.sev;
	capacity_text(&w.c, &w.m, text, sizeof(text));
	risk_title(f, "%s uses %u of %u usable ports (%.0f%%); %s", name, w.d->used, w.c.usable,
		   w.pressure * 100, text);
	top = top_dests(o, 3, &n);
	for (size_t i = 0; i < n; i++) {
		dest_key_str(top[i], name, sizeof(name));
		risk_ev_text(f, "destination", "%s used %u, TIME_WAIT %u", name, top[i]->used,
			     top[i]->time_wait);
	}
	free(top);
	risk_dest_application(o, w.d, w.m.rate, f);
	if (f->sev < SEV_WARN)
		return;
	{
		struct settings alt;
		struct pool_capacity c1;
		double rate = w.m.rate > 0 ? w.m.rate : 0;
		unsigned need, lo, hi;

		/* reuse, when it raises what the pool sustains */
		if (!w.c.reuse && settings_copy(&alt, s) == 0) {
			if (settings_set(&alt, SYSCTL_TCP_TW_REUSE, "1") == 0 &&
			    settings_set(&alt, SYSCTL_TCP_TIMESTAMPS, "1") == 0) {
				capacity_dest(&alt, o->socks, w.d, &c1);
				/* capped by the buckets, the pool is compared
				 * as the buckets' fix will leave it: uncapped */
				if (c1.sustain > w.c.sustain * 1.1 || w.c.tw_capped) {
					risk_fix(f, SYSCTL_TCP_TW_REUSE, "1");
					if (settings_num(s, SYSCTL_TCP_TIMESTAMPS, 1) == 0)
						risk_fix(f, SYSCTL_TCP_TIMESTAMPS, "1");
				}
			}
			settings_free(&alt);
			if (f->nfix)
				return;
		}
		/* else a range whose ports sustain the demand below the warning
		 * share of both figures, and keep the ports in use below the
		 * pressure threshold */
		need = (unsigned)fmin(65535, ceil(rate * w.c.port_seconds / CAPACITY_WARN_SHARE));
		if (need >= CAPACITY_KNEE_MIN_PORTS)
			need = (unsigned)fmin(65535, ceil(rate * w.c.port_seconds /
							  (CAPACITY_WARN_SHARE / 2)));
		need = (unsigned)fmax(need, ceil(w.d->used / (thr[THR_PORT_PRESSURE_WARN] * 0.99)));
		risk_wider_range(s, need + w.c.held, &lo, &hi);
		if (lo < settings_ephemeral(s).low || hi > settings_ephemeral(s).high)
			risk_fix(f, SYSCTL_IP_LOCAL_PORT_RANGE, "%u %u", lo, hi);
	}
}

/* What raising tcp_max_tw_buckets to `to` would do to the busiest pool at
 * the demand measured now, overflow included (the closes that skip
 * TIME_WAIT free their port at once: raised, they hold it): its share of
 * connects that would fail, or 0. Evidence and a sentence go to f. */
static double hidden_demand(const struct settings *s, const struct observation *o,
			    long long to, struct finding *f)
{
	struct settings alt;
	struct pool_capacity c;
	struct pool_demand m;
	const struct dest *busiest = NULL;
	double share = 0, rate = -1, sustain = 0;
	char num[24], name[120];

	if (!o->socks || settings_copy(&alt, s) < 0)
		return 0;
	snprintf(num, sizeof(num), "%lld", to);
	if (settings_set(&alt, SYSCTL_TCP_MAX_TW_BUCKETS, num) == 0)
		for (const struct dest *d = sockets_dests(o->socks, NULL); d;
		     d = sockets_dests(o->socks, d)) {
			capacity_dest(&alt, o->socks, d, &c);
			capacity_demand(o, d, &c, &m);
			if (m.rate > rate) {
				rate = m.rate;
				share = m.fail_share;
				sustain = c.sustain;
				busiest = d;
			}
		}
	settings_free(&alt);
	if (!busiest || share <= 0)
		return 0;
	dest_key_str(busiest, name, sizeof(name));
	risk_ev_num(f, "hidden_demand_per_second", rate);
	risk_ev_num(f, "failure_share_if_raised", share);
	snprintf(f->effect, sizeof(f->effect),
		 "raising tcp_max_tw_buckets to %lld alone: %s wants %.0f closes/s, its ports "
		 "sustain %.0f/s once they hold TIME_WAIT again: about %.0f%% of connects would fail; "
		 "fix the application first", to, name, rate, sustain, share * 100);
	return share;
}

static void check_tw_buckets(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	long long max = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);
	long long tw = o->socks ? o->socks->counters.sockstat_tw : -1;
	long long overflow = o->socks ? o->socks->counters.tw_overflow : -1;
	double ratio;

	if (tw < 0 && o->socks)
		tw = (long long)o->socks->states[TCP_STATE_TIME_WAIT];
	if (tw < 0 || max < -1) {
		risk_title(f, "TIME_WAIT count not available");
		return;
	}
	ratio = max > 0 ? (double)tw / (double)max : 1;
	risk_ev_num(f, "time_wait", (double)tw);
	risk_ev_num(f, "max_tw_buckets", (double)max);
	risk_ev_num(f, "ratio", ratio);
	if (overflow >= 0)
		risk_ev_num(f, "TCPTimeWaitOverflow", (double)overflow);
	if (o->overflow_delta >= 0)
		risk_ev_num(f, "overflow_during_interval", (double)o->overflow_delta);
	f->sev = by_threshold(ratio, thr[THR_TW_BUCKETS_WARN], thr[THR_TW_BUCKETS_CRIT]);
	if (max <= 0) {
		f->sev = SEV_CRIT;
		risk_title(f, "tcp_max_tw_buckets = %lld: no socket can enter TIME_WAIT", max);
	} else if (overflow > 0 && max <= o->max_tw_observed && o->overflow_delta != 0) {
		/* The counter only grows: with --interval, crit means it grew
		 * just now. A raised limit (a prediction) is judged by ratio. */
		f->sev = SEV_CRIT;
		risk_title(f, "TIME_WAIT overflowed %lld times: closing sockets skip TIME_WAIT", overflow);
	} else if (overflow > 0 && max <= o->max_tw_observed) {
		f->sev = f->sev > SEV_WARN ? f->sev : SEV_WARN;
		risk_title(f, "TIME_WAIT overflowed %lld times before, not during the last %.0f s", overflow,
		      o->interval);
	} else {
		risk_title(f, "%lld TIME_WAIT sockets of %lld buckets (%.0f%%)", tw, max, ratio * 100);
	}
	if (f->sev >= SEV_WARN) {
		long long want = (long long)ceil(tw / (thr[THR_TW_BUCKETS_WARN] * 0.99));
		long long p2 = 1;

		while (p2 < want && p2 < (1LL << 30))
			p2 <<= 1;
		if (o->socks && overflow > 0 && p2 <= max)
			p2 = max * 2;
		if (s->max_tw_default > p2)
			p2 = s->max_tw_default;
		/* not while the overflow is what keeps the connects working */
		if (p2 > max && hidden_demand(s, o, p2, f) == 0)
			risk_fix(f, SYSCTL_TCP_MAX_TW_BUCKETS, "%lld", p2);
	}
}

static void check_tw_lowered(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	long long max = settings_num(s, SYSCTL_TCP_MAX_TW_BUCKETS, -1);

	(void)thr;
	if (s->max_tw_default < 0) {
		risk_title(f, "kernel default of tcp_max_tw_buckets unknown");
		return;
	}
	risk_ev_num(f, "max_tw_buckets", (double)max);
	risk_ev_num(f, "kernel_default", (double)s->max_tw_default);
	if (max >= s->max_tw_default) {
		risk_title(f, "tcp_max_tw_buckets is not below the kernel default");
		return;
	}
	f->sev = SEV_WARN;
	if (hidden_demand(s, o, s->max_tw_default, f) > 0) {
		risk_title(f, "tcp_max_tw_buckets = %lld is below the kernel default %lld, and its "
			   "overflow hides port exhaustion: raised alone, connects would fail", max,
			   s->max_tw_default);
		return;
	}
	risk_title(f, "tcp_max_tw_buckets = %lld is below the kernel default %lld", max,
	      s->max_tw_default);
	risk_fix(f, SYSCTL_TCP_MAX_TW_BUCKETS, "%lld", s->max_tw_default);
}

static void check_reuse_timestamps(const struct settings *s, const struct observation *o,
				   const double *thr, struct finding *f)
{
	long long reuse = settings_num(s, SYSCTL_TCP_TW_REUSE, 2);
	long long ts = settings_num(s, SYSCTL_TCP_TIMESTAMPS, 1);

	(void)o;
	(void)thr;
	risk_ev_num(f, "tcp_tw_reuse", (double)reuse);
	risk_ev_num(f, "tcp_timestamps", (double)ts);
	if (reuse == 0 || ts != 0) {
		risk_title(f, "tcp_tw_reuse has the timestamps it needs");
		return;
	}
	f->sev = SEV_WARN;
	risk_title(f, "tcp_tw_reuse = %lld does nothing while tcp_timestamps = 0", reuse);
	risk_fix(f, SYSCTL_TCP_TIMESTAMPS, "1");
}

static void check_parity(const struct settings *s, const struct observation *o, const double *thr,
			 struct finding *f)
{
	struct ephemeral e = settings_ephemeral(s);

	(void)o;
	(void)thr;
	risk_ev_num(f, "low", e.low);
	risk_ev_num(f, "high", e.high);
	if (e.low % 2 != e.high % 2 || e.low == e.high) {
		risk_title(f, "ip_local_port_range ends differ in parity");
		return;
	}
	f->sev = SEV_WARN;
	risk_title(f, "ip_local_port_range %u %u: both ends are %s", e.low, e.high,
	      e.low % 2 ? "odd" : "even");
	if (e.high < 65535)
		risk_fix(f, SYSCTL_IP_LOCAL_PORT_RANGE, "%u %u", e.low, e.high + 1);
	else
		risk_fix(f, SYSCTL_IP_LOCAL_PORT_RANGE, "%u %u", e.low + 1, e.high);
}

static void check_listeners(const struct settings *s, const struct observation *o,
			    const double *thr, struct finding *f)
{
	const struct sysval *res = settings_get(s, SYSCTL_IP_LOCAL_RESERVED_PORTS);
	struct ephemeral e = settings_ephemeral(s);
	char list[256] = "";
	size_t used = 0, bad = 0;

	(void)thr;
	if (!o->socks) {
		risk_title(f, "listeners not measured");
		return;
	}
	/* every listener (lsocks), against the range of s: a proposed range
	 * that covers a service's port is judged like the current one */
	for (size_t i = 0; i < o->socks->nlsocks; i++) {
		const struct listen_sock *l = &o->socks->lsocks[i];
		char a[INET6_ADDRSTRLEN];

		if (l->port < e.low || l->port > e.high || port_isset(e.reserved, l->port) ||
		    (i && o->socks->lsocks[i - 1].port == l->port))
			continue;
		bad++;
		risk_ev_text(f, "listener", "%s port %u", addr_str(&l->addr, a, sizeof(a)), l->port);
		if (used >= sizeof(list) - 8)
			continue;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u", used ? "," : "",
					 l->port);
	}
	if (!bad) {
		risk_title(f, "no unreserved listening port inside the ephemeral range");
		return;
	}
	f->sev = SEV_WARN;
	risk_title(f, "%zu listening port%s inside %u-%u not reserved: %s", bad, bad == 1 ? "" : "s",
	      e.low, e.high, list);
	risk_fix(f, SYSCTL_IP_LOCAL_RESERVED_PORTS, "%s%s%s", res && res->text[0] ? res->text : "",
	    res && res->text[0] ? "," : "", list);
}

/* The busiest client pool's demand (server-side TIME_WAIT is never one:
 * it holds no ephemeral port) and what that pool sustains. */
static double busiest_pool_rate(const struct settings *s, const struct observation *o,
				double *sustain)
{
	struct pool_capacity c;
	struct pool_demand m;
	double best = 0;

	capacity_dest(s, o->socks, NULL, &c);
	*sustain = c.sustain;
	if (!o->socks)
		return 0;
	for (const struct dest *d = sockets_dests(o->socks, NULL); d; d = sockets_dests(o->socks, d)) {
		capacity_dest(s, o->socks, d, &c);
		capacity_demand(o, d, &c, &m);
		if (m.rate > best) {
			best = m.rate;
			*sustain = c.sustain;
		}
	}
	return best;
}

static void check_narrow(const struct settings *s, const struct observation *o, const double *thr,
			 struct finding *f)
{
	struct ephemeral e = settings_ephemeral(s);
	unsigned usable = ephemeral_usable(&e);
	double capacity, floor_ = thr[THR_MIN_USABLE_PORTS], rate = busiest_pool_rate(s, o, &capacity);
	unsigned lo, hi, need = (unsigned)floor_;

	risk_ev_num(f, "usable_ports", usable);
	risk_ev_num(f, "floor", floor_);
	if (capacity < CAPACITY_UNBOUNDED)
		risk_ev_num(f, "capacity_per_second", capacity);
	risk_ev_num(f, "busiest_destination_close_rate", rate);
	if (usable < floor_) {
		f->sev = SEV_WARN;
		risk_title(f, "%u usable ephemeral ports, below the floor of %.0f", usable, floor_);
	} else if (rate > capacity) {
		f->sev = SEV_WARN;
		need = (unsigned)fmin(65535, ceil(rate * CAPACITY_HOLD_SECONDS));
		risk_title(f, "the busiest destination closes %.0f connections/s, above the %.0f/s "
			 "its ports sustain", rate, capacity);
	} else {
		risk_title(f, "%u usable ephemeral ports", usable);
		return;
	}
	risk_wider_range(s, need, &lo, &hi);
	if (lo < e.low || hi > e.high)
		risk_fix(f, SYSCTL_IP_LOCAL_PORT_RANGE, "%u %u", lo, hi);
}

static void check_fin_timeout(const struct settings *s, const struct observation *o,
			      const double *thr, struct finding *f)
{
	long long v = settings_num(s, SYSCTL_TCP_FIN_TIMEOUT, 60);

	(void)o;
	(void)thr;
	risk_ev_num(f, "tcp_fin_timeout", (double)v);
	if (v == 60) {
		risk_title(f, "tcp_fin_timeout is the kernel default");
		return;
	}
	f->sev = v < 5 ? SEV_WARN : SEV_INFO;
	risk_title(f, "tcp_fin_timeout = %lld does not shorten TIME_WAIT (60 s, fixed)", v);
	if (f->sev >= SEV_WARN)
		risk_fix(f, SYSCTL_TCP_FIN_TIMEOUT, "60");
}

static void check_close_wait(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	unsigned long long n;

	(void)s;
	if (!o->socks) {
		risk_title(f, "CLOSE_WAIT not measured");
		return;
	}
	n = o->socks->states[TCP_STATE_CLOSE_WAIT];
	risk_ev_num(f, "close_wait", (double)n);
	f->sev = by_threshold((double)n, thr[THR_CLOSE_WAIT_WARN], thr[THR_CLOSE_WAIT_CRIT]);
	risk_title(f, "%llu sockets in CLOSE_WAIT%s", n,
	      f->sev >= SEV_WARN ? ": an application is not closing its sockets" : "");
}

const struct rule rule_table[] = {
	[RULE_PORT_EXHAUSTION] = { "port-exhaustion",
	  "Each (local IP, remote IP, remote port) has its own pool of usable ports; the side that "
	  "closes first holds its port in TIME_WAIT for 60 s, and connect() fails with "
	  "EADDRNOTAVAIL when the pool is empty.",
	  check_port_exhaustion, false },
	[RULE_CONNECT_FAILURES] = { "connect-failures",
	  "connect() fails with EADDRNOTAVAIL, and bind() to port 0 with EADDRINUSE, when no "
	  "ephemeral port is free for the destination (or the source address): observed over eBPF "
	  "with audit --observe, this is exhaustion happening, not a prediction.",
	  check_connect_failures, false },
	[RULE_TW_BUCKET_PRESSURE] = { "tw-bucket-pressure",
	  "Above tcp_max_tw_buckets a closing socket skips TIME_WAIT silently; only TcpExt "
	  "TCPTimeWaitOverflow counts it, and the connection loses TIME_WAIT's protection.",
	  check_tw_buckets, false },
	[RULE_TW_BUCKETS_LOWERED] = { "tw-buckets-lowered",
	  "Lowering tcp_max_tw_buckets does not make TIME_WAIT shorter: it hides exhaustion by "
	  "dropping TIME_WAIT, at the cost of the protection against old duplicate segments.",
	  check_tw_lowered, false },
	[RULE_TW_REUSE_NEEDS_TIMESTAMPS] = { "tw-reuse-needs-timestamps",
	  "tcp_twsk_unique() reuses a TIME_WAIT port only when the old connection carried TCP "
	  "timestamps; with tcp_timestamps = 0 reuse never happens.",
	  check_reuse_timestamps, false },
	[RULE_PORT_RANGE_PARITY] = { "port-range-parity",
	  "connect() tries ports of the low end's parity first and bind() the other half; "
	  "same-parity ends make them share a half, and the kernel warns about it.",
	  check_parity, false },
	[RULE_LISTENER_IN_EPHEMERAL_RANGE] = { "listener-in-ephemeral-range",
	  "An outgoing connection may take a port inside ip_local_port_range before a service "
	  "binds it, and the service fails to start with EADDRINUSE; reserved ports are never "
	  "handed out.",
	  check_listeners, false },
	[RULE_PORT_RANGE_NARROW] = { "port-range-narrow",
	  "Without reuse one destination sustains about usable / 60 new connections per second, "
	  "since each closed connection keeps its port for 60 s.",
	  check_narrow, false },
	[RULE_FIN_TIMEOUT_MYTH] = { "fin-timeout-myth",
	  "tcp_fin_timeout bounds orphaned FIN_WAIT_2 sockets only; TIME_WAIT lasts 60 s "
	  "(TCP_TIMEWAIT_LEN) whatever it says, and very low values cut off slow peers.",
	  check_fin_timeout, false },
	[RULE_CLOSE_WAIT_LEAK] = { "close-wait-leak",
	  "CLOSE_WAIT means the peer has closed and the local application has not: no sysctl "
	  "ends it, only the application closing its sockets.",
	  check_close_wait, false },
	[RULE_SERVER_CLOSES_FIRST] = { "server-closes-first",
	  "A local service that closes its connections first keeps the TIME_WAIT on its own "
	  "listening port, 60 s for each connection; it uses none of the ephemeral ports, but "
	  "counts against tcp_max_tw_buckets, and each one was a connection opened and closed.",
	  check_server_closes_first, true },
	[RULE_CLIENT_CHURN] = { "client-churn",
	  "A local client that opens and closes connections towards one destination, closing "
	  "first, holds one of that destination's ephemeral ports in TIME_WAIT for 60 s per "
	  "connection: about usable / 60 new connections per second without reuse.",
	  check_client_churn, true },
};
const size_t nrules = RULE_COUNT;
/* The table's length is what its initializer gives (risk.h declares it
 * without one): a rule added to enum rule_id without its entry at the end,
 * or an entry past RULE_COUNT, fails here; an entry missing in the middle
 * is caught by test_risk (every entry has an id, a why and a check). */
_Static_assert(sizeof(rule_table) / sizeof(rule_table[0]) == RULE_COUNT,
	       "rule_table has one entry per enum rule_id, the last one RULE_COUNT - 1");

static const char exhaustion_advice[] =
	"keep-alive or connection pooling towards that destination (the side that closes first "
	"holds the TIME_WAIT); more source addresses or destination ports; "
	"IP_BIND_ADDRESS_NO_PORT for clients that bind() before connect()";

static const char client_churn_sysctl[] =
	"after the application fix: tcp_tw_reuse = 1 (or 2 on loopback) with tcp_timestamps on "
	"lets connect() reuse these ports after tcp_tw_reuse_delay; a wider ip_local_port_range "
	"raises what each destination sustains";

void risk_assess(const struct settings *s, const struct observation *o, const double *thr,
		 struct assessment *a)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < RULE_COUNT; i++) {
		struct finding *f = &a->f[a->n++];

		f->id = rule_table[i].id;
		f->why = rule_table[i].why;
		f->app_only = rule_table[i].app_only;
		rule_table[i].check(s, o, thr, f);
		if (i == RULE_CONNECT_FAILURES && f->sev >= SEV_WARN)
			risk_link_fixes(f, &a->f[RULE_PORT_EXHAUSTION]);
		if ((i == RULE_PORT_EXHAUSTION || i == RULE_CONNECT_FAILURES) && f->sev >= SEV_WARN)
			f->advice = exhaustion_advice;
		else if ((i == RULE_SERVER_CLOSES_FIRST || i == RULE_CLIENT_CHURN) && f->sev >= SEV_INFO)
			f->advice = i == RULE_CLIENT_CHURN ? client_churn_sysctl : NULL;
		else if (i == RULE_CLOSE_WAIT_LEAK && f->sev >= SEV_WARN)
			f->advice = "find the process with ss -tanp state close-wait and fix its close()";
		if (f->sev == SEV_OK) {
			f->app_fix[0] = '\0';
			f->ngroup = 0;
			f->more[0] = '\0';
		}
		if (f->sev > a->risk)
			a->risk = f->sev;
	}
}
