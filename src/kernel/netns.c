// SPDX-License-Identifier: GPL-2.0-or-later
/* netns.c: entering another network namespace */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "profile_search.h"

int netns_enter(const char *arg, char *path, size_t len)
{
	int fd, r = 0;

	if (strchr(arg, '/'))
		snprintf(path, len, "%s", arg);
	else if (profile_name_valid(arg))
		snprintf(path, len, "/run/netns/%s", arg);
	else {
		snprintf(path, len, "%s", arg);
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

const char *netns_identity(char *buf, size_t len)
{
	ssize_t n;

	if (!len)
		return buf;
	n = readlink("/proc/self/ns/net", buf, len - 1);
	if (n < 0)
		snprintf(buf, len, "unknown");
	else
		buf[n] = '\0';
	return buf;
}

uint32_t netns_self_inode(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) == 0 ? (uint32_t)st.st_ino : 0;
}
