// SPDX-License-Identifier: GPL-2.0-or-later
/* advice.h: the application fix for TIME_WAIT, per program, in one table
 *
 * TIME_WAIT comes from connections opened and closed; the first remedy is
 * in the programs at the two ends (keep-alive, connection pools), not in a
 * sysctl. This table maps a process (its comm, optionally the basename of
 * its executable) to the concrete fix, with the directive names and where
 * they go, for both sides:
 *   client: the program opens too many connections towards a destination
 *           (client-side TIME_WAIT on this host, per destination);
 *   server: the local service closes first (server-side TIME_WAIT on its
 *           listening port): the fix is about its clients.
 *
 * Matching limits: comm is at most 15 characters and set by the program
 * (nginx, haproxy, envoy and the java launcher keep their names). A Go
 * program cannot be recognised from comm or its executable's name, so the
 * "go" entry is only returned by advice_by_id() for a caller that knows;
 * a JVM is recognised as "java" (or "jsvc"), but not which HTTP client it
 * uses. Everything else gets the "generic" entry. */
#ifndef TWTUNE_ADVICE_H
#define TWTUNE_ADVICE_H

#include <stddef.h>

enum advice_side {
	ADVICE_CLIENT, /* the program connects too often towards one destination */
	ADVICE_SERVER, /* the local service on a listening port closes first */
};

struct advice_text {
	const char *fix;                /* the change, naming the directives */
	const char *where;              /* where they go */
	const char *const *directives;  /* the directive names, NULL-terminated */
};

struct advice {
	const char *id;                 /* stable: nginx haproxy envoy go java generic */
	const char *program;            /* as a report names it */
	const char *const *comms;       /* matched against comm, NULL-terminated */
	const char *const *exes;        /* matched against the exe basename */
	struct advice_text client, server;
	const char *note;               /* versions and limits; NULL if none */
};

/* The entry for a process: comm (may be NULL or "") first, then the
 * executable's basename (may be NULL or ""); exact matches. The generic
 * entry when nothing matches: never NULL. */
const struct advice *advice_match(const char *comm, const char *exe);

/* The entry with this id, or NULL. */
const struct advice *advice_by_id(const char *id);

/* All entries, the generic one last; *n gets their number. */
const struct advice *advice_table(size_t *n);

/* The text of one side. */
const struct advice_text *advice_for_side(const struct advice *a, enum advice_side side);

/* The predicted effect of the application fix, as one sentence in buf:
 *   client: "about 214 closes/s towards 127.0.0.1:8081 would become
 *            connection reuse; ..."
 *   server: "about 214 closes/s on local 127.0.0.1:8081 would become ..."
 * what is "ADDR:PORT" (the destination, or the local listening address).
 * It says what changes (fewer connections opened and closed) and what does
 * not (each close that remains still holds TIME_WAIT for 60 s, on the side
 * that closes first). 0, -EINVAL (rate not > 0, what empty), or -ENOSPC
 * when buf is too small (buf then holds a truncated sentence). */
int advice_effect(char *buf, size_t len, enum advice_side side, double closes_per_s,
		  const char *what);

#endif
