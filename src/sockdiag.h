/* sockdiag.h: TCP sockets over NETLINK_SOCK_DIAG (libnl-3 core) */
#ifndef TWTUNE_SOCKDIAG_H
#define TWTUNE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "sockets.h"

/* A dump comes in one of two shapes. One walk: the legacy TCPDIAG_GETSOCK
 * request, which the kernel answers for both families in one walk of its
 * socket tables (replies typed TCPDIAG_GETSOCK), ending with one
 * NLMSG_DONE. Per family: one inet_diag_req_v2 dump of AF_INET, then one of
 * AF_INET6 (replies typed SOCK_DIAG_BY_FAMILY), each ending with
 * NLMSG_DONE. A dump whose messages carried NLM_F_DUMP_INTR starts the
 * whole dump again, from nothing, at most SOCKDIAG_MAX_RESTARTS times.
 * The live dump and the replay of a recorded one feed every message, in
 * order, to sockdiag_feed(): one decoder, one set of rules. A recording
 * holds the requests too (NLM_F_REQUEST set), so that a replay knows the
 * shape even of a dump without sockets. */
#define SOCKDIAG_MAX_RESTARTS 5

struct diag_dump {
	struct sock_snapshot *s;
	int family;       /* per family: 0 while AF_INET is dumped, 1 for AF_INET6; 2 when complete */
	bool shape_known; /* set by the live request, or by the first request or reply seen */
	bool one_walk;    /* the shape: one TCPDIAG_GETSOCK dump of both families */
	bool interrupted; /* NLM_F_DUMP_INTR seen in this dump */
	int restarts;
};

/* What sockdiag_feed() says about the message fed. */
enum diag_step {
	DIAG_MORE,        /* more messages of this family to come */
	DIAG_NEXT_FAMILY, /* AF_INET is complete: dump AF_INET6 */
	DIAG_RESTART,     /* interrupted: the snapshot is empty again, dump AF_INET again */
	DIAG_COMPLETE,    /* both families dumped: the snapshot is whole */
};

void sockdiag_dump_init(struct diag_dump *d, struct sock_snapshot *s);

/* Accounts one netlink message (struct nlmsghdr and its payload; len bytes
 * are readable). Returns a diag_step, or -errno with s->diag_fault set to
 * what went wrong: -EBADMSG for a malformed message (too short, a family
 * that was not asked for, anything after the end), the kernel's error for
 * NLMSG_ERROR or a failed NLMSG_DONE, -EAGAIN when interrupted once too
 * often, -ENOMEM. */
int sockdiag_feed(struct diag_dump *d, const void *msg, size_t len);

/* Accounts a buffer of netlink messages holding one whole dump, as
 * TWTUNE_DIAG_RECORD records it. 0, or -errno with s->diag_fault set:
 * -ENODATA when the buffer ends before the dump does. */
int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len);

/* Dumps both families into s (whose eph and bitmap are set up): in one
 * walk, or per family when per_family is set or the kernel refuses the
 * one-walk request. 0, or
 * -errno with s->diag_fault set when sock_diag failed (DIAG_FAULT_NONE for
 * -ENOMEM and for a failure to record). Writes every message received to
 * the file named by TWTUNE_DIAG_RECORD, when set. */
int sockdiag_dump(struct sock_snapshot *s, bool per_family);

/* Replays a recorded dump from a file, exactly as sockdiag_dump() would
 * have seen it. 0 or -errno, with s->diag_fault set as above. */
int sockdiag_replay(struct sock_snapshot *s, const char *path);

#endif
