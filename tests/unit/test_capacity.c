// SPDX-License-Identifier: GPL-2.0-or-later
/* test_capacity: the capacity model per pool (rules/capacity.c): usable,
 * held ports, the sustained rate with and without reuse, the knee, the
 * buckets' cap, the demand split by ages, the failure share and the
 * severity. The figures against the kernel: tests/capacity.bats. */
#include <math.h>
#include <string.h>

#include <sys/socket.h>

#include "capacity.h"
#include "tap.h"

static bool near(double a, double b)
{
	return fabs(a - b) < 0.01;
}

/* s's values, the ones it held before freed (s starts zeroed in main). */
static void set(struct settings *s, const char *range, const char *reuse, const char *buckets)
{
	settings_free(s);
	memset(s, 0, sizeof(*s));
	settings_set(s, SYSCTL_IP_LOCAL_PORT_RANGE, range);
	settings_set(s, SYSCTL_TCP_TW_REUSE, reuse);
	settings_set(s, SYSCTL_TCP_TW_REUSE_DELAY, "1000");
	settings_set(s, SYSCTL_TCP_TIMESTAMPS, "1");
	settings_set(s, SYSCTL_TCP_MAX_TW_BUCKETS, buckets);
}

int main(void)
{
	struct settings s = { 0 };
	struct pool_capacity c;
	struct pool_demand m;
	struct sock_snapshot snap;
	struct listen_sock ls[3] = { { .port = 40100 }, { .port = 40100 }, { .port = 40200 } };
	struct dest d = { .local = { AF_INET, { 127, 0, 0, 1 } }, .remote = { AF_INET, { 127, 0, 0, 1 } },
			  .rport = 8080, .used = 1000, .time_wait = 1000, .tw_young = 500 };
	struct observation o = { .close_rate = 2000, .close_rate_measured = true, .ages = true,
				 .interval = 1, .overflow_delta = -1 };

	set(&s, "40000 40999", "0", "262144");
	capacity_dest(&s, NULL, &d, &c);
	TAP_OK(c.usable == 1000 && !c.reuse && near(c.sustain, 1000 / 61.0) && c.knee == 0,
	       "1000 ports without reuse: 16.39/s, no knee (got %u %.2f %.2f)", c.usable, c.sustain,
	       c.knee);
	memset(&snap, 0, sizeof(snap));
	snap.lsocks = ls;
	snap.nlsocks = 3;
	snap.bound = 100;
	TAP_OK(capacity_held(&s, &snap) == 102, "two listening ports (one twice) and 100 bound: 102 held");
	capacity_dest(&s, &snap, &d, &c);
	TAP_OK(c.usable == 898, "898 usable for every destination");
	set(&s, "40000 40999", "2", "262144");
	capacity_dest(&s, NULL, &d, &c);
	TAP_OK(c.reuse && near(c.sustain, 1000), "reuse 2 on loopback: 1000 / 1 s");
	capacity_dest(&s, NULL, NULL, &c);
	TAP_OK(!c.reuse && near(c.sustain, 1000 / 61.0), "reuse 2 off loopback: none");
	set(&s, "16384 65535", "0", "262144");
	capacity_dest(&s, NULL, NULL, &c);
	TAP_OK(near(c.sustain, 49152 / 61.0) && near(c.knee, 49152 / 122.0),
	       "a wide range: the knee at half (%.2f)", c.knee);
	set(&s, "40000 40999", "0", "500");
	capacity_dest(&s, NULL, &d, &c);
	TAP_OK(c.tw_capped && c.sustain >= CAPACITY_UNBOUNDED, "500 buckets below 1000 ports: no port limit");
	/* demand: the namespace's 2000/s, split by the young TIME_WAIT */
	set(&s, "40000 40999", "1", "262144");
	memset(&snap, 0, sizeof(snap));
	snap.tw_young = 1000;
	o.socks = &snap;
	capacity_dest(&s, &snap, &d, &c);
	capacity_demand(&o, &d, &c, &m);
	TAP_OK(m.source == DEMAND_AGES && near(m.rate, 1000) && m.at_least,
	       "half the young TIME_WAIT: 1000/s, at least (a full pool)");
	TAP_OK(capacity_severity(&c, &m, d.used) == SEV_CRIT, "a full pool at its rate: crit");
	TAP_OK(near(capacity_fail_share(2000, 1000), 0.5) && capacity_fail_share(900, 1000) == 0,
	       "2000/s against 1000/s: half fail; below it none");
	m = (struct pool_demand){ .rate = 850 };
	TAP_OK(capacity_severity(&c, &m, 10) == SEV_WARN, "85%% of the sustained rate: warn");
	m.rate = 700;
	TAP_OK(capacity_severity(&c, &m, 10) == SEV_OK, "70%%: ok");
	settings_free(&s);
	return tap_done();
}
