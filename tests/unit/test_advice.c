// SPDX-License-Identifier: GPL-2.0-or-later
/* test_advice.c: the application-advice table, its matching and the
 * predicted-effect sentence */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
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
	{ "curl", "curl", "generic" },       /* by comm only the servers and the JVM */
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
	{ "nginx", ADVICE_SERVER, { "keepalive_timeout", "keepalive_requests" } },
	{ "haproxy", ADVICE_CLIENT, { "http-reuse safe", "pool-max-conn", "http-server-close", "option httpclose" } },
	{ "haproxy", ADVICE_SERVER, { "option http-keep-alive", "timeout http-keep-alive", "option httpclose", "option http-server-close" } },
	{ "envoy", ADVICE_CLIENT, { "common_http_protocol_options.idle_timeout", "HttpProtocolOptions", "default 1h", "max_connections" } },
	{ "envoy", ADVICE_SERVER, { "idle_timeout", "max_requests_per_connection" } },
	{ "go", ADVICE_CLIENT, { "MaxIdleConnsPerHost", "default 2", "EOF", "Close()" } },
	{ "go", ADVICE_SERVER, { "IdleTimeout" } },
	{ "java", ADVICE_CLIENT, { "HttpClient", "http.maxConnections", "default 5", "2 per route" } },
	{ "java", ADVICE_SERVER, { "keepAliveTimeout" } },
	{ "python", ADVICE_CLIENT, { "requests.Session", "http.client.HTTPConnection", "urllib.request" } },
	{ "python", ADVICE_SERVER, { "protocol_version = \"HTTP/1.1\"" } },
	{ "node", ADVICE_CLIENT, { "new http.Agent({ keepAlive: true })" } },
	{ "node", ADVICE_SERVER, { "keepAliveTimeout" } },
	{ "httpd", ADVICE_SERVER, { "KeepAlive On", "KeepAliveTimeout", "MaxKeepAliveRequests" } },
	{ "curl", ADVICE_CLIENT, { "one handle" } },
	{ "ab", ADVICE_CLIENT, { "`-k`" } },
	{ "generic", ADVICE_CLIENT, { "keep-alive", "connection pool" } },
	{ "generic", ADVICE_SERVER, { "keep connections alive" } },
};

/* Recorded process facts, as kernel/runtime_probe.c would give them. */
static const struct {
	const char *comm, *exe;
	struct runtime rt;
	const char *id;
} recorded[] = {
	{ "java", "java", { .id = RT_JVM }, "java" },
	{ "C2 CompilerThre", "java", { .id = RT_JVM }, "java" },
	{ "envoy", "envoy", { .id = RT_ENVOY }, "envoy" },
	{ "apache2", "apache2", { .id = RT_HTTPD }, "httpd" },
	{ "myservice", "myservice", { .id = RT_GO, .version = "1.19.8" }, "go" },
	{ "python3", "python3.11", { .id = RT_PYTHON, .version = "3.11" }, "python" },
	{ "node", "node", { .id = RT_NODE, .version = "20.20.2" }, "node" },
	{ "ab", "ab", { .id = RT_AB, .keepalive_flag = true }, "ab" },
	{ "churn", "churn", { .id = RT_UNKNOWN }, "generic" },
};

/* Runtimes every template is rendered with. */
static const struct runtime variants[] = {
	{ .id = RT_UNKNOWN },
	{ .id = RT_NGINX, .version = "1.22.1" },
	{ .id = RT_NGINX, .version = "1.29.7" },
	{ .id = RT_NODE, .version = "18.19.0" },
	{ .id = RT_NODE, .version = "20.20.2" },
	{ .id = RT_AB },
	{ .id = RT_AB, .keepalive_flag = true },
	{ .id = RT_HAPROXY },
	{ .id = RT_HAPROXY, .config_read = true },
	{ .id = RT_HAPROXY, .config_read = true, .closes_option = "httpclose" },
	{ .id = RT_HAPROXY, .config_read = true, .closes_option = "http-server-close" },
	{ .id = RT_GO, .version = "1.19.8" },
	{ .id = RT_PYTHON, .version = "3.11", .server_module = true },
};

/* A sentence that reads: no empty slot, no reference to text that is
 * not there, balanced quotes and brackets, at most about three lines. */
static const char *broken(const char *s, size_t who)
{
	static const char *const bad[] = { "above)", "above;", "above,", "above.", "below)", "below;",
					   "below,", "below.", "if it is", "too:", " ()", "( )", "(in )",
					   " ,", " ;", ";;", "  ", ": ;", "``", "(null)", "%",
					   ", in :", ": :" };
	int tick = 0, paren = 0;
	size_t n = strlen(s);

	if (!n)
		return "empty";
	if (n - who > 300)
		return "longer than about three lines (besides the names)";
	if ((n > 5 && !strcmp(s + n - 5, "above")) || (n > 5 && !strcmp(s + n - 5, "below")))
		return "a dangling above or below";
	if (s[n - 1] == ';' || s[n - 1] == ',' || s[n - 1] == ':' || s[n - 1] == ' ')
		return "dangling end";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(s, bad[i]))
			return bad[i];
	for (const char *p = s; *p; p++) {
		tick += *p == '`';
		paren += (*p == '(') - (*p == ')');
		if (paren < 0)
			return "unbalanced )";
	}
	return tick % 2 ? "odd backticks" : paren ? "unbalanced (" : NULL;
}

static void test_lines(void)
{
	size_t n, lines = 0, bad = 0;
	const struct advice *t = advice_table(&n);
	const char *who[] = { NULL, "", "nginx (pid 10 +2)", "python3 (pid 4242); curl (pid 7) +3 more" };
	char buf[512];

	for (size_t i = 0; i < n; i++)
		for (int side = 0; side < 2; side++)
			for (size_t v = 0; v <= sizeof(variants) / sizeof(variants[0]); v++)
				for (size_t w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
					const struct runtime *rt = v ? &variants[v - 1] : NULL;
					int r = advice_line(buf, sizeof(buf), &t[i],
							    (enum advice_side)side, rt, who[w]);
					const char *why = r == 0 ? broken(buf, who[w] ? strlen(who[w]) : 0) : NULL;

					lines += r == 0;
					if ((r < 0 || why) && !bad++)
						TAP_OK(0, "%s %s variant %zu who '%s': %d, %s: '%s'",
						       t[i].id, side ? "server" : "client", v,
						       who[w] ? who[w] : "(null)", r, why ? why : "",
						       buf);
				}
	TAP_OK(!bad && lines > 200, "%zu advice lines rendered, none broken", lines);
}

static void test_runtime_choice(void)
{
	char buf[512];
	const struct runtime abk = { .id = RT_AB, .keepalive_flag = true }, ab = { .id = RT_AB };
	const struct runtime hk = { .id = RT_HAPROXY, .config_read = true };
	const struct runtime hc = { .id = RT_HAPROXY, .config_read = true, .closes_option = "http-server-close" };
	const struct runtime n122 = { .id = RT_NGINX, .version = "1.22.1" };
	const struct runtime n1297 = { .id = RT_NGINX, .version = "1.29.7" };
	const struct runtime node18 = { .id = RT_NODE, .version = "18.19.0" };
	const struct runtime node20 = { .id = RT_NODE, .version = "20.20.2" };

	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
		const struct advice *a = advice_for(&recorded[i].rt, recorded[i].comm, recorded[i].exe);

		TAP_OK(!strcmp(a->id, recorded[i].id), "recorded %s/%s: %s (%s)", recorded[i].comm,
		       recorded[i].exe, recorded[i].id, a->id);
	}
	TAP_OK(!strcmp(advice_for(NULL, "nginx", NULL)->id, "nginx"), "no runtime: by comm");
	/* what a program does already is not advised */
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("ab"), ADVICE_CLIENT, &abk, "ab") == 1 &&
		       !buf[0], "ab -k: nothing to add");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("ab"), ADVICE_CLIENT, &ab, "ab (pid 7)") == 0 &&
		       strstr(buf, "add `-k`") && !strncmp(buf, "ab (pid 7), in the ab command line: ", 36),
	       "ab without -k: add -k, where it goes first (%s)", buf);
	TAP_OK(advice_client_keeps_alive(advice_by_id("ab"), &abk) == 1 &&
		       advice_client_keeps_alive(advice_by_id("ab"), &ab) == 0,
	       "ab keeps alive with -k only");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("haproxy"), ADVICE_CLIENT, &hk, NULL) == 1,
	       "HAProxy with its default keep-alive and http-reuse safe: nothing to add");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("haproxy"), ADVICE_CLIENT, &hc, NULL) == 0 &&
		       strstr(buf, "sets `option http-server-close`") &&
		       advice_client_keeps_alive(advice_by_id("haproxy"), &hc) == 0,
	       "HAProxy with option http-server-close: the fix names it");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("nginx"), ADVICE_CLIENT, &n122, NULL) == 0 &&
		       !strstr(buf, "1.29.7"), "nginx 1.22 upstreams: no note on 1.29.7");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("nginx"), ADVICE_CLIENT, NULL, NULL) == 0 &&
		       strstr(buf, "1.29.7") && strstr(buf, "`upstream` blocks only"),
	       "nginx of unknown version: the 1.29.7 default, for upstream blocks only");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("nginx"), ADVICE_CLIENT, &n1297, NULL) == 0 &&
		       strstr(buf, "bare address"), "nginx 1.29.7: a bare proxy_pass address still closes");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("nginx"), ADVICE_SERVER, NULL, NULL) == 0 &&
		       !strstr(buf, "1.29.7") && !strstr(buf, "upstream"),
	       "nginx as the server: its own settings, nothing about upstreams");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("node"), ADVICE_CLIENT, &node20, NULL) == 0 &&
		       strstr(buf, "keeps alive already"), "Node 20: the globalAgent keeps alive already");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("node"), ADVICE_CLIENT, &node18, NULL) == 0 &&
		       !strstr(buf, "already") && advice_client_keeps_alive(advice_by_id("node"), &node18) == 0,
	       "Node 18: the agent is the fix");
	TAP_OK(advice_line(buf, sizeof(buf), advice_by_id("curl"), ADVICE_SERVER, NULL, NULL) == 1,
	       "curl is never a server: no line");
}

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
	const char *ids[] = { "nginx", "haproxy", "envoy", "go", "java", "python", "node",
			      "httpd", "curl", "ab", "generic" };

	TAP_OK(n == 11 && !strcmp(t[n - 1].id, "generic"), "11 entries, generic last");
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		TAP_OK(advice_by_id(ids[i]) && !strcmp(advice_by_id(ids[i])->id, ids[i]), "id '%s'", ids[i]);
	TAP_OK(advice_by_id("apache") == NULL && advice_by_id(NULL) == NULL, "unknown id: NULL");
	for (size_t i = 0; i < n; i++) {
		const struct advice_text *c = advice_for_side(&t[i], ADVICE_CLIENT);
		const struct advice_text *s = advice_for_side(&t[i], ADVICE_SERVER);
		bool client_only = t[i].rt == RT_CURL || t[i].rt == RT_AB;

		TAP_OK(t[i].program && c->fix && c->where && c->directives &&
			       (client_only || (s->fix && s->where && s->directives)) && c != s,
		       "'%s': %s a fix and a place", t[i].id, client_only ? "the client side has" : "both sides have");
		/* Every directive listed is named in the fix text. */
		for (const char *const *d = c->directives; *d; d++)
			TAP_OK(strstr(c->fix, *d) != NULL, "'%s' client fix names '%s'", t[i].id, *d);
		for (const char *const *d = s->directives; d && *d; d++)
			TAP_OK(strstr(s->fix, *d) != NULL, "'%s' server fix names '%s'", t[i].id, *d);
		/* Advice for programs is never a sysctl. */
		TAP_OK(!strstr(c->fix, "net.ipv4") && !(s->fix && strstr(s->fix, "net.ipv4")) &&
			       !strstr(c->fix, "tcp_tw") && !(s->fix && strstr(s->fix, "tcp_tw")),
		       "'%s': the application fix names no sysctl", t[i].id);
	}
}

int main(void)
{
	char buf[512];

	test_table();
	test_lines();
	test_runtime_choice();
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
