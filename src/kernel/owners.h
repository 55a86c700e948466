// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.h: the processes behind a destination or a server port, from the
 * sampled live sockets and the listeners that collect.c had procscan name.
 *
 * TIME_WAIT sockets have no owner (sock_diag sends inode 0), so a side's
 * processes are those of its live sockets: for a destination, the holders
 * of its ESTABLISHED and SYN_SENT sockets (at most SOCKETS_SAMPLE of them
 * looked up; `established` counts within that sample); for a server port,
 * the holders of the listening sockets on its port and of its sampled
 * accepted sockets. Nothing here prints or allocates. */
#ifndef TWTUNE_OWNERS_H
#define TWTUNE_OWNERS_H

#include <stdbool.h>
#include <stddef.h>

#include "sockets.h"

#define OWNERS_MAX 8

struct owner {
	int pid;
	const char *comm, *exe, *user, *cgroup; /* point into the snapshot's scan */
	const struct runtime *rt; /* what it runs (runtime.h), into the scan; may be NULL */
	unsigned established; /* sampled live sockets it holds */
};

struct owners {
	bool asked;           /* the processes were looked up */
	struct owner v[OWNERS_MAX]; /* most established first, then by pid */
	size_t n, more;       /* listed, and further processes not listed */
	unsigned live;        /* live sockets of the entry, every one */
	unsigned sampled;     /* of them, looked up */
	unsigned unresolved;  /* looked-up sockets (and listeners) no process was found for */
};

void owners_dest(const struct sock_snapshot *s, const struct dest *d, struct owners *o);
void owners_server(const struct sock_snapshot *s, const struct port_entry *e, struct owners *o);

/* "nginx" (the first process's comm), or NULL when none. */
const char *owners_program(const struct owners *o);

/* "nginx (pid 10 +2)" (two more nginx processes) or "twtune-churn (pid 7)", several programs
 * separated by "; ", "-" when none; each comm made safe for a terminal
 * (sanitize.h, SAN_TERM). Returns buf. */
const char *owners_str(const struct owners *o, char *buf, size_t len);

#endif
