// SPDX-License-Identifier: GPL-2.0-or-later
/* nsid.h: which network namespace this is, in words that stay true: for a
 * journal that must be rolled back in the namespace it was made in */
#ifndef TWTUNE_NSID_H
#define TWTUNE_NSID_H

#include <stdbool.h>
#include <stddef.h>

/* The current network namespace as text (at most NSID_MAX - 1 bytes):
 *   "init"                       the namespace of PID 1 (the host's, or a
 *                                container's own): stable across reboots
 *   "cookie N boot UUID"         any other: its netns cookie (SO_NETNS_COOKIE,
 *                                Linux 5.14, never reused while the kernel
 *                                runs) and the kernel's boot id ("unknown"
 *                                where /proc/sys hides it)
 *   "inode N boot UUID"          the same before 5.14 (an inode number can
 *                                be reused once the namespace is gone)
 * 0 or -errno. */
#define NSID_MAX 96
int nsid_current(char *buf, size_t len);
/* Is the namespace of id (nsid_current's text) certainly gone: one of an
 * earlier boot? ("init" never is: it is there again after a reboot.) */
bool nsid_gone(const char *id);

#endif
