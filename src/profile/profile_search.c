// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_search.c: where profiles are looked for, and what is found there */
#include "profile_search.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhook.h"

#ifndef PROFILEDIR
#define PROFILEDIR "/usr/local/share/twtune/profiles"
#endif

static void add_dir(struct profile_search *sp, const char *dir, bool owned)
{
	if (sp->ndirs == PROFILE_MAX_SEARCH || !dir || !*dir) {
		if (owned)
			free((char *)dir);
		return;
	}
	for (size_t i = 0; i < sp->ndirs; i++)
		if (strcmp(sp->dirs[i], dir) == 0) {
			if (owned)
				free((char *)dir);
			return;
		}
	sp->dirs[sp->ndirs++] = dir;
	if (owned)
		sp->owned[sp->nowned++] = (char *)dir;
}

/* ./profiles when twtune runs from its source tree: the binary's directory
 * holds profiles/ and src/cmd/twtune.h; for the test binary
 * (build/test/twtune, testhook.h), the directory two levels up. */
static char *source_tree_profiles(void)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up <= (testhook_built() ? 2 : 0); up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return NULL;
		*slash = '\0';
		if (up == 0 && testhook_built())
			continue; /* the tree is above build/test */
		snprintf(probe, sizeof(probe), "%s/src/cmd/twtune.h", exe);
		if (access(probe, F_OK) != 0)
			continue;
		snprintf(probe, sizeof(probe), "%s/profiles", exe);
		return strdup(probe);
	}
	return NULL;
}

void profile_search_init(struct profile_search *sp, const char *const *extra, size_t nextra,
			 const char *path_list)
{
	memset(sp, 0, sizeof(*sp));
	for (size_t i = 0; i < nextra; i++)
		add_dir(sp, extra[i], false);
	if (path_list && *path_list) {
		char *copy = strdup(path_list), *save = NULL;

		for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t;
		     t = strtok_r(NULL, ":", &save))
			add_dir(sp, strdup(t), true);
		free(copy);
	}
	add_dir(sp, "/etc/twtune/profiles", false);
	add_dir(sp, PROFILEDIR, false);
	add_dir(sp, source_tree_profiles(), true);
	sp->check_trust = geteuid() == 0;
}

void profile_search_free(struct profile_search *sp)
{
	for (size_t i = 0; i < sp->nowned; i++)
		free(sp->owned[i]);
	sp->nowned = sp->ndirs = 0;
}

bool profile_name_valid(const char *name)
{
	if (!*name || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return strlen(name) <= 128;
}

bool profile_arg_is_path(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 4 && strcmp(arg + n - 4, ".ini") == 0);
}

int profile_find(const struct profile_search *sp, const char *name, char *out, size_t len,
		 char *err, size_t errlen)
{
	char looked[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < sp->ndirs; i++) {
		struct stat st;

		snprintf(out, len, "%s/%s.ini", sp->dirs[i], name);
		if (lstat(out, &st) == 0) /* a broken link is found, and reported when opened */
			return 0;
		if (used < sizeof(looked))
			used += (size_t)snprintf(looked + used, sizeof(looked) - used, "%s%s",
						 used ? ", " : "", sp->dirs[i]);
	}
	snprintf(err, errlen, "profile '%s' not found (looked in %s)", name,
		 sp->ndirs ? looked : "no directories");
	return -ENOENT;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NAME of every NAME.ini in dir, sorted; *n of them. */
static char **dir_names(const char *path, size_t *n)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	char **names = NULL;

	*n = 0;
	if (!dir)
		return NULL;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		char **t;

		if (len <= 4 || strcmp(e->d_name + len - 4, ".ini") != 0)
			continue;
		t = realloc(names, (*n + 1) * sizeof(*names));
		if (!t)
			break;
		names = t;
		names[*n] = strndup(e->d_name, len - 4);
		if (names[*n])
			(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

struct seen {
	char **names;
	size_t n;
};

/* A name already listed from an earlier directory, or not a profile name. */
static bool skip_name(const struct seen *s, const char *name)
{
	if (!profile_name_valid(name))
		return true;
	for (size_t k = 0; k < s->n; k++)
		if (strcmp(s->names[k], name) == 0)
			return true;
	return false;
}

/* Keeps name (or frees it when there is no room). */
static void remember(struct seen *s, char *name)
{
	char **t = realloc(s->names, (s->n + 1) * sizeof(*t));

	if (!t) {
		free(name);
		return;
	}
	s->names = t;
	s->names[s->n++] = name;
}

void profile_search_each(const struct profile_search *sp, profile_name_fn fn, void *ctx)
{
	struct seen seen = { 0 };

	for (size_t i = 0; i < sp->ndirs; i++) {
		size_t nnames;
		char **names = dir_names(sp->dirs[i], &nnames);

		for (size_t j = 0; j < nnames; j++) {
			if (skip_name(&seen, names[j])) {
				free(names[j]);
				continue;
			}
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s.ini", sp->dirs[i], names[j]);
			fn(names[j], path, ctx);
			remember(&seen, names[j]);
		}
		free(names);
	}
	for (size_t k = 0; k < seen.n; k++)
		free(seen.names[k]);
	free(seen.names);
}
