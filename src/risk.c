/* risk.c: the risk rules. Kernel semantics from ../shared/FACTS.md,
 * checked against net/ipv4/tcp_ipv4.c (tcp_twsk_unique), inet_hashtables.c
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

#define TIME_WAIT_SECONDS 60 /* TCP_TIMEWAIT_LEN, fixed in the kernel */

static const char *const sev_names[] = { "ok", "info", "warn", "crit" };

const char *severity_name(enum severity s)
{
	return sev_names[s];
}

int severity_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return -1;
}

/* ---- settings ---- */

int settings_index(const char *name)
{
	const struct sysctl_def *d = sysctl_lookup(name);

	return d ? (int)(d - sysctl_table) : -1;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < sysctl_count; i++)
		sysval_free(&s->val[i]);
}

int settings_copy(struct settings *dst, const struct settings *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->max_tw_default = src->max_tw_default;
	for (size_t i = 0; i < sysctl_count; i++) {
		dst->have[i] = src->have[i];
		if (src->have[i] && sysval_copy(&dst->val[i], &src->val[i]) < 0) {
			settings_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

int settings_set(struct settings *s, size_t i, const char *text)
{
	struct sysval v;
	char why[128];
	int r = sysval_parse(&sysctl_table[i], text, &v, why, sizeof(why));

	if (r < 0)
		return r;
	sysval_free(&s->val[i]);
	s->val[i] = v;
	s->have[i] = true;
	return 0;
}

static const struct sysval *get(const struct settings *s, const char *name)
{
	int i = settings_index(name);

	return i >= 0 && s->have[i] ? &s->val[i] : NULL;
}

static long long num(const struct settings *s, const char *name, long long dflt)
{
	const struct sysval *v = get(s, name);

	return v ? v->num : dflt;
}

struct ephemeral settings_ephemeral(const struct settings *s)
{
	const struct sysval *range = get(s, "ip_local_port_range");
	const struct sysval *res = get(s, "ip_local_reserved_ports");
	struct ephemeral e = { 32768, 60999, NULL };

	if (range) {
		e.low = range->lo;
		e.high = range->hi;
	}
	if (res)
		e.reserved = res->ports;
	return e;
}

static bool addr_loopback(const struct addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return memcmp(a->bytes, v6lo, 16) == 0;
}

/* tcp_twsk_unique(): reuse needs tcp_tw_reuse 1, or 2 with a loopback end,
 * and the TIME_WAIT entry must have carried timestamps. */
bool reuse_applies(const struct settings *s, const struct dest *d)
{
	long long reuse = num(s, "tcp_tw_reuse", 2);

	if (num(s, "tcp_timestamps", 1) == 0)
		return false;
	if (reuse == 1)
		return true;
	return reuse == 2 && (addr_loopback(&d->local) || addr_loopback(&d->remote));
}

unsigned dest_used_effective(const struct settings *s, const struct dest *d)
{
	return reuse_applies(s, d) ? d->used - d->time_wait : d->used;
}

/* The order by raw use is not the order by effective use when reuse
 * applies to some keys only: scan all of them. */
const struct dest *worst_dest(const struct settings *s, const struct sock_snapshot *socks,
			      unsigned usable, double *pressure)
{
	const struct dest *worst = NULL;

	*pressure = 0;
	for (const struct dest *d = sockets_dests(socks, NULL); d; d = sockets_dests(socks, d)) {
		double p = usable ? (double)dest_used_effective(s, d) / usable : 1;

		if (!worst || p > *pressure) {
			worst = d;
			*pressure = p;
		}
	}
	return worst;
}

/* ---- findings ---- */

static void title(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void title(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->title, sizeof(f->title), fmt, ap);
	va_end(ap);
}

static void ev_num(struct finding *f, const char *name, double v)
{
	if (f->nev == EVIDENCE_MAX)
		return;
	f->ev[f->nev].name = name;
	f->ev[f->nev].is_num = true;
	f->ev[f->nev++].num = v;
}

static void ev_text(struct finding *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ev_text(struct finding *f, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (f->nev == EVIDENCE_MAX)
		return;
	f->ev[f->nev].name = name;
	f->ev[f->nev].is_num = false;
	va_start(ap, fmt);
	vsnprintf(f->ev[f->nev++].text, sizeof(f->ev[0].text), fmt, ap);
	va_end(ap);
}

static void fix(struct finding *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fix(struct finding *f, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (f->nfix == FIX_MAX)
		return;
	f->fix[f->nfix].key = settings_index(key);
	va_start(ap, fmt);
	vsnprintf(f->fix[f->nfix++].value, sizeof(f->fix[0].value), fmt, ap);
	va_end(ap);
}

static enum severity by_threshold(double v, double warn, double crit)
{
	return v >= crit ? SEV_CRIT : v >= warn ? SEV_WARN : SEV_OK;
}

/* A range with different-parity ends and at least `usable` usable ports,
 * ending at 65535, starting no lower than ip_unprivileged_port_start. */
static void wider_range(const struct settings *s, unsigned need, unsigned *lo, unsigned *hi)
{
	struct ephemeral e = settings_ephemeral(s);
	long long floor_ = num(s, "ip_unprivileged_port_start", 1024);
	unsigned reserved = 0, l;

	if (floor_ < 1)
		floor_ = 1;
	if (e.reserved)
		for (unsigned p = (unsigned)floor_; p <= 65535; p++)
			reserved += port_isset(e.reserved, p);
	need += reserved;
	l = need >= 65535 - (unsigned)floor_ + 1 ? (unsigned)floor_ : 65535 - need + 1;
	if (l > e.low)
		l = e.low; /* never narrower than now */
	if (l % 2)
		l = l > (unsigned)floor_ ? l - 1 : l + 1; /* even low, odd high */
	*lo = l;
	*hi = 65535;
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

static void describe_dest(const struct dest *d, char *buf, size_t len)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	addr_str(&d->local, l, sizeof(l));
	addr_str(&d->remote, r, sizeof(r));
	snprintf(buf, len, d->remote.family == AF_INET6 ? "%s -> [%s]:%u" : "%s -> %s:%u", l, r,
		 d->rport);
}

static void check_port_exhaustion(const struct settings *s, const struct observation *o,
				  const double *thr, struct finding *f)
{
	struct ephemeral e = settings_ephemeral(s);
	unsigned usable = ephemeral_usable(&e);
	const struct dest *worst;
	double worst_p;
	size_t n = 0;
	const struct dest **top;

	if (!o->socks) {
		title(f, "socket pressure not measured");
		return;
	}
	worst = worst_dest(s, o->socks, usable, &worst_p);
	ev_num(f, "usable_ports", usable);
	ev_num(f, "capacity_per_second", usable / (double)TIME_WAIT_SECONDS);
	if (!worst) {
		title(f, "no outgoing connections hold ephemeral ports");
		return;
	}
	f->sev = by_threshold(worst_p, thr[THR_PORT_PRESSURE_WARN], thr[THR_PORT_PRESSURE_CRIT]);
	{
		char name[120];

		describe_dest(worst, name, sizeof(name));
		title(f, "%s uses %u of %u usable ports (%.0f%%)%s", name,
		      dest_used_effective(s, worst), usable, worst_p * 100,
		      reuse_applies(s, worst) && worst->time_wait ? ", TIME_WAIT reusable" : "");
	}
	ev_num(f, "worst_pressure", worst_p);
	top = top_dests(o, 3, &n);
	for (size_t i = 0; i < n; i++) {
		char name[120];

		describe_dest(top[i], name, sizeof(name));
		ev_text(f, "destination", "%s used %u, TIME_WAIT %u%s", name, top[i]->used,
			top[i]->time_wait, reuse_applies(s, top[i]) ? " (reusable)" : "");
	}
	free(top);
	ev_num(f, "close_rate_per_second", o->close_rate);
	if (f->sev < SEV_WARN)
		return;
	/* TIME_WAIT is most of the load and reuse does not apply: reuse it. */
	if (!reuse_applies(s, worst) && worst->time_wait * 2 >= worst->used) {
		fix(f, "tcp_tw_reuse", "1");
		if (num(s, "tcp_timestamps", 1) == 0)
			fix(f, "tcp_timestamps", "1");
	} else {
		unsigned need = (unsigned)ceil(dest_used_effective(s, worst) /
					      (thr[THR_PORT_PRESSURE_WARN] * 0.99));
		unsigned lo, hi;

		wider_range(s, need, &lo, &hi);
		if (lo < e.low || hi > e.high)
			fix(f, "ip_local_port_range", "%u %u", lo, hi);
	}
}

static void check_tw_buckets(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	long long max = num(s, "tcp_max_tw_buckets", -1);
	long long tw = o->socks ? o->socks->counters.sockstat_tw : -1;
	long long overflow = o->socks ? o->socks->counters.tw_overflow : -1;
	double ratio;

	if (tw < 0 && o->socks)
		tw = (long long)o->socks->states[6];
	if (tw < 0 || max < -1) {
		title(f, "TIME_WAIT count not available");
		return;
	}
	ratio = max > 0 ? (double)tw / (double)max : 1;
	ev_num(f, "time_wait", (double)tw);
	ev_num(f, "max_tw_buckets", (double)max);
	ev_num(f, "ratio", ratio);
	if (overflow >= 0)
		ev_num(f, "TCPTimeWaitOverflow", (double)overflow);
	if (o->overflow_delta >= 0)
		ev_num(f, "overflow_during_interval", (double)o->overflow_delta);
	f->sev = by_threshold(ratio, thr[THR_TW_BUCKETS_WARN], thr[THR_TW_BUCKETS_CRIT]);
	if (max <= 0) {
		f->sev = SEV_CRIT;
		title(f, "tcp_max_tw_buckets = %lld: no socket can enter TIME_WAIT", max);
	} else if (overflow > 0 && max <= o->max_tw_observed && o->overflow_delta != 0) {
		/* The counter only grows: with --interval, crit means it grew
		 * just now. A raised limit (a prediction) is judged by ratio. */
		f->sev = SEV_CRIT;
		title(f, "TIME_WAIT overflowed %lld times: closing sockets skip TIME_WAIT", overflow);
	} else if (overflow > 0 && max <= o->max_tw_observed) {
		f->sev = f->sev > SEV_WARN ? f->sev : SEV_WARN;
		title(f, "TIME_WAIT overflowed %lld times before, not during the last %.0f s", overflow,
		      o->interval);
	} else {
		title(f, "%lld TIME_WAIT sockets of %lld buckets (%.0f%%)", tw, max, ratio * 100);
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
		if (p2 > max)
			fix(f, "tcp_max_tw_buckets", "%lld", p2);
	}
}

static void check_tw_lowered(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	long long max = num(s, "tcp_max_tw_buckets", -1);

	(void)o;
	(void)thr;
	if (s->max_tw_default < 0) {
		title(f, "kernel default of tcp_max_tw_buckets unknown");
		return;
	}
	ev_num(f, "max_tw_buckets", (double)max);
	ev_num(f, "kernel_default", (double)s->max_tw_default);
	if (max >= s->max_tw_default) {
		title(f, "tcp_max_tw_buckets is not below the kernel default");
		return;
	}
	f->sev = SEV_WARN;
	title(f, "tcp_max_tw_buckets = %lld is below the kernel default %lld", max,
	      s->max_tw_default);
	fix(f, "tcp_max_tw_buckets", "%lld", s->max_tw_default);
}

static void check_reuse_timestamps(const struct settings *s, const struct observation *o,
				   const double *thr, struct finding *f)
{
	long long reuse = num(s, "tcp_tw_reuse", 2), ts = num(s, "tcp_timestamps", 1);

	(void)o;
	(void)thr;
	ev_num(f, "tcp_tw_reuse", (double)reuse);
	ev_num(f, "tcp_timestamps", (double)ts);
	if (reuse == 0 || ts != 0) {
		title(f, "tcp_tw_reuse has the timestamps it needs");
		return;
	}
	f->sev = SEV_WARN;
	title(f, "tcp_tw_reuse = %lld does nothing while tcp_timestamps = 0", reuse);
	fix(f, "tcp_timestamps", "1");
}

static void check_parity(const struct settings *s, const struct observation *o, const double *thr,
			 struct finding *f)
{
	struct ephemeral e = settings_ephemeral(s);

	(void)o;
	(void)thr;
	ev_num(f, "low", e.low);
	ev_num(f, "high", e.high);
	if (e.low % 2 != e.high % 2 || e.low == e.high) {
		title(f, "ip_local_port_range ends differ in parity");
		return;
	}
	f->sev = SEV_WARN;
	title(f, "ip_local_port_range %u %u: both ends are %s", e.low, e.high,
	      e.low % 2 ? "odd" : "even");
	if (e.high < 65535)
		fix(f, "ip_local_port_range", "%u %u", e.low, e.high + 1);
	else
		fix(f, "ip_local_port_range", "%u %u", e.low + 1, e.high);
}

static void check_listeners(const struct settings *s, const struct observation *o,
			    const double *thr, struct finding *f)
{
	const struct sysval *res = get(s, "ip_local_reserved_ports");
	struct ephemeral e = settings_ephemeral(s);
	char list[256] = "";
	size_t used = 0, bad = 0;

	(void)thr;
	if (!o->socks) {
		title(f, "listeners not measured");
		return;
	}
	for (size_t i = 0; i < o->socks->nlisteners; i++) {
		const struct listener *l = &o->socks->listeners[i];
		char a[INET6_ADDRSTRLEN];

		if (l->port < e.low || l->port > e.high || port_isset(e.reserved, l->port))
			continue;
		bad++;
		ev_text(f, "listener", "%s port %u", addr_str(&l->addr, a, sizeof(a)), l->port);
		if (used >= sizeof(list) - 8)
			continue;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u", used ? "," : "",
					 l->port);
	}
	if (!bad) {
		title(f, "no unreserved listening port inside the ephemeral range");
		return;
	}
	f->sev = SEV_WARN;
	title(f, "%zu listening port%s inside %u-%u not reserved: %s", bad, bad == 1 ? "" : "s",
	      e.low, e.high, list);
	fix(f, "ip_local_reserved_ports", "%s%s%s", res && res->text[0] ? res->text : "",
	    res && res->text[0] ? "," : "", list);
}

/* The close rate towards the busiest destination: the total rate, shared
 * out by each destination's TIME_WAIT count (count / 60 s without
 * --interval, so it only exceeds the capacity when measured). */
static double worst_dest_rate(const struct observation *o)
{
	unsigned long long total = 0, worst = 0;

	if (!o->socks)
		return 0;
	for (const struct dest *d = sockets_dests(o->socks, NULL); d; d = sockets_dests(o->socks, d)) {
		total += d->time_wait;
		worst = d->time_wait > worst ? d->time_wait : worst;
	}
	return total ? o->close_rate * (double)worst / (double)total : 0;
}

static void check_narrow(const struct settings *s, const struct observation *o, const double *thr,
			 struct finding *f)
{
	struct ephemeral e = settings_ephemeral(s);
	unsigned usable = ephemeral_usable(&e);
	double capacity = usable / (double)TIME_WAIT_SECONDS;
	double floor_ = thr[THR_MIN_USABLE_PORTS], rate = worst_dest_rate(o);
	unsigned lo, hi, need = (unsigned)floor_;

	ev_num(f, "usable_ports", usable);
	ev_num(f, "floor", floor_);
	ev_num(f, "capacity_per_second", capacity);
	ev_num(f, "busiest_destination_close_rate", rate);
	if (usable < floor_) {
		f->sev = SEV_WARN;
		title(f, "%u usable ephemeral ports, below the floor of %.0f", usable, floor_);
	} else if (rate > capacity) {
		f->sev = SEV_WARN;
		need = (unsigned)ceil(rate * TIME_WAIT_SECONDS);
		title(f, "the busiest destination closes %.0f connections/s, above the %.0f/s "
			 "its ports sustain", rate, capacity);
	} else {
		title(f, "%u usable ephemeral ports", usable);
		return;
	}
	wider_range(s, need, &lo, &hi);
	if (lo < e.low || hi > e.high)
		fix(f, "ip_local_port_range", "%u %u", lo, hi);
}

static void check_fin_timeout(const struct settings *s, const struct observation *o,
			      const double *thr, struct finding *f)
{
	long long v = num(s, "tcp_fin_timeout", 60);

	(void)o;
	(void)thr;
	ev_num(f, "tcp_fin_timeout", (double)v);
	if (v == 60) {
		title(f, "tcp_fin_timeout is the kernel default");
		return;
	}
	f->sev = v < 5 ? SEV_WARN : SEV_INFO;
	title(f, "tcp_fin_timeout = %lld does not shorten TIME_WAIT (60 s, fixed)", v);
	if (f->sev >= SEV_WARN)
		fix(f, "tcp_fin_timeout", "60");
}

static void check_close_wait(const struct settings *s, const struct observation *o,
			     const double *thr, struct finding *f)
{
	unsigned long long n;

	(void)s;
	if (!o->socks) {
		title(f, "CLOSE_WAIT not measured");
		return;
	}
	n = o->socks->states[8];
	ev_num(f, "close_wait", (double)n);
	f->sev = by_threshold((double)n, thr[THR_CLOSE_WAIT_WARN], thr[THR_CLOSE_WAIT_CRIT]);
	title(f, "%llu sockets in CLOSE_WAIT%s", n,
	      f->sev >= SEV_WARN ? ": an application is not closing its sockets" : "");
}

const struct rule rule_table[] = {
	{ "port-exhaustion",
	  "Each (local IP, remote IP, remote port) has its own pool of usable ports; the side that "
	  "closes first holds its port in TIME_WAIT for 60 s, and connect() fails with "
	  "EADDRNOTAVAIL when the pool is empty.",
	  check_port_exhaustion },
	{ "tw-bucket-pressure",
	  "Above tcp_max_tw_buckets a closing socket skips TIME_WAIT silently; only TcpExt "
	  "TCPTimeWaitOverflow counts it, and the connection loses TIME_WAIT's protection.",
	  check_tw_buckets },
	{ "tw-buckets-lowered",
	  "Lowering tcp_max_tw_buckets does not make TIME_WAIT shorter: it hides exhaustion by "
	  "dropping TIME_WAIT, at the cost of the protection against old duplicate segments.",
	  check_tw_lowered },
	{ "tw-reuse-needs-timestamps",
	  "tcp_twsk_unique() reuses a TIME_WAIT port only when the old connection carried TCP "
	  "timestamps; with tcp_timestamps = 0 reuse never happens.",
	  check_reuse_timestamps },
	{ "port-range-parity",
	  "connect() tries ports of the low end's parity first and bind() the other half; "
	  "same-parity ends make them share a half, and the kernel warns about it.",
	  check_parity },
	{ "listener-in-ephemeral-range",
	  "An outgoing connection may take a port inside ip_local_port_range before a service "
	  "binds it, and the service fails to start with EADDRINUSE; reserved ports are never "
	  "handed out.",
	  check_listeners },
	{ "port-range-narrow",
	  "Without reuse one destination sustains about usable / 60 new connections per second, "
	  "since each closed connection keeps its port for 60 s.",
	  check_narrow },
	{ "fin-timeout-myth",
	  "tcp_fin_timeout bounds orphaned FIN_WAIT_2 sockets only; TIME_WAIT lasts 60 s "
	  "(TCP_TIMEWAIT_LEN) whatever it says, and very low values cut off slow peers.",
	  check_fin_timeout },
	{ "close-wait-leak",
	  "CLOSE_WAIT means the peer has closed and the local application has not: no sysctl "
	  "ends it, only the application closing its sockets.",
	  check_close_wait },
};
const size_t nrules = sizeof(rule_table) / sizeof(rule_table[0]);

static const char exhaustion_advice[] =
	"keep-alive or connection pooling towards that destination (the side that closes first "
	"holds the TIME_WAIT); more source addresses or destination ports; "
	"IP_BIND_ADDRESS_NO_PORT for clients that bind() before connect()";

void risk_assess(const struct settings *s, const struct observation *o, const double *thr,
		 struct assessment *a)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < nrules; i++) {
		struct finding *f = &a->f[a->n++];

		f->id = rule_table[i].id;
		f->why = rule_table[i].why;
		rule_table[i].check(s, o, thr, f);
		if (strcmp(f->id, "port-exhaustion") == 0 && f->sev >= SEV_WARN)
			f->advice = exhaustion_advice;
		else if (strcmp(f->id, "close-wait-leak") == 0 && f->sev >= SEV_WARN)
			f->advice = "find the process with ss -tanp state close-wait and fix its close()";
		if (f->sev > a->risk)
			a->risk = f->sev;
	}
}

int risk_suggest(const struct settings *s, const struct observation *o, const double *thr,
		 struct settings *proposed)
{
	int changed = 0;

	if (settings_copy(proposed, s) < 0)
		return -ENOMEM;
	/* A fix can reveal the next one (reuse first, then a wider range):
	 * a few rounds, each on the settings proposed so far. */
	for (int round = 0; round < 4; round++) {
		struct assessment a;
		int before = changed;

		risk_assess(proposed, o, thr, &a);
		for (size_t i = 0; i < a.n; i++) {
			const struct finding *f = &a.f[i];

			if (f->sev < SEV_WARN)
				continue;
			for (size_t k = 0; k < f->nfix; k++) {
				int key = f->fix[k].key;

				if (key < 0 || (proposed->have[key] &&
						strcmp(proposed->val[key].text, f->fix[k].value) == 0))
					continue;
				if (settings_set(proposed, (size_t)key, f->fix[k].value) == 0)
					changed++;
			}
		}
		if (changed == before)
			break;
	}
	{
		int n = 0;

		for (size_t i = 0; i < sysctl_count; i++)
			if (proposed->have[i] &&
			    (!s->have[i] || !sysval_equal(&s->val[i], &proposed->val[i])))
				n++;
		return n;
	}
}
