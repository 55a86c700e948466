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
static size_t first_cap(int fd, size_t max, unsigned flags)
{
	struct stat st;
	size_t want = READ_FIRST_CHUNK;

	if (flags & READ_ONCE)
		want = max;
	else if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
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

static int read_fd(int fd, size_t max, unsigned flags, char **out, size_t *len)
{
	size_t cap, room, got = 0;
	char *buf;
	int r;

	*out = NULL;
	if (max > ((size_t)-1) / 4)
		return -EINVAL;
	cap = room = first_cap(fd, max, flags);
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
