/* registry.c: the table of known sysctls (checked against
 * net/ipv4/sysctl_net_ipv4.c and in a network namespace on 6.18) */
#include "registry.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/*
 * Bounds are what the kernel accepts, not what is sensible: sensible is the
 * risk engine's job. tcp_fin_timeout goes through proc_dointvec_jiffies,
 * which accepts negatives and refuses |v| > INT_MAX / HZ; 2147483 is that
 * limit for HZ=1000, the largest HZ, so it holds on every kernel.
 */
const struct sysctl_def sysctl_table[] = {
	{ "ip_local_port_range", "net/ipv4/ip_local_port_range", TYPE_PORT_PAIR,
	  1, 65535, "32768 60999", NULL, "3.13", 0,
	  "local ports chosen for connect() and bind(port 0), TCP and UDP: low high" },
	{ "ip_local_reserved_ports", "net/ipv4/ip_local_reserved_ports", TYPE_PORT_LIST,
	  0, 65535, "", NULL, "3.16", 0,
	  "ports and ranges never chosen automatically; a write replaces the list" },
	{ "tcp_tw_reuse", "net/ipv4/tcp_tw_reuse", TYPE_INT,
	  0, 2, "2", NULL, "4.11", 0,
	  "reuse TIME_WAIT ports for outgoing connect(): 0 off, 1 on, 2 loopback only; needs timestamps" },
	{ "tcp_tw_reuse_delay", "net/ipv4/tcp_tw_reuse_delay", TYPE_INT,
	  1, 60000, "1000", NULL, "6.14", 0,
	  "milliseconds a TIME_WAIT entry must age before tcp_tw_reuse may take it" },
	{ "tcp_fin_timeout", "net/ipv4/tcp_fin_timeout", TYPE_INT,
	  -2147483, 2147483, "60", NULL, "4.6", 0,
	  "seconds an orphaned FIN_WAIT_2 socket lives; does not change TIME_WAIT (60 s, fixed)" },
	{ "tcp_max_tw_buckets", "net/ipv4/tcp_max_tw_buckets", TYPE_INT,
	  INT_MIN, INT_MAX, NULL, "TCP established hash entries / 2 (tcp_ehash_entries)", "4.11", 0,
	  "cap on TIME_WAIT sockets; over it a closing socket skips TIME_WAIT silently" },
	{ "tcp_timestamps", "net/ipv4/tcp_timestamps", TYPE_INT,
	  0, 255, "1", NULL, "4.13", 0,
	  "TCP timestamps: 0 off, 1 on with random offset, 2 on without; tcp_tw_reuse needs them" },
	{ "ip_unprivileged_port_start", "net/ipv4/ip_unprivileged_port_start", TYPE_INT,
	  0, 65536, "1024", NULL, "4.11", SYSCTL_READONLY,
	  "lowest port an unprivileged process may bind; ip_local_port_range may not start below it" },
};
const size_t sysctl_count = sizeof(sysctl_table) / sizeof(sysctl_table[0]);
_Static_assert(sizeof(sysctl_table) / sizeof(sysctl_table[0]) == SYSCTL_COUNT,
	       "sysctl_table and SYSCTLS() list the same keys");

static const char *short_name(const char *key)
{
	if (strncmp(key, "net.ipv4.", 9) == 0 || strncmp(key, "net/ipv4/", 9) == 0)
		return key + 9;
	return key;
}

const struct sysctl_def *sysctl_lookup(const char *key)
{
	const char *k = short_name(key);

	for (size_t i = 0; i < sysctl_count; i++)
		if (strcmp(sysctl_table[i].name, k) == 0)
			return &sysctl_table[i];
	return NULL;
}

const char *sysctl_fullname(const struct sysctl_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "net.ipv4.%s", d->name);
	return buf;
}

bool sysctl_removed(const char *key, const char **why)
{
	if (strcmp(short_name(key), "tcp_tw_recycle") == 0) {
		*why = "removed in Linux 4.12 (it broke clients behind NAT)";
		return true;
	}
	return false;
}

const char *sysctl_type_name(enum sysctl_type t)
{
	switch (t) {
	case TYPE_INT: return "integer";
	case TYPE_PORT_PAIR: return "port pair";
	case TYPE_PORT_LIST: return "port list";
	}
	return "?";
}
