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
		.program = "nginx",
		.comms = LIST("nginx"),
		.exes = LIST("nginx", "openresty"),
		.client = {
			.fix = "keep upstream connections alive: `keepalive 16;` in the `upstream` block "
			       "(idle connections kept per worker), with `proxy_http_version 1.1;` and "
			       "`proxy_set_header Connection \"\";` where `proxy_pass` is",
			.where = "nginx.conf: the `upstream` block that `proxy_pass` names (a `proxy_pass` "
				 "to a bare address has none: define one), and its `location`",
			.directives = LIST("keepalive", "proxy_http_version", "proxy_set_header"),
		},
		.server = {
			.fix = "let its clients keep connections alive (HTTP/1.1 persistent connections; "
			       "a local nginx proxy in front needs the upstream `keepalive` above), and keep "
			       "`keepalive_timeout` (default 75s) and `keepalive_requests` (default 1000) "
			       "high enough that idle clients close first",
			.where = "nginx.conf: the `http`, `server` or `location` block",
			.directives = LIST("keepalive_timeout", "keepalive_requests"),
		},
		.note = "nginx 1.29.7 and later keep connections to explicit `upstream` blocks alive by "
			"default (`keepalive 0;` turns it off); Debian 12 ships 1.22, which does not",
	},
	{
		.id = "haproxy",
		.program = "HAProxy",
		.comms = LIST("haproxy"),
		.exes = LIST("haproxy"),
		.client = {
			.fix = "reuse idle server connections: `http-reuse safe` (the default in current "
			       "versions; never `http-reuse never`), a large enough `pool-max-conn` on the "
			       "`server` lines, and no `option http-server-close` or `option httpclose`",
			.where = "haproxy.cfg: the `backend` or `defaults` section; `pool-max-conn` on "
				 "each `server` line",
			.directives = LIST("http-reuse", "pool-max-conn"),
		},
		.server = {
			.fix = "keep client connections alive: `option http-keep-alive` (the default) with "
			       "`timeout http-keep-alive` longer than the clients' gap between requests, "
			       "and no `option httpclose`",
			.where = "haproxy.cfg: the `frontend` or `defaults` section",
			.directives = LIST("option http-keep-alive", "timeout http-keep-alive"),
		},
		.note = NULL,
	},
	{
		.id = "envoy",
		.program = "Envoy",
		.comms = LIST("envoy"),
		.exes = LIST("envoy"),
		.client = {
			.fix = "keep the cluster's connection pool: `typed_extension_protocol_options` -> "
			       "`envoy.extensions.upstreams.http.v3.HttpProtocolOptions` -> "
			       "`common_http_protocol_options.idle_timeout` (default 1h), no "
			       "`max_requests_per_connection` of 1, circuit breaker `max_connections` "
			       "above the concurrency",
			.where = "the cluster definition (`static_resources.clusters` or CDS)",
			.directives = LIST("common_http_protocol_options.idle_timeout",
					   "max_requests_per_connection"),
		},
		.server = {
			.fix = "keep downstream connections alive: the HTTP connection manager's "
			       "`common_http_protocol_options.idle_timeout` (default 1h), no "
			       "`max_requests_per_connection` of 1; clients on HTTP/1.1 keep-alive or HTTP/2",
			.where = "the listener's `envoy.filters.network.http_connection_manager`",
			.directives = LIST("common_http_protocol_options.idle_timeout"),
		},
		.note = "binding an upstream source address shares one port pool unless "
			"IP_BIND_ADDRESS_NO_PORT is used (envoy #44747)",
	},
	{
		.id = "go",
		.program = "Go program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "reuse one `http.Client` and its `http.Transport`, raise "
			       "`Transport.MaxIdleConnsPerHost` (default 2, `http.DefaultMaxIdleConnsPerHost`) "
			       "to the concurrency towards this destination, and read every response body "
			       "to EOF and `Close()` it, or its connection is not reused",
			.where = "the program's source, where its `http.Transport` is made",
			.directives = LIST("http.Transport", "MaxIdleConnsPerHost"),
		},
		.server = {
			.fix = "keep `http.Server` keep-alives on (the default; `SetKeepAlivesEnabled(false)` "
			       "turns them off) with an `IdleTimeout` longer than the clients' gap between "
			       "requests; its clients should reuse connections",
			.where = "the program's source, where its `http.Server` is made",
			.directives = LIST("IdleTimeout", "SetKeepAlivesEnabled"),
		},
		.note = "a Go program is not recognised from its process name: this entry is used only "
			"when the program is known to be written in Go",
	},
	{
		.id = "java",
		.program = "Java program",
		.comms = LIST("java", "jsvc"),
		.exes = LIST("java", "jsvc"),
		.client = {
			.fix = "pool connections: for `HttpURLConnection` keep `http.keepAlive=true` (default) "
			       "and raise `http.maxConnections` (default 5 per destination); Apache "
			       "HttpClient 4.x pools 2 per route and 20 in all by default "
			       "(`setDefaultMaxPerRoute`, `setMaxTotal`); read and close every response",
			.where = "JVM system properties (`-Dhttp.maxConnections=N`) or the HTTP client's "
				 "connection manager",
			.directives = LIST("http.keepAlive", "http.maxConnections", "setDefaultMaxPerRoute",
					   "setMaxTotal"),
		},
		.server = {
			.fix = "keep its connector's keep-alive on and long enough for its clients (Tomcat: "
			       "`keepAliveTimeout`, `maxKeepAliveRequests`, default 100); its clients should "
			       "reuse connections",
			.where = "the server's connector configuration (Tomcat: `server.xml`)",
			.directives = LIST("keepAliveTimeout", "maxKeepAliveRequests"),
		},
		.note = "recognised by the process name `java` or `jsvc`; which HTTP client or server "
			"library it uses is not visible from outside",
	},
	{
		.id = "generic",
		.program = "the program",
		.comms = LIST(NULL),
		.exes = LIST(NULL),
		.client = {
			.fix = "make the program reuse its connections towards this destination (HTTP "
			       "keep-alive, a connection pool, one long-lived client object) instead of "
			       "opening one per request",
			.where = "the program's configuration or its HTTP client library",
			.directives = LIST(NULL),
		},
		.server = {
			.fix = "make its clients keep connections alive (HTTP/1.1 persistent connections, "
			       "connection pools), or let the clients close first so that TIME_WAIT stays "
			       "on their side; check the service's keep-alive timeout and request limit",
			.where = "the clients' configuration, and the service's keep-alive settings",
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
