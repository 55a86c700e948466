// SPDX-License-Identifier: GPL-2.0-or-later
/* fileutil.c: safe file handling for state, journal and persisted files */
#include "fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "readfile.h"
#include "trust.h"

int sync_parent(const char *path)
{
	char copy[PATH_MAX];
	int fd, r = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* DIR/.NAME.tmp for DIR/NAME. */
static int temp_name(const char *path, char *tmp, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int n = snprintf(tmp, len, "%.*s.%s.tmp", dirlen, path, path + dirlen);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* "NAME:step", the name of a kill point inside atomic_write. */
static void point_in(const char *path, const char *step)
{
	const char *slash = strrchr(path, '/');
	char point[300];

	snprintf(point, sizeof(point), "%s:%s", slash ? slash + 1 : path, step);
	test_kill_point(point);
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int atomic_cleanup(const char *path)
{
	char tmp[PATH_MAX];
	int r = temp_name(path, tmp, sizeof(tmp));

	if (r == 0 && unlink(tmp) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int atomic_remove(const char *path)
{
	int r;

	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	point_in(path, "removed");
	r = atomic_cleanup(path);
	return r < 0 ? r : sync_parent(path);
}

void file_meta_free(struct file_meta *m)
{
	for (size_t i = 0; i < m->nxattr; i++) {
		free(m->xattr[i].name);
		free(m->xattr[i].value);
	}
	free(m->xattr);
	memset(m, 0, sizeof(*m));
}

int file_meta_add_xattr(struct file_meta *m, const char *name, const void *value, size_t len)
{
	struct file_xattr *t, *x;

	if (m->nxattr >= FILE_XATTR_MAX || len > FILE_XATTR_VALUE_MAX)
		return -E2BIG;
	t = realloc(m->xattr, (m->nxattr + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	m->xattr = t;
	x = &t[m->nxattr];
	x->name = strdup(name);
	x->value = malloc(len ? len : 1);
	x->len = len;
	if (!x->name || !x->value) {
		free(x->name);
		free(x->value);
		return -ENOMEM;
	}
	memcpy(x->value, value, len);
	m->nxattr++;
	return 0;
}

/* Every attribute of fd into m. 0 or -errno. */
static int read_xattrs(int fd, struct file_meta *m)
{
	char *list = NULL, *value = NULL;
	ssize_t n = flistxattr(fd, NULL, 0);
	int r = 0;

	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (n == 0)
		return 0;
	list = malloc((size_t)n + 1);
	value = malloc(FILE_XATTR_VALUE_MAX + 1);
	if (!list || !value) {
		r = -ENOMEM;
		goto out;
	}
	n = flistxattr(fd, list, (size_t)n);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	list[n] = '\0';
	for (char *name = list; name < list + n && !r; name += strlen(name) + 1) {
		ssize_t v = fgetxattr(fd, name, value, FILE_XATTR_VALUE_MAX + 1);

		if (v < 0 && errno == ENODATA)
			continue; /* removed meanwhile */
		if (v < 0)
			r = errno == ERANGE ? -E2BIG : -errno;
		else
			r = file_meta_add_xattr(m, name, value, (size_t)v);
	}
out:
	free(list);
	free(value);
	return r;
}

int file_meta_read(const char *path, struct file_meta *m)
{
	struct stat st;
	int fd, r = 0;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	if (!r) {
		m->mode = st.st_mode & 07777;
		m->uid = st.st_uid;
		m->gid = st.st_gid;
		r = read_xattrs(fd, m);
	}
	close(fd);
	if (r)
		file_meta_free(m);
	else
		m->have = true;
	return r;
}

static const struct file_xattr *xattr_find(const struct file_meta *m, const char *name)
{
	for (size_t i = 0; i < m->nxattr; i++)
		if (strcmp(m->xattr[i].name, name) == 0)
			return &m->xattr[i];
	return NULL;
}

bool file_meta_same(const struct file_meta *a, const struct file_meta *b)
{
	if (a->mode != b->mode || a->uid != b->uid || a->gid != b->gid || a->nxattr != b->nxattr)
		return false;
	for (size_t i = 0; i < a->nxattr; i++) {
		const struct file_xattr *x = xattr_find(b, a->xattr[i].name);

		if (!x || x->len != a->xattr[i].len || memcmp(x->value, a->xattr[i].value, x->len))
			return false;
	}
	return true;
}

/* Owner, then mode (chown clears set-id bits), then the attributes (an
 * ACL after the mode it extends). */
static int apply_meta(int fd, const struct file_meta *m)
{
	if (fchown(fd, m->uid, m->gid) < 0 || fchmod(fd, m->mode) < 0)
		return -errno;
	for (size_t i = 0; i < m->nxattr; i++)
		if (fsetxattr(fd, m->xattr[i].name, m->xattr[i].value, m->xattr[i].len, 0) < 0 &&
		    errno != ENOTSUP)
			return -errno;
	return 0;
}

int atomic_write(const char *path, const char *data, size_t len)
{
	return atomic_write_meta(path, data, len, NULL);
}

int atomic_write_meta(const char *path, const char *data, size_t len, const struct file_meta *m)
{
	char tmp[PATH_MAX];
	int fd, r = temp_name(path, tmp, sizeof(tmp));

	if (r < 0)
		return r;
	/* A leftover of a killed run: the caller holds the lock, so no one
	 * else is writing it. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0)
		r = -errno;
	/* In two halves, so that the tests can kill it in between. */
	if (!r)
		r = write_all(fd, data, len / 2);
	if (!r) {
		point_in(path, "half-written");
		r = write_all(fd, data + len / 2, len - len / 2);
	}
	if (!r && m && m->have)
		r = apply_meta(fd, m);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r)
		point_in(path, "temp-written");
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	point_in(path, "renamed");
	r = sync_parent(path);
	if (!r)
		point_in(path, "synced");
	return r;
}

/* One directory or link met on the way to dir; 0 or -EPERM/-ENOTDIR. */
static int check_one(const char *p, const struct stat *st, char *why, size_t whylen)
{
	enum trust_fault t;

	if (!S_ISLNK(st->st_mode) && !S_ISDIR(st->st_mode)) {
		snprintf(why, whylen, "%s is not a directory", p);
		return -ENOTDIR;
	}
	t = trust_check(st, TRUST_DIR);
	if (t == TRUST_OK)
		return 0;
	if (t == TRUST_OWNER && S_ISLNK(st->st_mode))
		snprintf(why, whylen, "%s is a symbolic link belonging to uid %u, not to root", p,
			 (unsigned)st->st_uid);
	else if (t == TRUST_OWNER)
		snprintf(why, whylen, "%s belongs to uid %u, not to root", p, (unsigned)st->st_uid);
	else
		snprintf(why, whylen, "%s is writable by %s and has no sticky bit (mode %04o)", p,
			 t == TRUST_OTHERS ? "others" : "its group", (unsigned)(st->st_mode & 07777));
	return -EPERM;
}

/* Every prefix of path, "/" first: lstat and check it, making it when
 * missing and create is set. */
static int walk(const char *path, bool create, char *why, size_t whylen)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	for (size_t i = 0; i <= n; i++) {
		const char *name = i == 0 ? "/" : p;
		struct stat st;
		char saved = p[i];
		int r;

		if ((i < n && p[i] != '/') || (i > 0 && p[i - 1] == '/'))
			continue; /* inside a name, or "//", or a trailing "/" */
		if (i > 0)
			p[i] = '\0';
		r = lstat(name, &st);
		if (r < 0 && errno == ENOENT && create) {
			if (mkdir(name, 0755) < 0 && errno != EEXIST)
				return -errno;
			r = lstat(name, &st);
		}
		if (r < 0)
			return -errno;
		r = check_one(name, &st, why, whylen);
		if (r < 0)
			return r;
		p[i] = saved;
	}
	return 0;
}

int check_dir(const char *dir, bool create, char *why, size_t whylen)
{
	char real[PATH_MAX];
	struct stat st;
	int r;

	why[0] = '\0';
	if (dir[0] != '/')
		return -EINVAL;
	/* The path as given, links included; then where it really leads. */
	r = walk(dir, create, why, whylen);
	if (r < 0)
		return r;
	if (!realpath(dir, real))
		return -errno;
	if (stat(real, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s is not a directory", dir);
		return -ENOTDIR;
	}
	r = walk(real, false, why, whylen);
	if (r < 0)
		return r;
	/* On the way a sticky bit is enough (no one else can move a name
	 * away), but in the directory itself anyone who can write could
	 * plant the files twtune then opens. */
	if (trust_check(&st, 0) != TRUST_OK) {
		snprintf(why, whylen, "%s is writable by others (mode %04o): anyone could plant files in it",
			 dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int check_regular_or_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

int read_small_file(const char *path, size_t max, char **out, size_t *len)
{
	return readfile(path, max, READ_NOFOLLOW | READ_REGULAR, out, len);
}

int read_state_file(const char *path, size_t max, char **out, size_t *len)
{
	return readfile(path, max, READ_NOFOLLOW | READ_REGULAR | READ_TRUSTED, out, len);
}
