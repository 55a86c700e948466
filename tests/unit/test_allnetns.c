// SPDX-License-Identifier: GPL-2.0-or-later
/* test_allnetns.c: the piece of --all-netns that needs no namespace: the
 * counters bound that lets an idle namespace skip the established table
 * (its one Prometheus exposition: test_report_prom.c) */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "tap.h"
#include "thresholds.h"

static void settings_defaults(struct settings *s, const char *range, const char *max)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < SYSCTL_COUNT; i++)
		settings_set(s, i, sysctl_table[i].kernel_default ? sysctl_table[i].kernel_default
								   : "262144");
	settings_set(s, SYSCTL_IP_LOCAL_PORT_RANGE, range);
	settings_set(s, SYSCTL_TCP_MAX_TW_BUCKETS, max);
	s->max_tw_default = 131072;
}

static void test_idle(void)
{
	double thr[THR_COUNT_];
	struct settings s;
	struct sock_counters c = { .sockstat_inuse = 2, .sockstat_tw = 0, .sockstat6_inuse = 0,
				   .tw_overflow = 0 };

	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	settings_defaults(&s, "40000 40999", "1000");
	TAP_OK(audit_counters_idle(&c, &s, thr), "2 sockets in 1000 ports: idle");
	c.sockstat_tw = 497;
	TAP_OK(audit_counters_idle(&c, &s, thr), "499 of 1000 ports at most: below 50%%");
	c.sockstat_tw = 498;
	TAP_OK(!audit_counters_idle(&c, &s, thr), "500 of 1000 could reach the warn threshold");
	c.sockstat_tw = 2;
	c.sockstat6_inuse = 100;
	TAP_OK(!audit_counters_idle(&c, &s, thr), "102 in use could be CLOSE_WAIT (warn 100)");
	c.sockstat6_inuse = 0;
	settings_free(&s);
	settings_defaults(&s, "32768 60999", "100");
	c.sockstat_tw = 70;
	TAP_OK(!audit_counters_idle(&c, &s, thr), "70 of 100 buckets: tw_buckets_warn");
	c.sockstat_tw = 69;
	TAP_OK(audit_counters_idle(&c, &s, thr), "69 of 100 buckets: idle");
	c.sockstat6_inuse = -1;
	TAP_OK(!audit_counters_idle(&c, &s, thr), "a missing counter: not idle");
	settings_free(&s);
}

int main(void)
{
	test_idle();
	return tap_done();
}
