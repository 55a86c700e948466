// SPDX-License-Identifier: GPL-2.0-or-later
/* k8s.c: the pod sysctls Kubernetes treats as safe */
#include "k8s.h"

#include <string.h>

#include "registry.h"
#include "settings.h"

/* The safety of a key is the registry's k8s_safe_since column (src/registry.h,
 * from Kubernetes pkg/kubelet/sysctl/safe_sysctls.go): every other key,
 * tcp_tw_reuse, tcp_max_tw_buckets and tcp_timestamps among them, is
 * unsafe, and the kubelet must allow it with --allowed-unsafe-sysctls.
 * "1.4" is the first list (every version with pod sysctls). */
#define K8S_FIRST_LIST "1.4"

bool k8s_name_valid(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_./-", *p)))
			return false;
	return true;
}

/* Compares with '/' read as '.': Kubernetes accepts both separators. */
static bool same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '/' ? '.' : *a) != *b)
			return false;
	return *a == *b;
}

bool k8s_sysctl_safe(const char *name, const char **since)
{
	const struct sysctl_def *d = NULL;
	char full[96];

	if (since)
		*since = NULL;
	/* full names only: the registry also knows the short ones */
	if (strncmp(name, "net.ipv4.", 9) && strncmp(name, "net/ipv4/", 9))
		return false;
	d = sysctl_lookup(name);
	if (!d || !d->k8s_safe_since || !same_name(name, sysctl_fullname(d, full, sizeof(full))))
		return false;
	if (since && strcmp(d->k8s_safe_since, K8S_FIRST_LIST))
		*since = d->k8s_safe_since;
	return true;
}

size_t k8s_changes(const struct settings *cur, const struct settings *tgt,
		   struct k8s_change *c, char (*names)[96])
{
	size_t n = 0;

	for (size_t i = 0; i < sysctl_count; i++) {
		if (!tgt->have[i] || (cur->have[i] && sysval_equal(&cur->val[i], &tgt->val[i])))
			continue;
		c[n].name = sysctl_fullname(&sysctl_table[i], names[n], sizeof(names[n]));
		c[n].value = tgt->val[i].text;
		n++;
	}
	return n;
}
