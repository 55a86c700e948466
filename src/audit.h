/* audit.h: gather what the rules judge (sysctls, sockets, counters) and
 * assess it, now and with the proposed values */
#ifndef TWTUNE_AUDIT_H
#define TWTUNE_AUDIT_H

#include <sys/utsname.h>

#include "profile.h"
#include "report.h"
#include "risk.h"
#include "sockets.h"

struct audit {
	struct settings current, target;
	struct sock_snapshot socks;
	bool have_socks;
	int sock_err;                /* why sockets could not be read */
	struct observation obs;
	double thresholds[THR_COUNT_];
	struct assessment before, after;
	const char *unsupported[17]; /* NULL-terminated */
	char kernel[sizeof(((struct utsname *)0)->release)];
	char netns_id[64];
};

/* The current values of every key under G.sysctl_root, and the computed
 * default of tcp_max_tw_buckets. 0 or -errno with err set. */
int settings_read(struct settings *s, char *err, size_t errlen);

/* Reads everything and assesses it. p (may be NULL) gives the target and
 * thresholds; without it the target is the suggestion. interval > 0
 * samples the close rate over that many seconds. 0 or -errno with err set. */
int audit_run(struct audit *a, const struct profile *p, double interval, char *err, size_t errlen);
void audit_free(struct audit *a);
/* The report of an audit, for report_*(). */
void audit_report(const struct audit *a, const char *profile, size_t top, struct report *r);

#endif
