// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_origin.h: the rules about which side closes first, and who is
 * behind it */
#ifndef TWTUNE_RISK_ORIGIN_H
#define TWTUNE_RISK_ORIGIN_H

#include "risk.h"

void check_server_closes_first(const struct settings *s, const struct observation *o,
			       const double *thr, struct finding *f);
void check_client_churn(const struct settings *s, const struct observation *o, const double *thr,
			struct finding *f);
/* The evidence and application fix of the port-exhaustion rule: the
 * processes towards d and what to change in them. */
void risk_dest_application(const struct observation *o, const struct dest *d, double rate,
			   struct finding *f);
/* Groups for the other pools whose close rate is at least min_rate
 * (client-churn: every pool over its threshold, not only the busiest). */
void risk_dest_more(const struct observation *o, const struct dest *first, double min_rate,
		    struct finding *f);

#endif
