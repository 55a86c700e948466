// SPDX-License-Identifier: GPL-2.0-or-later
/* settings.c: the sysctl values the rules judge, and what follows from
 * them (the ephemeral range, whether TIME_WAIT reuse applies). Kernel
 * semantics from net/ipv4/tcp_ipv4.c (tcp_twsk_unique). */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

int settings_index(const char *name)
{
	const struct sysctl_def *d = sysctl_lookup(name);

	return d ? (int)d->id : -1;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < SYSCTL_COUNT; i++)
		sysval_free(&s->val[i]);
}

int settings_copy(struct settings *dst, const struct settings *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->max_tw_default = src->max_tw_default;
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		dst->have[i] = src->have[i];
		if (src->have[i] && sysval_copy(&dst->val[i], &src->val[i]) < 0) {
			settings_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

int settings_set(struct settings *s, size_t id, const char *text)
{
	struct sysval v;
	char why[128];
	int r;

	/* no text: a key without a known value (nf_conntrack_buckets' default) */
	if (!text)
		return -EINVAL;
	r = sysval_parse(&sysctl_table[id], text, &v, why, sizeof(why));
	if (r < 0)
		return r;
	sysval_free(&s->val[id]);
	s->val[id] = v;
	s->have[id] = true;
	return 0;
}

const struct sysval *settings_get(const struct settings *s, enum sysctl_id id)
{
	return s->have[id] ? &s->val[id] : NULL;
}

long long settings_num(const struct settings *s, enum sysctl_id id, long long absent)
{
	const struct sysval *v = settings_get(s, id);

	return v ? v->num : absent;
}

/* The computed defaults these settings carry, by key: tcp_max_tw_buckets
 * is the only key whose table entry computes its default. */
static long long computed_default(const struct settings *s, enum sysctl_id id)
{
	return id == SYSCTL_TCP_MAX_TW_BUCKETS ? s->max_tw_default : -1;
}

const char *settings_default(const struct settings *s, enum sysctl_id id, char *buf, size_t len)
{
	const struct sysctl_def *d = &sysctl_table[id];
	long long n;

	if (d->kernel_default || !d->default_fn)
		return d->kernel_default;
	n = computed_default(s, id);
	if (n < 0)
		return NULL;
	snprintf(buf, len, "%lld", n);
	return buf;
}

struct ephemeral settings_ephemeral(const struct settings *s)
{
	const struct sysval *range = settings_get(s, SYSCTL_IP_LOCAL_PORT_RANGE);
	const struct sysval *res = settings_get(s, SYSCTL_IP_LOCAL_RESERVED_PORTS);
	struct ephemeral e = { 32768, 60999, NULL };

	if (range) {
		e.low = range->lo;
		e.high = range->hi;
	}
	if (res)
		e.reserved = res->ports;
	return e;
}

static bool addr_loopback(const struct addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return memcmp(a->bytes, v6lo, 16) == 0;
}

/* tcp_twsk_unique(): reuse needs tcp_tw_reuse 1, or 2 with a loopback end,
 * and the TIME_WAIT entry must have carried timestamps. */
bool reuse_applies(const struct settings *s, const struct dest *d)
{
	long long reuse = settings_num(s, SYSCTL_TCP_TW_REUSE, 2);

	if (settings_num(s, SYSCTL_TCP_TIMESTAMPS, 1) == 0)
		return false;
	if (reuse == 1)
		return true;
	return reuse == 2 && (addr_loopback(&d->local) || addr_loopback(&d->remote));
}

unsigned dest_used_effective(const struct settings *s, const struct dest *d)
{
	return reuse_applies(s, d) ? d->used - d->time_wait : d->used;
}

/* The order by raw use is not the order by effective use when reuse
 * applies to some keys only: scan all of them. */
const struct dest *worst_dest(const struct settings *s, const struct sock_snapshot *socks,
			      unsigned usable, double *pressure)
{
	const struct dest *worst = NULL;

	*pressure = 0;
	for (const struct dest *d = sockets_dests(socks, NULL); d; d = sockets_dests(socks, d)) {
		double p = usable ? (double)dest_used_effective(s, d) / usable : 1;

		if (!worst || p > *pressure) {
			worst = d;
			*pressure = p;
		}
	}
	return worst;
}
