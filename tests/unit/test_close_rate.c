// SPDX-License-Identifier: GPL-2.0-or-later
/* test_close_rate.c: the one close-rate computation and the one
 * listeners-only decision, which the audit and watch share */
#include <math.h>
#include <string.h>

#include "audit.h"
#include "close_rate.h"
#include "tap.h"

static struct sock_counters counters(long long tw, long long overflow, long long sockstat_tw)
{
	return (struct sock_counters){ .sockstat_inuse = 3, .sockstat_orphan = 0,
				       .sockstat_tw = sockstat_tw, .sockstat_alloc = 0,
				       .sockstat6_inuse = 1, .tw = tw, .tw_recycled = 0,
				       .tw_killed = 0, .tw_overflow = overflow, .curr_estab = 0 };
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void test_between(void)
{
	struct sock_counters a = counters(100, 5, 10), b = counters(160, 7, 10);
	double rate = -1;
	long long ovf = -9;

	TAP_OK(close_rate_between(&a, &b, 2, &rate, &ovf) && near(rate, 31) && ovf == 2,
	       "60 TIME_WAIT and 2 overflows over 2 s: 31 closes/s, overflow grew by 2");
	b.tw_overflow = -1;
	TAP_OK(close_rate_between(&a, &b, 2, &rate, &ovf) && ovf == -1,
	       "overflow missing in one read: -1");
	rate = -1;
	ovf = -9;
	TAP_OK(!close_rate_between(&b, &a, 2, &rate, &ovf) && rate == -1 && ovf == -9,
	       "TW went back (a reset): not measured, outputs untouched");
	TAP_OK(!close_rate_between(&a, &b, 0, &rate, &ovf), "no time between the reads");
	a.tw = -1;
	TAP_OK(!close_rate_between(&a, &b, 2, &rate, &ovf), "TW missing: not measured");
}

static void test_set(void)
{
	struct sock_snapshot s;
	struct sock_counters c = counters(0, 0, 120);
	struct observation o;

	memset(&s, 0, sizeof(s));
	s.states[TCP_STATE_TIME_WAIT] = 90;
	TAP_OK(close_rate_tw(&c, &s) == 120, "the estimate divides sockstat's tw");
	c.sockstat_tw = -1;
	TAP_OK(close_rate_tw(&c, &s) == 90, "else the dump's TIME_WAIT");
	TAP_OK(close_rate_tw(&c, NULL) == -1 && close_rate_tw(NULL, NULL) == -1, "else unknown");

	memset(&o, 0, sizeof(o));
	close_rate_set(&o, 12.5, 3, 4, 600);
	TAP_OK(near(o.close_rate, 12.5) && o.close_rate_measured && near(o.interval, 3) &&
		       o.overflow_delta == 4,
	       "measured: the rate, over its interval, with the overflow growth");
	close_rate_set(&o, -1, 3, 4, 600);
	TAP_OK(near(o.close_rate, 10) && !o.close_rate_measured &&
		       near(o.interval, TCP_TIMEWAIT_SECONDS) && o.overflow_delta == -1,
	       "estimated: 600 TIME_WAIT / 60 s, no overflow delta");
	close_rate_set(&o, -1, 3, 4, -1);
	TAP_OK(o.close_rate == 0 && !o.close_rate_measured, "estimated from nothing: 0/s");
}

static void test_listeners_only(void)
{
	struct settings st;
	struct collect_opts co = { .source = COLLECT_AUTO };
	struct sock_counters idle = counters(0, 0, 5), busy = counters(0, 0, 20000);
	double thr[THR_COUNT_];

	memset(&st, 0, sizeof(st));
	settings_set(&st, SYSCTL_IP_LOCAL_PORT_RANGE, "32768 60999");
	settings_set(&st, SYSCTL_TCP_MAX_TW_BUCKETS, "131072");
	for (size_t i = 0; i < THR_COUNT_; i++)
		thr[i] = threshold_table[i].def;
	TAP_OK(audit_listeners_only(&co, &idle, &st, thr, -1), "idle by its counters: listeners only");
	TAP_OK(!audit_listeners_only(&co, &busy, &st, thr, -1), "20000 TIME_WAIT: the whole dump");
	TAP_OK(!audit_listeners_only(&co, &idle, &st, thr, thr[THR_CLIENT_CHURN_INFO]),
	       "a measured close rate at client_churn_info: the whole dump");
	TAP_OK(audit_listeners_only(&co, &idle, &st, thr, thr[THR_CLIENT_CHURN_INFO] / 2),
	       "a measured close rate below it: listeners only");
	co.source = COLLECT_PROCFS;
	TAP_OK(!audit_listeners_only(&co, &idle, &st, thr, -1),
	       "procfs reads every socket: never listeners only");
	co.source = COLLECT_AUTO;
	co.replay = "dump.bin";
	TAP_OK(!audit_listeners_only(&co, &idle, &st, thr, -1), "nor a replay");
	co.replay = "";
	TAP_OK(audit_listeners_only(&co, &idle, &st, thr, -1), "an empty replay path is none");
	co.record = "out.bin";
	TAP_OK(!audit_listeners_only(&co, &idle, &st, thr, -1), "nor a recording");
	idle.sockstat6_inuse = -1;
	co.record = NULL;
	TAP_OK(!audit_listeners_only(&co, &idle, &st, thr, -1), "a counter missing: the whole dump");
	settings_free(&st);
}

int main(void)
{
	test_between();
	test_set();
	test_listeners_only();
	return tap_done();
}
