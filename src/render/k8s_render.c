// SPDX-License-Identifier: GPL-2.0-or-later
/* k8s_render.c: a pod's securityContext.sysctls and docker run flags */
#include "k8s_render.h"

#include <errno.h>
#include <string.h>

static int check_names(const struct k8s_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!k8s_name_valid(c[i].name) || !c[i].value)
			return -EINVAL;
	return 0;
}

/* A YAML double-quoted scalar. */
static void yaml_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void list_items(FILE *f, const struct k8s_change *c, size_t n, bool want_safe,
		       const char *prefix)
{
	for (size_t i = 0; i < n; i++) {
		if (k8s_sysctl_safe(c[i].name, NULL) != want_safe)
			continue;
		fprintf(f, "%s      - name: %s\n%s        value: ", prefix, c[i].name, prefix);
		yaml_string(f, c[i].value);
		fputc('\n', f);
	}
}

static void unsafe_block(FILE *f, const struct k8s_change *c, size_t n, size_t nunsafe)
{
	size_t k = 0;

	fputs("# unsafe in Kubernetes: the kubelet must allow them with\n"
	      "#   --allowed-unsafe-sysctls=",
	      f);
	for (size_t i = 0; i < n; i++)
		if (!k8s_sysctl_safe(c[i].name, NULL))
			fprintf(f, "%s%s", k++ ? "," : "", c[i].name);
	fprintf(f, "\n# and then the pod lists %s too:\n", nunsafe > 1 ? "them" : "it");
	list_items(f, c, n, false, "#");
}

int k8s_render_pod(FILE *f, const struct k8s_change *c, size_t n)
{
	size_t nsafe = 0;
	const char *since;
	int r = check_names(c, n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		nsafe += k8s_sysctl_safe(c[i].name, NULL);
	if (n == 0)
		fputs("# no sysctl to change\n", f);
	else if (nsafe == 0)
		fputs("# none of these sysctls is safe in Kubernetes\n", f);
	else {
		fputs("# pod sysctls Kubernetes treats as safe (not with hostNetwork: true)\n", f);
		for (size_t i = 0; i < n; i++)
			if (k8s_sysctl_safe(c[i].name, &since) && since)
				fprintf(f, "#   %s: safe since Kubernetes %s\n", c[i].name, since);
		fputs("spec:\n  securityContext:\n    sysctls:\n", f);
		list_items(f, c, n, true, "");
	}
	if (n > nsafe)
		unsafe_block(f, c, n, n - nsafe);
	return ferror(f) ? -EIO : 0;
}

/* KEY=VALUE as one shell word. */
static void shell_word(FILE *f, const char *name, const char *value)
{
	bool plain = *value != '\0';

	for (const char *p = value; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:/=+-@%",
			    *p))
			plain = false;
	if (plain) {
		fprintf(f, "%s=%s", name, value);
		return;
	}
	fprintf(f, "'%s=", name);
	for (const char *p = value; *p; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}

int k8s_render_docker(FILE *f, const struct k8s_change *c, size_t n)
{
	int r = check_names(c, n);

	if (r < 0)
		return r;
	if (n == 0) {
		fputs("# no sysctl to change\n", f);
		return ferror(f) ? -EIO : 0;
	}
	fputs("# docker run flags (not with --network host)\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? " --sysctl " : "--sysctl ", f);
		shell_word(f, c[i].name, c[i].value);
	}
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

int report_k8s(FILE *f, const struct report *r, enum report_format fmt)
{
	return fmt == FMT_DOCKER ? k8s_render_docker(f, r->k8s, r->nk8s)
				 : k8s_render_pod(f, r->k8s, r->nk8s);
}
