// SPDX-License-Identifier: GPL-2.0-or-later
/* profile.h: named INI profiles, their search path and inheritance.
 *
 * profile_search.c: the search path and what is found along it
 * (profile_search.h);
 * profile_trust.c: who may have written a profile (as root);
 * profile_ini.c: one file read, pre-scanned and parsed (internal);
 * profile.c: loading, with includes, and the values a profile sets. */
#ifndef TWTUNE_PROFILE_H
#define TWTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "profile_search.h"
#include "profile_trust.h"
#include "registry.h"
#include "thresholds.h"
#include "value.h"

#define PROFILE_MAX_DEPTH 8     /* include levels */

struct profile_setting {
	bool set;
	bool use_default; /* "default": the running kernel's default, resolved when used */
	struct sysval val; /* empty when use_default */
	char *from; /* file that set it */
};

struct profile {
	char *name;        /* "proxy-profile" */
	char *path;        /* the file named by the user */
	char *description;
	char *includes[PROFILE_MAX_DEPTH + 1]; /* files read: the base first, this profile last */
	size_t nincludes;
	struct profile_setting sysctl[SYSCTL_COUNT]; /* by enum sysctl_id */
	double thresholds[THR_COUNT_];
	char *threshold_from[THR_COUNT_]; /* NULL: the default */
};

/* Loads and validates a profile by name or path. Returns 0, or a negative
 * errno with one line in err: -ENOENT (not found), -EINVAL (bad content),
 * -ELOOP (include cycle or too deep), -EFBIG, -EACCES, -EISDIR. With
 * check_trust, a file that another user could have written is -EINVAL too:
 * bad input, whatever it says (see profile_file_trusted). */
int profile_load(const char *arg, const struct profile_search *sp, struct profile *p,
		 char *err, size_t errlen);
void profile_free(struct profile *p);

/* Every profile found along the search path (first one of a name wins).
 * Calls fn for each; a profile that does not load is passed with its error. */
typedef void (*profile_visit_fn)(const char *name, const char *path, const struct profile *p,
				 const char *error, void *ctx);
void profile_foreach(const struct profile_search *sp, profile_visit_fn fn, void *ctx);

#endif
