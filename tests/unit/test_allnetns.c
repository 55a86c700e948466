// SPDX-License-Identifier: GPL-2.0-or-later
/* test_allnetns.c: the pieces of --all-netns that need no namespace: the
 * Prometheus merge (labels, one HELP/TYPE per family, escaping) and the
 * counters bound that lets an idle namespace skip the established table */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "prommerge.h"
#include "tap.h"
#include "thresholds.h"

static char *merged(const struct prom_merge *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	prommerge_write(m, f);
	fclose(f);
	return buf;
}

static const char ns1[] = "# HELP twtune_a A.\n# TYPE twtune_a gauge\ntwtune_a 1\n"
			  "# HELP twtune_b B.\n# TYPE twtune_b gauge\ntwtune_b{rule=\"x\"} 2\n"
			  "twtune_b{rule=\"y\"} 3\n";
static const char ns2[] = "# HELP twtune_a A.\n# TYPE twtune_a gauge\ntwtune_a 4\n"
			  "# HELP twtune_c C.\n# TYPE twtune_c counter\ntwtune_c{} 5\n"
			  "# HELP twtune_b B.\n# TYPE twtune_b gauge\ntwtune_b{rule=\"x\"} 6\n";

static void test_merge(void)
{
	struct prom_merge m = { 0 };
	char *out;

	TAP_OK(prommerge_add(&m, ns1, strlen(ns1), "netns=\"1\",netns_label=\"host\"") == 0, "add 1");
	TAP_OK(prommerge_add(&m, ns2, strlen(ns2), "netns=\"2\",netns_label=\"b\"") == 0, "add 2");
	out = merged(&m);
	TAP_OK(out && !strcmp(out,
			      "# HELP twtune_a A.\n# TYPE twtune_a gauge\n"
			      "twtune_a{netns=\"1\",netns_label=\"host\"} 1\n"
			      "twtune_a{netns=\"2\",netns_label=\"b\"} 4\n"
			      "# HELP twtune_b B.\n# TYPE twtune_b gauge\n"
			      "twtune_b{netns=\"1\",netns_label=\"host\",rule=\"x\"} 2\n"
			      "twtune_b{netns=\"1\",netns_label=\"host\",rule=\"y\"} 3\n"
			      "twtune_b{netns=\"2\",netns_label=\"b\",rule=\"x\"} 6\n"
			      "# HELP twtune_c C.\n# TYPE twtune_c counter\n"
			      "twtune_c{netns=\"2\",netns_label=\"b\"} 5\n"),
	       "families in first-seen order, one HELP/TYPE each, labels first");
	free(out);
	TAP_OK(prommerge_add(&m, "twtune_x 1\n", 11, "a=\"1\"") == -EINVAL, "a sample before HELP");
	prommerge_free(&m);
	TAP_OK(m.n == 0 && !m.fam, "freed");
}

static void test_escape(void)
{
	char buf[64];

	TAP_OK(!strcmp(prom_label_escape("a\"b\\c\nd", buf, sizeof(buf)), "a\\\"b\\\\c\\nd"),
	       "escaped: %s", buf);
	TAP_OK(strlen(prom_label_escape("abcdefghij", buf, 6)) < 6, "cut short: %s", buf);
}

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
	test_merge();
	test_escape();
	test_idle();
	return tap_done();
}
