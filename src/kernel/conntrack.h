// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack.h: the connection tracking table of one network namespace,
 * over ctnetlink (NETLINK_NETFILTER, libnl-3 core, raw messages).
 *
 * A dump is streamed into counters: entries by layer 4 protocol and TCP
 * state, one row per NAT mapping (translated source address, destination
 * address and port, protocol) with the ports it holds, one row per
 * original source address. Memory grows with mappings and sources, never
 * with entries. The table fill (nf_conntrack_count, nf_conntrack_max) and
 * the per-CPU statistics (/proc/net/stat/nf_conntrack, summed) are read
 * from files. The live dump and the replay of a recorded one feed every
 * message to conntrack_feed(): one decoder.
 */
#ifndef TWTUNE_CONNTRACK_H
#define TWTUNE_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_MAX_RESTARTS 5

/* enum tcp_conntrack (include/uapi/linux/netfilter/nf_conntrack_tcp.h):
 * NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK,
 * TIME_WAIT, CLOSE, SYN_SENT2 (printed LISTEN by /proc, SYN_SENT2 by
 * conntrack-tools); anything else is counted as CT_TCP_OTHER. */
enum ct_tcp_state {
	CT_TCP_NONE,
	CT_TCP_SYN_SENT,
	CT_TCP_SYN_RECV,
	CT_TCP_ESTABLISHED,
	CT_TCP_FIN_WAIT,
	CT_TCP_CLOSE_WAIT,
	CT_TCP_LAST_ACK,
	CT_TCP_TIME_WAIT,
	CT_TCP_CLOSE,
	CT_TCP_SYN_SENT2,
	CT_TCP_OTHER,
	CT_TCP_NSTATES
};

enum ct_proto { CT_PROTO_TCP, CT_PROTO_UDP, CT_PROTO_ICMP, CT_PROTO_ICMPV6, CT_PROTO_OTHER, CT_PROTO_N };

/* Names for output: "SYN_SENT", "TIME_WAIT", ...; "tcp", "udp", ... */
const char *ct_tcp_state_name(int state);
const char *ct_proto_name(int proto);

/* Why a dump failed. */
enum ct_fault {
	CT_FAULT_NONE,
	CT_FAULT_UNAVAILABLE, /* no conntrack here: module, permission, protocol */
	CT_FAULT_SOCKET,      /* sending or receiving failed */
	CT_FAULT_MALFORMED,   /* a message that is not what the kernel sends */
	CT_FAULT_TRUNCATED,   /* the dump ended before NLMSG_DONE */
	CT_FAULT_KERNEL,      /* NLMSG_ERROR, or NLMSG_DONE carrying an error */
	CT_FAULT_INTERRUPTED, /* NLM_F_DUMP_INTR on every attempt */
};

/* One NAT mapping: the source NAT gave connections towards dst:dport
 * (protocol proto) the source address nat_addr; each holds one port of
 * it (the reply tuple's destination port). The unit NAT allocates ports
 * in (nf_nat_used_tuple(): the reply tuple must be unique). */
struct ct_nat_map {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t proto;  /* IPPROTO_TCP, IPPROTO_UDP, ... */
	uint16_t dport; /* host order */
	uint8_t nat_addr[16];
	uint8_t dst[16];
	uint32_t used;      /* entries: ports held */
	uint32_t time_wait; /* of them in TCP TIME_WAIT */
	uint32_t close;     /* in TCP CLOSE */
	uint16_t port_lo, port_hi; /* lowest and highest translated port seen */
};

/* One original source address (a pod's or container's address). */
struct ct_source {
	uint8_t family;
	uint8_t addr[16];
	uint32_t entries;   /* entries whose original source it is */
	uint32_t nat;       /* of them source-NATed */
	uint32_t time_wait; /* of them in TCP TIME_WAIT */
};

/* Sums over the CPUs of /proc/net/stat/nf_conntrack; -1 when the column
 * is absent (older kernels lack clash_resolve, chaintoolong). */
struct ct_stats {
	long long found, invalid, insert, insert_failed, drop, early_drop, error,
		search_restart, clash_resolve, chaintoolong;
	int cpus;
};

struct ct_table {
	/* from files; -1 when unreadable */
	long long count;        /* nf_conntrack_count: this namespace's entries */
	long long max;          /* nf_conntrack_max: global */
	long long buckets;      /* nf_conntrack_buckets: global */
	long long tw_timeout;   /* nf_conntrack_tcp_timeout_time_wait, seconds */
	bool have_stats;
	struct ct_stats stats;

	/* from the dump */
	bool dumped;            /* a dump (or replay) was decoded */
	bool skipped;           /* count was 0: the dump was not asked for */
	unsigned long long entries;
	unsigned long long by_proto[CT_PROTO_N];
	unsigned long long tcp[CT_TCP_NSTATES];
	unsigned long long nat_entries; /* entries with IPS_SRC_NAT */
	unsigned long long dnat_entries;
	struct ct_nat_map *maps;
	size_t nmaps, maps_cap;
	struct ct_source *srcs;
	size_t nsrcs, srcs_cap;
	uint32_t *map_index, *src_index; /* open addressing, slot = index + 1 */
	size_t map_slots, src_slots;

	/* how it went */
	enum ct_fault fault;
	int err;
	int restarts;
	bool interrupted; /* NLM_F_DUMP_INTR seen in this attempt */
};

struct ct_opts {
	const char *sysctl_root; /* "/proc/sys" */
	const char *proc_net;    /* "/proc/net": stat/nf_conntrack */
	const char *replay;      /* a recorded dump decoded instead of asking, or NULL */
	const char *record;      /* file to record the live dump to, or NULL */
	bool always_dump;        /* dump even when nf_conntrack_count says 0 */
};

void conntrack_init(struct ct_table *t);
void conntrack_free(struct ct_table *t);
/* Empties the dump's counters (a restart), keeping the file values. */
void conntrack_reset_dump(struct ct_table *t);

/* Accounts one netlink message (len bytes readable). 1 when it was the
 * dump's NLMSG_DONE, 0 for more, 2 when the dump was interrupted and
 * starts again (the counters are empty again), or -errno with t->fault
 * set (-EBADMSG malformed, the kernel's error, -EAGAIN interrupted too
 * often, -ENOMEM). Requests (NLM_F_REQUEST) are skipped. */
int conntrack_feed(struct ct_table *t, const void *msg, size_t len);

/* A buffer holding one whole recorded dump. 0 or -errno (-ENODATA when it
 * ends before the dump does). */
int conntrack_parse_buffer(struct ct_table *t, const void *buf, size_t len);

/* Parses /proc/net/stat/nf_conntrack text: a header naming the columns,
 * then one line of hex per CPU. 0 or -EINVAL. */
int conntrack_parse_stats(const char *text, struct ct_stats *st);

/* Reads the files and, unless the count is 0, dumps (or replays) the
 * table of the calling thread's namespace into t; without
 * nf_conntrack_count (conntrack not loaded) it is unavailable (-ENOENT),
 * unless o->always_dump. 0 when the table was
 * read; -errno with t->fault set when the dump failed (CT_FAULT_UNAVAILABLE:
 * no conntrack here). t holds what could be read either way. */
int conntrack_collect(struct ct_table *t, const struct ct_opts *o);

/* Ports NAT can choose from for one mapping when the rule names none:
 * nf_nat_l4proto_unique_tuple() takes 1024..65535 for a source port of
 * 1024 or more: 64512. */
#define CT_NAT_DEFAULT_PORTS 64512u

#endif
