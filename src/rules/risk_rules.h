// SPDX-License-Identifier: GPL-2.0-or-later
/* risk_rules.h: what the rule files (risk.c, risk_origin.c) share: the
 * helpers that fill a finding, and the checks defined outside risk.c */
#ifndef TWTUNE_RISK_RULES_H
#define TWTUNE_RISK_RULES_H

#include "risk.h"


/* risk_origin.c: which side closes first, and who */
void check_server_closes_first(const struct settings *s, const struct observation *o,
			       const double *thr, struct finding *f);
void check_client_churn(const struct settings *s, const struct observation *o, const double *thr,
			struct finding *f);
/* The evidence and application fix of the port-exhaustion rule: the
 * processes towards d and what to change in them. */
void risk_dest_application(const struct observation *o, const struct dest *d, double rate,
			   struct finding *f);

#endif
