// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netns.c: the identity and inode of the namespace the process is in */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "netns.h"
#include "tap.h"

int main(void)
{
	char buf[64], want[64], tiny[4];
	struct stat st;
	uint32_t ino = netns_self_inode();

	TAP_OK(stat("/proc/self/ns/net", &st) == 0 && ino == (uint32_t)st.st_ino && ino != 0,
	       "netns_self_inode is the inode of /proc/self/ns/net (%" PRIu32 ")", ino);
	snprintf(want, sizeof(want), "net:[%" PRIu32 "]", ino);
	TAP_OK(netns_identity(buf, sizeof(buf)) == buf && !strcmp(buf, want),
	       "netns_identity: \"%s\"", buf);
	TAP_OK(netns_identity(tiny, sizeof(tiny)) == tiny && strlen(tiny) == 3 &&
		       !strncmp(tiny, want, 3),
	       "netns_identity cut to the buffer: \"%s\"", tiny);
	return tap_done();
}
