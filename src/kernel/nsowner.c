// SPDX-License-Identifier: GPL-2.0-or-later
/* nsowner.c: container and pod of a process, from its cgroup path */
#include "nsowner.h"

#include <stdbool.h>
#include <string.h>

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A container id: 12 to 64 lowercase hex digits (runtimes use 64). */
static bool container_id(const char *s, size_t n)
{
	return n >= 12 && n <= NS_CONTAINER_ID_MAX && all_hex(s, n);
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && memcmp(s, p, pn) == 0;
}

static bool has_suffix(const char *s, size_t n, const char *x)
{
	size_t xn = strlen(x);

	return n >= xn && memcmp(s + n - xn, x, xn) == 0;
}

/* A pod UID: a UUID 8-4-4-4-12 (dashes, or systemd's underscores), or the
 * 32 hex digits of a static pod's hash. Stored with dashes. */
static bool pod_uid(const char *s, size_t n, struct ns_owner *o)
{
	char u[NS_POD_UID_MAX + 1];

	if (n != 32 && n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '_' ? '-' : s[i];
		bool dash = n == 36 && (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? c != '-' : !all_hex(&c, 1))
			return false;
		u[i] = c;
	}
	u[n] = '\0';
	memcpy(o->pod_uid, u, n + 1);
	return true;
}

static void set_container(struct ns_owner *o, enum ns_runtime r, const char *s, size_t n)
{
	o->runtime = r;
	memcpy(o->container, s, n);
	o->container[n] = '\0';
}

static const struct {
	const char *prefix, *not_prefix;
	enum ns_runtime runtime;
} scopes[] = {
	{ "docker-", NULL, NS_RUNTIME_DOCKER },
	{ "cri-containerd-", NULL, NS_RUNTIME_CONTAINERD },
	{ "crio-", "crio-conmon-", NS_RUNTIME_CRIO },
	{ "libpod-", "libpod-conmon-", NS_RUNTIME_PODMAN },
};

/* One path component: a container scope, a systemd pod slice
 * (kubepods-burstable-pod<uid>.slice), a cgroupfs pod (pod<uid> under
 * kubepods) or a bare id after /docker or after a cgroupfs pod. */
static void component(const char *c, size_t n, const char *prev, size_t pn, bool kube,
		      struct ns_owner *o)
{
	if (has_suffix(c, n, ".scope")) {
		for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
			size_t l = strlen(scopes[i].prefix);

			if (!has_prefix(c, n, scopes[i].prefix) ||
			    (scopes[i].not_prefix && has_prefix(c, n, scopes[i].not_prefix)))
				continue;
			if (container_id(c + l, n - l - 6))
				set_container(o, scopes[i].runtime, c + l, n - l - 6);
			return;
		}
		return;
	}
	if (has_prefix(c, n, "kubepods") && has_suffix(c, n, ".slice")) {
		const char *p = NULL;

		for (size_t i = 0; i + 4 <= n; i++)
			if (memcmp(c + i, "-pod", 4) == 0)
				p = c + i + 4;
		if (p)
			pod_uid(p, (size_t)(c + n - 6 - p), o);
		return;
	}
	if (kube && has_prefix(c, n, "pod") && pod_uid(c + 3, n - 3, o))
		return;
	if (n == NS_CONTAINER_ID_MAX && all_hex(c, n)) {
		if (pn == 6 && memcmp(prev, "docker", 6) == 0)
			set_container(o, NS_RUNTIME_DOCKER, c, n);
		else if (kube && o->pod_uid[0] && pn > 3 && has_prefix(prev, pn, "pod"))
			set_container(o, NS_RUNTIME_CRI, c, n);
	}
}

void nsowner_parse_path(const char *path, size_t len, struct ns_owner *o)
{
	const char *p = path, *end = path + len, *prev = "";
	size_t pn = 0;
	bool kube = false;

	memset(o, 0, sizeof(*o));
	while (p < end) {
		const char *c = p, *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - c);

		if (n == 8 && memcmp(c, "kubepods", 8) == 0)
			kube = true;
		if (n) {
			component(c, n, prev, pn, kube, o);
			prev = c;
			pn = n;
		}
		p = slash ? slash + 1 : end;
	}
}

static int rank(const struct ns_owner *o)
{
	return o->pod_uid[0] ? 2 : o->runtime != NS_RUNTIME_NONE ? 1 : 0;
}

void nsowner_parse(const char *text, struct ns_owner *o)
{
	const char *line = text;

	memset(o, 0, sizeof(*o));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2) {
			struct ns_owner t;

			nsowner_parse_path(c2 + 1, (size_t)(end - c2 - 1), &t);
			if (rank(&t) > rank(o))
				*o = t;
		}
		line = nl ? nl + 1 : NULL;
	}
}

const char *nsowner_runtime_name(enum ns_runtime r)
{
	switch (r) {
	case NS_RUNTIME_DOCKER:
		return "docker";
	case NS_RUNTIME_CONTAINERD:
		return "containerd";
	case NS_RUNTIME_CRIO:
		return "cri-o";
	case NS_RUNTIME_PODMAN:
		return "podman";
	case NS_RUNTIME_CRI:
		return "cri";
	case NS_RUNTIME_NONE:
		break;
	}
	return "";
}
