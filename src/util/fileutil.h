// SPDX-License-Identifier: GPL-2.0-or-later
/* fileutil.h: safe file handling for state, journal and persisted files */
#ifndef TWTUNE_FILEUTIL_H
#define TWTUNE_FILEUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* test_kill_point(): atomic_write() and its callers name their kill
 * points; the list is in testhook.h. */
#include "testhook.h"

/* Writes len bytes to path atomically: a temporary file ".NAME.tmp" in the
 * same directory (hidden, and never ending in ".conf", so systemd-sysctl
 * never loads a leftover), created with O_EXCL|O_NOFOLLOW|O_CLOEXEC and
 * mode 0644, fsync, rename over path, fsync of the directory. The caller
 * holds the state lock. 0 or -errno. */
int atomic_write(const char *path, const char *data, size_t len);

/* A file's owner, mode and extended attributes (all of its namespaces:
 * user.*, security.*, trusted.*, system.posix_acl_*), to put back on the
 * file that replaces it. */
#define FILE_XATTR_MAX 32       /* attributes kept */
#define FILE_XATTR_VALUE_MAX 3000 /* bytes of one value */
struct file_xattr {
	char *name;
	unsigned char *value;
	size_t len;
};
struct file_meta {
	bool have;       /* read (or parsed) */
	unsigned mode;   /* the permission bits, 07777 */
	unsigned uid, gid;
	struct file_xattr *xattr;
	size_t nxattr;
};

/* Reads path's metadata (not following a symbolic link). 0, -E2BIG for
 * more or larger attributes than the bounds above, or -errno. */
int file_meta_read(const char *path, struct file_meta *m);
/* Adds one attribute (copies). 0, -E2BIG or -ENOMEM. */
int file_meta_add_xattr(struct file_meta *m, const char *name, const void *value, size_t len);
/* Same mode, owner and attributes? */
bool file_meta_same(const struct file_meta *a, const struct file_meta *b);
void file_meta_free(struct file_meta *m);

/* atomic_write, then the temporary file gets m's owner, mode and
 * attributes before the rename (m NULL or not read: mode 0644, as
 * atomic_write). An attribute the file system does not support is left
 * out. 0 or -errno. */
int atomic_write_meta(const char *path, const char *data, size_t len, const struct file_meta *m);

/* Removes the temporary file a killed atomic_write(path) may have left. */
int atomic_cleanup(const char *path);

/* Removes path (absent is fine) and what a killed atomic_write left beside
 * it, then fsyncs the directory. 0 or -errno. */
int atomic_remove(const char *path);

/* Checks that files may safely be created in dir: along the path as given
 * and along its resolved path, every directory belongs to root or to us and
 * is not writable by group or others unless it has the sticky bit, and
 * every symbolic link belongs to root or to us (trust_check, TRUST_DIR). With create, makes the
 * missing directories (mode 0755, less the umask). 0; -ENOENT (dir missing,
 * without create); -EPERM with the reason in why; or -errno. */
int check_dir(const char *dir, bool create, char *why, size_t whylen);

/* Is path a symbolic link? 0 when not (or absent), -ELOOP when it is, -EISDIR
 * or -EINVAL when it exists but is not a regular file, or -errno. */
int check_regular_or_absent(const char *path);

/* Reads a regular file of at most max bytes into a new NUL-terminated
 * string; refuses symbolic links (-ELOOP) and other than regular files
 * (-EINVAL). 0, -ENOENT, -EFBIG or -errno. readfile() with READ_NOFOLLOW
 * and READ_REGULAR. */
int read_small_file(const char *path, size_t max, char **out, size_t *len);

/* As read_small_file, for the state files twtune itself wrote: also -EPERM
 * when the file belongs to someone other than root or us, or is writable by
 * group or others (trust_check, READ_TRUSTED). */
int read_state_file(const char *path, size_t max, char **out, size_t *len);

/* fsync of the directory holding path. */
int sync_parent(const char *path);

#endif
