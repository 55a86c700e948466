// SPDX-License-Identifier: GPL-2.0-or-later
/* sockdiag.h: TCP sockets over NETLINK_SOCK_DIAG (libnl-3 core) */
#ifndef TWTUNE_SOCKDIAG_H
#define TWTUNE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Why a sock_diag dump failed; when it did, the collection layer reads
 * /proc/net instead and the output says so. */
enum diag_fault {
	DIAG_FAULT_NONE,
	DIAG_FAULT_UNAVAILABLE, /* no sock_diag here: permission, module, family */
	DIAG_FAULT_SOCKET,      /* sending or receiving on the netlink socket failed */
	DIAG_FAULT_MALFORMED,   /* a message that is not what the kernel sends */
	DIAG_FAULT_TRUNCATED,   /* the dump ended before its last NLMSG_DONE */
	DIAG_FAULT_KERNEL,      /* NLMSG_ERROR, or NLMSG_DONE carrying an error */
	DIAG_FAULT_INTERRUPTED, /* NLM_F_DUMP_INTR on every attempt */
};

/* How a dump went: what failed (DIAG_FAULT_NONE when nothing did), its
 * -errno, and how many NLM_F_DUMP_INTR restarts it took. */
struct diag_status {
	enum diag_fault fault;
	int err;
	int restarts;
};

struct diag_dump {
	struct sock_snapshot *s;
	struct diag_status st;
	int family;       /* per family: 0 while AF_INET is dumped, 1 for AF_INET6; 2 when complete */
	bool shape_known; /* set by the live request, or by the first request or reply seen */
	bool one_walk;    /* the shape: one TCPDIAG_GETSOCK dump of both families */
	bool interrupted; /* NLM_F_DUMP_INTR seen in this dump */
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
 * are readable). Returns a diag_step, or -errno with d->st.fault set to
 * what went wrong: -EBADMSG for a malformed message (too short, a family
 * that was not asked for, anything after the end), the kernel's error for
 * NLMSG_ERROR or a failed NLMSG_DONE, -EAGAIN when interrupted once too
 * often, -ENOMEM. */
int sockdiag_feed(struct diag_dump *d, const void *msg, size_t len);

/* Accounts a buffer of netlink messages holding one whole dump, as
 * sockdiag_dump() records it. 0, or -errno with st->fault set: -ENODATA
 * when the buffer ends before the dump does. st gets the restarts too. */
int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len,
			  struct diag_status *st);

/* Dumps both families into s (whose eph and bitmap are set up): in one
 * walk, or per family when per_family is set or the kernel refuses the
 * one-walk request. 0, or -errno with st->fault set when sock_diag failed
 * (DIAG_FAULT_NONE for -ENOMEM and for a failure to record). Writes every
 * message sent and received to the file record, unless it is NULL. */
int sockdiag_dump(struct sock_snapshot *s, bool per_family, const char *record,
		  struct diag_status *st);

/* sockdiag_dump() for the sockets in STATES only (a mask of 1 << kernel
 * TCP state). 1 << TCP_LISTEN alone is the cheap request: the kernel
 * walks its listening hash and skips the established table
 * (inet_diag_dump_icsk), which every namespace shares unless
 * tcp_child_ehash_entries gives it its own. */
int sockdiag_dump_states(struct sock_snapshot *s, bool per_family, uint32_t states,
			 const char *record, struct diag_status *st);

/* Replays a recorded dump from a file, exactly as sockdiag_dump() would
 * have seen it. 0 or -errno, with st set as above. */
int sockdiag_replay(struct sock_snapshot *s, const char *path, struct diag_status *st);

#endif
