/* fileutil.h: safe file handling for state, journal and persisted files */
#ifndef TWTUNE_FILEUTIL_H
#define TWTUNE_FILEUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Writes len bytes to path atomically: a temporary file in the same
 * directory created with O_EXCL|O_NOFOLLOW and mode 0644, fsync, rename
 * over path, fsync of the directory. 0 or -errno. */
int atomic_write(const char *path, const char *data, size_t len);

/* Makes dir (and missing parents) 0755; refuses a directory that others may
 * write to or that is a symbolic link. 0 or -errno (-EPERM for unsafe). */
int make_private_dir(const char *dir);

/* Reads a regular file of at most max bytes into a new NUL-terminated
 * string; refuses symbolic links. 0, -ENOENT, -EFBIG or -errno. */
int read_small_file(const char *path, size_t max, char **out, size_t *len);

/* fsync of the directory holding path. */
int sync_parent(const char *path);

/* Test hook: SIGKILL self when TWTUNE_TEST_KILL_AT names this point. */
void test_kill_point(const char *point);

#endif
