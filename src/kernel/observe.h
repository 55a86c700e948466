// SPDX-License-Identifier: GPL-2.0-or-later
/* observe.h: what the BPF program (observe.bpf.c) and user space
 * (observe.c) share: map keys and values. Plain fixed-size types only. */
#ifndef TWTUNE_OBSERVE_H
#define TWTUNE_OBSERVE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define OBS_COMM_LEN 16

/* One destination (remote address and port, and the local address the
 * kernel chose), one server port (local address and listening port), or
 * one bind() address (local only, port 0). Addresses in network order;
 * IPv4 in the first 4 bytes; an all-zero local address was never chosen. */
struct obs_key {
	__u32 netns;  /* inode of the network namespace */
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 port;   /* host order: remote port, or local listening port */
	__u8 local[16];
	__u8 remote[16];
};

/* A key and the process (thread group) behind it. tgid is the kernel's
 * (initial PID namespace): it tells processes apart, user space does not
 * show it (struct obs_proc's pid is the one to show). */
struct obs_pkey {
	struct obs_key key;
	__u32 tgid;
	__u32 pad;
};

/* Per destination. failures = eaddrnotavail + eaddrinuse + other. */
struct obs_dest {
	__u64 attempts;
	__u64 successes;
	__u64 eaddrnotavail;
	__u64 eaddrinuse;
	__u64 other;
	__u64 time_wait; /* client side TIME_WAIT entered */
};

/* Per (key, process): for destinations attempts and failures, for server
 * ports and bind addresses events (TIME_WAIT entered, bind failures). */
struct obs_proc {
	__u64 attempts;
	__u64 failures;
	__u64 events;
	__u64 cgroup; /* cgroup v2 id of the first event */
	char comm[OBS_COMM_LEN];
	__u32 pid;     /* the thread group id in the reader's PID namespace */
	__u32 visible; /* 0: the process has no pid there (pid is 0) */
};

#endif
