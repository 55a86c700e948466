// SPDX-License-Identifier: GPL-2.0-or-later
/* settings.h: the sysctl values the rules judge (current, or proposed),
 * reached by key id, and the numbers derived from them. Nothing here
 * reads the kernel or prints. */
#ifndef TWTUNE_SETTINGS_H
#define TWTUNE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "sockets.h"
#include "value.h"

struct settings {
	bool have[SYSCTL_COUNT];  /* by enum sysctl_id; false: the kernel lacks it */
	struct sysval val[SYSCTL_COUNT];
	/* The computed kernel default of tcp_max_tw_buckets (its table entry
	 * has a default_fn), or -1: the one default the table cannot hold. */
	long long max_tw_default;
};
_Static_assert(sizeof(((struct settings *)0)->have) / sizeof(bool) == SYSCTL_COUNT &&
		       sizeof(((struct settings *)0)->val) / sizeof(struct sysval) == SYSCTL_COUNT,
	       "struct settings holds one value per key");

void settings_free(struct settings *s);
int settings_copy(struct settings *dst, const struct settings *src);
/* Sets key id to the text value; 0 or -EINVAL/-ERANGE/-ENOMEM (-EINVAL for a
 * NULL text: a key with no known value). */
int settings_set(struct settings *s, size_t id, const char *text);
/* For the edges (profiles, the command line): the id of a key name as
 * sysctl_lookup() takes it, or -1 when unknown. */
int settings_index(const char *name);

/* Key id's value, or NULL when the kernel lacks it. */
const struct sysval *settings_get(const struct settings *s, enum sysctl_id id);
/* Key id's integer, or `absent` when the kernel lacks it. */
long long settings_num(const struct settings *s, enum sysctl_id id, long long absent);
/* Key id's kernel default as text: the table's, or the computed one these
 * settings were read with. NULL when unknown. */
const char *settings_default(const struct settings *s, enum sysctl_id id, char *buf, size_t len);

/* Derived numbers shared by the rules and the report. */
struct ephemeral settings_ephemeral(const struct settings *s);
bool reuse_applies(const struct settings *s, const struct dest *d);
unsigned dest_used_effective(const struct settings *s, const struct dest *d);
/* The destination whose effective use (dest_used_effective) is the
 * highest share of usable ports, with that share in *pressure (1 when
 * nothing is usable); NULL and 0 without destinations. */
const struct dest *worst_dest(const struct settings *s, const struct sock_snapshot *socks,
			      unsigned usable, double *pressure);

#endif
