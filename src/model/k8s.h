// SPDX-License-Identifier: GPL-2.0-or-later
/* k8s.h: which sysctls Kubernetes lets a pod set, and the snippets that
 * set them: a pod's securityContext.sysctls and `docker run --sysctl`. */
#ifndef TWTUNE_K8S_H
#define TWTUNE_K8S_H

#include <stdbool.h>
#include <stddef.h>

/* One change: the full sysctl name and its value as text. */
struct k8s_change {
	const char *name;  /* "net.ipv4.ip_local_port_range" */
	const char *value; /* "20000 60001" */
};

/* True when Kubernetes treats NAME (full name, '.' or '/' separated) as a
 * safe pod sysctl; *since is then the first Kubernetes version that does,
 * or NULL when every version with pod sysctls does. */
bool k8s_sysctl_safe(const char *name, const char **since);

struct settings;
/* The keys TGT changes from CUR, in registry order, into C (room for
 * SYSCTL_COUNT), their full names kept in NAMES (as many rows). Returns
 * how many. */
size_t k8s_changes(const struct settings *cur, const struct settings *tgt,
		   struct k8s_change *c, char (*names)[96]);

/* A name that can be written into YAML and a shell line unquoted:
 * [A-Za-z0-9_./-], not empty. */
bool k8s_name_valid(const char *name);

#endif
