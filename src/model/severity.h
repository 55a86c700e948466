// SPDX-License-Identifier: GPL-2.0-or-later
/* severity.h: how bad a finding is, and its name in every output */
#ifndef TWTUNE_SEVERITY_H
#define TWTUNE_SEVERITY_H

enum severity { SEV_OK, SEV_INFO, SEV_WARN, SEV_CRIT };
const char *severity_name(enum severity s);
/* "ok", "info", "warn", "crit"; -1 when unknown. */
int severity_parse(const char *s);

#endif
