/* sockets.c: the socket model: counters per state, one entry per
 * destination (open addressing, doubling), listeners in the range */
#include "sockets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

const char *const tcp_state_names[TCP_NSTATES] = {
	NULL,         "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE",      "CLOSE_WAIT",  "LAST_ACK",   "LISTEN",   "CLOSING",   "NEW_SYN_RECV",
};

bool ephemeral_reserved(const struct ephemeral *e, unsigned port)
{
	return e->reserved && port < 65536 && (e->reserved[port >> 3] >> (port & 7)) & 1;
}

unsigned ephemeral_usable(const struct ephemeral *e)
{
	unsigned n = 0;

	if (e->high < e->low)
		return 0;
	for (unsigned p = e->low; p <= e->high; p++)
		n += !ephemeral_reserved(e, p);
	return n;
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

static int grow(struct sock_snapshot *s)
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

	if ((s->ndests + 1) * 10 >= s->nslots * 7 && grow(s) < 0)
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

static int add_listener(struct sock_snapshot *s, const struct addr *a, uint16_t port)
{
	for (size_t i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].port == port && s->listeners[i].addr.family == a->family &&
		    memcmp(s->listeners[i].addr.bytes, a->bytes, 16) == 0)
			return 0; /* SO_REUSEPORT groups list one socket each */
	if (s->nlisteners == s->listeners_cap) {
		size_t cap = s->listeners_cap ? s->listeners_cap * 2 : 16;
		struct listener *t = realloc(s->listeners, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		s->listeners = t;
		s->listeners_cap = cap;
	}
	s->listeners[s->nlisteners].addr = *a;
	s->listeners[s->nlisteners].port = port;
	s->listeners[s->nlisteners++].reserved = ephemeral_reserved(&s->eph, port);
	return 0;
}

int sockets_account(struct sock_snapshot *s, uint8_t family, const void *src, const void *dst,
		    uint16_t sport, uint16_t dport, uint8_t state)
{
	struct addr l, r;
	struct dest *d;

	if (state == 0 || state >= TCP_NSTATES || (family != AF_INET && family != AF_INET6))
		return 0;
	s->total++;
	s->states[state]++;
	if (state == TCP_STATE_LISTEN) {
		s->listen_ports[sport >> 3] |= (uint8_t)(1u << (sport & 7));
		if (sport < s->eph.low || sport > s->eph.high)
			return 0;
		set_addr(&l, family, src);
		return add_listener(s, &l, sport);
	}
	/* Only a port the kernel could have handed out counts, and not the
	 * listening port of an accepted connection: the kernel lists
	 * listeners before the rest, so the bitmap is complete by now. */
	if (sport < s->eph.low || sport > s->eph.high ||
	    (s->listen_ports[sport >> 3] >> (sport & 7)) & 1)
		return 0;
	set_addr(&l, family, src);
	set_addr(&r, family, dst);
	d = dest_get(s, &l, &r, dport);
	if (!d)
		return -ENOMEM;
	d->used++;
	if (state == TCP_STATE_TIME_WAIT)
		d->time_wait++;
	return 0;
}

int sockets_reset(struct sock_snapshot *s)
{
	s->total = 0;
	memset(s->states, 0, sizeof(s->states));
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	s->ndests = 0;
	s->nlisteners = 0;
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

void sockets_finish(struct sock_snapshot *s)
{
	if (s->nlisteners > 1)
		qsort(s->listeners, s->nlisteners, sizeof(*s->listeners), listener_cmp);
}

void sockets_free(struct sock_snapshot *s)
{
	free(s->slots);
	free(s->listeners);
	free(s->listen_ports);
	s->slots = NULL;
	s->listeners = NULL;
	s->listen_ports = NULL;
	s->nslots = s->ndests = s->nlisteners = s->listeners_cap = 0;
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
	if (!inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
