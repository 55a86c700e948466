// SPDX-License-Identifier: GPL-2.0-or-later
/* readfile.c: the one bounded file reader */
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "trust.h"

#define READ_FIRST_CHUNK 4096 /* when stat gives no size */

/* Room for max bytes, one more to see that there are more, and the NUL. */
static size_t first_cap(int fd, size_t max)
{
	struct stat st;
	size_t want = READ_FIRST_CHUNK;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		want = (size_t)st.st_size;
	return want < max ? want + 2 : max + 2;
}

/* The one read loop: reads fd into buf[*got..room - 1) until that is
 * full (1) or the file ends (0); -errno when a read fails. */
static int fill(int fd, char *buf, size_t room, size_t *got)
{
	while (*got + 1 < room) {
		ssize_t n = read(fd, buf + *got, room - 1 - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*got += (size_t)n;
	}
	return 1;
}

/* READ_ONCE: a /proc/sys file gives its value only to a read() at offset
 * 0, cut to that read's size; one that fills the buffer is read again from
 * 0 into one twice the size, up to max. The kernel allocates what a read
 * asks for, so the first asks for a page, not max. */
static int read_whole_at_zero(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = READ_FIRST_CHUNK < max + 2 ? READ_FIRST_CHUNK : max + 2;
	char *buf = NULL;

	*out = NULL;
	for (;;) {
		char *t = realloc(buf, cap);
		ssize_t n;

		if (!t) {
			free(buf);
			return -ENOMEM;
		}
		buf = t;
		do
			n = pread(fd, buf, cap - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if ((size_t)n < cap - 1 || cap == max + 2) {
			if ((size_t)n > max) {
				free(buf);
				return -EFBIG;
			}
			buf[n] = '\0';
			*out = buf;
			if (len)
				*len = (size_t)n;
			return 0;
		}
		cap = cap * 2 < max + 2 ? cap * 2 : max + 2;
	}
}

static int read_fd(int fd, size_t max, unsigned flags, char **out, size_t *len)
{
	size_t cap, room, got = 0;
	char *buf;
	int r;

	*out = NULL;
	if (max > ((size_t)-1) / 4)
		return -EINVAL;
	if (flags & READ_ONCE)
		return read_whole_at_zero(fd, max, out, len);
	cap = room = first_cap(fd, max);
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	while ((r = fill(fd, buf, room, &got)) > 0) {
		if (got > max) {
			r = -EFBIG;
			break;
		}
		if (grow((void **)&buf, &cap, got + 2, 1) < 0) {
			r = -ENOMEM;
			break;
		}
		/* never more than max + 1 bytes read: one to see there are more */
		room = cap < max + 2 ? cap : max + 2;
	}
	if (r == 0 && got > max)
		r = -EFBIG;
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[got] = '\0';
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

int readfile_fd(int fd, size_t max, char **out, size_t *len)
{
	return read_fd(fd, max, 0, out, len);
}

/* What flags ask of the opened file: 0 or -errno. */
static int check_opened(int fd, unsigned flags)
{
	struct stat st;

	if (!(flags & (READ_REGULAR | READ_TRUSTED)))
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((flags & READ_REGULAR) && !S_ISREG(st.st_mode))
		return -EINVAL;
	if ((flags & READ_TRUSTED) && trust_check(&st, 0) != TRUST_OK)
		return -EPERM;
	return 0;
}

#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

int readfile(const char *path, size_t max, unsigned flags, char **out, size_t *len)
{
	int oflags = OPEN_FLAGS;
	int fd, r;

	*out = NULL;
	if (flags & READ_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0)
		return -errno;
	r = check_opened(fd, flags);
	if (r == 0)
		r = read_fd(fd, max, flags, out, len);
	close(fd);
	return r;
}

int readfile_at(int dirfd, const char *path, char *buf, size_t len, size_t *got)
{
	size_t n = 0;
	int fd, r;

	if (got)
		*got = 0;
	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	fd = openat(dirfd, path, OPEN_FLAGS);
	if (fd < 0)
		return -errno;
	r = fill(fd, buf, len, &n);
	close(fd);
	buf[n] = '\0';
	if (got)
		*got = n;
	return r < 0 && n == 0 ? r : 0;
}
