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

int sysctl_default_half_ehash(const char *source, char *buf, size_t len)
{
	char text[32];
	long long n;
	int w;

	/* as the kernel prints it: one integer and a newline */
	if (snprintf(text, sizeof(text), "%s", source) >= (int)sizeof(text))
		return -EINVAL;
	text[strcspn(text, "\n")] = '\0';
	if (parse_ll(text, -(1LL << 40), 1LL << 40, &n) < 0)
		return -EINVAL;
	w = snprintf(buf, len, "%lld", (n < 0 ? -n : n) / 2);
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

#define SYSCTL_ROW_(id_, name_, type_, min_, max_, dflt_, since_, flags_, k8s_, meaning_)  \
	[SYSCTL_##id_] = { SYSCTL_##id_, #name_, "net/ipv4/" #name_, type_, min_, max_, dflt_, \
			   since_, flags_, k8s_, meaning_ },
const struct sysctl_def sysctl_table[SYSCTL_COUNT] = { SYSCTLS(SYSCTL_ROW_) };
#undef SYSCTL_ROW_
const size_t sysctl_count = SYSCTL_COUNT;

/* Generated from the one list, the table cannot drift from the enum; this
 * keeps it so should it ever be written out by hand. */
_Static_assert(sizeof(sysctl_table) / sizeof(sysctl_table[0]) == SYSCTL_COUNT,
	       "sysctl_table and SYSCTLS() list the same keys");

static const char *short_name(const char *key)
{
	if (strncmp(key, "net.ipv4.", 9) == 0 || strncmp(key, "net/ipv4/", 9) == 0)
		return key + 9;
	return key;
}

const struct sysctl_def *sysctl_lookup(const char *key)
{
	const char *k = short_name(key);

	for (size_t i = 0; i < sysctl_count; i++)
		if (strcmp(sysctl_table[i].name, k) == 0)
			return &sysctl_table[i];
	return NULL;
}

const char *sysctl_fullname(const struct sysctl_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "net.ipv4.%s", d->name);
	return buf;
}

bool sysctl_removed(const char *key, const char **why)
{
	if (strcmp(short_name(key), "tcp_tw_recycle") == 0) {
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
