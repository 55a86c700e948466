// SPDX-License-Identifier: GPL-2.0-or-later
/* test_k8s.c: the Kubernetes safety table and the exact pod and docker
 * snippets */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "k8s.h"
#include "k8s_render.h"
#include "tap.h"

/* Renders into a string; returns it (malloc'd) and the result in *r. */
static char *render(int (*fn)(FILE *, const struct k8s_change *, size_t),
		    const struct k8s_change *c, size_t n, int *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*r = fn(f, c, n);
	fclose(f);
	return buf;
}

static const struct {
	const char *name, *since;
	bool safe;
} safety[] = {
	{ "net.ipv4.ip_local_port_range", NULL, true },
	{ "net/ipv4/ip_local_port_range", NULL, true },
	{ "net.ipv4.ip_local_reserved_ports", "1.27", true },
	{ "net.ipv4.tcp_fin_timeout", "1.29", true },
	{ "net.ipv4.ip_unprivileged_port_start", "1.22", true },
	{ "net.ipv4.tcp_tw_reuse", NULL, false },
	{ "net.ipv4.tcp_max_tw_buckets", NULL, false },
	{ "net.ipv4.tcp_timestamps", NULL, false },
	{ "net.ipv4.tcp_tw_reuse_delay", NULL, false },
	{ "ip_local_port_range", NULL, false }, /* full names only */
	{ "net.ipv4.ip_local_port_rang", NULL, false },
};

static void test_safety(void)
{
	for (size_t i = 0; i < sizeof(safety) / sizeof(safety[0]); i++) {
		const char *since = "x";
		bool safe = k8s_sysctl_safe(safety[i].name, &since);

		TAP_OK(safe == safety[i].safe &&
			       (safety[i].since ? since && !strcmp(since, safety[i].since) : !since),
		       "%s: %s%s%s", safety[i].name, safe ? "safe" : "unsafe",
		       since ? " since " : "", since ? since : "");
	}
}

static const struct k8s_change four[] = {
	{ "net.ipv4.ip_local_port_range", "20000 60001" },
	{ "net.ipv4.tcp_tw_reuse", "1" },
	{ "net.ipv4.tcp_fin_timeout", "30" },
	{ "net.ipv4.tcp_max_tw_buckets", "200000" },
};

static const char four_pod[] =
	"# pod sysctls Kubernetes treats as safe (not with hostNetwork: true)\n"
	"#   net.ipv4.tcp_fin_timeout: safe since Kubernetes 1.29\n"
	"spec:\n"
	"  securityContext:\n"
	"    sysctls:\n"
	"      - name: net.ipv4.ip_local_port_range\n"
	"        value: \"20000 60001\"\n"
	"      - name: net.ipv4.tcp_fin_timeout\n"
	"        value: \"30\"\n"
	"# unsafe in Kubernetes: the kubelet must allow them with\n"
	"#   --allowed-unsafe-sysctls=net.ipv4.tcp_tw_reuse,net.ipv4.tcp_max_tw_buckets\n"
	"# and then the pod lists them too:\n"
	"#      - name: net.ipv4.tcp_tw_reuse\n"
	"#        value: \"1\"\n"
	"#      - name: net.ipv4.tcp_max_tw_buckets\n"
	"#        value: \"200000\"\n";

static const struct k8s_change safe_only[] = {
	{ "net.ipv4.ip_local_reserved_ports", "8080,9000-9005" },
	{ "net.ipv4.ip_unprivileged_port_start", "0" },
};

static const char safe_only_pod[] =
	"# pod sysctls Kubernetes treats as safe (not with hostNetwork: true)\n"
	"#   net.ipv4.ip_local_reserved_ports: safe since Kubernetes 1.27\n"
	"#   net.ipv4.ip_unprivileged_port_start: safe since Kubernetes 1.22\n"
	"spec:\n"
	"  securityContext:\n"
	"    sysctls:\n"
	"      - name: net.ipv4.ip_local_reserved_ports\n"
	"        value: \"8080,9000-9005\"\n"
	"      - name: net.ipv4.ip_unprivileged_port_start\n"
	"        value: \"0\"\n";

static const struct k8s_change unsafe_only[] = { { "net.ipv4.tcp_timestamps", "0" } };

static const char unsafe_only_pod[] =
	"# none of these sysctls is safe in Kubernetes\n"
	"# unsafe in Kubernetes: the kubelet must allow them with\n"
	"#   --allowed-unsafe-sysctls=net.ipv4.tcp_timestamps\n"
	"# and then the pod lists it too:\n"
	"#      - name: net.ipv4.tcp_timestamps\n"
	"#        value: \"0\"\n";

static const struct k8s_change odd[] = { { "net.ipv4.ip_local_port_range", "1\t\"2\\" } };

static const struct k8s_change bad[] = { { "net.ipv4.tcp_tw_reuse: 1\n- x", "1" } };

static void expect(int (*fn)(FILE *, const struct k8s_change *, size_t),
		   const struct k8s_change *c, size_t n, int want_r, const char *want,
		   const char *what)
{
	int r = 0;
	char *got = render(fn, c, n, &r);

	TAP_OK(got && r == want_r && !strcmp(got, want), "%s", what);
	if (got && strcmp(got, want))
		printf("# got:\n%s# want:\n%s", got, want);
	free(got);
}

int main(void)
{
	test_safety();
	expect(k8s_render_pod, four, 4, 0, four_pod, "pod: safe keys in the spec, the rest as unsafe");
	expect(k8s_render_pod, safe_only, 2, 0, safe_only_pod, "pod: only safe keys, versions noted");
	expect(k8s_render_pod, unsafe_only, 1, 0, unsafe_only_pod, "pod: no safe key");
	expect(k8s_render_pod, NULL, 0, 0, "# no sysctl to change\n", "pod: nothing to change");
	expect(k8s_render_pod, odd, 1, 0,
	       "# pod sysctls Kubernetes treats as safe (not with hostNetwork: true)\n"
	       "spec:\n  securityContext:\n    sysctls:\n"
	       "      - name: net.ipv4.ip_local_port_range\n"
	       "        value: \"1\\t\\\"2\\\\\"\n",
	       "pod: a value is escaped as a YAML string");
	expect(k8s_render_pod, bad, 1, -EINVAL, "", "pod: a name that would break the YAML is refused");
	expect(k8s_render_docker, four, 4, 0,
	       "# docker run flags (not with --network host)\n"
	       "--sysctl 'net.ipv4.ip_local_port_range=20000 60001' --sysctl net.ipv4.tcp_tw_reuse=1"
	       " --sysctl net.ipv4.tcp_fin_timeout=30 --sysctl net.ipv4.tcp_max_tw_buckets=200000\n",
	       "docker: every change, quoted where the shell needs it");
	expect(k8s_render_docker, (const struct k8s_change[]){ { "net.ipv4.x", "it's" }, { "net.ipv4.y", "" } },
	       2, 0,
	       "# docker run flags (not with --network host)\n"
	       "--sysctl 'net.ipv4.x=it'\\''s' --sysctl 'net.ipv4.y='\n",
	       "docker: a quote and an empty value");
	expect(k8s_render_docker, bad, 1, -EINVAL, "", "docker: a bad name is refused");
	expect(k8s_render_docker, NULL, 0, 0, "# no sysctl to change\n", "docker: nothing to change");
	return tap_done();
}
