// SPDX-License-Identifier: GPL-2.0-or-later
/* podmeta.c: a pod's name and namespace from its runtime's sandbox
 * metadata (podmeta.h) */
#include "podmeta.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "readfile.h"

#define CONFIG_MAX (4u << 20) /* an OCI config.json is tens of KiB */

/* The JSON string at p (after its opening quote) decoded into buf, cut
 * at len - 1 bytes; a \u escape of a surrogate becomes U+FFFD. false when
 * the string does not end. */
static bool json_string(const char *p, char *buf, size_t len)
{
	size_t k = 0;

	for (; *p && *p != '"'; p++) {
		char out[4];
		size_t n = 1;

		out[0] = *p;
		if (*p == '\\') {
			p++;
			switch (*p) {
			case 'b': out[0] = '\b'; break;
			case 'f': out[0] = '\f'; break;
			case 'n': out[0] = '\n'; break;
			case 'r': out[0] = '\r'; break;
			case 't': out[0] = '\t'; break;
			case 'u': {
				unsigned c = 0;

				for (int i = 1; i <= 4; i++) {
					int h = hex_digit(p[i]);

					if (h < 0)
						return false;
					c = c << 4 | (unsigned)h;
				}
				p += 4;
				if (c >= 0xd800 && c <= 0xdfff)
					c = 0xfffd;
				if (c < 0x80) {
					out[0] = (char)c;
				} else if (c < 0x800) {
					out[0] = (char)(0xc0 | c >> 6);
					out[1] = (char)(0x80 | (c & 0x3f));
					n = 2;
				} else {
					out[0] = (char)(0xe0 | c >> 12);
					out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
					out[2] = (char)(0x80 | (c & 0x3f));
					n = 3;
				}
				break;
			}
			case '\0': return false;
			default: out[0] = *p; break; /* \" \\ \/ */
			}
		}
		if (k + n < len) {
			memcpy(buf + k, out, n);
			k += n;
		}
	}
	buf[k] = '\0';
	return *p == '"';
}

/* The string value of the member "key" anywhere in json, into buf. */
static bool member(const char *json, const char *key, char *buf, size_t len)
{
	size_t n = strlen(key);

	for (const char *p = strstr(json, key); p; p = strstr(p + 1, key)) {
		const char *q = p + n;

		if (p == json || p[-1] != '"' || *q != '"')
			continue;
		q++;
		q += strspn(q, " \t\r\n");
		if (*q != ':')
			continue;
		q++;
		q += strspn(q, " \t\r\n");
		if (*q == '"' && json_string(q + 1, buf, len) && buf[0])
			return true;
	}
	return false;
}

int podmeta_parse(const char *json, struct pod_meta *m)
{
	static const char *const keys[][2] = {
		{ "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace" },
		{ "io.kubernetes.pod.name", "io.kubernetes.pod.namespace" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (member(json, keys[i][0], m->name, sizeof(m->name)) &&
		    member(json, keys[i][1], m->namespace_, sizeof(m->namespace_)))
			return 0;
	m->name[0] = m->namespace_[0] = '\0';
	return -ENOENT;
}

int podmeta_read(const char *root, const char *id, struct pod_meta *m)
{
	static const char *const paths[][2] = {
		{ "/run/containerd/io.containerd.runtime.v2.task/k8s.io/", "/config.json" },
		{ "/run/containers/storage/overlay-containers/", "/userdata/config.json" },
		{ "/var/lib/containers/storage/overlay-containers/", "/userdata/config.json" },
	};
	int err = -ENOENT;

	m->name[0] = m->namespace_[0] = '\0';
	if (!id[0] || strspn(id, "0123456789abcdef") != strlen(id))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char path[4096];
		char *text = NULL;
		int r;

		if (snprintf(path, sizeof(path), "%s%s%s%s", root, paths[i][0], id, paths[i][1]) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		r = readfile(path, CONFIG_MAX, READ_NOFOLLOW | READ_REGULAR | READ_TRUSTED, &text,
			     NULL);
		if (r == 0)
			r = podmeta_parse(text, m);
		free(text);
		if (r == 0)
			return 0;
		if (r != -ENOENT && err == -ENOENT)
			err = r;
	}
	return err;
}
