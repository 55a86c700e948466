// SPDX-License-Identifier: GPL-2.0-or-later
/* severity.c: the names of the severities (severity.h) */
#include "severity.h"

#include <string.h>

static const char *const sev_names[] = { "ok", "info", "warn", "crit" };

const char *severity_name(enum severity s)
{
	return sev_names[s];
}

int severity_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return -1;
}
