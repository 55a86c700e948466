// SPDX-License-Identifier: GPL-2.0-or-later
/* k8s_render.h: a change of sysctls as a pod's securityContext.sysctls
 * and as docker run flags. Each returns 0, -EINVAL for a name
 * k8s_name_valid refuses (nothing is written then), or -EIO when writing
 * F failed. */
#ifndef TWTUNE_K8S_RENDER_H
#define TWTUNE_K8S_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "k8s.h"
#include "report_format.h"
#include "view.h"

/* The pod spec fragment for the safe keys (values as quoted strings),
 * then, as YAML comments, the others with the kubelet flag
 * --allowed-unsafe-sysctls they need. */
int k8s_render_pod(FILE *f, const struct k8s_change *c, size_t n);

/* `docker run` flags: --sysctl KEY=VALUE for every change (Docker allows
 * every net.* sysctl in a container that has its own network namespace). */
int k8s_render_docker(FILE *f, const struct k8s_change *c, size_t n);

/* The change of r (the view's k8s[]) as a pod's securityContext.sysctls
 * (FMT_K8S) or docker run flags (FMT_DOCKER). */
int report_k8s(FILE *f, const struct report *r, enum report_format fmt);

#endif
