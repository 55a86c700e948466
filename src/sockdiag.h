/* sockdiag.h: TCP sockets over NETLINK_SOCK_DIAG (libnl-3 core) */
#ifndef TWTUNE_SOCKDIAG_H
#define TWTUNE_SOCKDIAG_H

#include <stddef.h>

#include "sockets.h"

/* Dumps both families into s (whose eph and bitmap are set up): one
 * legacy TCPDIAG_GETSOCK dump, or one inet_diag_req_v2 dump per family when
 * the kernel refuses it or TWTUNE_DIAG_PER_FAMILY=1 is in the environment.
 * Retries a dump the kernel marks interrupted. 0 or -errno. Records the raw messages
 * to the file named by TWTUNE_DIAG_RECORD, when set. */
int sockdiag_dump(struct sock_snapshot *s);

/* Accounts one netlink message (struct nlmsghdr and its payload, len bytes
 * available). 0, 1 at NLMSG_DONE, or -errno (-EBADMSG when truncated, the
 * kernel's error for NLMSG_ERROR). */
int sockdiag_parse_msg(struct sock_snapshot *s, const void *msg, size_t len);

/* Accounts a buffer of netlink messages, as recorded. 0 or -errno. */
int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len);

/* Replays a recorded dump (TWTUNE_DIAG_RECORD) from a file. 0 or -errno. */
int sockdiag_replay(struct sock_snapshot *s, const char *path);

#endif
