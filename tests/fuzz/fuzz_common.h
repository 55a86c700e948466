// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_common.h: what the libFuzzer harnesses share */
#ifndef TWTUNE_FUZZ_COMMON_H
#define TWTUNE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a failure is a crash for libFuzzer. */
#define FUZZ_CHECK(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* data as a NUL-terminated string (an embedded NUL ends it, as in C). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* What any snapshot must satisfy, however it was decoded. */
static inline void fuzz_check_snapshot(const struct sock_snapshot *s)
{
	unsigned long long sum = 0, used = 0;
	size_t ndests = 0;

	for (int i = 0; i < TCP_NSTATES; i++)
		sum += s->states[i];
	FUZZ_CHECK(sum == s->total && s->states[0] == 0);
	for (const struct dest *d = sockets_dests(s, NULL); d; d = sockets_dests(s, d)) {
		ndests++;
		used += d->used;
		FUZZ_CHECK(d->used > 0 && d->time_wait <= d->used);
	}
	FUZZ_CHECK(ndests == s->ndests && used <= s->total);
	for (size_t i = 0; i < s->nlisteners; i++)
		FUZZ_CHECK(s->listeners[i].port >= s->eph.low && s->listeners[i].port <= s->eph.high);
}

/* After sockets_finish(): the sides of TIME_WAIT add up, every entry's
 * sample is bounded by its live count. */
static inline void fuzz_check_sides(struct sock_snapshot *s)
{
	sockets_finish(s);
	FUZZ_CHECK(s->tw_client + s->tw_server + s->tw_other == s->states[TCP_STATE_TIME_WAIT]);
	for (const struct dest *d = sockets_dests(s, NULL); d; d = sockets_dests(s, d))
		FUZZ_CHECK(d->used > 0 && d->nsample <= d->live && d->nsample <= SOCKETS_SAMPLE);
	for (const struct port_entry *e = sockets_ports(s, NULL); e; e = sockets_ports(s, e))
		FUZZ_CHECK(e->nsample <= e->live && e->nsample <= SOCKETS_SAMPLE);
}

#endif
