// SPDX-License-Identifier: GPL-2.0-or-later
/* registry.c: the table of known sysctls, generated from SYSCTLS() in
 * registry.h, and the lookups by name for the edges */
#include "registry.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"

/* A default computed from a file the kernel prints as one integer and a
 * newline: that integer within [lo, hi], divided by div, into buf. */
static int default_from(const char *source, long long lo, long long hi, long long div, char *buf,
			size_t len)
{
	char text[32];
	long long n;
	int w;

	if (snprintf(text, sizeof(text), "%s", source) >= (int)sizeof(text))
		return -EINVAL;
	text[strcspn(text, "\n")] = '\0';
	if (parse_ll(text, lo, hi, &n) < 0)
		return -EINVAL;
	w = snprintf(buf, len, "%lld", (n < 0 ? -n : n) / div);
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

int sysctl_default_half_ehash(const char *source, char *buf, size_t len)
{
	return default_from(source, -(1LL << 40), 1LL << 40, 2, buf, len);
}

#define SYSCTL_ROW_(id_, dir_, name_, type_, min_, max_, dflt_, since_, flags_, k8s_, meaning_) \
	[SYSCTL_##id_] = { SYSCTL_##id_, #name_, "net/" #dir_ "/" #name_, "net." #dir_ ".",     \
			   type_, min_, max_, dflt_, since_, flags_, k8s_, meaning_ },
const struct sysctl_def sysctl_table[SYSCTL_COUNT] = { SYSCTLS(SYSCTL_ROW_) };
#undef SYSCTL_ROW_
const size_t sysctl_count = SYSCTL_COUNT;

/* Generated from the one list, the table cannot drift from the enum; this
 * keeps it so should it ever be written out by hand. */
_Static_assert(sizeof(sysctl_table) / sizeof(sysctl_table[0]) == SYSCTL_COUNT,
	       "sysctl_table and SYSCTLS() list the same keys");

int sysctl_default_same(const char *source, char *buf, size_t len)
{
	return default_from(source, 1, INT_MAX, 1, buf, len);
}

/* The short name, and in *dir the directory a full name gave ("ipv4",
 * "netfilter"), or NULL for a short name. */
static const char *short_name(const char *key, const char **dir, size_t *dirlen)
{
	static const char *const dirs[] = { "ipv4", "netfilter" };

	*dir = NULL;
	*dirlen = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);

		if ((strncmp(key, "net.", 4) == 0 || strncmp(key, "net/", 4) == 0) &&
		    strncmp(key + 4, dirs[i], n) == 0 && (key[4 + n] == key[3])) {
			*dir = dirs[i];
			*dirlen = n;
			return key + 5 + n;
		}
	}
	return key;
}

const struct sysctl_def *sysctl_lookup(const char *key)
{
	const char *dir;
	size_t dirlen;
	const char *k = short_name(key, &dir, &dirlen);

	for (size_t i = 0; i < sysctl_count; i++)
		if (strcmp(sysctl_table[i].name, k) == 0 &&
		    (!dir || strncmp(sysctl_table[i].prefix + 4, dir, dirlen) == 0))
			return &sysctl_table[i];
	return NULL;
}

const char *sysctl_fullname(const struct sysctl_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", d->prefix, d->name);
	return buf;
}

bool sysctl_removed(const char *key, const char **why)
{
	const char *dir;
	size_t dirlen;

	if (strcmp(short_name(key, &dir, &dirlen), "tcp_tw_recycle") == 0) {
		*why = "removed in Linux 4.12 (it broke clients behind NAT)";
		return true;
	}
	return false;
}

const char *sysctl_type_name(enum sysctl_type t)
{
	switch (t) {
	case TYPE_INT: return "integer";
	case TYPE_PORT_PAIR: return "port pair";
	case TYPE_PORT_LIST: return "port list";
	}
	return "?";
}
