// SPDX-License-Identifier: GPL-2.0-or-later
/* test_runtime.c: what program a process runs, from recorded process
 * facts (comm, exe, cmdline, Go build information, HAProxy's
 * configuration), and the Go build information reader on a recorded
 * ELF-less block */
#include <errno.h>
#include <string.h>

#include "runtime.h"
#include "tap.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct {
	const char *name;
	struct runtime_facts f;
	enum runtime_id id;
	const char *version;
	bool keepalive, server_module;
} cases[] = {
	{ "Go by build info, any name", { "myservice", "myservice", "go1.19.8", NULL, NULL, NULL }, RT_GO, "1.19.8", false, false },
	{ "Go build info wins over a known name", { "curl", "curl", "go1.21rc2", NULL, NULL, NULL }, RT_GO, "1.21", false, false },
	{ "a Go-looking name is not Go", { "go", "go", NULL, NULL, NULL, NULL }, RT_UNKNOWN, "", false, false },
	{ "JVM: java launcher (recorded: comm java, exe java)", { "java", "java", NULL, NULL, ARGV("/usr/bin/java", "-jar", "app.jar"), NULL }, RT_JVM, "", false, false },
	{ "JVM: renamed main thread, exe java", { "C2 CompilerThre", "java", NULL, NULL, NULL, NULL }, RT_JVM, "", false, false },
	{ "Envoy (recorded: comm envoy, exe envoy)", { "envoy", "envoy", NULL, NULL, ARGV("envoy", "-c", "/etc/envoy/envoy.yaml"), NULL }, RT_ENVOY, "", false, false },
	{ "httpd (recorded: Debian's apache2)", { "apache2", "apache2", NULL, NULL, ARGV("/usr/sbin/apache2", "-k", "start"), NULL }, RT_HTTPD, "", false, false },
	{ "httpd by name", { "httpd", "httpd", NULL, NULL, NULL, NULL }, RT_HTTPD, "", false, false },
	{ "python3.11 with its version", { "python3", "python3.11", NULL, NULL, ARGV("python3", "client.py"), NULL }, RT_PYTHON, "3.11", false, false },
	{ "python -m http.server", { "python3", "python3.11", NULL, NULL, ARGV("python3", "-m", "http.server", "8081"), NULL }, RT_PYTHON, "3.11", false, true },
	{ "python3 -u -m http.server", { "python3", "python3.11", NULL, NULL, ARGV("python3", "-u", "-m", "http.server"), NULL }, RT_PYTHON, "3.11", false, true },
	{ "pythonista is not python", { "pythonista", "pythonista", NULL, NULL, NULL, NULL }, RT_UNKNOWN, "", false, false },
	{ "node", { "node", "node", NULL, NULL, NULL, NULL }, RT_NODE, "", false, false },
	{ "nginx with the version read from its binary", { "nginx", "nginx", NULL, "1.22.1", NULL, NULL }, RT_NGINX, "1.22.1", false, false },
	{ "haproxy", { "haproxy", "haproxy", NULL, NULL, NULL, NULL }, RT_HAPROXY, "", false, false },
	{ "curl", { "curl", "curl", NULL, NULL, NULL, NULL }, RT_CURL, "", false, false },
	{ "ab without -k", { "ab", "ab", NULL, NULL, ARGV("ab", "-q", "-c", "6", "-n", "100", "http://127.0.0.1/"), NULL }, RT_AB, "", false, false },
	{ "ab -k", { "ab", "ab", NULL, NULL, ARGV("ab", "-k", "-c", "6", "http://127.0.0.1/"), NULL }, RT_AB, "", true, false },
	{ "ab -qk", { "ab", "ab", NULL, NULL, ARGV("ab", "-qk", "http://127.0.0.1/"), NULL }, RT_AB, "", true, false },
	{ "ab -H k: a header, not -k", { "ab", "ab", NULL, NULL, ARGV("ab", "-H", "k", "http://127.0.0.1/"), NULL }, RT_AB, "", false, false },
	{ "ab: -k after the URL is not an option", { "ab", "ab", NULL, NULL, ARGV("ab", "http://127.0.0.1/", "-k"), NULL }, RT_AB, "", false, false },
	{ "nothing known", { "churn", "churn", NULL, NULL, NULL, NULL }, RT_UNKNOWN, "", false, false },
	{ "nothing at all", { NULL, NULL, NULL, NULL, NULL, NULL }, RT_UNKNOWN, "", false, false },
};

static const struct {
	const char *cfg, *want;
} haproxy[] = {
	{ "defaults\n\tmode http\n\toption httpclose\n", "httpclose" },
	{ "defaults\n  option  http-server-close\n", "http-server-close" },
	{ "defaults\n\t# option httpclose\n\toption http-keep-alive\n", "" },
	{ "defaults\n\tno option httpclose\n", "" },
	{ "backend b\n\toption httpclose # closes\n", "httpclose" },
	{ "backend b\n\toption httpclosed\n", "" },
	{ "", "" },
};

static const struct {
	int major, minor, patch;
	const char *v;
	int want;
} versions[] = {
	{ 1, 29, 7, "1.22.1", -1 }, { 1, 29, 7, "1.29.7", 0 }, { 1, 29, 7, "1.30", 1 },
	{ 19, 0, 0, "20.20.2", 1 }, { 19, 0, 0, "18", -1 }, { 19, 0, 0, "", -2 },
	{ 19, 0, 0, "v20", -2 },
};

static void test_buildinfo(void)
{
	/* Go 1.18+ layout: magic, pointer size 8, flags 2 (inline strings),
	 * padding to 32, then varint-prefixed version and module info */
	unsigned char b[64] = "\xff Go buildinf:\x08\x02";
	char out[32];

	b[32] = 8;
	memcpy(b + 33, "go1.19.8", 8);
	b[41] = 0;
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, sizeof(out)) == 0 && !strcmp(out, "go1.19.8"),
	       "build info: go1.19.8 (%s)", out);
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, 8) == -EINVAL, "build info: no room: -EINVAL");
	TAP_OK(runtime_go_buildinfo(b, 38, out, sizeof(out)) == -EINVAL, "build info cut short: -EINVAL");
	b[15] = 0;
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, sizeof(out)) == -ENOTSUP,
	       "build info before Go 1.18 (pointers): -ENOTSUP");
	b[15] = 2;
	b[1] = 'X';
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, sizeof(out)) == -EINVAL, "no magic: -EINVAL");
	b[1] = ' ';
	memcpy(b + 33, "xx1.19.8", 8);
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, sizeof(out)) == -EINVAL, "not a go version: -EINVAL");
	b[32] = 0x80; /* a varint that never ends within the block */
	memset(b + 33, 0xff, sizeof(b) - 33);
	TAP_OK(runtime_go_buildinfo(b, sizeof(b), out, sizeof(out)) == -EINVAL, "a runaway varint: -EINVAL");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct runtime r;

		runtime_classify(&cases[i].f, &r);
		TAP_OK(r.id == cases[i].id && !strcmp(r.version, cases[i].version) &&
			       r.keepalive_flag == cases[i].keepalive &&
			       r.server_module == cases[i].server_module,
		       "%s: %s '%s'%s%s", cases[i].name, runtime_name(r.id), r.version,
		       r.keepalive_flag ? " keep-alive" : "", r.server_module ? " http.server" : "");
	}
	for (size_t i = 0; i < sizeof(haproxy) / sizeof(haproxy[0]); i++)
		TAP_OK(!strcmp(runtime_haproxy_closes(haproxy[i].cfg), haproxy[i].want),
		       "haproxy.cfg %zu: '%s'", i, runtime_haproxy_closes(haproxy[i].cfg));
	{
		struct runtime r;
		struct runtime_facts f = { .comm = "haproxy", .exe = "haproxy", .closes_option = "httpclose" };

		runtime_classify(&f, &r);
		TAP_OK(r.config_read && !strcmp(r.closes_option, "httpclose"),
		       "haproxy: its configuration's closing option is kept");
	}
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		int c = runtime_version_cmp(versions[i].v, versions[i].major, versions[i].minor,
					    versions[i].patch);

		TAP_OK(c == versions[i].want, "'%s' against %d.%d.%d: %d", versions[i].v,
		       versions[i].major, versions[i].minor, versions[i].patch, c);
	}
	TAP_OK(!strcmp(runtime_name(RT_GO), "go") && !strcmp(runtime_name(RT_COUNT), "unknown"),
	       "runtime names");
	test_buildinfo();
	return tap_done();
}
