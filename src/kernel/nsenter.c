// SPDX-License-Identifier: GPL-2.0-or-later
/* nsenter.c: entering a scanned network namespace, checking its inode */
#include "nsenter.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct attempt {
	int denied; /* first errno other than "gone", or 0 */
	char *why;
	size_t len;
	char path[512]; /* the path the fd came from */
};

/* Tries one path: the fd, or -1 (recorded in a). */
static int try_path(const struct netns_info *ns, const char *path, struct attempt *a)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		if (e != ENOENT && e != ESRCH && !a->denied) {
			a->denied = e;
			snprintf(a->why, a->len, "%s: %s", path, strerror(e));
		}
		return -1;
	}
	if (fstat(fd, &st) < 0 || (unsigned long long)st.st_ino != ns->inode ||
	    (unsigned long long)st.st_dev != ns->dev) {
		close(fd);
		return -1;
	}
	snprintf(a->path, sizeof(a->path), "%s", path);
	return fd;
}

static int open_in(const struct nsscan *s, const struct netns_info *ns, struct attempt *a)
{
	char path[512];
	int fd;

	for (unsigned i = 0; i < ns->npaths; i++) {
		fd = try_path(ns, ns->paths[i], a);
		if (fd >= 0)
			return fd;
	}
	for (unsigned i = 0; i < ns->nprocs; i++) {
		snprintf(path, sizeof(path), "%s/%d/ns/net", s->proc_root, ns->procs[i].pid);
		fd = try_path(ns, path, a);
		if (fd >= 0)
			return fd;
	}
	if (a->denied)
		return -a->denied;
	snprintf(a->why, a->len, "network namespace %llu is gone", ns->inode);
	return -ENOENT;
}

int nsenter_open(const struct nsscan *s, const struct netns_info *ns, char *why, size_t len)
{
	struct attempt a = { .why = why, .len = len };

	if (len)
		why[0] = '\0';
	return open_in(s, ns, &a);
}

int nsenter_enter(const struct nsscan *s, const struct netns_info *ns, char *why, size_t len)
{
	struct attempt a = { .why = why, .len = len };
	int fd, r = 0;

	if (len)
		why[0] = '\0';
	fd = open_in(s, ns, &a);
	if (fd < 0)
		return fd;
	if (setns(fd, CLONE_NEWNET) < 0) {
		r = -errno;
		snprintf(why, len, "setns %s: %s", a.path, strerror(-r));
	}
	close(fd);
	return r;
}

int nsenter_save(const char *proc_root)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/thread-self/ns/net", proc_root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

int nsenter_return(int fd)
{
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}
