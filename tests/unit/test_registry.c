/* test_registry.c: the sysctl table: lookups, removed keys, and every entry
 * sane (its default parses within its own bounds) */
#include <string.h>

#include "registry.h"
#include "tap.h"
#include "value.h"

int main(void)
{
	static const char *const managed[] = {
		"ip_local_port_range", "ip_local_reserved_ports", "tcp_tw_reuse", "tcp_tw_reuse_delay",
		"tcp_fin_timeout", "tcp_max_tw_buckets", "tcp_timestamps", "ip_unprivileged_port_start",
	};
	const char *why = NULL;
	char name[96];

	TAP_OK(sysctl_count == 8, "eight keys");
	for (size_t i = 0; i < sizeof(managed) / sizeof(managed[0]); i++) {
		char full[96], slash[96];

		snprintf(full, sizeof(full), "net.ipv4.%s", managed[i]);
		snprintf(slash, sizeof(slash), "net/ipv4/%s", managed[i]);
		TAP_OK(sysctl_lookup(managed[i]) && sysctl_lookup(managed[i]) == sysctl_lookup(full) &&
			       sysctl_lookup(full) == sysctl_lookup(slash),
		       "%s found by short, dotted and slashed name", managed[i]);
	}
	TAP_OK(!sysctl_lookup("tcp_tw_recycle") && sysctl_removed("net.ipv4.tcp_tw_recycle", &why) &&
		       strstr(why, "4.12"),
	       "tcp_tw_recycle is removed in 4.12");
	TAP_OK(!sysctl_removed("tcp_tw_reuse", &why), "tcp_tw_reuse is not removed");
	TAP_OK(!sysctl_lookup("net.ipv6.tcp_tw_reuse") && !sysctl_lookup("") && !sysctl_lookup("net.ipv4."),
	       "other names are unknown");
	TAP_OK(sysctl_lookup("ip_unprivileged_port_start")->flags & SYSCTL_READONLY,
	       "ip_unprivileged_port_start is read-only");
	for (size_t i = 0; i < sysctl_count; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char expect[96];

		snprintf(expect, sizeof(expect), "net/ipv4/%s", d->name);
		TAP_OK(strcmp(d->path, expect) == 0, "%s: path", d->name);
		TAP_OK(d->min <= d->max && d->meaning && *d->meaning && d->since, "%s: bounds and docs", d->name);
		TAP_OK(strcmp(sysctl_fullname(d, name, sizeof(name)) + 9, d->name) == 0, "%s: full name", d->name);
		if (d->kernel_default) {
			struct sysval v;
			char w[128];

			TAP_OK(sysval_parse(d, d->kernel_default, &v, w, sizeof(w)) == 0 &&
				       strcmp(v.text, d->kernel_default) == 0,
			       "%s: default '%s' parses and is normalised", d->name, d->kernel_default);
			sysval_free(&v);
		} else {
			TAP_OK(d->default_note != NULL, "%s: a computed default says how", d->name);
		}
	}
	return tap_done();
}
