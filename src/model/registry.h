// SPDX-License-Identifier: GPL-2.0-or-later
/* registry.h: the one table of sysctls twtune knows.
 *
 * Everything that reads, writes, validates, completes or documents a key
 * walks this table: nothing outside it can be written.
 */
#ifndef TWTUNE_REGISTRY_H
#define TWTUNE_REGISTRY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum sysctl_type {
	TYPE_INT,       /* one integer */
	TYPE_PORT_PAIR, /* two ports: low high */
	TYPE_PORT_LIST, /* comma-separated ports and ranges, may be empty */
};

#define SYSCTL_READONLY 0x1 /* read, never written by twtune */
/* One value for the whole host (net/netfilter's nf_conntrack_max and
 * nf_conntrack_buckets): a network namespace other than the initial one
 * sees the host's value and cannot write it. */
#define SYSCTL_GLOBAL 0x2

/* A default the kernel computes at boot from another file under the sysctl
 * root: `source` is that file's text (as read, with its newline); writes the
 * normalised default into buf. 0, -EINVAL when the text is not what the
 * kernel prints, -ENOSPC when buf is too small. */
typedef int sysctl_default_fn(const char *source, char *buf, size_t len);

/* tcp_max_tw_buckets: net/ipv4/inet_hashtables.c sets it to
 * (ehash_mask + 1) / 2, i.e. |tcp_ehash_entries| / 2 (negative when the
 * namespace shares the host's table). */
sysctl_default_fn sysctl_default_half_ehash;

/* nf_conntrack_max: net/netfilter/nf_conntrack_core.c (nf_conntrack_init_start)
 * sets it to nf_conntrack_htable_size * max_factor, max_factor 1 on 64-bit
 * kernels since 5.15: the bucket count as printed. */
sysctl_default_fn sysctl_default_same;

/* The default column of SYSCTLS(): a fixed normalised text, or a computed
 * one (function, source path under the sysctl root, how, for people). */
#define SYSCTL_FIXED(text) text, NULL, NULL, NULL
#define SYSCTL_COMPUTED(fn, source, note) NULL, fn, source, note

/* Kubernetes (pkg/kubelet/sysctl/safe_sysctls.go): the version from which
 * a pod may set the key without kubelet --allowed-unsafe-sysctls, or
 * K8S_UNSAFE. */
#define K8S_UNSAFE NULL

/*
 * The keys, in table order: C code reaches a key by its id; names are for
 * the edges (profiles, the command line, JSON). SYSCTLS(X) is the one list,
 * expanded here into enum sysctl_id and in registry.c into sysctl_table,
 * so that enum, table and SYSCTL_COUNT cannot drift. The columns:
 *
 *   X(ID, dir, name, type, min, max, default, since, flags, k8s_safe_since, meaning)
 *
 * dir       the directory under the sysctl root: ipv4 or netfilter (net/<dir>/)
 * name      the short name, a bare word: the path is net/<dir>/<name>
 * min, max  what the kernel accepts (integer, or each port), not what is
 *           sensible: sensible is the risk engine's job
 * default   SYSCTL_FIXED("text") or SYSCTL_COMPUTED(fn, "source", "note")
 * since     kernel version that has the key per network namespace
 * flags     SYSCTL_READONLY or 0
 * k8s_safe_since  the Kubernetes version that put it on the kubelet's safe
 *           list ("1.4": the first list), or K8S_UNSAFE (FACTS.md,
 *           "Containers and Kubernetes")
 *
 * tcp_fin_timeout goes through proc_dointvec_jiffies, which accepts
 * negatives and refuses |v| > INT_MAX / HZ; 2147483 is that limit for
 * HZ=1000, the largest HZ, so it holds on every kernel. Checked against
 * net/ipv4/sysctl_net_ipv4.c and in a network namespace on 6.18.
 */
#define SYSCTLS(X)                                                                                \
	X(IP_LOCAL_PORT_RANGE, ipv4, ip_local_port_range, TYPE_PORT_PAIR, 1, 65535,                     \
	  SYSCTL_FIXED("32768 60999"), "3.13", 0, "1.4",                                          \
	  "local ports chosen for connect() and bind(port 0), TCP and UDP: low high")             \
	X(IP_LOCAL_RESERVED_PORTS, ipv4, ip_local_reserved_ports, TYPE_PORT_LIST, 0, 65535,             \
	  SYSCTL_FIXED(""), "3.16", 0, "1.27",                                                    \
	  "ports and ranges never chosen automatically; a write replaces the list")               \
	X(TCP_TW_REUSE, ipv4, tcp_tw_reuse, TYPE_INT, 0, 2,                                             \
	  SYSCTL_FIXED("2"), "4.11", 0, K8S_UNSAFE,                                               \
	  "reuse TIME_WAIT ports for outgoing connect(): 0 off, 1 on, 2 loopback only; "          \
	  "needs timestamps")                                                                     \
	X(TCP_TW_REUSE_DELAY, ipv4, tcp_tw_reuse_delay, TYPE_INT, 1, 60000,                             \
	  SYSCTL_FIXED("1000"), "6.14", 0, K8S_UNSAFE,                                            \
	  "milliseconds a TIME_WAIT entry must age before tcp_tw_reuse may take it")              \
	X(TCP_FIN_TIMEOUT, ipv4, tcp_fin_timeout, TYPE_INT, -2147483, 2147483,                          \
	  SYSCTL_FIXED("60"), "4.6", 0, "1.29",                                                   \
	  "seconds an orphaned FIN_WAIT_2 socket lives; does not change TIME_WAIT "               \
	  "(60 s, fixed)")                                                                        \
	X(TCP_MAX_TW_BUCKETS, ipv4, tcp_max_tw_buckets, TYPE_INT, INT_MIN, INT_MAX,                     \
	  SYSCTL_COMPUTED(sysctl_default_half_ehash, "net/ipv4/tcp_ehash_entries",                \
			  "TCP established hash entries / 2 (tcp_ehash_entries)"),                \
	  "4.11", 0, K8S_UNSAFE,                                                                  \
	  "cap on TIME_WAIT sockets; over it a closing socket skips TIME_WAIT silently")          \
	X(TCP_TIMESTAMPS, ipv4, tcp_timestamps, TYPE_INT, 0, 255,                                       \
	  SYSCTL_FIXED("1"), "4.13", 0, K8S_UNSAFE,                                               \
	  "TCP timestamps: 0 off, 1 on with random offset, 2 on without; "                        \
	  "tcp_tw_reuse needs them")                                                              \
	X(IP_UNPRIVILEGED_PORT_START, ipv4, ip_unprivileged_port_start, TYPE_INT, 0, 65536,             \
	  SYSCTL_FIXED("1024"), "4.11", SYSCTL_READONLY, "1.22",                                  \
	  "lowest port an unprivileged process may bind; ip_local_port_range may not "            \
	  "start below it")                                                                       \
	X(NF_CONNTRACK_MAX, netfilter, nf_conntrack_max, TYPE_INT, 0, INT_MAX,                    \
	  SYSCTL_COMPUTED(sysctl_default_same, "net/netfilter/nf_conntrack_buckets",              \
			  "nf_conntrack_buckets (64-bit kernels since 5.15)"),                    \
	  "-", SYSCTL_READONLY | SYSCTL_GLOBAL, K8S_UNSAFE,                                       \
	  "conntrack entries at most, for the whole host: every namespace's count is "            \
	  "checked against it; written from the initial namespace only")                          \
	X(NF_CONNTRACK_BUCKETS, netfilter, nf_conntrack_buckets, TYPE_INT, 1, INT_MAX,            \
	  SYSCTL_FIXED(NULL), "-", SYSCTL_READONLY | SYSCTL_GLOBAL, K8S_UNSAFE,                   \
	  "conntrack hash buckets, for the whole host (sized from memory at boot); "              \
	  "written from the initial namespace only")                                              \
	X(NF_CONNTRACK_TCP_TIMEOUT_TIME_WAIT, netfilter, nf_conntrack_tcp_timeout_time_wait,      \
	  TYPE_INT, 0, 2147483, SYSCTL_FIXED("120"), "3.7", SYSCTL_READONLY, K8S_UNSAFE,          \
	  "seconds conntrack keeps a closed TCP connection (TIME_WAIT); NAT holds its "           \
	  "port as long")

enum sysctl_id {
#define SYSCTL_ENUM_(id, ...) SYSCTL_##id,
	SYSCTLS(SYSCTL_ENUM_)
#undef SYSCTL_ENUM_
	SYSCTL_COUNT
};

struct sysctl_def {
	enum sysctl_id id;          /* its own index in sysctl_table */
	const char *name;           /* short name: "tcp_tw_reuse" */
	const char *path;           /* under the sysctl root: "net/ipv4/tcp_tw_reuse" */
	const char *prefix;         /* of the full name: "net.ipv4." or "net.netfilter." */
	enum sysctl_type type;
	long long min, max;         /* integer bounds, or bounds of each port */
	const char *kernel_default; /* normalised; NULL when computed (default_fn) */
	sysctl_default_fn *default_fn; /* computes the default from default_source, or NULL */
	const char *default_source; /* path under the sysctl root that default_fn reads */
	const char *default_note;   /* how the default is computed, or NULL */
	const char *since;          /* kernel version that has it per network namespace */
	unsigned flags;
	const char *k8s_safe_since; /* Kubernetes version that made it a safe pod sysctl, or NULL */
	const char *meaning;        /* one line */
};

/* sysctl_table[SYSCTL_x] is key x; sysctl_count == SYSCTL_COUNT. */
extern const struct sysctl_def sysctl_table[SYSCTL_COUNT];
extern const size_t sysctl_count;

/* Finds a key by "tcp_tw_reuse" or "net.ipv4.tcp_tw_reuse" (also with '/';
 * "net.netfilter." for the conntrack keys).
 * Returns NULL when unknown. */
const struct sysctl_def *sysctl_lookup(const char *key);

/* Fully qualified name: "net.ipv4.tcp_tw_reuse", "net.netfilter.nf_conntrack_max". */
const char *sysctl_fullname(const struct sysctl_def *d, char *buf, size_t len);

/* True for keys that were removed from the kernel (tcp_tw_recycle). When
 * true, *why says since when. */
bool sysctl_removed(const char *key, const char **why);

const char *sysctl_type_name(enum sysctl_type t);

#endif
