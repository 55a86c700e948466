// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.h: reading and writing registry keys under a sysctl root */
#ifndef TWTUNE_SYSCTL_H
#define TWTUNE_SYSCTL_H

#include <stddef.h>

#include "registry.h"
#include "value.h"

/* Current value of every key: `err` is 0, -ENOENT (not supported by this
 * kernel), -EACCES, or -EINVAL (the kernel printed something unexpected). */
struct sysctl_state {
	struct sysval val[SYSCTL_COUNT]; /* indexed by enum sysctl_id */
	int err[SYSCTL_COUNT];
};
_Static_assert(sizeof(((struct sysctl_state *)0)->val) / sizeof(struct sysval) == SYSCTL_COUNT &&
		       sizeof(((struct sysctl_state *)0)->err) / sizeof(int) == SYSCTL_COUNT,
	       "struct sysctl_state holds one value per key");

/* Reads the raw text of ROOT/PATH into a new string. 0 or -errno. */
int sysctl_read_raw(const char *root, const char *path, char **out);
/* Reads and parses one key. 0 or -errno as above. */
int sysctl_read(const char *root, const struct sysctl_def *d, struct sysval *out);
void sysctl_read_all(const char *root, struct sysctl_state *st);
void sysctl_state_free(struct sysctl_state *st);
/* The kernel default as text: the table's, or computed by the entry's
 * default_fn from its default_source under root (tcp_max_tw_buckets:
 * |tcp_ehash_entries| / 2). NULL when unknown. */
const char *sysctl_default(const char *root, const struct sysctl_def *d, char *buf, size_t len);
/* Writes one key. 0 or -errno (the kernel's refusal). */
int sysctl_write(const char *root, const struct sysctl_def *d, const struct sysval *v);

/* 0 when root is a directory holding net/ipv4 that no one but root (or
 * us) could have written, on the way or in it (check_dir); -EPERM with why
 * when someone else could, else -errno. */
int sysctl_root_check(const char *root, char *why, size_t whylen);

struct profile;
/* The value profile p sets for key id, with "default" resolved against
 * the kernel under root. 0, -ENOENT (not set), -ENODATA (the default
 * cannot be known here) or -ENOMEM. */
int sysctl_profile_target(const struct profile *p, enum sysctl_id id, const char *root,
			  struct sysval *out);

#endif
