// SPDX-License-Identifier: GPL-2.0-or-later
/* test_podmeta.c: a pod's name and namespace from its runtime's
 * config.json (podmeta.h): containerd's and CRI-O's annotations, JSON
 * escapes, what names no pod, and the files found under a fake root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "podmeta.h"
#include "tap.h"

struct tcase {
	const char *json;
	int rc;
	const char *name, *ns;
};

static const struct tcase cases[] = {
	{ "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
	  "\"io.kubernetes.cri.sandbox-name\":\"web-7d9f\",\"io.kubernetes.cri.sandbox-namespace\":"
	  "\"shop\"}}", 0, "web-7d9f", "shop" },
	{ "{\"annotations\": {\n  \"io.kubernetes.pod.namespace\" : \"kube-system\",\n"
	  "  \"io.kubernetes.pod.name\": \"coredns-1\"}}", 0, "coredns-1", "kube-system" },
	{ "{\"io.kubernetes.cri.sandbox-name\":\"a\\\"b\\u00e9\\ud800\","
	  "\"io.kubernetes.cri.sandbox-namespace\":\"n\\\\s\"}", 0, "a\"b\xc3\xa9\xef\xbf\xbd", "n\\s" },
	{ "{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"only-name\"}}", -ENOENT, "", "" },
	{ "{\"x\":\"io.kubernetes.cri.sandbox-name\"}", -ENOENT, "", "" },
	{ "{\"io.kubernetes.cri.sandbox-name\":\"unterminated", -ENOENT, "", "" },
	{ "", -ENOENT, "", "" },
};

int main(void)
{
	struct pod_meta m;
	char dir[] = "/tmp/test_podmeta.XXXXXX", path[512];
	FILE *f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		int rc = podmeta_parse(c->json, &m);

		TAP_OK(rc == c->rc && !strcmp(m.name, c->name) && !strcmp(m.namespace_, c->ns),
		       "case %zu: %d '%s' '%s'", i, rc, m.name, m.namespace_);
	}
	TAP_OK(podmeta_read("", "../../etc", &m) == -EINVAL, "an id that is not hex is refused");
	if (!mkdtemp(dir))
		return 1;
	TAP_OK(podmeta_read(dir, "abc123", &m) == -ENOENT, "no runtime's file: -ENOENT");
	snprintf(path, sizeof(path), "mkdir -p %s/run/containers/storage/overlay-containers/abc123/userdata",
		 dir);
	TAP_OK(system(path) == 0, "made a CRI-O tree"); /* the test, not twtune, runs mkdir */
	snprintf(path, sizeof(path), "%s/run/containers/storage/overlay-containers/abc123/userdata/config.json",
		 dir);
	f = fopen(path, "w");
	if (f) {
		fputs(cases[1].json, f);
		fclose(f);
	}
	TAP_OK(podmeta_read(dir, "abc123", &m) == 0 && !strcmp(m.name, "coredns-1") &&
		       !strcmp(m.namespace_, "kube-system"),
	       "CRI-O's config.json under the root");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return tap_done();
}
