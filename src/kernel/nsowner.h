// SPDX-License-Identifier: GPL-2.0-or-later
/* nsowner.h: who owns a network namespace, read from a process's cgroup
 * path: the container id (Docker, containerd, CRI-O, Podman) and, for
 * Kubernetes pods, the pod UID. Pure parsing, no I/O. */
#ifndef TWTUNE_NSOWNER_H
#define TWTUNE_NSOWNER_H

#include <stddef.h>

enum ns_runtime {
	NS_RUNTIME_NONE,
	NS_RUNTIME_DOCKER,     /* docker-<id>.scope, /docker/<id> */
	NS_RUNTIME_CONTAINERD, /* cri-containerd-<id>.scope */
	NS_RUNTIME_CRIO,       /* crio-<id>.scope */
	NS_RUNTIME_PODMAN,     /* libpod-<id>.scope */
	NS_RUNTIME_CRI,        /* a bare id under a cgroupfs kubepods pod: runtime unknown */
};

#define NS_CONTAINER_ID_MAX 64
#define NS_POD_UID_MAX 36

struct ns_owner {
	enum ns_runtime runtime;                /* NONE: no container id */
	char container[NS_CONTAINER_ID_MAX + 1]; /* lowercase hex, "" when none */
	char pod_uid[NS_POD_UID_MAX + 1];       /* with dashes, "" when no pod */
};

/* Reads the text of /proc/PID/cgroup (every line "ID:CONTROLLERS:PATH",
 * cgroup v2's "0::PATH" and v1 lines alike) and fills *o; a line that
 * names a pod wins over one that names only a container. Unknown lines
 * and paths leave *o empty. */
void nsowner_parse(const char *text, struct ns_owner *o);

/* The same for one cgroup path: "/kubepods.slice/.../cri-containerd-ID.scope". */
void nsowner_parse_path(const char *path, size_t len, struct ns_owner *o);

/* "docker", "containerd", "cri-o", "podman", "cri", or "" for NONE. */
const char *nsowner_runtime_name(enum ns_runtime r);

#endif
