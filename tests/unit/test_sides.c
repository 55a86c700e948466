// SPDX-License-Identifier: GPL-2.0-or-later
/* test_sides.c: which side of TIME_WAIT each socket lands on, table-driven:
 * sockets in dump order (listeners before or after the TIME_WAIT they
 * explain, both families, a listener inside the ephemeral range), and the
 * sides, entries and samples sockets_finish() leaves */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets.h"
#include "tap.h"

struct sk {
	const char *src;
	unsigned sport;
	const char *dst;
	unsigned dport;
	int state;
	unsigned inode;
};

struct tcase {
	const char *name;
	struct sk socks[12];
	unsigned long long client, server, other;
	size_t ndests, nservers;
	unsigned top_port;     /* the busiest server port, 0 for none */
	unsigned top_tw;       /* its TIME_WAIT */
	unsigned top_from_local;
};

#define TW TCP_STATE_TIME_WAIT
#define LI TCP_STATE_LISTEN
#define ES TCP_STATE_ESTABLISHED
#define FW TCP_STATE_FIN_WAIT2

static const struct tcase cases[] = {
	{ "listener first: server side on 8081, the proxy's side is client",
	  { { "0.0.0.0", 8081, "0.0.0.0", 0, LI, 7 },
	    { "127.0.0.1", 8081, "127.0.0.1", 40000, TW, 0 },
	    { "127.0.0.1", 8081, "127.0.0.1", 40001, TW, 0 },
	    { "127.0.0.1", 40002, "127.0.0.1", 8081, TW, 0 } },
	  1, 2, 0, 1, 1, 8081, 2, 2 },
	{ "IPv4 TIME_WAIT before the IPv6 wildcard listener (per-family dumps)",
	  { { "10.0.0.1", 8081, "10.0.0.2", 40000, TW, 0 },
	    { "10.0.0.1", 8081, "10.0.0.3", 40000, TW, 0 },
	    { "10.0.0.1", 8081, "10.0.0.3", 40001, ES, 11 },
	    { "::", 8081, "::", 0, LI, 9 } },
	  0, 2, 0, 0, 1, 8081, 2, 0 },
	{ "a v4-mapped TIME_WAIT is keyed as IPv4",
	  { { "::", 8081, "::", 0, LI, 9 },
	    { "::ffff:127.0.0.1", 8081, "::ffff:127.0.0.1", 40000, TW, 0 },
	    { "127.0.0.1", 8081, "127.0.0.1", 40001, TW, 0 } },
	  0, 2, 0, 0, 1, 8081, 2, 2 },
	{ "a listener inside the range listed after its TIME_WAIT leaves the destinations",
	  { { "10.0.0.1", 45000, "10.0.0.2", 40000, TW, 0 },
	    { "10.0.0.1", 45000, "10.0.0.2", 40001, TW, 0 },
	    { "10.0.0.1", 45000, "10.0.0.2", 40002, ES, 5 },
	    { "10.0.0.1", 41000, "10.0.0.9", 443, TW, 0 },
	    { "0.0.0.0", 45000, "0.0.0.0", 0, LI, 3 } },
	  1, 2, 0, 1, 1, 45000, 2, 0 },
	{ "a listener inside the range listed first",
	  { { "0.0.0.0", 45000, "0.0.0.0", 0, LI, 3 },
	    { "10.0.0.1", 45000, "10.0.0.2", 40000, TW, 0 },
	    { "10.0.0.1", 40000, "10.0.0.2", 45000, TW, 0 } },
	  1, 1, 0, 1, 1, 45000, 1, 0 },
	{ "a destination whose first socket was server side keeps its client socket",
	  { { "10.0.0.1", 45000, "10.0.0.2", 50000, TW, 0 },
	    { "10.0.0.1", 41000, "10.0.0.2", 50000, TW, 0 },
	    { "0.0.0.0", 45000, "0.0.0.0", 0, LI, 3 } },
	  1, 1, 0, 1, 1, 45000, 1, 0 },
	{ "a fixed port without a listener is other; FIN_WAIT2 is no TIME_WAIT",
	  { { "0.0.0.0", 8081, "0.0.0.0", 0, LI, 7 },
	    { "127.0.0.1", 5001, "127.0.0.1", 8081, TW, 0 },
	    { "127.0.0.1", 5002, "127.0.0.1", 8081, TW, 0 },
	    { "127.0.0.1", 8081, "127.0.0.1", 5003, FW, 0 },
	    { "127.0.0.1", 40000, "127.0.0.1", 8081, FW, 0 } },
	  0, 0, 2, 1, 0, 0, 0, 0 },
	{ "two server ports: the busiest first",
	  { { "0.0.0.0", 80, "0.0.0.0", 0, LI, 1 },
	    { "0.0.0.0", 443, "0.0.0.0", 0, LI, 2 },
	    { "192.0.2.1", 80, "198.51.100.1", 40000, TW, 0 },
	    { "192.0.2.1", 443, "198.51.100.1", 40001, TW, 0 },
	    { "192.0.2.1", 443, "198.51.100.2", 40001, TW, 0 },
	    { "192.0.2.1", 443, "198.51.100.3", 40001, ES, 20 } },
	  0, 3, 0, 0, 2, 443, 2, 0 },
};

static void put(const char *text, uint8_t *family, uint8_t bytes[16])
{
	memset(bytes, 0, 16);
	*family = inet_pton(AF_INET, text, bytes) == 1 ? AF_INET : AF_INET6;
	if (*family == AF_INET6 && inet_pton(AF_INET6, text, bytes) != 1)
		printf("# bad address %s\n", text);
}

static void run(const struct tcase *c)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };
	const struct port_entry *top[2] = { NULL, NULL };
	struct sock_snapshot s;
	unsigned long long tw;
	size_t n;

	TAP_OK(sockets_init(&s, &eph) == 0, "%s: an empty snapshot", c->name);
	for (size_t i = 0; i < 12 && c->socks[i].src; i++) {
		const struct sk *k = &c->socks[i];
		uint8_t fs, fd, src[16], dst[16];

		put(k->src, &fs, src);
		put(k->dst, &fd, dst);
		sockets_account_ref(&s, fs, src, dst, (uint16_t)k->sport, (uint16_t)k->dport,
				    (uint8_t)k->state, (struct sock_ref){ k->inode, 0 });
	}
	sockets_finish(&s);
	tw = s.states[TCP_STATE_TIME_WAIT];
	TAP_OK(s.tw_client == c->client && s.tw_server == c->server && s.tw_other == c->other,
	       "%s: client %llu server %llu other %llu", c->name, s.tw_client, s.tw_server,
	       s.tw_other);
	TAP_OK(s.tw_client + s.tw_server + s.tw_other == tw, "%s: the sides add up to %llu",
	       c->name, tw);
	TAP_OK(s.ndests == c->ndests && s.nservers == c->nservers,
	       "%s: %zu destinations, %zu server ports", c->name, s.ndests, s.nservers);
	n = sockets_top_servers(&s, top, 2);
	TAP_OK(n == c->nservers && (!n || (top[0]->port == c->top_port &&
					   top[0]->time_wait == c->top_tw &&
					   top[0]->from_local == c->top_from_local)),
	       "%s: the busiest server port %u with %u TIME_WAIT, %u from this host", c->name,
	       n ? top[0]->port : 0, n ? top[0]->time_wait : 0, n ? top[0]->from_local : 0);
	sockets_free(&s);
}

/* The sample of live sockets is bounded, the live count is not. */
static void test_sample(void)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };
	const uint8_t l[4] = { 10, 0, 0, 1 }, r[4] = { 10, 0, 0, 2 };
	struct sock_snapshot s;
	const struct dest *d;

	TAP_OK(sockets_init(&s, &eph) == 0, "sample: an empty snapshot");
	for (unsigned i = 0; i < 40; i++)
		sockets_account_ref(&s, AF_INET, l, r, (uint16_t)(40000 + i), 443, TCP_STATE_ESTABLISHED,
				    (struct sock_ref){ 1000 + i, 33 });
	sockets_account_ref(&s, AF_INET, l, r, 41000, 443, TCP_STATE_TIME_WAIT,
			    (struct sock_ref){ 0, 0 });
	sockets_finish(&s);
	d = sockets_dests(&s, NULL);
	TAP_OK(d && d->live == 40 && d->used == 41 && d->nsample == SOCKETS_SAMPLE &&
		       d->sample[0].inode == 1000 && d->sample[0].uid == 33,
	       "sample: 40 live sockets, %d of their inodes kept", SOCKETS_SAMPLE);
	TAP_OK(sockets_reset(&s) == 0 && s.ndests == 0 && s.nports == 0 && s.nlsocks == 0,
	       "sample: a reset empties everything");
	sockets_free(&s);
}

/* A listener listed after live sockets on its port (within the range, so
 * first taken for a destination's): their sampled inodes go with them to
 * the server port, the destination keeps its own (each sample within its
 * live count; fuzz_procnet found the destination with more samples than
 * live sockets, regress/fuzz_procnet/listener-after-live-socket). */
static void test_sample_moved(void)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };
	const uint8_t l[4] = { 10, 0, 0, 1 }, r[4] = { 10, 0, 0, 2 }, any[4] = { 0 };
	const struct port_entry *e;
	const struct dest *d;
	struct sock_snapshot s;

	TAP_OK(sockets_init(&s, &eph) == 0, "moved sample: an empty snapshot");
	/* server side of 45000 (not known yet), a client socket, server side again */
	sockets_account_ref(&s, AF_INET, l, r, 45000, 40000, TCP_STATE_ESTABLISHED,
			    (struct sock_ref){ 5, 0 });
	sockets_account_ref(&s, AF_INET, l, r, 41000, 40000, TCP_STATE_ESTABLISHED,
			    (struct sock_ref){ 6, 0 });
	sockets_account_ref(&s, AF_INET, l, r, 45000, 40000, TCP_STATE_ESTABLISHED,
			    (struct sock_ref){ 7, 0 });
	sockets_account_ref(&s, AF_INET, any, any, 45000, 0, TCP_STATE_LISTEN,
			    (struct sock_ref){ 3, 0 });
	sockets_finish(&s);
	d = sockets_dests(&s, NULL);
	TAP_OK(d && s.ndests == 1 && d->used == 1 && d->live == 1 && d->nsample == 1 &&
		       d->sample[0].inode == 6,
	       "moved sample: the destination keeps its one live socket and its inode");
	for (e = sockets_ports(&s, NULL); e && e->port != 45000; e = sockets_ports(&s, e))
		;
	TAP_OK(e && e->server && e->live == 2 && e->nsample == 2 && e->sample[0].inode == 5 &&
		       e->sample[1].inode == 7,
	       "moved sample: the server port has its two live sockets and their inodes");
	sockets_free(&s);
}

/* ephemeral_usable against a count port by port, over ranges that start
 * and end inside and on the edges of the bitmap's bytes. */
static void test_usable(void)
{
	static uint8_t bits[8192];
	bool same = true;

	srand(7);
	for (size_t i = 0; i < sizeof(bits); i++)
		bits[i] = (uint8_t)(rand() & rand());
	for (int k = 0; k < 300 && same; k++) {
		unsigned low = (unsigned)rand() % 65536, high = (unsigned)rand() % 65536, want = 0;
		struct ephemeral e = { low, high, k % 10 ? bits : NULL };

		if (k < 4) /* one port; a range of 8 aligned; the whole space; empty */
			e = (struct ephemeral){ k == 0 ? 8 : 0, k == 0 ? 8 : k == 1 ? 7 : k == 2 ? 65535 : 0,
						bits };
		if (k == 3)
			e.low = 1;
		for (unsigned p = e.low; p <= e.high; p++)
			want += !ephemeral_reserved(&e, p);
		same = ephemeral_usable(&e) == want;
		if (!same)
			printf("# %u-%u: %u, want %u\n", e.low, e.high, ephemeral_usable(&e), want);
	}
	TAP_OK(same, "ephemeral_usable: the count port by port, over 300 ranges");
}

int main(void)
{
	test_usable();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(&cases[i]);
	test_sample();
	test_sample_moved();
	return tap_done();
}
