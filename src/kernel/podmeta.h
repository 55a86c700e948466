// SPDX-License-Identifier: GPL-2.0-or-later
/* podmeta.h: a Kubernetes pod's name and namespace, read from the sandbox
 * metadata its container runtime keeps on the host, for the labels of a
 * namespace (twtune-metrics(7)): the OCI bundle's config.json of the
 * container, whose annotations name the pod.
 *
 *   containerd  ROOT/run/containerd/io.containerd.runtime.v2.task/k8s.io/ID/config.json
 *               io.kubernetes.cri.sandbox-name, io.kubernetes.cri.sandbox-namespace
 *   CRI-O       ROOT/run/containers/storage/overlay-containers/ID/userdata/config.json
 *               (and under ROOT/var/lib/containers/storage)
 *               io.kubernetes.pod.name, io.kubernetes.pod.namespace
 *
 * The values are the runtime's, that is the pod author's: untrusted text,
 * sanitized where they are printed. */
#ifndef TWTUNE_PODMETA_H
#define TWTUNE_PODMETA_H

#include <stddef.h>

struct pod_meta {
	char name[254];      /* a pod name is at most 253 bytes */
	char namespace_[64]; /* a namespace name at most 63 */
};

/* The annotations of one config.json text: 0 with both filled, -ENOENT
 * when it names no pod (m left empty). */
int podmeta_parse(const char *json, struct pod_meta *m);

/* The pod of container id (lowercase hex, as nsowner.h gives it) under
 * root ("" for the host's /): 0, -EINVAL for an id that is not hex,
 * -ENOENT when no runtime's file names a pod, or -errno. */
int podmeta_read(const char *root, const char *id, struct pod_meta *m);

#endif
