// SPDX-License-Identifier: GPL-2.0-or-later
/* test_registry.c: the sysctl table: ids and names, lookups, removed keys,
 * every entry sane (its default, fixed or computed, parses with its own
 * type and bounds), Kubernetes safety, and the computed default read from
 * a sysctl root */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"
#include "sysctl.h"
#include "tap.h"
#include "value.h"

/* Written out by hand, not generated: a renamed, dropped or reordered entry
 * of SYSCTLS() fails here. k8s: the Kubernetes version that made the key a
 * safe pod sysctl (FACTS.md), NULL when it is not one. */
static const struct {
	enum sysctl_id id;
	const char *name, *k8s;
	const char *dir; /* NULL: ipv4 */
} expect[] = {
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "ip_local_port_range", "1.4", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "ip_local_reserved_ports", "1.27", NULL },
	{ SYSCTL_TCP_TW_REUSE, "tcp_tw_reuse", NULL, NULL },
	{ SYSCTL_TCP_TW_REUSE_DELAY, "tcp_tw_reuse_delay", NULL, NULL },
	{ SYSCTL_TCP_FIN_TIMEOUT, "tcp_fin_timeout", "1.29", NULL },
	{ SYSCTL_TCP_MAX_TW_BUCKETS, "tcp_max_tw_buckets", NULL, NULL },
	{ SYSCTL_TCP_TIMESTAMPS, "tcp_timestamps", NULL, NULL },
	{ SYSCTL_IP_UNPRIVILEGED_PORT_START, "ip_unprivileged_port_start", "1.22", NULL },
	{ SYSCTL_NF_CONNTRACK_MAX, "nf_conntrack_max", NULL, "netfilter" },
	{ SYSCTL_NF_CONNTRACK_BUCKETS, "nf_conntrack_buckets", NULL, "netfilter" },
	{ SYSCTL_NF_CONNTRACK_TCP_TIMEOUT_TIME_WAIT, "nf_conntrack_tcp_timeout_time_wait", NULL,
	  "netfilter" },
};

/* The computed default from what the kernel prints as its source. */
static const struct {
	const char *source;
	int r;
	const char *out;
} half_ehash[] = {
	{ "-262144\n", 0, "131072" }, /* a namespace sharing the host's table */
	{ "262144\n", 0, "131072" },  { "65536", 0, "32768" }, { "1\n", 0, "0" },
	{ "", -EINVAL, NULL },        { "abc\n", -EINVAL, NULL }, { "12 34\n", -EINVAL, NULL },
	{ "99999999999999999999\n", -EINVAL, NULL },
};

static void test_ids_and_names(void)
{
	TAP_OK(sysctl_count == SYSCTL_COUNT && SYSCTL_COUNT == 11, "eleven keys");
	TAP_OK(sizeof(expect) / sizeof(expect[0]) == SYSCTL_COUNT, "the expected list has every key");
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const struct sysctl_def *d = &sysctl_table[expect[i].id];
		char full[96], slash[96];

		TAP_OK((size_t)expect[i].id == i && d->id == expect[i].id, "%s: id %d is row %zu",
		       expect[i].name, (int)expect[i].id, i);
		TAP_OK(strcmp(d->name, expect[i].name) == 0, "sysctl_table[%d] is %s (got %s)",
		       (int)expect[i].id, expect[i].name, d->name);
		const char *dir = expect[i].dir ? expect[i].dir : "ipv4";
		char wrong[96];

		snprintf(full, sizeof(full), "net.%s.%s", dir, expect[i].name);
		snprintf(slash, sizeof(slash), "net/%s/%s", dir, expect[i].name);
		snprintf(wrong, sizeof(wrong), "net.%s.%s", expect[i].dir ? "ipv4" : "netfilter",
			 expect[i].name);
		TAP_OK(sysctl_lookup(expect[i].name) == d && sysctl_lookup(full) == d &&
			       sysctl_lookup(slash) == d,
		       "%s found by short, dotted and slashed name", expect[i].name);
		TAP_OK(!sysctl_lookup(wrong), "%s is not found as %s", expect[i].name, wrong);
		TAP_OK(expect[i].k8s ? d->k8s_safe_since && strcmp(d->k8s_safe_since, expect[i].k8s) == 0
				     : d->k8s_safe_since == NULL,
		       "%s: Kubernetes safe since %s", expect[i].name, expect[i].k8s ? expect[i].k8s : "never");
	}
}

static void test_lookups(void)
{
	const char *why = NULL;

	TAP_OK(!sysctl_lookup("tcp_tw_recycle") && sysctl_removed("net.ipv4.tcp_tw_recycle", &why) &&
		       strstr(why, "4.12"),
	       "tcp_tw_recycle is removed in 4.12");
	TAP_OK(!sysctl_removed("tcp_tw_reuse", &why), "tcp_tw_reuse is not removed");
	TAP_OK(!sysctl_lookup("net.ipv6.tcp_tw_reuse") && !sysctl_lookup("") && !sysctl_lookup("net.ipv4."),
	       "other names are unknown");
	TAP_OK(sysctl_table[SYSCTL_IP_UNPRIVILEGED_PORT_START].flags & SYSCTL_READONLY,
	       "ip_unprivileged_port_start is read-only");
	/* the conntrack keys are read for the rules, never written by twtune;
	 * nf_conntrack_max and nf_conntrack_buckets are the host's, whatever
	 * namespace reads them */
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		bool nf = strncmp(sysctl_table[i].name, "nf_conntrack_", 13) == 0;
		bool global = i == SYSCTL_NF_CONNTRACK_MAX || i == SYSCTL_NF_CONNTRACK_BUCKETS;

		if (i != SYSCTL_IP_UNPRIVILEGED_PORT_START)
			TAP_OK(!(sysctl_table[i].flags & SYSCTL_READONLY) == !nf, "%s is %s",
			       sysctl_table[i].name, nf ? "read-only" : "writable");
		TAP_OK(!(sysctl_table[i].flags & SYSCTL_GLOBAL) == !global, "%s is %s",
		       sysctl_table[i].name, global ? "global" : "per namespace");
	}
}

/* A default must be a value of its own key: parsed with the entry's type
 * and bounds, and already in the normalised form. */
static void check_default_parses(const struct sysctl_def *d, const char *def, const char *how)
{
	struct sysval v;
	char w[128] = "";
	int r = sysval_parse(d, def, &v, w, sizeof(w));

	TAP_OK(r == 0 && v.type == d->type && strcmp(v.text, def) == 0,
	       "%s: %s default '%s' parses as a %s within its bounds (%s)", d->name, how, def,
	       sysctl_type_name(d->type), w);
	if (r == 0) {
		TAP_OK(d->type != TYPE_INT || (v.num >= d->min && v.num <= d->max),
		       "%s: default within %lld..%lld", d->name, d->min, d->max);
		sysval_free(&v);
	}
}

static void test_entries(void)
{
	char name[96];

	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char expect_path[96], buf[32];

		snprintf(expect_path, sizeof(expect_path), "%s%s", d->prefix, d->name);
		for (char *c = expect_path; *c; c++)
			if (*c == '.')
				*c = '/';
		TAP_OK(strcmp(d->path, expect_path) == 0, "%s: path", d->name);
		TAP_OK(d->min <= d->max && d->meaning && *d->meaning && d->since, "%s: bounds and docs", d->name);
		TAP_OK(strcmp(sysctl_fullname(d, name, sizeof(name)) + strlen(d->prefix), d->name) == 0,
		       "%s: full name", d->name);
		/* nf_conntrack_buckets is sized from memory at boot: no default */
		if (i == SYSCTL_NF_CONNTRACK_BUCKETS) {
			TAP_OK(!d->kernel_default && !d->default_fn, "%s: no known default", d->name);
			continue;
		}
		TAP_OK(!d->kernel_default != !d->default_fn, "%s: a default, fixed or computed, not both",
		       d->name);
		if (d->kernel_default) {
			TAP_OK(!d->default_source && !d->default_note, "%s: a fixed default has no source",
			       d->name);
			check_default_parses(d, d->kernel_default, "fixed");
			continue;
		}
		TAP_OK(d->default_source && d->default_note && *d->default_note,
		       "%s: a computed default names its source and says how", d->name);
		TAP_OK(d->default_fn("262144\n", buf, sizeof(buf)) == 0, "%s: default computed", d->name);
		check_default_parses(d, buf, "computed");
	}
}

static void test_half_ehash(void)
{
	for (size_t i = 0; i < sizeof(half_ehash) / sizeof(half_ehash[0]); i++) {
		char buf[32] = "";
		int r = sysctl_default_half_ehash(half_ehash[i].source, buf, sizeof(buf));

		TAP_OK(r == half_ehash[i].r && (r || strcmp(buf, half_ehash[i].out) == 0),
		       "tcp_ehash_entries '%.*s' -> %d '%s'", (int)strcspn(half_ehash[i].source, "\n"),
		       half_ehash[i].source, r, buf);
	}
	{
		char buf[4];

		TAP_OK(sysctl_default_half_ehash("2000000\n", buf, sizeof(buf)) == -ENOSPC,
		       "a default too long for the buffer is refused");
	}
}

/* sysctl_default() under a sysctl root: the fixed text as is, the computed
 * one from its source file, NULL when the source is missing. */
static void test_default_from_root(void)
{
	const struct sysctl_def *tw = &sysctl_table[SYSCTL_TCP_MAX_TW_BUCKETS];
	char root[] = "/tmp/test_registry.XXXXXX", dir[64], file[96], buf[32];
	const char *def;
	FILE *f;

	if (!mkdtemp(root)) {
		TAP_OK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(dir, sizeof(dir), "%s/net", root);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/net/ipv4", root);
	mkdir(dir, 0700);
	TAP_OK(strcmp(sysctl_default(root, &sysctl_table[SYSCTL_TCP_TW_REUSE], buf, sizeof(buf)), "2") == 0,
	       "a fixed default needs no file");
	TAP_OK(sysctl_default(root, tw, buf, sizeof(buf)) == NULL, "no source file: default unknown");
	snprintf(file, sizeof(file), "%s/%s", root, tw->default_source);
	f = fopen(file, "w");
	TAP_OK(f && fputs("-524288\n", f) >= 0 && fclose(f) == 0, "source written");
	def = sysctl_default(root, tw, buf, sizeof(buf));
	TAP_OK(def && strcmp(def, "262144") == 0, "tcp_max_tw_buckets default from %s: %s",
	       tw->default_source, def ? def : "NULL");
	unlink(file);
	rmdir(dir);
	{
		const struct sysctl_def *max = &sysctl_table[SYSCTL_NF_CONNTRACK_MAX];

		snprintf(dir, sizeof(dir), "%s/net/netfilter", root);
		mkdir(dir, 0700);
		TAP_OK(sysctl_default(root, max, buf, sizeof(buf)) == NULL,
		       "no nf_conntrack_buckets: nf_conntrack_max's default unknown");
		snprintf(file, sizeof(file), "%s/%s", root, max->default_source);
		f = fopen(file, "w");
		TAP_OK(f && fputs("65536\n", f) >= 0 && fclose(f) == 0, "buckets written");
		def = sysctl_default(root, max, buf, sizeof(buf));
		TAP_OK(def && strcmp(def, "65536") == 0, "nf_conntrack_max default from %s: %s",
		       max->default_source, def ? def : "NULL");
		unlink(file);
		rmdir(dir);
	}
	snprintf(dir, sizeof(dir), "%s/net", root);
	rmdir(dir);
	rmdir(root);
}

int main(void)
{
	test_ids_and_names();
	test_lookups();
	test_entries();
	test_half_ehash();
	test_default_from_root();
	return tap_done();
}
