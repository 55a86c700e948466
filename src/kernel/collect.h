// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.h: the collection layer: which decoder fills the socket model.
 *
 * Above the model (sockets.c) and both decoders (sockdiag.c, procnet.c):
 * one call reads the live sockets, or a recorded dump, into a snapshot,
 * and says how it went. Driven only by its options: nothing here reads
 * the environment or the global options.
 */
#ifndef TWTUNE_COLLECT_H
#define TWTUNE_COLLECT_H

#include <stdbool.h>

#include "sockdiag.h"
#include "sockets.h"

enum collect_source {
	COLLECT_AUTO,      /* sock_diag; /proc/net/tcp{,6} when it fails */
	COLLECT_SOCK_DIAG, /* sock_diag only: its failure is the result */
	COLLECT_PROCFS,    /* /proc/net/tcp{,6} only */
};

struct collect_opts {
	enum collect_source source;
	const char *proc_net; /* the /proc/net directory: counters and tcp{,6} */
	const char *replay;   /* a dump saved by record, decoded instead of asking
				 the kernel (NULL: ask it); not with procfs */
	const char *record;   /* file to record the live dump's messages to, or NULL */
	bool per_family;      /* one inet_diag_req_v2 dump per family, not the one walk */
	bool listeners_only;  /* sock_diag: only LISTEN sockets (the established table
				 is not walked); procfs and a replay read all */
	/* Naming the processes behind the sockets (procscan.h): the owners
	 * of the listeners of the server ports and of the sampled live
	 * sockets of the `show` busiest destinations and server ports. */
	bool processes;
	const char *proc_root;   /* "/proc"; its self/ns/net is the namespace dumped */
	size_t show;             /* entries of each side that will be shown */
	unsigned time_budget_ms; /* of the scan; 0: no limit */
	unsigned long fd_budget; /* fd links read at most; 0: no limit */
	/* TIME_WAIT younger than this many ms are counted apart (sock_snapshot
	 * young_ms; 0: not) */
	uint32_t young_ms;
};

/* How the collection went. */
struct collect_result {
	struct diag_status diag; /* what went wrong with sock_diag, when it did */
	bool fell_back;          /* and /proc/net/tcp{,6} was read instead */
};

/* Reads every TCP socket into s (for the ephemeral ports eph) and the
 * kernel's counters under o->proc_net; with o->processes, then scans
 * /proc once for the owners (s->procs, or s->procs_err: a failed scan is
 * not an error of the collection). 0, or -errno with s freed; res
 * says what sock_diag did either way (the fallback to /proc/net/tcp is
 * not an error: s->source says it was taken and res->diag why). */
int collect_sockets(struct sock_snapshot *s, const struct ephemeral *eph,
		    const struct collect_opts *o, struct collect_result *res);

/* Only the counters (sockstat, netstat, snmp) under o->proc_net; -1 in
 * fields it cannot read. 0, or -errno when it can read none. */
int collect_counters(const struct collect_opts *o, struct sock_counters *c);

#endif
