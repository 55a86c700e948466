// SPDX-License-Identifier: GPL-2.0-or-later
/* sockets.c: the socket model: counters per state, one entry per
 * destination (open addressing, doubling), listeners in the range */
#include "sockets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "grow.h"

const char *const tcp_state_names[TCP_NSTATES] = {
	NULL,         "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE",      "CLOSE_WAIT",  "LAST_ACK",   "LISTEN",   "CLOSING",   "NEW_SYN_RECV",
};

bool ephemeral_reserved(const struct ephemeral *e, unsigned port)
{
	return e->reserved && port < 65536 && (e->reserved[port >> 3] >> (port & 7)) & 1;
}

/* Called by every rule and every frame of watch, for every namespace of
 * --all-netns: the reserved ports are counted a byte of the bitmap at a
 * time, not port by port. */
unsigned ephemeral_usable(const struct ephemeral *e)
{
	unsigned high = e->high < 65536 ? e->high : 65535, p = e->low, reserved = 0;

	if (high < e->low)
		return 0;
	if (!e->reserved)
		return high - e->low + 1;
	for (; p <= high && (p & 7); p++)
		reserved += ephemeral_reserved(e, p);
	for (; p + 7 <= high; p += 8)
		reserved += (unsigned)__builtin_popcount(e->reserved[p >> 3]);
	for (; p <= high; p++)
		reserved += ephemeral_reserved(e, p);
	return high - e->low + 1 - reserved;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void set_addr(struct addr *a, uint8_t family, const void *bytes)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6 && memcmp(bytes, v4mapped, 12) == 0) {
		a->family = AF_INET;
		memcpy(a->bytes, (const uint8_t *)bytes + 12, 4);
	} else {
		a->family = family;
		memcpy(a->bytes, bytes, family == AF_INET ? 4 : 16);
	}
}

static uint64_t dest_hash(const struct addr *l, const struct addr *r, uint16_t port)
{
	uint64_t h = 1469598103934665603ULL ^ port ^ ((uint64_t)l->family << 20);
	size_t n = l->family == AF_INET ? 4 : 16, m = r->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		h = (h ^ l->bytes[i]) * 1099511628211ULL;
	for (size_t i = 0; i < m; i++)
		h = (h ^ r->bytes[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static bool same_dest(const struct dest *d, const struct addr *l, const struct addr *r,
		      uint16_t port)
{
	return d->rport == port && d->local.family == l->family && d->remote.family == r->family &&
	       memcmp(d->local.bytes, l->bytes, 16) == 0 && memcmp(d->remote.bytes, r->bytes, 16) == 0;
}

static int grow_dests(struct sock_snapshot *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 64;
	struct dest *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->nslots; i++) {
		const struct dest *d = &s->slots[i];
		size_t j;

		if (!d->used)
			continue;
		j = dest_hash(&d->local, &d->remote, d->rport) & (n - 1);
		while (slots[j].used)
			j = (j + 1) & (n - 1);
		slots[j] = *d;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

static struct dest *dest_get(struct sock_snapshot *s, const struct addr *l, const struct addr *r,
			     uint16_t port)
{
	size_t j;

	if ((s->ndests + 1) * 10 >= s->nslots * 7 && grow_dests(s) < 0)
		return NULL;
	j = dest_hash(l, r, port) & (s->nslots - 1);
	while (s->slots[j].used) {
		if (same_dest(&s->slots[j], l, r, port))
			return &s->slots[j];
		j = (j + 1) & (s->nslots - 1);
	}
	s->slots[j].local = *l;
	s->slots[j].remote = *r;
	s->slots[j].rport = port;
	s->ndests++;
	return &s->slots[j];
}

static uint64_t port_hash(const struct addr *l, uint16_t port)
{
	uint64_t h = 1469598103934665603ULL ^ port ^ ((uint64_t)l->family << 20);

	for (size_t i = 0; i < (l->family == AF_INET ? 4u : 16u); i++)
		h = (h ^ l->bytes[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static bool port_used(const struct port_entry *e)
{
	return e->local.family != 0;
}

static int grow_ports(struct sock_snapshot *s)
{
	size_t n = s->nports_slots ? s->nports_slots * 2 : 64;
	struct port_entry *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->nports_slots; i++) {
		const struct port_entry *e = &s->ports[i];
		size_t j;

		if (!port_used(e))
			continue;
		j = port_hash(&e->local, e->port) & (n - 1);
		while (port_used(&slots[j]))
			j = (j + 1) & (n - 1);
		slots[j] = *e;
	}
	free(s->ports);
	s->ports = slots;
	s->nports_slots = n;
	return 0;
}

static struct port_entry *port_get(struct sock_snapshot *s, const struct addr *l, uint16_t port)
{
	size_t j;

	if ((s->nports + 1) * 10 >= s->nports_slots * 7 && grow_ports(s) < 0)
		return NULL;
	j = port_hash(l, port) & (s->nports_slots - 1);
	while (port_used(&s->ports[j])) {
		const struct port_entry *e = &s->ports[j];

		if (e->port == port && e->local.family == l->family &&
		    memcmp(e->local.bytes, l->bytes, 16) == 0)
			return &s->ports[j];
		j = (j + 1) & (s->nports_slots - 1);
	}
	s->ports[j].local = *l;
	s->ports[j].port = port;
	s->nports++;
	return &s->ports[j];
}

static int add_listener(struct sock_snapshot *s, const struct addr *a, uint16_t port)
{
	for (size_t i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].port == port && s->listeners[i].addr.family == a->family &&
		    memcmp(s->listeners[i].addr.bytes, a->bytes, 16) == 0)
			return 0; /* SO_REUSEPORT groups list one socket each */
	if (grow((void **)&s->listeners, &s->listeners_cap, s->nlisteners + 1,
		 sizeof(*s->listeners)) < 0)
		return -ENOMEM;
	s->listeners[s->nlisteners].addr = *a;
	s->listeners[s->nlisteners].port = port;
	s->listeners[s->nlisteners++].reserved = ephemeral_reserved(&s->eph, port);
	return 0;
}

static bool closing_state(uint8_t state)
{
	return state == TCP_STATE_FIN_WAIT1 || state == TCP_STATE_FIN_WAIT2 ||
	       state == TCP_STATE_CLOSE_WAIT || state == TCP_STATE_LAST_ACK ||
	       state == TCP_STATE_CLOSING;
}

static bool listening_port(const struct sock_snapshot *s, uint16_t port)
{
	return (s->listen_ports[port >> 3] >> (port & 7)) & 1;
}

bool sockets_listening(const struct sock_snapshot *s, uint16_t port)
{
	return s->listen_ports && listening_port(s, port);
}

/* Keeps ref in a sample of at most SOCKETS_SAMPLE, allocated on first use. */
static int sample_add(struct sock_ref **sample, uint8_t *n, struct sock_ref ref)
{
	if (!ref.inode || *n == SOCKETS_SAMPLE)
		return 0;
	if (!*sample) {
		*sample = calloc(SOCKETS_SAMPLE, sizeof(**sample));
		if (!*sample)
			return -ENOMEM;
	}
	(*sample)[(*n)++] = ref;
	return 0;
}

static int add_lsock(struct sock_snapshot *s, const struct addr *a, uint16_t port,
		     struct sock_ref ref)
{
	if (grow((void **)&s->lsocks, &s->lsocks_cap, s->nlsocks + 1, sizeof(*s->lsocks)) < 0)
		return -ENOMEM;
	s->lsocks[s->nlsocks++] = (struct listen_sock){ *a, port, ref };
	return 0;
}

static int account_listener(struct sock_snapshot *s, uint8_t family, const void *src,
			    uint16_t sport, struct sock_ref ref)
{
	struct addr l;
	int r;

	s->listen_ports[sport >> 3] |= (uint8_t)(1u << (sport & 7));
	set_addr(&l, family, src);
	r = add_lsock(s, &l, sport, ref);
	if (r < 0 || sport < s->eph.low || sport > s->eph.high)
		return r;
	return add_listener(s, &l, sport);
}

/* Both ends on this host: a loopback peer, or the local address itself. */
static bool peer_local(const struct addr *l, const struct addr *r)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (r->family == AF_INET && r->bytes[0] == 127)
		return true;
	if (r->family == AF_INET6 && memcmp(r->bytes, v6lo, 16) == 0)
		return true;
	return l->family == r->family && memcmp(l->bytes, r->bytes, 16) == 0;
}

/* Counts n TIME_WAIT from peer r (not on this host) on e. */
static void peer_add(struct port_entry *e, const struct addr *r, uint32_t n)
{
	for (uint8_t i = 0; i < e->npeers; i++)
		if (!memcmp(&e->peer[i].addr, r, sizeof(*r))) {
			e->peer[i].time_wait += n;
			return;
		}
	if (e->npeers < PORT_PEERS) {
		e->peer[e->npeers].addr = *r;
		e->peer[e->npeers++].time_wait = n;
	} else {
		e->peers_other += n;
	}
}

/* A socket on a non-ephemeral or listening local port. */
static int account_port(struct sock_snapshot *s, uint8_t family, const void *src, const void *dst,
			uint16_t sport, uint8_t state, struct sock_ref ref, bool young)
{
	struct port_entry *e;
	struct addr l, r;

	set_addr(&l, family, src);
	e = port_get(s, &l, sport);
	if (!e)
		return -ENOMEM;
	if (state == TCP_STATE_TIME_WAIT) {
		e->time_wait++;
		e->tw_young += young;
		set_addr(&r, family, dst);
		if (peer_local(&l, &r))
			e->from_local++;
		else
			peer_add(e, &r, 1);
	} else if (closing_state(state)) {
		e->closing++;
	} else if (state == TCP_STATE_ESTABLISHED || state == TCP_STATE_SYN_RECV) {
		e->live++;
		return sample_add(&e->sample, &e->nsample, ref);
	}
	return 0;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

int sockets_account_ref(struct sock_snapshot *s, uint8_t family, const void *src,
			const void *dst, uint16_t sport, uint16_t dport, uint8_t state,
			struct sock_ref ref)
{
	return sockets_account_timer(s, family, src, dst, sport, dport, state, ref, -1);
}

int sockets_account_timer(struct sock_snapshot *s, uint8_t family, const void *src,
			  const void *dst, uint16_t sport, uint16_t dport, uint8_t state,
			  struct sock_ref ref, long long expires_ms)
{
	struct addr l, r;
	struct dest *d;
	bool first, young;

	if (state == 0 || state >= TCP_NSTATES || (family != AF_INET && family != AF_INET6))
		return 0;
	s->total++;
	s->states[state]++;
	if (state == TCP_STATE_LISTEN)
		return account_listener(s, family, src, sport, ref);
	/* bound, never connected: it keeps its port from every destination */
	if (state == TCP_STATE_CLOSE && dport == 0 &&
	    all_zero(dst, family == AF_INET ? 4 : 16)) {
		s->bound += sport >= s->eph.low && sport <= s->eph.high &&
			    !ephemeral_reserved(&s->eph, sport);
		return 0;
	}
	young = state == TCP_STATE_TIME_WAIT && s->young_ms && expires_ms >= 0 &&
		TCP_TIMEWAIT_SECONDS * 1000LL - expires_ms < (long long)s->young_ms;
	s->tw_young += young;
	/* Only a port the kernel could have handed out holds one of K's
	 * ports; the rest (and the listening port of an accepted connection,
	 * when its listener came first in the dump) are keyed by local port. */
	if (sport < s->eph.low || sport > s->eph.high || listening_port(s, sport))
		return account_port(s, family, src, dst, sport, state, ref, young);
	set_addr(&l, family, src);
	set_addr(&r, family, dst);
	d = dest_get(s, &l, &r, dport);
	if (!d)
		return -ENOMEM;
	first = d->used++ == 0;
	if (first)
		d->sport = sport;
	if (d->sport == sport) {
		d->sport_used++;
		d->sport_tw += state == TCP_STATE_TIME_WAIT;
		d->sport_young += young;
		d->sport_closing += closing_state(state);
	}
	if (state == TCP_STATE_TIME_WAIT)
		d->time_wait++;
	d->tw_young += young;
	if (state == TCP_STATE_ESTABLISHED || state == TCP_STATE_SYN_SENT) {
		uint8_t n = d->nsample;
		int err;

		d->live++;
		d->sport_live += d->sport == sport;
		err = sample_add(&d->sample, &d->nsample, ref);
		if (d->nsample > n && d->sport == sport)
			d->sport_sample |= (uint16_t)(1u << n);
		return err;
	}
	return 0;
}

int sockets_account(struct sock_snapshot *s, uint8_t family, const void *src, const void *dst,
		    uint16_t sport, uint16_t dport, uint8_t state)
{
	return sockets_account_ref(s, family, src, dst, sport, dport, state, (struct sock_ref){ 0, 0 });
}

static void free_samples(struct sock_snapshot *s)
{
	for (size_t i = 0; i < s->nslots; i++)
		free(s->slots[i].sample);
	for (size_t i = 0; i < s->nports_slots; i++)
		free(s->ports[i].sample);
}

int sockets_reset(struct sock_snapshot *s)
{
	free_samples(s);
	s->total = 0;
	memset(s->states, 0, sizeof(s->states));
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	if (s->ports)
		memset(s->ports, 0, s->nports_slots * sizeof(*s->ports));
	s->ndests = s->nports = s->nservers = 0;
	s->nlisteners = s->nlsocks = 0;
	s->tw_client = s->tw_server = s->tw_other = 0;
	s->tw_young = s->bound = 0;
	if (!s->listen_ports)
		s->listen_ports = malloc(65536 / 8);
	if (!s->listen_ports)
		return -ENOMEM;
	memset(s->listen_ports, 0, 65536 / 8);
	return 0;
}

int sockets_init(struct sock_snapshot *s, const struct ephemeral *eph)
{
	memset(s, 0, sizeof(*s));
	s->eph = *eph;
	return sockets_reset(s);
}

static int listener_cmp(const void *pa, const void *pb)
{
	const struct listener *a = pa, *b = pb;

	if (a->port != b->port)
		return (int)a->port - (int)b->port;
	if (a->addr.family != b->addr.family)
		return (int)a->addr.family - (int)b->addr.family;
	return memcmp(a->addr.bytes, b->addr.bytes, 16);
}

static int lsock_cmp(const void *pa, const void *pb)
{
	const struct listen_sock *a = pa, *b = pb;

	return (int)a->port - (int)b->port;
}

/* The sampled sockets of d's first local port go with its live count to
 * the server port e (as many as e's sample holds), the others stay in
 * order: each sample stays within its live count. */
_Static_assert(SOCKETS_SAMPLE <= 16, "struct dest's sport_sample has a bit per sample entry");

static void move_samples(struct dest *d, struct port_entry *e)
{
	uint8_t kept = 0;

	for (uint8_t i = 0; i < d->nsample; i++) {
		if (!(d->sport_sample & (1u << i)))
			d->sample[kept++] = d->sample[i];
		else /* out of memory: e's sample lacks it; it is a sample */
			(void)sample_add(&e->sample, &e->nsample, d->sample[i]);
	}
	d->nsample = kept;
	d->sport_sample = 0;
}

/* A destination whose first local port is a listening port listed after
 * it: those sockets are the server side of that port (FACTS: server-side
 * sockets use none of K's ports). */
static void move_to_server(struct sock_snapshot *s, struct dest *d)
{
	struct port_entry *e;

	if (!listening_port(s, d->sport) || !d->sport_used)
		return;
	e = port_get(s, &d->local, d->sport);
	if (!e)
		return; /* out of memory: they stay client side, still counted */
	e->time_wait += d->sport_tw;
	e->tw_young += d->sport_young;
	if (peer_local(&d->local, &d->remote))
		e->from_local += d->sport_tw;
	else if (d->sport_tw)
		peer_add(e, &d->remote, d->sport_tw);
	e->closing += d->sport_closing;
	e->live += d->sport_live;
	move_samples(d, e);
	d->used -= d->sport_used;
	d->time_wait -= d->sport_tw;
	d->tw_young -= d->sport_young;
	d->live -= d->sport_live;
	d->sport_used = d->sport_tw = d->sport_closing = d->sport_live = d->sport_young = 0;
	if (!d->used) { /* no lookups follow: the slot may go empty */
		free(d->sample);
		memset(d, 0, sizeof(*d));
		s->ndests--;
	}
}

void sockets_finish(struct sock_snapshot *s)
{
	if (s->nlisteners > 1)
		qsort(s->listeners, s->nlisteners, sizeof(*s->listeners), listener_cmp);
	if (s->nlsocks > 1)
		qsort(s->lsocks, s->nlsocks, sizeof(*s->lsocks), lsock_cmp);
	if (s->listen_ports)
		for (size_t i = 0; i < s->nslots; i++)
			if (s->slots[i].used)
				move_to_server(s, &s->slots[i]);
	s->tw_client = s->tw_server = s->tw_other = 0;
	s->nservers = 0;
	for (size_t i = 0; i < s->nslots; i++)
		s->tw_client += s->slots[i].time_wait;
	for (size_t i = 0; i < s->nports_slots; i++) {
		struct port_entry *e = &s->ports[i];

		if (!port_used(e))
			continue;
		e->server = s->listen_ports && listening_port(s, e->port);
		if (e->server)
			s->tw_server += e->time_wait;
		else
			s->tw_other += e->time_wait;
		s->nservers += e->server && e->time_wait;
	}
}

void sockets_free(struct sock_snapshot *s)
{
	if (s->slots || s->ports)
		free_samples(s);
	free(s->slots);
	free(s->listeners);
	free(s->listen_ports);
	free(s->ports);
	free(s->lsocks);
	if (s->procs && s->procs_free)
		s->procs_free(s->procs);
	s->procs = NULL;
	s->slots = NULL;
	s->listeners = NULL;
	s->listen_ports = NULL;
	s->ports = NULL;
	s->lsocks = NULL;
	s->nslots = s->ndests = s->nlisteners = s->listeners_cap = 0;
	s->nports_slots = s->nports = s->nlsocks = s->lsocks_cap = s->nservers = 0;
}

const struct port_entry *sockets_ports(const struct sock_snapshot *s,
				       const struct port_entry *prev)
{
	size_t i = prev ? (size_t)(prev - s->ports) + 1 : 0;

	for (; i < s->nports_slots; i++)
		if (port_used(&s->ports[i]))
			return &s->ports[i];
	return NULL;
}

static int server_cmp(const struct port_entry *a, const struct port_entry *b)
{
	if (a->time_wait != b->time_wait)
		return a->time_wait > b->time_wait ? -1 : 1;
	if (a->port != b->port)
		return (int)a->port - (int)b->port;
	if (a->local.family != b->local.family)
		return a->local.family - b->local.family;
	return memcmp(a->local.bytes, b->local.bytes, 16);
}

size_t sockets_top_servers(const struct sock_snapshot *s, const struct port_entry **out,
			   size_t n)
{
	size_t got = 0;

	for (const struct port_entry *e = n ? sockets_ports(s, NULL) : NULL; e;
	     e = sockets_ports(s, e)) {
		size_t j;

		if (!e->server || !e->time_wait || (got == n && server_cmp(e, out[n - 1]) >= 0))
			continue;
		j = got < n ? got++ : n - 1;
		while (j > 0 && server_cmp(e, out[j - 1]) < 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = e;
	}
	return got;
}

const struct dest *sockets_dests(const struct sock_snapshot *s, const struct dest *prev)
{
	size_t i = prev ? (size_t)(prev - s->slots) + 1 : 0;

	for (; i < s->nslots; i++)
		if (s->slots[i].used)
			return &s->slots[i];
	return NULL;
}

static int dest_cmp(const struct dest *a, const struct dest *b)
{
	int c;

	if (a->used != b->used)
		return a->used > b->used ? -1 : 1;
	if (a->local.family != b->local.family)
		return a->local.family - b->local.family;
	c = memcmp(a->local.bytes, b->local.bytes, 16);
	if (!c)
		c = memcmp(a->remote.bytes, b->remote.bytes, 16);
	return c ? c : (int)a->rport - (int)b->rport;
}

size_t sockets_top(const struct sock_snapshot *s, const struct dest **out, size_t n)
{
	size_t got = 0;

	for (const struct dest *d = n ? sockets_dests(s, NULL) : NULL; d; d = sockets_dests(s, d)) {
		size_t j;

		if (got == n && dest_cmp(d, out[n - 1]) >= 0)
			continue;
		j = got < n ? got++ : n - 1;
		while (j > 0 && dest_cmp(d, out[j - 1]) < 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = d;
	}
	return got;
}

const char *addr_str(const struct addr *a, char *buf, size_t len)
{
	return ip_str(a->family, a->bytes, buf, len);
}

const char *dest_key_str(const struct dest *d, char *buf, size_t len)
{
	char l[IP_STR_LEN], r[ENDPOINT_STR_LEN];

	snprintf(buf, len, "%s -> %s", addr_str(&d->local, l, sizeof(l)),
		 endpoint_str(d->remote.family, d->remote.bytes, d->rport, r, sizeof(r)));
	return buf;
}

unsigned long long sockets_tw_sides(const struct sock_snapshot *s)
{
	return s->tw_client + s->tw_server + s->tw_other;
}

double sockets_side_rate(const struct sock_snapshot *s, unsigned long long tw, double close_rate)
{
	unsigned long long all = sockets_tw_sides(s);

	if (close_rate < 0)
		return (double)tw / TCP_TIMEWAIT_SECONDS;
	return all ? close_rate * (double)tw / (double)all : 0;
}
