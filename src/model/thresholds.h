// SPDX-License-Identifier: GPL-2.0-or-later
/* thresholds.h: the limits the risk rules judge by, and their parsing */
#ifndef TWTUNE_THRESHOLDS_H
#define TWTUNE_THRESHOLDS_H

#include <stddef.h>

enum threshold_kind { THR_RATIO, THR_COUNT };

enum threshold_id {
	THR_PORT_PRESSURE_WARN,
	THR_PORT_PRESSURE_CRIT,
	THR_TW_BUCKETS_WARN,
	THR_TW_BUCKETS_CRIT,
	THR_CLOSE_WAIT_WARN,
	THR_CLOSE_WAIT_CRIT,
	THR_MIN_USABLE_PORTS,
	THR_SERVER_TW_INFO,
	THR_CLIENT_CHURN_INFO,
	THR_COUNT_
};

struct threshold_def {
	const char *name; /* the key in a profile's [thresholds] */
	enum threshold_kind kind;
	double def;
	const char *meaning;
};
extern const struct threshold_def threshold_table[THR_COUNT_];

/* The threshold named name, or NULL. */
const struct threshold_def *threshold_lookup(const char *name);

/* Parses a threshold value: a ratio as 0.85 or 85%, a count as an integer
 * 0..100000000. 0 or -EINVAL. */
int threshold_parse(const struct threshold_def *t, const char *s, double *out);

/* What threshold_parse accepts for t, for a message: "needs a ...". */
const char *threshold_allowed(const struct threshold_def *t);

/* Each warn threshold at most its crit one. 0, or -EINVAL with one line in
 * err naming the file where they were read. */
int thresholds_check(const double v[THR_COUNT_], const char *file, char *err, size_t errlen);

#endif
