/* risk.h: the risk engine: sysctls + a socket snapshot -> findings.
 *
 * Every rule is a table entry (id, title, why) and a function that decides
 * severity from plain numbers, records the evidence it saw and proposes
 * the sysctl values that would clear it. Nothing here prints.
 */
#ifndef TWTUNE_RISK_H
#define TWTUNE_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "registry.h"
#include "sockets.h"
#include "value.h"

enum severity { SEV_OK, SEV_INFO, SEV_WARN, SEV_CRIT };
const char *severity_name(enum severity s);
/* "ok", "info", "warn", "crit"; -1 when unknown. */
int severity_parse(const char *s);

/* The sysctl values the rules judge: current, or proposed. */
struct settings {
	bool have[16];           /* indexed like sysctl_table; false: kernel lacks it */
	struct sysval val[16];
	long long max_tw_default; /* kernel default of tcp_max_tw_buckets, or -1 */
};
void settings_free(struct settings *s);
int settings_copy(struct settings *dst, const struct settings *src);
/* Sets key i to the text value; 0 or -EINVAL/-ENOMEM. */
int settings_set(struct settings *s, size_t i, const char *text);
int settings_index(const char *name); /* index in sysctl_table, -1 if unknown */

/* What the socket dump and the counters say; fixed while predicting. */
struct observation {
	const struct sock_snapshot *socks; /* NULL when sockets could not be read */
	double close_rate;      /* TIME_WAIT created per second */
	bool close_rate_measured; /* sampled with --interval, else estimated */
	double interval;        /* seconds between the samples */
	long long overflow_delta; /* TCPTimeWaitOverflow growth during the interval, or -1 */
	long long max_tw_observed; /* tcp_max_tw_buckets when the counters were read */
};

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
	const char *why;
	const char *advice; /* what no sysctl does, or NULL */
	struct evidence ev[EVIDENCE_MAX];
	size_t nev;
	struct {
		int key; /* index in sysctl_table */
		char value[256];
	} fix[FIX_MAX];
	size_t nfix;
};

struct rule {
	const char *id;
	const char *why;
	void (*check)(const struct settings *, const struct observation *, const double *thr,
		      struct finding *);
};
extern const struct rule rule_table[];
extern const size_t nrules;

struct assessment {
	struct finding f[16]; /* one per rule, in rule_table order */
	size_t n;
	enum severity risk;   /* the highest */
};

void risk_assess(const struct settings *s, const struct observation *o, const double *thr,
		 struct assessment *a);

/* The smallest set of changes that clears what a sysctl can clear:
 * fills `proposed` (a copy of s with the fixes) and returns how many keys
 * changed. */
int risk_suggest(const struct settings *s, const struct observation *o, const double *thr,
		 struct settings *proposed);

/* Derived numbers shared with the report. */
struct ephemeral settings_ephemeral(const struct settings *s);
bool reuse_applies(const struct settings *s, const struct dest *d);
unsigned dest_used_effective(const struct settings *s, const struct dest *d);
/* The destination whose effective use (dest_used_effective) is the
 * highest share of usable ports, with that share in *pressure (1 when
 * nothing is usable); NULL and 0 without destinations. */
const struct dest *worst_dest(const struct settings *s, const struct sock_snapshot *socks,
			      unsigned usable, double *pressure);

#endif
