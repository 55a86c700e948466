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
 * Matching: by the runtime kernel/runtime_probe.c read from the
 * executable (a Go binary by its build information, the Python, Node and
 * JVM interpreters, nginx, haproxy, envoy, httpd, curl, ab), else by comm
 * and the executable's basename. A JVM is recognised, but not which HTTP
 * client it uses. Everything else gets the "generic" entry.
 *
 * advice_line() writes one side's fix for one process as one short
 * sentence with where it goes, with what the runtime's version and
 * command line change (ab -k already keeps alive; Node 19+ keeps alive by
 * default; nginx 1.29.7+ keeps `upstream` blocks alive). */
#ifndef TWTUNE_ADVICE_H
#define TWTUNE_ADVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime.h"

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
	const char *id;                 /* stable: nginx haproxy envoy go java python node httpd
					   curl ab generic */
	enum runtime_id rt;             /* the runtime it is chosen for (RT_UNKNOWN: generic) */
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

/* The entry for a process whose runtime is known (rt may be NULL or
 * RT_UNKNOWN: then advice_match(comm, exe)); never NULL. */
const struct advice *advice_for(const struct runtime *rt, const char *comm, const char *exe);

/* Whether a client program keeps its connections alive already, as far as
 * its runtime says: 1 yes (ab -k, HAProxy without `option httpclose` or
 * `http-server-close`, Go, Node 19+, Envoy), 0 no (ab without -k, curl's
 * command line, nginx upstreams before 1.29.7), -1 unknown. */
int advice_client_keeps_alive(const struct advice *a, const struct runtime *rt);

/* One side's fix for program `who` ("nginx (pid 10 +2)"; NULL or "": the
 * entry's program name) as "WHO, in WHERE: FIX[; NOTE]" into buf. With
 * the runtime (may be NULL) the text fits it: nothing is advised that it
 * does already (the return is then 1 and buf holds ""). 0, 1, -EINVAL, or
 * -ENOSPC (buf then holds a truncated sentence). */
int advice_line(char *buf, size_t len, const struct advice *a, enum advice_side side,
		const struct runtime *rt, const char *who);

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
