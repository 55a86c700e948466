// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_observed.h: the rule on what audit --observe counted over eBPF
 * (connect-failures), and the measured TIME_WAIT rates other rules use
 * instead of a count / 60 s */
#ifndef TWTUNE_RISK_OBSERVED_H
#define TWTUNE_RISK_OBSERVED_H

#include <stdint.h>

#include "owners.h"
#include "risk.h"

/* TIME_WAIT entered per second during the observation window, measured
 * (not a count / 60 s): on the client side towards d, and on the server
 * side on local port `port` (local NULL: any local address). -1 when
 * nothing was observed (no --observe). */
double observed_dest_tw_rate(const struct observation *o, const struct dest *d);
/* connect() attempts per second towards d during the window (every
 * outcome: the demand, failures included); -1 without --observe or when
 * no row is d's. */
double observed_dest_attempt_rate(const struct observation *o, const struct dest *d);
/* Of the connections towards d that eBPF saw succeed during the window,
 * the share whose port entered TIME_WAIT on this side (the client closed
 * first), 0 to 1; -1 without --observe or without a success. Where the
 * server closes first the client's port is free at once and holds
 * nothing: the pool's demand is the attempts times this share. */
double observed_dest_close_share(const struct observation *o, const struct dest *d);
/* The processes eBPF saw connect towards remote:port (from local, when
 * not NULL) during the window, into w as owners_dest() would name them
 * (most attempts first; `established` holds their attempts, capped).
 * w->asked is false when nothing was observed. */
void observed_clients(const struct observation *o, const struct addr *local,
		      const struct addr *remote, uint16_t port, struct owners *w);
/* Drops the server-side rows of namespace netns whose port no listener of
 * s has and that lies in s's ephemeral range: client connections opened
 * before the window, which the eBPF program could not tell (issue 21,
 * item 7). */
void observed_drop_client_ports(struct obs_window *w, const struct sock_snapshot *s,
				uint32_t netns);
double observed_port_tw_rate(const struct observation *o, const struct addr *local,
			     uint16_t port);

/* connect-failures. */
void check_connect_failures(const struct settings *s, const struct observation *o,
			    const double *thr, struct finding *f);
/* Adds from's fixes (when it is warn or worse) to f's, once per key. */
void risk_link_fixes(struct finding *f, const struct finding *from);

#endif
