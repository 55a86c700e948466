// SPDX-License-Identifier: GPL-2.0-or-later
/* advice.c: the application-advice table (why the application fix comes
 * first: twtune-kernel(7); the fixes: nginx, HAProxy, Envoy, Go and Java
 * documentation) */
#include "advice.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sockets.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct advice table[] = {
	{
		.id = "nginx",
		.rt = RT_NGINX,
		.program = "nginx",
		.comms = LIST("nginx"),
		.exes = LIST("nginx", "openresty"),
		.client = {
			.fix = "`keepalive 16;` in the `upstream` block, and `proxy_http_version 1.1;` "
			       "with `proxy_set_header Connection \"\";` beside `proxy_pass`",
			.where = "nginx.conf (a `proxy_pass` to a bare address needs an `upstream` block)",
			.directives = LIST("keepalive", "proxy_http_version", "proxy_set_header"),
		},
		.server = {
			.fix = "keep `keepalive_timeout` above 0 (default 75s) and `keepalive_requests` "
			       "high (default 1000), so that idle clients close first",
			.where = "nginx.conf, the `http` or `server` block",
			.directives = LIST("keepalive_timeout", "keepalive_requests"),
		},
		.note = NULL,
	},
	{
		.id = "haproxy",
		.rt = RT_HAPROXY,
		.program = "HAProxy",
		.comms = LIST("haproxy"),
		.exes = LIST("haproxy"),
		.client = {
			.fix = "remove `option httpclose` and `option http-server-close`; keep `http-reuse "
			       "safe` (the default, never `http-reuse never`) and a large enough "
			       "`pool-max-conn`",
			.where = "haproxy.cfg, the `backend` or `defaults` section and its `server` lines",
			.directives = LIST("option httpclose", "option http-server-close", "http-reuse",
					   "pool-max-conn"),
		},
		.server = {
			.fix = "keep `option http-keep-alive` (the default), no `option httpclose` or "
			       "`option http-server-close`, and `timeout http-keep-alive` longer than the "
			       "clients' gap between requests",
			.where = "haproxy.cfg, the `frontend` or `defaults` section",
			.directives = LIST("option http-keep-alive", "timeout http-keep-alive"),
		},
		.note = NULL,
	},
	{
		.id = "envoy",
		.rt = RT_ENVOY,
		.program = "Envoy",
		.comms = LIST("envoy"),
		.exes = LIST("envoy"),
		.client = {
			.fix = "`HttpProtocolOptions` `common_http_protocol_options.idle_timeout` "
			       "(default 1h), no `max_requests_per_connection: 1`, `max_connections` "
			       "over the concurrency",
			.where = "the cluster definition",
			.directives = LIST("common_http_protocol_options.idle_timeout",
					   "max_requests_per_connection", "max_connections"),
		},
		.server = {
			.fix = "keep downstream connections: `common_http_protocol_options.idle_timeout` "
			       "(default 1h), no `max_requests_per_connection: 1`",
			.where = "the listener's `http_connection_manager`",
			.directives = LIST("common_http_protocol_options.idle_timeout",
					   "max_requests_per_connection"),
		},
		.note = "a bound source address shares one port pool without "
			"IP_BIND_ADDRESS_NO_PORT (envoy #44747)",
	},
	{
		.id = "go",
		.rt = RT_GO,
		.program = "Go program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "raise `Transport.MaxIdleConnsPerHost` (default 2) to the concurrency "
			       "towards this destination, and read every response body to EOF and "
			       "`Close()` it, or its connection is not reused",
			.where = "the program's source, where its `http.Transport` is made",
			.directives = LIST("MaxIdleConnsPerHost", "Close()"),
		},
		.server = {
			.fix = "keep `http.Server` keep-alives on (no `SetKeepAlivesEnabled(false)`) with "
			       "an `IdleTimeout` longer than the clients' gap between requests",
			.where = "the program's source, where its `http.Server` is made",
			.directives = LIST("IdleTimeout", "SetKeepAlivesEnabled"),
		},
		.note = NULL,
	},
	{
		.id = "java",
		.rt = RT_JVM,
		.program = "Java program",
		.comms = LIST("java", "jsvc"),
		.exes = LIST("java", "jsvc"),
		.client = {
			.fix = "reuse one `java.net.http.HttpClient`; for `HttpURLConnection` raise "
			       "`http.maxConnections` (default 5); Apache HttpClient pools 2 per route, 20 "
			       "in all (`setDefaultMaxPerRoute`, `setMaxTotal`); close every response",
			.where = "the program's source or `-Dhttp.maxConnections=N`",
			.directives = LIST("HttpClient", "http.maxConnections", "setDefaultMaxPerRoute",
					   "setMaxTotal"),
		},
		.server = {
			.fix = "keep the connector's keep-alive on and long enough for its clients "
			       "(Tomcat `keepAliveTimeout`, `maxKeepAliveRequests`, default 100)",
			.where = "the server's connector configuration (Tomcat: `server.xml`)",
			.directives = LIST("keepAliveTimeout", "maxKeepAliveRequests"),
		},
		.note = NULL,
	},
	{
		.id = "python",
		.rt = RT_PYTHON,
		.program = "Python program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "use one `requests.Session`, or reuse one `http.client.HTTPConnection` per "
			       "host; `urllib.request` closes every connection",
			.where = "the program's source, where it makes its requests",
			.directives = LIST("requests.Session", "http.client.HTTPConnection"),
		},
		.server = {
			.fix = "set `protocol_version = \"HTTP/1.1\"` on the request handler class "
			       "(`http.server` answers HTTP/1.0 and closes after each response)",
			.where = "the program's source, its `BaseHTTPRequestHandler` subclass",
			.directives = LIST("protocol_version"),
		},
		.note = NULL,
	},
	{
		.id = "node",
		.rt = RT_NODE,
		.program = "Node.js program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "pass `agent: new http.Agent({ keepAlive: true })` to its requests (no "
			       "`agent: false`)",
			.where = "the program's source, where it calls `http.request` or `fetch`",
			.directives = LIST("http.Agent", "keepAlive"),
		},
		.server = {
			.fix = "keep `server.keepAliveTimeout` (default 5 s) longer than the clients' gap "
			       "between requests",
			.where = "the program's source, where its `http.Server` is made",
			.directives = LIST("keepAliveTimeout"),
		},
		.note = NULL,
	},
	{
		.id = "httpd",
		.rt = RT_HTTPD,
		.program = "Apache httpd",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "keep backend connections: no `SetEnv proxy-nokeepalive 1`, and "
			       "`ProxyPass ... keepalive=On`",
			.where = "apache2.conf or the `VirtualHost`",
			.directives = LIST("proxy-nokeepalive", "ProxyPass"),
		},
		.server = {
			.fix = "`KeepAlive On`, with `MaxKeepAliveRequests` (default 100) and "
			       "`KeepAliveTimeout` (default 5 s) above the clients' gap between requests",
			.where = "apache2.conf or the `VirtualHost`",
			.directives = LIST("KeepAlive", "KeepAliveTimeout", "MaxKeepAliveRequests"),
		},
		.note = NULL,
	},
	{
		.id = "curl",
		.rt = RT_CURL,
		.program = "curl",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "reuse one handle (one `curl` run for many URLs, or one libcurl easy "
			       "handle), not a new process or handle per request",
			.where = "the script or program that runs curl",
			.directives = LIST(NULL),
		},
		.server = { NULL, NULL, NULL },
		.note = NULL,
	},
	{
		.id = "ab",
		.rt = RT_AB,
		.program = "ab",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "add `-k` (without it ab opens one connection per request)",
			.where = "the ab command line",
			.directives = LIST("-k"),
		},
		.server = { NULL, NULL, NULL },
		.note = NULL,
	},
	{
		.id = "generic",
		.rt = RT_UNKNOWN,
		.program = "the program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "reuse connections (HTTP keep-alive, a connection pool, one long-lived "
			       "client object) instead of one per request",
			.where = "its configuration or HTTP client library",
			.directives = LIST(NULL),
		},
		.server = {
			.fix = "keep connections alive (HTTP/1.1 persistent connections) with a keep-alive "
			       "timeout above the clients' gap between requests",
			.where = "the service's keep-alive settings",
			.directives = LIST(NULL),
		},
		.note = NULL,
	},
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static int in_list(const char *const *list, const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

const struct advice *advice_match(const char *comm, const char *exe)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (in_list(table[i].comms, comm))
			return &table[i];
	for (size_t i = 0; i < NTABLE; i++)
		if (in_list(table[i].exes, exe))
			return &table[i];
	return &table[NTABLE - 1];
}

const struct advice *advice_for(const struct runtime *rt, const char *comm, const char *exe)
{
	for (size_t i = 0; rt && rt->id != RT_UNKNOWN && i < NTABLE; i++)
		if (table[i].rt == rt->id)
			return &table[i];
	return advice_match(comm, exe);
}

int advice_client_keeps_alive(const struct advice *a, const struct runtime *rt)
{
	switch (a->rt) {
	case RT_AB:
		return rt ? rt->keepalive_flag : -1;
	case RT_HAPROXY:
		return rt && rt->config_read ? !rt->closes_option[0] : 1;
	case RT_GO:
	case RT_ENVOY:
		return 1;
	case RT_NODE:
		return rt ? (runtime_version_cmp(rt->version, 19, 0, 0) >= 0 ? 1
			     : runtime_version_cmp(rt->version, 19, 0, 0) == -1 ? 0 : -1) : -1;
	case RT_CURL:
		return 0;
	case RT_NGINX:
		return rt && runtime_version_cmp(rt->version, 1, 29, 7) >= 0 ? 1
		       : rt && rt->version[0] ? 0 : -1;
	default:
		return -1;
	}
}

/* What the runtime's version or configuration adds to its fix, or NULL. */
static const char *line_note(const struct advice *a, enum advice_side side,
			     const struct runtime *rt)
{
	if (side == ADVICE_CLIENT && a->rt == RT_NGINX && !(rt && rt->version[0]))
		return "nginx 1.29.7+ does this by default, for `upstream` blocks only";
	if (side == ADVICE_CLIENT && a->rt == RT_NGINX &&
	    runtime_version_cmp(rt->version, 1, 29, 7) >= 0)
		return "this nginx does it by default, for `upstream` blocks only";
	if (side == ADVICE_CLIENT && a->rt == RT_NODE && !(rt && rt->version[0]))
		return "`http.globalAgent` keeps alive since Node 19";
	if (side == ADVICE_CLIENT && a->rt == RT_NODE &&
	    runtime_version_cmp(rt->version, 19, 0, 0) >= 0)
		return "its `http.globalAgent` keeps alive already: look for `agent: false` or an "
		       "agent without `keepAlive`";
	if (a->rt == RT_HAPROXY && rt && rt->closes_option[0])
		return strcmp(rt->closes_option, "httpclose")
			       ? "its configuration sets `option http-server-close`"
			       : "its configuration sets `option httpclose`";
	if (side == ADVICE_CLIENT && a->rt == RT_ENVOY)
		return a->note;
	return NULL;
}

int advice_line(char *buf, size_t len, const struct advice *a, enum advice_side side,
		const struct runtime *rt, const char *who)
{
	const struct advice_text *t;
	const char *note;
	int n;

	if (!buf || !len || !a)
		return -EINVAL;
	buf[0] = '\0';
	t = advice_for_side(a, side);
	if (!t->fix)
		return 1;
	if (side == ADVICE_CLIENT && advice_client_keeps_alive(a, rt) == 1 &&
	    (a->rt == RT_AB || (a->rt == RT_HAPROXY && rt && rt->config_read)))
		return 1; /* nothing it does not do already */
	note = line_note(a, side, rt);
	n = snprintf(buf, len, "%s, in %s: %s%s%s", who && *who ? who : a->program, t->where,
		     t->fix, note ? "; " : "", note ? note : "");
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= len ? -ENOSPC : 0;
}

const struct advice *advice_by_id(const char *id)
{
	for (size_t i = 0; id && i < NTABLE; i++)
		if (!strcmp(table[i].id, id))
			return &table[i];
	return NULL;
}

const struct advice *advice_table(size_t *n)
{
	*n = NTABLE;
	return table;
}

const struct advice_text *advice_for_side(const struct advice *a, enum advice_side side)
{
	return side == ADVICE_SERVER ? &a->server : &a->client;
}

/* "214", "2.5", "less than 0.1": rates as the report writes them. */
static void format_rate(char *buf, size_t len, double r)
{
	if (r >= 9.95)
		snprintf(buf, len, "%.0f", r);
	else if (r >= 0.095)
		snprintf(buf, len, "%.1f", r);
	else
		snprintf(buf, len, "less than 0.1");
}

int advice_effect(char *buf, size_t len, enum advice_side side, double closes_per_s,
		  const char *what)
{
	char rate[32];
	int n;

	if (!buf || !len || !what || !*what || !isfinite(closes_per_s) || closes_per_s <= 0)
		return -EINVAL;
	format_rate(rate, sizeof(rate), closes_per_s);
	if (side == ADVICE_SERVER)
		n = snprintf(buf, len,
			     "about %s closes/s on local %s would become requests on kept-alive "
			     "connections, as far as its clients reuse them; the connections that "
			     "still close keep their TIME_WAIT for %d s on the side that closes first",
			     rate, what, TCP_TIMEWAIT_SECONDS);
	else
		n = snprintf(buf, len,
			     "about %s closes/s towards %s would become connection reuse, as far as "
			     "the pool covers the concurrent requests; the connections that still close "
			     "keep their TIME_WAIT for %d s",
			     rate, what, TCP_TIMEWAIT_SECONDS);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= len ? -ENOSPC : 0;
}
