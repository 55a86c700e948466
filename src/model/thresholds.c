// SPDX-License-Identifier: GPL-2.0-or-later
/* thresholds.c: the limits the risk rules judge by, and their parsing */
#include "thresholds.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

const struct threshold_def threshold_table[THR_COUNT_] = {
	{ "port_pressure_warn", THR_RATIO, 0.50, "share of a destination's usable ports in use that warns" },
	{ "port_pressure_crit", THR_RATIO, 0.85, "share of a destination's usable ports in use that is critical" },
	{ "tw_buckets_warn", THR_RATIO, 0.70, "TIME_WAIT count / tcp_max_tw_buckets that warns" },
	{ "tw_buckets_crit", THR_RATIO, 0.90, "TIME_WAIT count / tcp_max_tw_buckets that is critical" },
	{ "close_wait_warn", THR_COUNT, 100, "CLOSE_WAIT sockets that warn of an application not closing" },
	{ "close_wait_crit", THR_COUNT, 1000, "CLOSE_WAIT sockets that are critical" },
	{ "min_usable_ports", THR_COUNT, 16384, "fewest usable ephemeral ports before the range counts as narrow" },
	{ "server_tw_info", THR_COUNT, 1000, "TIME_WAIT on one local server port (the service closes first) that is reported" },
	{ "client_churn_info", THR_COUNT, 50, "closes per second towards one destination (the client closes first) that are reported" },
};

const struct threshold_def *threshold_lookup(const char *name)
{
	for (size_t i = 0; i < THR_COUNT_; i++)
		if (strcmp(threshold_table[i].name, name) == 0)
			return &threshold_table[i];
	return NULL;
}

const char *threshold_allowed(const struct threshold_def *t)
{
	return t->kind == THR_RATIO ? "needs a ratio 0..1 such as 0.85 or 85%"
				    : "needs a whole number 0..100000000";
}

static int parse_count(const char *s, double *out)
{
	long long n;
	char buf[32];
	size_t len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_ll(buf, 0, 100000000, &n) < 0)
		return -EINVAL;
	*out = (double)n;
	return 0;
}

/* 0.85 or 85% and nothing else: strtod alone would also take 0x.8 and
 * 8.5e-1. */
static int parse_ratio(const char *s, double *out)
{
	const char *q = s;
	size_t digits = 0, dots = 0;
	char *end;
	double v;

	for (; isdigit((unsigned char)*q) || *q == '.'; q++) {
		if (*q == '.')
			dots++;
		else
			digits++;
	}
	if (!digits || dots > 1)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end != q || !isfinite(v))
		return -EINVAL;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end || v < 0 || v > 1)
		return -EINVAL;
	*out = v;
	return 0;
}

int threshold_parse(const struct threshold_def *t, const char *s, double *out)
{
	while (isspace((unsigned char)*s))
		s++;
	return t->kind == THR_COUNT ? parse_count(s, out) : parse_ratio(s, out);
}

int thresholds_check(const double v[THR_COUNT_], const char *file, char *err, size_t errlen)
{
	static const enum threshold_id pairs[][2] = {
		{ THR_PORT_PRESSURE_WARN, THR_PORT_PRESSURE_CRIT },
		{ THR_TW_BUCKETS_WARN, THR_TW_BUCKETS_CRIT },
		{ THR_CLOSE_WAIT_WARN, THR_CLOSE_WAIT_CRIT },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		enum threshold_id w = pairs[i][0], c = pairs[i][1];

		if (v[w] > v[c]) {
			snprintf(err, errlen, "%s: [thresholds] %s = %g is above %s = %g", file,
				 threshold_table[w].name, v[w], threshold_table[c].name, v[c]);
			return -EINVAL;
		}
	}
	return 0;
}
