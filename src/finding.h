/* finding.h: a finding of a rule (its severity, title, evidence and the
 * sysctl values that would clear it), and the helpers that fill one */
#ifndef TWTUNE_FINDING_H
#define TWTUNE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "settings.h"

enum severity { SEV_OK, SEV_INFO, SEV_WARN, SEV_CRIT };
const char *severity_name(enum severity s);
/* "ok", "info", "warn", "crit"; -1 when unknown. */
int severity_parse(const char *s);

#define EVIDENCE_MAX 8
#define FIX_MAX 3

struct evidence {
	const char *name;
	bool is_num;
	double num;
	char text[160];
};

struct finding {
	const char *id;
	enum severity sev;
	char title[200];
	char effect[240]; /* in the prediction: what these values would have done, or "" */
	const char *why;
	const char *advice; /* what no sysctl does, or NULL */
	char app_fix[1400];  /* the application fix, named for its process; "" if none */
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
