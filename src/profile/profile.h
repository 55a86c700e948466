// SPDX-License-Identifier: GPL-2.0-or-later
/* profile.h: named INI profiles, their search path and inheritance.
 *
 * profile_search.c: the search path and what is found along it;
 * profile_trust.c: who may have written a profile (as root);
 * profile_ini.c: one file read, pre-scanned and parsed (internal);
 * profile.c: loading, with includes, and the values a profile sets. */
#ifndef TWTUNE_PROFILE_H
#define TWTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "profile_trust.h"
#include "registry.h"
#include "thresholds.h"
#include "value.h"

#define PROFILE_MAX_DEPTH 8     /* include levels */
#define PROFILE_MAX_SEARCH 24

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

/* The directories searched for NAME.ini, in order. */
struct profile_search {
	const char *dirs[PROFILE_MAX_SEARCH];
	size_t ndirs;
	char *owned[PROFILE_MAX_SEARCH]; /* strings to free */
	size_t nowned;
	/* Refuse a profile or include that someone other than root (or the
	 * caller) could have written: on by default when euid is 0. */
	bool check_trust;
};

/* Builds the search path: extra (--profile-dir) dirs, the directories of
 * path_list (colon-separated, as $TWTUNE_PROFILE_PATH; NULL for none),
 * /etc/twtune/profiles, the installed directory, ./profiles of a source tree.
 * Sets check_trust when running as root. */
void profile_search_init(struct profile_search *sp, const char *const *extra, size_t nextra,
			 const char *path_list);
void profile_search_free(struct profile_search *sp);

/* A profile name is [A-Za-z0-9._-]+ without "..". */
bool profile_name_valid(const char *name);
/* An argument with '/' or ending in ".ini" is a path. */
bool profile_arg_is_path(const char *arg);
/* The first DIR/name.ini along the search path into out (a dangling link
 * counts: opening it says what is wrong). 0, or -ENOENT with one line in
 * err naming the directories looked in. */
int profile_find(const struct profile_search *sp, const char *name, char *out, size_t len,
		 char *err, size_t errlen);

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
/* Every NAME.ini along the search path, first one of a name only, in
 * order (profile_search.c): fn gets the name and the file's path. */
typedef void (*profile_name_fn)(const char *name, const char *path, void *ctx);
void profile_search_each(const struct profile_search *sp, profile_name_fn fn, void *ctx);

typedef void (*profile_visit_fn)(const char *name, const char *path, const struct profile *p,
				 const char *error, void *ctx);
void profile_foreach(const struct profile_search *sp, profile_visit_fn fn, void *ctx);

#endif
