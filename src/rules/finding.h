// SPDX-License-Identifier: GPL-2.0-or-later
/* finding.h: a finding of a rule (its severity, title, evidence and the
 * sysctl values that would clear it), and the helpers that fill one */
#ifndef TWTUNE_FINDING_H
#define TWTUNE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "settings.h"
#include "severity.h"


#define EVIDENCE_MAX 16
#define FIX_MAX 3

struct evidence {
	const char *name;
	bool is_num;
	double num;
	char text[160];
};

/* A finding about several ports or pools lists each as a group: its
 * headline (the port or pool, its share, rate and source, the programs at
 * both ends), then short fix lines, the likeliest first, each saying
 * where it goes. */
#define GROUP_MAX 4
#define GROUP_FIXES 3
struct finding_group {
	char head[320];
	char fix[GROUP_FIXES][400];
	size_t nfix;
};

struct finding {
	const char *id;
	enum severity sev;
	char title[320];
	char effect[400]; /* in the prediction: what these values would have done, or "" */
	const char *why;
	bool app_only; /* no sysctl changes what it measures (the rule's app_only) */
	const char *advice; /* what no sysctl does, or NULL */
	char app_fix[1400];  /* the application fix, named for its process; "" if none
				(the first group's fix lines, joined) */
	struct finding_group group[GROUP_MAX]; /* per port or pool over its threshold */
	size_t ngroup;
	char more[200];      /* the ports or pools over their threshold not grouped, or "" */
	struct evidence ev[EVIDENCE_MAX];
	size_t nev;
	struct {
		int key; /* an enum sysctl_id */
		char value[256];
	} fix[FIX_MAX];
	size_t nfix;
};

void risk_title(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void risk_ev_num(struct finding *f, const char *name, double v);
void risk_ev_text(struct finding *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Proposes key = the formatted value (at most FIX_MAX per finding). */
void risk_fix(struct finding *f, enum sysctl_id key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* risk.c: a range with different-parity ends and at least `need` usable
 * ports, ending at 65535, never narrower than s's. */
void risk_wider_range(const struct settings *s, unsigned need, unsigned *lo, unsigned *hi);

#endif
