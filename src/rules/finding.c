// SPDX-License-Identifier: GPL-2.0-or-later
/* finding.c: what every rule file uses to fill a finding: the title, evidence and proposed fixes, and the wider port range that
 * several fixes propose */
#include "finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void risk_title(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->title, sizeof(f->title), fmt, ap);
	va_end(ap);
}

void risk_ev_num(struct finding *f, const char *name, double v)
{
	if (f->nev == EVIDENCE_MAX)
		return;
	f->ev[f->nev].name = name;
	f->ev[f->nev].is_num = true;
	f->ev[f->nev++].num = v;
}

void risk_ev_text(struct finding *f, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (f->nev == EVIDENCE_MAX)
		return;
	f->ev[f->nev].name = name;
	f->ev[f->nev].is_num = false;
	va_start(ap, fmt);
	vsnprintf(f->ev[f->nev++].text, sizeof(f->ev[0].text), fmt, ap);
	va_end(ap);
}

void risk_fix(struct finding *f, enum sysctl_id key, const char *fmt, ...)
{
	va_list ap;

	if (f->nfix == FIX_MAX)
		return;
	f->fix[f->nfix].key = (int)key;
	va_start(ap, fmt);
	vsnprintf(f->fix[f->nfix++].value, sizeof(f->fix[0].value), fmt, ap);
	va_end(ap);
}

/* A range with different-parity ends and at least `usable` usable ports,
 * ending at 65535, starting no lower than ip_unprivileged_port_start. */
static void wider_range(const struct settings *s, unsigned need, unsigned *lo, unsigned *hi)
{
	struct ephemeral e = settings_ephemeral(s);
	long long floor_ = settings_num(s, SYSCTL_IP_UNPRIVILEGED_PORT_START, 1024);
	unsigned reserved = 0, l;

	if (floor_ < 1)
		floor_ = 1;
	if (e.reserved)
		for (unsigned p = (unsigned)floor_; p <= 65535; p++)
			reserved += port_isset(e.reserved, p);
	need += reserved;
	l = need >= 65535 - (unsigned)floor_ + 1 ? (unsigned)floor_ : 65535 - need + 1;
	if (l > e.low)
		l = e.low; /* never narrower than now */
	if (l % 2)
		l = l > (unsigned)floor_ ? l - 1 : l + 1; /* even low, odd high */
	*lo = l;
	*hi = 65535;
}

void risk_wider_range(const struct settings *s, unsigned need, unsigned *lo, unsigned *hi)
{
	wider_range(s, need, lo, hi);
}
