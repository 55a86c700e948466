// SPDX-License-Identifier: GPL-2.0-or-later
/* netns.h: entering another network namespace (--netns) */
#ifndef TWTUNE_NETNS_H
#define TWTUNE_NETNS_H

#include <stddef.h>
#include <stdint.h>

/* Enters the network namespace NAME (/run/netns/NAME, as `ip netns add`
 * makes it) or PATH (e.g. /proc/PID/ns/net). Must run before anything
 * opens /proc/sys, /proc/net or a netlink socket: all of them follow the
 * namespace of the thread at the time they are opened. 0 or -errno; on
 * error `path` holds what was tried. */
int netns_enter(const char *arg, char *path, size_t len);

/* The namespace this process is in, as /proc/self/ns/net names it
 * ("net:[4026531840]"), or "unknown". Returns buf. */
const char *netns_identity(char *buf, size_t len);

/* Its inode, or 0 when /proc/self/ns/net cannot be read. */
uint32_t netns_self_inode(void);

#endif
