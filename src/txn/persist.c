// SPDX-License-Identifier: GPL-2.0-or-later
/* persist.c: the sysctl.d file apply --persist writes, the override scan,
 * and the old content kept for rollback */
#include "persist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "sysctl.h"

static char *conf_lines(const struct plan *pl, bool after, const char *header)
{
	size_t cap = 1024 + strlen(header), len = 0;
	char *s = malloc(cap), name[96];

	if (!s)
		return NULL;
	len = (size_t)snprintf(s, cap, "%s", header);
	for (size_t i = 0; i < pl->nall; i++) {
		const struct change *c = &pl->all[i];
		const char *v = after ? c->after.text : c->before.text;
		size_t need = strlen(v) + 128;

		if (len + need > cap) {
			char *t = realloc(s, cap + need * 2);

			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
			cap += need * 2;
		}
		len += (size_t)snprintf(s + len, cap - len, "%s =%s%s\n",
					sysctl_fullname(&sysctl_table[c->key], name, sizeof(name)),
					*v ? " " : "", v);
	}
	return s;
}

char *plan_conf_text(const struct plan *pl, bool after)
{
	return conf_lines(pl, after, "");
}

char *persist_text(const char *profile, const struct plan *pl, time_t stamp_time)
{
	char header[512], stamp[32];
	struct tm tm;

	gmtime_r(&stamp_time, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(header, sizeof(header),
		 "# Written by twtune apply --persist, profile %s, %s.\n"
		 "# 'twtune rollback' puts back what was here before. Loaded at boot by\n"
		 "# systemd-sysctl, or by hand with: sysctl -p THIS-FILE\n",
		 profile, stamp);
	return conf_lines(pl, true, header);
}

/* The text without comment lines, for comparing two versions. */
static char *settings_only(const char *text)
{
	size_t n = strlen(text), len = 0;
	char *s = malloc(n + 1);
	const char *p = text;

	if (!s)
		return NULL;
	while (*p) {
		size_t l = strcspn(p, "\n");

		if (*p != '#' && *p != ';' && l) {
			memcpy(s + len, p, l);
			len += l;
			s[len++] = '\n';
		}
		p += l + (p[l] == '\n');
	}
	s[len] = '\0';
	return s;
}

bool persist_up_to_date(const char *path, const char *text)
{
	char *old = NULL, *a, *b;
	bool same;

	if (read_small_file(path, 1 << 20, &old, NULL) < 0)
		return false;
	a = settings_only(old);
	b = settings_only(text);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	free(old);
	return same;
}

/* Does the file at path assign key (net.ipv4.x or net/ipv4/x)? */
static bool file_sets(const char *path, const char *key)
{
	char *text = NULL;
	bool found = false;

	if (read_small_file(path, 1 << 20, &text, NULL) < 0)
		return false;
	for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char *k = line;
		size_t n;

		while (*k == ' ' || *k == '\t' || *k == '-')
			k++;
		n = strcspn(k, " \t=");
		for (size_t i = 0; i < n; i++)
			if (k[i] == '/')
				k[i] = '.';
		found = n == strlen(key) && strncmp(k, key, n) == 0 && strchr(k + n, '=');
	}
	free(text);
	return found;
}

static int cmp_names(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x, y);
}

#define SYSCTL_D_DIRS "/etc/sysctl.d:/run/sysctl.d:/usr/local/lib/sysctl.d:/usr/lib/sysctl.d:/lib/sysctl.d"
#define MAX_CONF_FILES 512

/* systemd-sysctl's file list: *.conf of all the directories, a name in an
 * earlier directory hiding the same name in a later one, in name order.
 * Fills files[] (new strings); returns how many. */
static size_t conf_files(const char *dirlist, char **files)
{
	char *dirs = strdup(dirlist), *save = NULL;
	size_t nfiles = 0;

	if (!dirs)
		return 0;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		DIR *dir = opendir(d);
		struct dirent *e;

		while (dir && (e = readdir(dir)) && nfiles < MAX_CONF_FILES) {
			size_t n = strlen(e->d_name);
			bool dup = false;
			char full[4096];

			if (n < 6 || strcmp(e->d_name + n - 5, ".conf") != 0)
				continue;
			for (size_t i = 0; i < nfiles && !dup; i++)
				dup = strcmp(strrchr(files[i], '/') + 1, e->d_name) == 0;
			snprintf(full, sizeof(full), "%s/%s", d, e->d_name);
			if (!dup && (files[nfiles] = strdup(full)))
				nfiles++;
		}
		if (dir)
			closedir(dir);
	}
	free(dirs);
	qsort(files, nfiles, sizeof(files[0]), cmp_names);
	return nfiles;
}

/* Appends "FILE sets KEY and is read after BASE" for each plan key file
 * sets. */
static void overrides_of(const char *file, const char *base, const struct plan *pl, char **out,
			 size_t *len)
{
	for (size_t k = 0; k < pl->nall; k++) {
		char name[96], line[4300];
		char *t;

		sysctl_fullname(&sysctl_table[pl->all[k].key], name, sizeof(name));
		if (!file_sets(file, name))
			continue;
		snprintf(line, sizeof(line), "%s sets %s and is read after %s\n", file, name, base);
		t = realloc(*out, *len + strlen(line) + 1);
		if (!t)
			return;
		*out = t;
		memcpy(*out + *len, line, strlen(line) + 1);
		*len += strlen(line);
	}
}

char *persist_overrides(const char *path, const struct plan *pl, const char *dirs)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *files[MAX_CONF_FILES], *out = NULL;
	size_t nfiles = conf_files(dirs ? dirs : SYSCTL_D_DIRS, files), len = 0;

	/* The last assignment wins: the files read after path. */
	for (size_t i = 0; i < nfiles; i++) {
		if (strcmp(strrchr(files[i], '/') + 1, base) > 0)
			overrides_of(files[i], base, pl, &out, &len);
		free(files[i]);
	}
	return out;
}

int persist_journal(const char *path, const char *state_dir, struct journal *j)
{
	char copy[4096], *old = NULL;
	size_t len = 0;
	int r;

	if (j->persist != PERSIST_NONE)
		return 0;
	free(j->persist_path);
	j->persist_path = strdup(path);
	if (!j->persist_path)
		return -ENOMEM;
	r = read_small_file(path, 1 << 20, &old, &len);
	if (r == -ENOENT) {
		j->persist = PERSIST_ABSENT;
		return 0;
	}
	if (r < 0)
		return r;
	/* its mode, owner and attributes, which rollback puts back too */
	file_meta_free(&j->persist_meta);
	r = file_meta_read(path, &j->persist_meta);
	snprintf(copy, sizeof(copy), "%s/%s", state_dir, JOURNAL_PERSIST_COPY);
	if (r == 0)
		r = atomic_write(copy, old, len);
	free(old);
	if (r == 0)
		j->persist = PERSIST_SAVED;
	return r;
}

int persist_differs(const struct journal *j, const char *state_dir)
{
	char copy[4096], *a = NULL, *b = NULL;
	int r;

	if (!j->persist_path || j->persist == PERSIST_NONE)
		return 0;
	if (j->persist == PERSIST_ABSENT)
		return access(j->persist_path, F_OK) == 0;
	snprintf(copy, sizeof(copy), "%s/%s", state_dir, JOURNAL_PERSIST_COPY);
	r = read_state_file(copy, 1 << 20, &a, NULL);
	if (r < 0)
		return r;
	r = read_small_file(j->persist_path, 1 << 20, &b, NULL) < 0 || strcmp(a, b) != 0;
	free(a);
	free(b);
	if (r == 0 && j->persist_meta.have) {
		/* the same text, but another mode, owner or attributes */
		struct file_meta now;

		r = file_meta_read(j->persist_path, &now) < 0 || !file_meta_same(&now, &j->persist_meta);
		file_meta_free(&now);
	}
	return r;
}

int persist_restore(const struct journal *j, const char *state_dir, bool differs)
{
	char copy[4096], *old = NULL;
	size_t len;
	int r;

	if (!j->persist_path || j->persist == PERSIST_NONE)
		return 0;
	if (!differs)
		return atomic_cleanup(j->persist_path);
	if (j->persist == PERSIST_ABSENT)
		return atomic_remove(j->persist_path);
	snprintf(copy, sizeof(copy), "%s/%s", state_dir, JOURNAL_PERSIST_COPY);
	r = read_state_file(copy, 1 << 20, &old, &len);
	if (r == 0)
		r = atomic_write_meta(j->persist_path, old, len, &j->persist_meta);
	free(old);
	return r;
}
