/* k8s.c: the pod sysctls Kubernetes treats as safe */
#include "k8s.h"

#include <string.h>

/* To be replaced by the registry column (src/registry.h, Kubernetes
 * safety) once it is merged. From Kubernetes pkg/kubelet/sysctl/
 * safe_sysctls.go, see /work/shared/FACTS.md "Containers and Kubernetes".
 * Every other sysctl, tcp_tw_reuse, tcp_max_tw_buckets and tcp_timestamps
 * among them, is unsafe: the kubelet must allow it with
 * --allowed-unsafe-sysctls. */
static const struct {
	const char *name, *since;
} safe[] = {
	{ "net.ipv4.ip_local_port_range", NULL },
	{ "net.ipv4.tcp_syncookies", NULL },
	{ "net.ipv4.ping_group_range", "1.18" },
	{ "net.ipv4.ip_unprivileged_port_start", "1.22" },
	{ "net.ipv4.ip_local_reserved_ports", "1.27" },
	{ "net.ipv4.tcp_keepalive_time", "1.29" },
	{ "net.ipv4.tcp_fin_timeout", "1.29" },
	{ "net.ipv4.tcp_keepalive_intvl", "1.29" },
	{ "net.ipv4.tcp_keepalive_probes", "1.29" },
	{ "net.ipv4.tcp_rmem", "1.32" },
	{ "net.ipv4.tcp_wmem", "1.32" },
};

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
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (same_name(name, safe[i].name)) {
			if (since)
				*since = safe[i].since;
			return true;
		}
	if (since)
		*since = NULL;
	return false;
}
