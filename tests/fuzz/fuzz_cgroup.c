// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cgroup.c: the owner of a namespace from /proc/PID/cgroup text.
 *
 * Input: the text of a cgroup file (a container can name cgroups below
 * its own, so the text is partly chosen by whoever runs in it). Whatever
 * is found must be well formed: a container id of 12 to 64 lowercase hex
 * digits with a runtime, a pod UID of 32 hex digits or a dashed UUID, and
 * a label that fits.
 */
#include <stdbool.h>

#include "fuzz_common.h"
#include "nsowner.h"
#include "nsscan.h"

static bool hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void check_owner(const struct ns_owner *o)
{
	size_t n = strlen(o->container), u = strlen(o->pod_uid);

	FUZZ_CHECK((n == 0) == (o->runtime == NS_RUNTIME_NONE));
	FUZZ_CHECK(n == 0 || (n >= 12 && n <= NS_CONTAINER_ID_MAX));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(hex(o->container[i]));
	FUZZ_CHECK(u == 0 || u == 32 || u == 36);
	for (size_t i = 0; i < u; i++)
		FUZZ_CHECK(u == 36 && (i == 8 || i == 13 || i == 18 || i == 23) ? o->pod_uid[i] == '-'
									 : hex(o->pod_uid[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netns_info ns;
	char *text = fuzz_strndup(data, size);
	char label[NSSCAN_LABEL];

	if (!text)
		return 0;
	memset(&ns, 0, sizeof(ns));
	ns.name_dir = -1;
	nsowner_parse(text, &ns.owner);
	check_owner(&ns.owner);
	nsscan_label(&ns, label, sizeof(label));
	FUZZ_CHECK(label[0] != '\0' && strlen(label) < sizeof(label));
	if (ns.owner.pod_uid[0])
		FUZZ_CHECK(!strncmp(label, "pod ", 4));
	else if (ns.owner.container[0])
		FUZZ_CHECK(!strncmp(label, "container ", 10));
	free(text);
	return 0;
}
