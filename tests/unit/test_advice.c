// SPDX-License-Identifier: GPL-2.0-or-later
/* test_advice.c: the application-advice table, its matching and the
 * predicted-effect sentence */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "advice.h"
#include "tap.h"

static const struct {
	const char *comm, *exe, *id;
} matches[] = {
	{ "nginx", "nginx", "nginx" },
	{ "nginx", NULL, "nginx" },
	{ "", "openresty", "nginx" },
	{ NULL, "nginx", "nginx" },
	{ "haproxy", "", "haproxy" },
	{ "envoy", "envoy", "envoy" },
	{ "java", "java", "java" },
	{ "jsvc", NULL, "java" },
	{ "curl", "curl", "generic" },
	{ "churn", "churn", "generic" },
	{ "", "", "generic" },
	{ NULL, NULL, "generic" },
	{ "Nginx", NULL, "generic" },       /* exact, case-sensitive: comm is what the program set */
	{ "nginx-debug", NULL, "generic" },
	{ "go", "go", "generic" },          /* Go is never guessed from names */
	{ "myservice", "java", "java" },    /* a JVM that renamed its main thread */
};

/* The directives each fix must name (FACTS.md, "The application fix comes first"). */
static const struct {
	const char *id;
	enum advice_side side;
	const char *needles[4];
} names[] = {
	{ "nginx", ADVICE_CLIENT, { "keepalive 16;", "proxy_http_version 1.1;", "proxy_set_header Connection \"\";", "upstream" } },
	{ "nginx", ADVICE_SERVER, { "keepalive_timeout", "keepalive_requests", "HTTP/1.1" } },
	{ "haproxy", ADVICE_CLIENT, { "http-reuse safe", "pool-max-conn", "http-server-close" } },
	{ "haproxy", ADVICE_SERVER, { "http-keep-alive" } },
	{ "envoy", ADVICE_CLIENT, { "common_http_protocol_options.idle_timeout", "HttpProtocolOptions", "default 1h" } },
	{ "envoy", ADVICE_SERVER, { "idle_timeout", "max_requests_per_connection" } },
	{ "go", ADVICE_CLIENT, { "MaxIdleConnsPerHost", "default 2", "EOF", "Close()" } },
	{ "go", ADVICE_SERVER, { "IdleTimeout" } },
	{ "java", ADVICE_CLIENT, { "http.maxConnections", "default 5", "2 per route", "20 in all" } },
	{ "java", ADVICE_SERVER, { "keepAliveTimeout" } },
	{ "generic", ADVICE_CLIENT, { "keep-alive", "connection pool" } },
	{ "generic", ADVICE_SERVER, { "keep connections alive", "close first" } },
};

static const struct {
	enum advice_side side;
	double rate;
	const char *what;
	int r;
	const char *want; /* a prefix of the sentence */
} effects[] = {
	{ ADVICE_CLIENT, 214.3, "127.0.0.1:8081", 0, "about 214 closes/s towards 127.0.0.1:8081 would become connection reuse" },
	{ ADVICE_SERVER, 214.0, "127.0.0.1:8081", 0, "about 214 closes/s on local 127.0.0.1:8081 would become" },
	{ ADVICE_CLIENT, 2.54, "[::1]:443", 0, "about 2.5 closes/s towards [::1]:443 " },
	{ ADVICE_CLIENT, 9.96, "10.0.0.1:80", 0, "about 10 closes/s" },
	{ ADVICE_CLIENT, 0.01, "10.0.0.1:80", 0, "about less than 0.1 closes/s" },
	{ ADVICE_CLIENT, 0, "10.0.0.1:80", -EINVAL, NULL },
	{ ADVICE_CLIENT, -3, "10.0.0.1:80", -EINVAL, NULL },
	{ ADVICE_CLIENT, NAN, "10.0.0.1:80", -EINVAL, NULL },
	{ ADVICE_CLIENT, INFINITY, "10.0.0.1:80", -EINVAL, NULL },
	{ ADVICE_SERVER, 5, "", -EINVAL, NULL },
	{ ADVICE_SERVER, 5, NULL, -EINVAL, NULL },
};

static void test_table(void)
{
	size_t n;
	const struct advice *t = advice_table(&n);
	const char *ids[] = { "nginx", "haproxy", "envoy", "go", "java", "generic" };

	TAP_OK(n == 6 && !strcmp(t[n - 1].id, "generic"), "6 entries, generic last");
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		TAP_OK(advice_by_id(ids[i]) && !strcmp(advice_by_id(ids[i])->id, ids[i]), "id '%s'", ids[i]);
	TAP_OK(advice_by_id("apache") == NULL && advice_by_id(NULL) == NULL, "unknown id: NULL");
	for (size_t i = 0; i < n; i++) {
		const struct advice_text *c = advice_for_side(&t[i], ADVICE_CLIENT);
		const struct advice_text *s = advice_for_side(&t[i], ADVICE_SERVER);

		TAP_OK(t[i].program && c->fix && c->where && s->fix && s->where && c->directives &&
			       s->directives && c != s,
		       "'%s': both sides have a fix and a place", t[i].id);
		/* Every directive listed is named in the fix text. */
		for (const char *const *d = c->directives; *d; d++)
			TAP_OK(strstr(c->fix, *d) != NULL, "'%s' client fix names '%s'", t[i].id, *d);
		for (const char *const *d = s->directives; *d; d++)
			TAP_OK(strstr(s->fix, *d) != NULL, "'%s' server fix names '%s'", t[i].id, *d);
		/* Advice for programs is never a sysctl. */
		TAP_OK(!strstr(c->fix, "net.ipv4") && !strstr(s->fix, "net.ipv4") &&
			       !strstr(c->fix, "tcp_tw") && !strstr(s->fix, "tcp_tw"),
		       "'%s': the application fix names no sysctl", t[i].id);
	}
	TAP_OK(strstr(advice_by_id("nginx")->note, "1.29.7") && strstr(advice_by_id("nginx")->note, "keepalive 0;"),
	       "nginx note: explicit upstreams keep alive by default since 1.29.7");
	TAP_OK(strstr(advice_by_id("go")->note, "not recognised") != NULL, "go note: not recognised from the name");
}

int main(void)
{
	char buf[512];

	test_table();
	for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		const struct advice *a = advice_match(matches[i].comm, matches[i].exe);

		TAP_OK(a && !strcmp(a->id, matches[i].id), "comm '%s' exe '%s' -> %s (%s)",
		       matches[i].comm ? matches[i].comm : "(null)", matches[i].exe ? matches[i].exe : "(null)",
		       matches[i].id, a ? a->id : "NULL");
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct advice_text *t = advice_for_side(advice_by_id(names[i].id), names[i].side);
		int all = 1;

		for (size_t j = 0; j < 4 && names[i].needles[j]; j++)
			if (!strstr(t->fix, names[i].needles[j]))
				all = 0;
		TAP_OK(all, "%s %s fix names its directives", names[i].id,
		       names[i].side == ADVICE_SERVER ? "server" : "client");
	}
	for (size_t i = 0; i < sizeof(effects) / sizeof(effects[0]); i++) {
		int r = advice_effect(buf, sizeof(buf), effects[i].side, effects[i].rate, effects[i].what);

		TAP_OK(r == effects[i].r && (r || !strncmp(buf, effects[i].want, strlen(effects[i].want))),
		       "effect %g on '%s': %d '%s'", effects[i].rate, effects[i].what ? effects[i].what : "(null)",
		       r, r ? "" : buf);
		/* Never a promise the kernel cannot keep: TIME_WAIT stays 60 s. */
		if (!r)
			TAP_OK(strstr(buf, "TIME_WAIT for 60 s") && !strstr(buf, "no TIME_WAIT") &&
				       !strstr(buf, "eliminat"),
			       "effect %zu keeps the 60 s TIME_WAIT of what still closes", i);
	}
	TAP_OK(advice_effect(buf, 20, ADVICE_CLIENT, 214, "127.0.0.1:8081") == -ENOSPC &&
		       strlen(buf) == 19,
	       "a short buffer: -ENOSPC, truncated and terminated");
	TAP_OK(advice_effect(NULL, 0, ADVICE_CLIENT, 214, "x") == -EINVAL, "no buffer: -EINVAL");
	return tap_done();
}
