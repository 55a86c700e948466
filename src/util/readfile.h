// SPDX-License-Identifier: GPL-2.0-or-later
/* readfile.h: the one bounded file reader */
#ifndef TWTUNE_READFILE_H
#define TWTUNE_READFILE_H

#include <stddef.h>

#define READ_NOFOLLOW 0x1 /* refuse a symbolic link as the last component: -ELOOP */
#define READ_REGULAR  0x2 /* refuse anything but a regular file: -EINVAL */
#define READ_TRUSTED  0x4 /* refuse a file someone other than root or us could
			   * have written (see trust_check): -EPERM */
#define READ_ONCE     0x8 /* read from offset 0 in one read(), again with a
			   * larger buffer while it comes back full: a /proc/sys
			   * file gives its value only to a read at offset 0, so
			   * a list over a page would be cut by a second read() */

/* Reads all of path into a new NUL-terminated buffer (*out, to free; *len
 * bytes, len may be NULL). The file is opened O_RDONLY | O_CLOEXEC |
 * O_NOCTTY | O_NONBLOCK, so that a FIFO never blocks. Files whose size
 * stat does not know (procfs, sysfs) are read to their end. Returns 0,
 * -EFBIG when the file holds more than max bytes, or -errno (open, read,
 * the flags above). *out is NULL on error. */
int readfile(const char *path, size_t max, unsigned flags, char **out, size_t *len);

/* The same from an open file, from its current offset to its end: for a
 * caller that checks the file between open and read. */
int readfile_fd(int fd, size_t max, char **out, size_t *len);

/* The head of a small file into the caller's buffer: at most len - 1
 * bytes of path (relative to dirfd, or AT_FDCWD; opened as readfile()
 * does) into buf, NUL-terminated, the rest left unread (/proc/PID/comm,
 * cgroup). *got (may be NULL) is the bytes read. 0, or -errno when the
 * open fails or the first read does (len 0: -EINVAL). */
int readfile_at(int dirfd, const char *path, char *buf, size_t len, size_t *got);

#endif
