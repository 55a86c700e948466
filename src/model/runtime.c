// SPDX-License-Identifier: GPL-2.0-or-later
/* runtime.c: which program a process runs, from the facts read about it
 * (Go's build information layout: src/debug/buildinfo/buildinfo.go) */
#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define RT_NAME(id, name) name,
	RUNTIME_LIST(RT_NAME)
#undef RT_NAME
};

const char *runtime_name(enum runtime_id id)
{
	return (unsigned)id < RT_COUNT ? names[id] : "unknown";
}

static bool prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static bool is(const char *s, const char *w)
{
	return s && !strcmp(s, w);
}

/* A name's runtime: exact names, and interpreters with their version
 * suffix (python3.11, node20). */
static enum runtime_id by_name(const char *n, char *ver, size_t len)
{
	static const struct {
		const char *name;
		enum runtime_id id;
	} exact[] = {
		{ "nginx", RT_NGINX },     { "openresty", RT_NGINX }, { "haproxy", RT_HAPROXY },
		{ "envoy", RT_ENVOY },     { "httpd", RT_HTTPD },     { "apache2", RT_HTTPD },
		{ "curl", RT_CURL },       { "ab", RT_AB },           { "java", RT_JVM },
		{ "jsvc", RT_JVM },        { "node", RT_NODE },       { "nodejs", RT_NODE },
	};

	if (!n || !*n)
		return RT_UNKNOWN;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(n, exact[i].name))
			return exact[i].id;
	if (prefix(n, "python")) {
		const char *v = n + 6;

		if (!*v || (*v >= '0' && *v <= '9' && strspn(v, "0123456789.") == strlen(v))) {
			if (strchr(v, '.'))
				snprintf(ver, len, "%s", v);
			return RT_PYTHON;
		}
	}
	return RT_UNKNOWN;
}

static void set_version(struct runtime *r, const char *v)
{
	size_t n;

	if (!v)
		return;
	n = strspn(v, "0123456789.");
	if (!n || n >= sizeof(r->version))
		return;
	memcpy(r->version, v, n);
	r->version[n] = '\0';
}

/* ab's options: -k alone or inside a cluster of flags ("-qk"), up to the URL. */
static bool ab_keepalive(const char *const *argv)
{
	static const char with_arg[] = "ABCEGHPTXabcefghilmnpstuvwxyz";

	for (size_t i = 1; argv && argv[i]; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			return false; /* the URL */
		for (const char *c = a + 1; *c; c++) {
			if (*c == 'k')
				return true;
			if (strchr(with_arg, *c)) {
				if (!c[1])
					i++; /* its argument is the next word */
				break;
			}
		}
	}
	return false;
}

static bool python_module(const char *const *argv, const char *mod)
{
	for (size_t i = 1; argv && argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], "-m"))
			return !strcmp(argv[i + 1], mod);
	return false;
}

void runtime_classify(const struct runtime_facts *f, struct runtime *r)
{
	char ver[RUNTIME_VERSION_LEN] = "";

	memset(r, 0, sizeof(*r));
	if (f->go_version && prefix(f->go_version, "go")) {
		r->id = RT_GO;
		set_version(r, f->go_version + 2);
		return;
	}
	r->id = by_name(f->exe, ver, sizeof(ver));
	if (r->id == RT_UNKNOWN)
		r->id = by_name(f->comm, ver, sizeof(ver));
	if (r->id == RT_UNKNOWN && is(f->comm, "haproxy"))
		r->id = RT_HAPROXY;
	if (ver[0])
		set_version(r, ver);
	if (!r->version[0] && r->id != RT_UNKNOWN)
		set_version(r, f->version);
	if (r->id == RT_AB)
		r->keepalive_flag = ab_keepalive(f->argv);
	if (r->id == RT_HAPROXY && f->closes_option) {
		r->config_read = true;
		snprintf(r->closes_option, sizeof(r->closes_option), "%s", f->closes_option);
	}
	if (r->id == RT_PYTHON)
		r->server_module = python_module(f->argv, "http.server");
}

const char *runtime_haproxy_closes(const char *cfg)
{
	static const char *const opts[] = { "http-server-close", "httpclose" };
	const char *found = "";

	for (const char *line = cfg; line && *line;) {
		const char *end = strchr(line, '\n'), *p = line;
		size_t n;

		if (!end)
			end = line + strlen(line);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(end - p);
		if (n > 7 && !strncmp(p, "option", 6) && (p[6] == ' ' || p[6] == '\t')) {
			const char *o = p + 6;

			while (o < end && (*o == ' ' || *o == '\t'))
				o++;
			for (size_t i = 0; i < 2; i++) {
				size_t l = strlen(opts[i]);

				if ((size_t)(end - o) >= l && !strncmp(o, opts[i], l) &&
				    (o + l == end || o[l] == ' ' || o[l] == '\t' || o[l] == '\r' ||
				     o[l] == '#'))
					found = opts[i];
			}
		}
		line = *end ? end + 1 : end;
	}
	return found;
}

int runtime_version_cmp(const char *v, int major, int minor, int patch)
{
	int want[3] = { major, minor, patch };
	const char *p = v;

	if (!v || *v < '0' || *v > '9')
		return -2;
	for (int i = 0; i < 3; i++) {
		char *end;
		long n = 0;

		if (*p >= '0' && *p <= '9') {
			n = strtol(p, &end, 10);
			p = *end == '.' ? end + 1 : end;
		}
		if (n != want[i])
			return n < want[i] ? -1 : 1;
	}
	return 0;
}

/* An unsigned varint (encoding/binary.Uvarint) at *p; -1 when cut short. */
static long long uvarint(const unsigned char **p, const unsigned char *end)
{
	unsigned long long v = 0;

	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;

		v |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v > (1ull << 30) ? -1 : (long long)v;
	}
	return -1;
}

int runtime_go_buildinfo(const unsigned char *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char *p, *end = buf + len;
	long long n;

	if (!buf || len < 33 || memcmp(buf, RUNTIME_GO_MAGIC, RUNTIME_GO_MAGIC_LEN) || !outlen)
		return -EINVAL;
	if (!(buf[15] & 0x2))
		return -ENOTSUP; /* before Go 1.18: pointers into the data segment */
	p = buf + 32;
	n = uvarint(&p, end);
	if (n <= 0 || n > end - p || (size_t)n >= outlen)
		return -EINVAL;
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	if (strncmp(out, "go", 2))
		return -EINVAL;
	for (const char *c = out; *c; c++)
		if (*c < 0x21 || *c > 0x7e)
			return -EINVAL;
	return 0;
}
