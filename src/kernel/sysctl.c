// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.c: reading and writing registry keys under a sysctl root */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fileutil.h"
#include "profile.h"
#include "readfile.h"

#define RAW_MAX (1024 * 1024)

static int open_key(const char *root, const char *path, int flags)
{
	char full[4096];
	int n = snprintf(full, sizeof(full), "%s/%s", root, path);

	if (n < 0 || (size_t)n >= sizeof(full))
		return -ENAMETOOLONG;
	/* A key is a file of the tree, never a link out of it. */
	n = open(full, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	return n < 0 ? -errno : n;
}

int sysctl_read_raw(const char *root, const char *path, char **out)
{
	char full[4096];
	int n = snprintf(full, sizeof(full), "%s/%s", root, path);

	*out = NULL;
	if (n < 0 || (size_t)n >= sizeof(full))
		return -ENAMETOOLONG;
	return readfile(full, RAW_MAX, READ_ONCE | READ_NOFOLLOW, out, NULL);
}

int sysctl_read(const char *root, const struct sysctl_def *d, struct sysval *out)
{
	char *raw, why[128];
	int r;

	memset(out, 0, sizeof(*out));
	r = sysctl_read_raw(root, d->path, &raw);
	if (r < 0)
		return r;
	r = sysval_parse(d, raw, out, why, sizeof(why));
	free(raw);
	return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

void sysctl_read_all(const char *root, struct sysctl_state *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < SYSCTL_COUNT; i++)
		st->err[i] = sysctl_read(root, &sysctl_table[i], &st->val[i]);
}

void sysctl_state_free(struct sysctl_state *st)
{
	for (size_t i = 0; i < SYSCTL_COUNT; i++)
		sysval_free(&st->val[i]);
}

const char *sysctl_default(const char *root, const struct sysctl_def *d, char *buf, size_t len)
{
	char *raw;
	int r;

	if (d->kernel_default || !d->default_fn)
		return d->kernel_default;
	if (sysctl_read_raw(root, d->default_source, &raw) < 0)
		return NULL;
	r = d->default_fn(raw, buf, len);
	free(raw);
	return r < 0 ? NULL : buf;
}

int sysctl_write(const char *root, const struct sysctl_def *d, const struct sysval *v)
{
	const char *text = sysval_write_text(v);
	size_t len = strlen(text), done = 0;
	struct stat st;
	struct statfs sf;
	int fd, r = 0;

	if (d->flags & SYSCTL_READONLY)
		return -EPERM;
	fd = open_key(root, d->path, O_WRONLY);
	if (fd < 0)
		return fd;
	/* A file under --sysctl-root is a plain file: without truncating it a
	 * shorter value would leave the old one's tail. /proc/sys files are
	 * never truncated. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fstatfs(fd, &sf) == 0 &&
	    sf.f_type != PROC_SUPER_MAGIC && ftruncate(fd, 0) < 0)
		r = -errno;
	/* The kernel takes a long value (ip_local_reserved_ports over a page)
	 * in pieces, each ending after a whole item: write the rest at the
	 * offset reached, in the same open file, as sysctl(8) does. */
	while (r == 0 && done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		else if (n == 0)
			r = -EIO;
		else
			done += (size_t)n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int sysctl_root_check(const char *root, char *why, size_t whylen)
{
	struct stat st;
	char path[4096], real[PATH_MAX];
	int r;

	why[0] = '\0';
	if (stat(root, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	snprintf(path, sizeof(path), "%s/net/ipv4", root);
	if (stat(path, &st) < 0)
		return -errno;
	/* As the state directory: whoever else can write the tree can point
	 * a key at any file, which twtune would then read or write. */
	if (!realpath(path, real))
		return -errno;
	r = check_dir(real, false, why, whylen);
	return r < 0 && why[0] ? -EPERM : r;
}

int sysctl_profile_target(const struct profile *p, enum sysctl_id id, const char *root,
			  struct sysval *out)
{
	const struct profile_setting *s = &p->sysctl[id];
	const struct sysctl_def *d = &sysctl_table[id];
	char buf[32], why[128];
	const char *def;

	memset(out, 0, sizeof(*out));
	if (!s->set)
		return -ENOENT;
	if (!s->use_default)
		return sysval_copy(out, &s->val);
	def = sysctl_default(root, d, buf, sizeof(buf));
	if (!def)
		return -ENODATA;
	return sysval_parse(d, def, out, why, sizeof(why)) == -ENOMEM ? -ENOMEM : 0;
}
