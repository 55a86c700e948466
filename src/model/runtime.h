// SPDX-License-Identifier: GPL-2.0-or-later
/* runtime.h: what program a process runs, beyond its comm: the facts
 * kernel/runtime_probe.c reads from /proc/PID/exe and cmdline (a Go
 * binary's embedded build information, the interpreter behind a script,
 * a version where a default changed, a flag that matters such as `ab -k`),
 * and the pure classification of those facts that the advice table uses.
 * Nothing here reads a file or prints. */
#ifndef TWTUNE_RUNTIME_H
#define TWTUNE_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

/* X macro: id, name as the report and JSON write it. */
#define RUNTIME_LIST(X)            \
	X(RT_UNKNOWN, "unknown")   \
	X(RT_GO, "go")             \
	X(RT_JVM, "java")          \
	X(RT_PYTHON, "python")     \
	X(RT_NODE, "node")         \
	X(RT_NGINX, "nginx")       \
	X(RT_HAPROXY, "haproxy")   \
	X(RT_ENVOY, "envoy")       \
	X(RT_HTTPD, "httpd")       \
	X(RT_CURL, "curl")         \
	X(RT_AB, "ab")

enum runtime_id {
#define RT_ENUM(id, name) id,
	RUNTIME_LIST(RT_ENUM)
#undef RT_ENUM
	RT_COUNT
};

#define RUNTIME_VERSION_LEN 24

/* What was read about one process; all fields may be empty. */
struct runtime_facts {
	const char *comm;      /* /proc/PID/comm */
	const char *exe;       /* basename of /proc/PID/exe */
	const char *go_version; /* "go1.19.8" from the Go build information, or NULL */
	const char *version;   /* another program's version read from its binary
				  ("1.22.1" for nginx), or NULL */
	const char *const *argv; /* /proc/PID/cmdline split, NULL-terminated; may be NULL */
	const char *closes_option; /* HAProxy: "httpclose" or "http-server-close" when its
				      configuration sets that option, "" when it was read
				      and sets neither, NULL when not read */
};

struct runtime {
	enum runtime_id id;
	char version[RUNTIME_VERSION_LEN]; /* "1.19.8", "3.11", "1.22.1"; "" when unknown */
	bool keepalive_flag;   /* the command line asks for keep-alive (ab -k) */
	bool server_module;    /* python -m http.server */
	bool config_read;      /* HAProxy: its configuration was read (closes_option) */
	char closes_option[24]; /* HAProxy: "httpclose", "http-server-close" or "" */
};

/* Classifies the facts into r (never fails: RT_UNKNOWN when nothing fits).
 * The Go build information wins over names (a Go program is called
 * anything); then the executable's basename (python3.11, node, java),
 * then comm. */
void runtime_classify(const struct runtime_facts *f, struct runtime *r);

/* "go", "python", ...: the id's stable name. */
const char *runtime_name(enum runtime_id id);

/* HAProxy's configuration text: "http-server-close" or "httpclose" when
 * an uncommented `option` line sets one (the last one wins; `no option`
 * lines do not count), else "". */
const char *runtime_haproxy_closes(const char *cfg);

/* Compares version text "a.b.c" with major.minor.patch: <0, 0, >0; -2
 * when v is empty or does not start with a number. */
int runtime_version_cmp(const char *v, int major, int minor, int patch);

/* Parses the Go build information block at buf (len bytes, starting at
 * its "\xff Go buildinf:" magic) into the version ("go1.19.8", into out).
 * Handles the Go 1.18+ layout (inline, varint-prefixed strings); the older
 * layout holds pointers and gives -ENOTSUP. 0, -EINVAL (not the magic, or
 * cut short), -ENOTSUP. */
int runtime_go_buildinfo(const unsigned char *buf, size_t len, char *out, size_t outlen);

#define RUNTIME_GO_MAGIC "\xff Go buildinf:"
#define RUNTIME_GO_MAGIC_LEN 14

#endif
