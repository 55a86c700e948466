// SPDX-License-Identifier: GPL-2.0-or-later
/* nsid.c: the identity of the current network namespace (nsid.h) */
#include "nsid.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71 /* include/uapi/asm-generic/socket.h, Linux 5.14 */
#endif

static int boot_id(char *buf, size_t len)
{
	char *text;
	int r = readfile("/proc/sys/kernel/random/boot_id", 64, 0, &text, NULL);

	if (r < 0)
		return r;
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
	return 0;
}

bool nsid_gone(const char *id)
{
	const char *b = strstr(id, " boot ");
	char boot[64];

	return b && strcmp(b + 6, "unknown") != 0 && boot_id(boot, sizeof(boot)) == 0 &&
	       strcmp(b + 6, boot) != 0;
}

int nsid_current(char *buf, size_t len)
{
	struct stat self, init;
	char boot[64];
	uint64_t cookie = 0;
	socklen_t clen = sizeof(cookie);
	int fd, r;

	if (stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	if (stat("/proc/1/ns/net", &init) == 0 && init.st_ino == self.st_ino &&
	    init.st_dev == self.st_dev) {
		snprintf(buf, len, "init");
		return 0;
	}
	/* Without /proc/sys (a container that hides it) the boot is not known:
	 * the cookie alone still tells namespaces apart while this kernel runs. */
	if (boot_id(boot, sizeof(boot)) < 0)
		snprintf(boot, sizeof(boot), "unknown");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &clen);
	close(fd);
	if (r == 0)
		snprintf(buf, len, "cookie %llu boot %s", (unsigned long long)cookie, boot);
	else if (errno == ENOPROTOOPT)
		snprintf(buf, len, "inode %llu boot %s", (unsigned long long)self.st_ino, boot);
	else
		return -errno;
	return 0;
}
