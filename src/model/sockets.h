// SPDX-License-Identifier: GPL-2.0-or-later
/* sockets.h: live TCP socket pressure, decoded into plain counters: the
 * socket model.
 *
 * The decoders (sockdiag.c over NETLINK_SOCK_DIAG, procnet.c over
 * /proc/net/tcp{,6}) stream every socket into these counters: counts per
 * state, one entry per destination key, listeners inside the ephemeral
 * range, one entry per non-ephemeral local (address, port) (the server side
 * of TIME_WAIT and "other"), a bounded sample of live socket inodes per
 * entry. Nothing is kept per socket; memory grows with destinations and
 * ports. The
 * model knows no decoder: collect.c chooses one and fills a snapshot.
 */
#ifndef TWTUNE_SOCKETS_H
#define TWTUNE_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct procscan;

/* Kernel TCP state numbers (include/net/tcp_states.h), 1..12. */
enum tcp_state {
	TCP_STATE_ESTABLISHED = 1,
	TCP_STATE_SYN_SENT,
	TCP_STATE_SYN_RECV,
	TCP_STATE_FIN_WAIT1,
	TCP_STATE_FIN_WAIT2,
	TCP_STATE_TIME_WAIT,
	TCP_STATE_CLOSE,
	TCP_STATE_CLOSE_WAIT,
	TCP_STATE_LAST_ACK,
	TCP_STATE_LISTEN,
	TCP_STATE_CLOSING,
	TCP_STATE_NEW_SYN_RECV,
};
#define TCP_NSTATES 13

/* TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s, fixed (include/net/tcp.h). */
#define TCP_TIMEWAIT_SECONDS 60
extern const char *const tcp_state_names[TCP_NSTATES]; /* [0] is NULL */

/* What counts as an ephemeral port: ip_local_port_range and the
 * ip_local_reserved_ports bitmap (65536 bits, may be NULL for none). */
struct ephemeral {
	unsigned low, high;
	const uint8_t *reserved;
};
bool ephemeral_reserved(const struct ephemeral *e, unsigned port);
/* Range size minus reserved ports inside it. */
unsigned ephemeral_usable(const struct ephemeral *e);

/* Addresses: family AF_INET or AF_INET6; IPv4-mapped IPv6 is stored as AF_INET. */
struct addr {
	uint8_t family;
	uint8_t bytes[16];
};

/* A live socket's owner as the dump gives it: idiag_inode (0 for
 * TIME_WAIT and orphans, which have no owner) and idiag_uid. */
struct sock_ref {
	uint64_t inode;
	uint32_t uid;
};
/* Live sockets whose inodes are kept per destination or server port: the
 * sample that names the processes (live counts every one). */
#define SOCKETS_SAMPLE 16
/* Remote peers kept per server port, with their TIME_WAIT. */
#define PORT_PEERS 3

/* Destination key K = (local IP, remote IP, remote port): the client side. */
struct dest {
	struct addr local, remote;
	uint16_t rport;
	uint32_t used;      /* sockets holding an ephemeral local port towards K */
	uint32_t time_wait; /* of those, in TIME_WAIT (not the FIN_WAIT2 substate) */
	uint32_t live;      /* of those, ESTABLISHED or SYN_SENT */
	uint32_t tw_young;  /* of the TIME_WAIT, those younger than young_ms (their
			     * idiag_expires says so): made in the measuring window */
	/* The local port of K's first socket and how many of K's sockets had
	 * it: sockets_finish() moves them to the server side when that port
	 * turns out to be a listening one (listed after them). */
	uint16_t sport;
	uint32_t sport_used, sport_tw, sport_closing, sport_live, sport_young;
	uint16_t sport_sample; /* bit i: sample[i] is one of those (moved with them) */
	uint8_t nsample;
	struct sock_ref *sample; /* up to SOCKETS_SAMPLE live sockets, or NULL */
};

/* Sockets on a local (address, port) that is not ephemeral (outside the
 * range) or is a listening port: the server side when a listener has that
 * port, else "other" (a client that bound a fixed port). */
struct port_entry {
	struct addr local;
	uint16_t port;
	bool server;        /* set by sockets_finish(): a listener has the port */
	uint32_t time_wait; /* in TIME_WAIT */
	uint32_t tw_young;  /* of those, younger than young_ms */
	uint32_t closing;   /* FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK, CLOSING */
	uint32_t live;      /* ESTABLISHED, SYN_RECV */
	uint32_t from_local; /* TIME_WAIT whose peer is on this host (loopback, or
			      * the local address itself) */
	uint8_t nsample;
	struct sock_ref *sample; /* up to SOCKETS_SAMPLE live sockets, or NULL */
	/* The remote peers of its TIME_WAIT (not on this host): the first
	 * PORT_PEERS addresses seen with their counts, the rest counted. */
	struct {
		struct addr addr;
		uint32_t time_wait;
	} peer[PORT_PEERS];
	uint8_t npeers;
	uint32_t peers_other; /* TIME_WAIT of further remote peers */
};

struct listener {
	struct addr addr;
	uint16_t port;
	bool reserved; /* covered by ip_local_reserved_ports */
};

/* Every listening socket (any port), for naming a server port's owner. */
struct listen_sock {
	struct addr addr;
	uint16_t port;
	struct sock_ref ref;
};

/* Kernel counters; -1 where the file or field is missing. */
struct sock_counters {
	long long sockstat_inuse, sockstat_orphan, sockstat_tw, sockstat_alloc;
	long long sockstat6_inuse;
	long long tw, tw_recycled, tw_killed, tw_overflow; /* TcpExt */
	long long curr_estab, active_opens;                /* Tcp */
};

/* Which decoder filled the snapshot: sock_diag, or /proc/net/tcp{,6}. */
enum sock_source { SOURCE_SOCK_DIAG, SOURCE_PROCFS };

struct sock_snapshot {
	enum sock_source source;
	unsigned long long total;
	unsigned long long states[TCP_NSTATES];
	/* open-addressing hash of destinations; iterate with sockets_dests() */
	struct dest *slots;
	size_t nslots, ndests;
	struct listener *listeners;
	size_t nlisteners, listeners_cap;
	struct sock_counters counters;
	struct ephemeral eph;
	uint8_t *listen_ports; /* bitmap: ports with a listener, any address */
	/* hash of non-ephemeral local (address, port): iterate with sockets_ports() */
	struct port_entry *ports;
	size_t nports_slots, nports;
	struct listen_sock *lsocks; /* sorted by port after sockets_finish() */
	size_t nlsocks, lsocks_cap;
	/* TIME_WAIT by side, from sockets_finish(); they add up to
	 * states[TCP_STATE_TIME_WAIT] */
	unsigned long long tw_client, tw_server, tw_other;
	/* TIME_WAIT ages: an entry whose idiag_expires leaves it younger than
	 * young_ms (set before the dump, kept by sockets_reset; 0: ages not
	 * counted) is young; tw_young counts them on every side. */
	uint32_t young_ms;
	unsigned long long tw_young;
	/* Sockets bound to a port inside the ephemeral range and never
	 * connected (the dump's CLOSE state with no peer, 6.5+'s bound-inactive
	 * sockets): each keeps its port from every destination. Not a
	 * destination. */
	unsigned long long bound;
	size_t nservers; /* port entries with server set and TIME_WAIT */
	/* The owners of the sampled sockets, when collect asked (procscan.h);
	 * NULL when not asked or it failed (procs_err says why). */
	struct procscan *procs;
	void (*procs_free)(struct procscan *); /* how sockets_free() frees procs */
	int procs_err;
	bool procs_asked;
};

/* An empty snapshot for the ports eph says (copied). 0 or -ENOMEM; free
 * it with sockets_free() either way. */
int sockets_init(struct sock_snapshot *s, const struct ephemeral *eph);
/* The streaming entry point of both decoders: accounts one socket.
 * Addresses are 4 or 16 bytes in network order; ports in host order.
 * Returns 0 or -ENOMEM. */
int sockets_account(struct sock_snapshot *s, uint8_t family, const void *src, const void *dst,
		    uint16_t sport, uint16_t dport, uint8_t state);
/* The same with the socket's owner (inode 0: none, as for TIME_WAIT). */
int sockets_account_ref(struct sock_snapshot *s, uint8_t family, const void *src,
			const void *dst, uint16_t sport, uint16_t dport, uint8_t state,
			struct sock_ref ref);
/* The same with the socket's timer: expires_ms, a TIME_WAIT's time left
 * (idiag_expires; < 0: unknown), tells its age against s->young_ms. */
int sockets_account_timer(struct sock_snapshot *s, uint8_t family, const void *src,
			  const void *dst, uint16_t sport, uint16_t dport, uint8_t state,
			  struct sock_ref ref, long long expires_ms);
/* Empty counters for a (re)started dump; keeps eph. 0 or -ENOMEM. */
int sockets_reset(struct sock_snapshot *s);
/* After the last socket: listeners in order of port and address, and the
 * sides of TIME_WAIT: a port entry is server side when a listener has its
 * port (whatever order the dump listed them in), destinations whose first
 * local port is a listening one give those sockets to the server side,
 * and tw_client, tw_server and tw_other are set. */
void sockets_finish(struct sock_snapshot *s);
void sockets_free(struct sock_snapshot *s);

/* Every destination, in no particular order:
 *	for (d = sockets_dests(s, NULL); d; d = sockets_dests(s, d))
 * prev is NULL for the first, else the one returned last. */
const struct dest *sockets_dests(const struct sock_snapshot *s, const struct dest *prev);

/* Every port entry, as sockets_dests() iterates destinations. */
const struct port_entry *sockets_ports(const struct sock_snapshot *s,
				       const struct port_entry *prev);

/* The n server-side entries with the most TIME_WAIT (ties broken by
 * port, then address); fills out[] and returns the count. */
size_t sockets_top_servers(const struct sock_snapshot *s, const struct port_entry **out,
			   size_t n);

/* The n fullest destinations, sorted by used (descending, ties broken by
 * key). Fills out[] with pointers into the snapshot and returns the count. */
size_t sockets_top(const struct sock_snapshot *s, const struct dest **out, size_t n);

/* "10.0.0.1" or "::1"; buf must hold INET6_ADDRSTRLEN bytes. */
const char *addr_str(const struct addr *a, char *buf, size_t len);
/* A destination's key: "10.0.0.1 -> 10.0.0.2:80", "::1 -> [::1]:80"
 * (endpoint_str). Returns buf. */
const char *dest_key_str(const struct dest *d, char *buf, size_t len);

/* Whether a listener of the snapshot has port (any address). */
bool sockets_listening(const struct sock_snapshot *s, uint16_t port);
/* TIME_WAIT of the three sides (server + client + other): the dump's count. */
unsigned long long sockets_tw_sides(const struct sock_snapshot *s);
/* The close rate of tw of those TIME_WAIT: close_rate < 0, tw / 60 s;
 * else close_rate (all sides) shared out by TIME_WAIT count. */
double sockets_side_rate(const struct sock_snapshot *s, unsigned long long tw, double close_rate);

#endif
