/* registry.h: the one table of sysctls twtune knows.
 *
 * Everything that reads, writes, validates, completes or documents a key
 * walks this table: nothing outside it can be written.
 */
#ifndef TWTUNE_REGISTRY_H
#define TWTUNE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

enum sysctl_type {
	TYPE_INT,       /* one integer */
	TYPE_PORT_PAIR, /* two ports: low high */
	TYPE_PORT_LIST, /* comma-separated ports and ranges, may be empty */
};

#define SYSCTL_READONLY 0x1 /* read, never written by twtune */

/* The keys, in table order: C code reaches a key by its id; names are for
 * the edges (profiles, the command line, JSON). SYSCTLS(X) is the one list:
 * X(ID, name) expands here into the enum and in registry.c into the table,
 * whose size a _Static_assert holds to SYSCTL_COUNT. */
#define SYSCTLS(X)                                              \
	X(IP_LOCAL_PORT_RANGE, ip_local_port_range)             \
	X(IP_LOCAL_RESERVED_PORTS, ip_local_reserved_ports)     \
	X(TCP_TW_REUSE, tcp_tw_reuse)                           \
	X(TCP_TW_REUSE_DELAY, tcp_tw_reuse_delay)               \
	X(TCP_FIN_TIMEOUT, tcp_fin_timeout)                     \
	X(TCP_MAX_TW_BUCKETS, tcp_max_tw_buckets)               \
	X(TCP_TIMESTAMPS, tcp_timestamps)                       \
	X(IP_UNPRIVILEGED_PORT_START, ip_unprivileged_port_start)

enum sysctl_id {
#define SYSCTL_ENUM_(id, name) SYSCTL_##id,
	SYSCTLS(SYSCTL_ENUM_)
#undef SYSCTL_ENUM_
	SYSCTL_COUNT
};

struct sysctl_def {
	const char *name;           /* short name: "tcp_tw_reuse" */
	const char *path;           /* under the sysctl root: "net/ipv4/tcp_tw_reuse" */
	enum sysctl_type type;
	long long min, max;         /* integer bounds, or bounds of each port */
	const char *kernel_default; /* normalised; NULL when computed (see default_note) */
	const char *default_note;   /* how the default is computed, or NULL */
	const char *since;          /* kernel version that has it per network namespace */
	unsigned flags;
	const char *meaning;        /* one line */
};

extern const struct sysctl_def sysctl_table[];
extern const size_t sysctl_count;

/* Finds a key by "tcp_tw_reuse" or "net.ipv4.tcp_tw_reuse" (also with '/').
 * Returns NULL when unknown. */
const struct sysctl_def *sysctl_lookup(const char *key);

/* Fully qualified name: "net.ipv4.tcp_tw_reuse". */
const char *sysctl_fullname(const struct sysctl_def *d, char *buf, size_t len);

/* True for keys that were removed from the kernel (tcp_tw_recycle). When
 * true, *why says since when. */
bool sysctl_removed(const char *key, const char **why);

const char *sysctl_type_name(enum sysctl_type t);

#endif
