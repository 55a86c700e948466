// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_search.h: where profiles are looked for, and what is found
 * there */
#ifndef TWTUNE_PROFILE_SEARCH_H
#define TWTUNE_PROFILE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#define PROFILE_MAX_SEARCH 24

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

/* Every NAME.ini along the search path, first one of a name only, in
 * order: fn gets the name and the file's path. */
typedef void (*profile_name_fn)(const char *name, const char *path, void *ctx);
void profile_search_each(const struct profile_search *sp, profile_name_fn fn, void *ctx);

#endif
