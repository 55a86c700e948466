// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_trust.c: as root, a profile is read only when no one but root
 * could have written it (trust_check, the way sudo treats sudoers) */
#include "profile_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust.h"

#define TRUST_OVERRIDE "pass --allow-insecure-profiles"

/* Who else can write st: "others" or "group N". */
static const char *writer(enum trust_fault t, const struct stat *st, char *buf, size_t len)
{
	if (t == TRUST_OTHERS)
		return "others";
	snprintf(buf, len, "group %u", (unsigned)st->st_gid);
	return buf;
}

static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* Whoever can write a directory can replace the files in it. */
static int dir_trusted(const char *path, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char grp[32];
	enum trust_fault t;

	if (stat(dir, &st) < 0)
		return 0; /* the file itself was opened and checked */
	t = trust_check(&st, TRUST_DIR | TRUST_GROUP_ROOT);
	if (t == TRUST_OK)
		return 0;
	if (t == TRUST_OWNER)
		snprintf(err, errlen,
			 "%s: its directory %s is owned by uid %u, not root; fix with chown root, or " TRUST_OVERRIDE,
			 path, dir, (unsigned)st.st_uid);
	else
		snprintf(err, errlen,
			 "%s: its directory %s is writable by %s without the sticky bit (mode %04o); fix with chmod go-w, or " TRUST_OVERRIDE,
			 path, dir, writer(t, &st, grp, sizeof(grp)), (unsigned)(st.st_mode & 07777));
	return -EINVAL;
}

int profile_file_trusted(const char *path, const struct stat *st, char *err, size_t errlen)
{
	char dir[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX], grp[32];
	enum trust_fault t = trust_check(st, TRUST_GROUP_ROOT);
	struct stat lst;
	int r;

	if (t == TRUST_OWNER) {
		snprintf(err, errlen, "%s is owned by uid %u, not root; fix with chown root, or " TRUST_OVERRIDE,
			 path, (unsigned)st->st_uid);
		return -EINVAL;
	}
	if (t != TRUST_OK) {
		snprintf(err, errlen, "%s is writable by %s (mode %04o); fix with chmod go-w, or " TRUST_OVERRIDE,
			 path, writer(t, st, grp, sizeof(grp)), (unsigned)(st->st_mode & 07777));
		return -EINVAL;
	}
	/* A link someone else owns can be pointed elsewhere at any time. */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
	    trust_check(&lst, 0) == TRUST_OWNER) {
		snprintf(err, errlen,
			 "%s is a symbolic link owned by uid %u, not root; fix with chown -h root, or " TRUST_OVERRIDE,
			 path, (unsigned)lst.st_uid);
		return -EINVAL;
	}
	dir_of(path, dir, sizeof(dir));
	r = dir_trusted(path, dir, err, errlen);
	if (r < 0 || !realpath(path, real))
		return r;
	/* Through a symbolic link: the directory of the file it leads to too. */
	dir_of(real, realdir, sizeof(realdir));
	return strcmp(realdir, dir) ? dir_trusted(path, realdir, err, errlen) : 0;
}
