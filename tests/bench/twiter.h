// SPDX-License-Identifier: GPL-2.0-or-later
/* twiter.h: what twiter.bpf.c and twiter.c share. */
#ifndef TWITER_H
#define TWITER_H

#define TWITER_MAX_DESTS 65536
#define TWITER_NSTATS 15

struct twiter_key {
	__u32 local[4];
	__u32 remote[4];
	__u16 port;
	__u8 family;
	__u8 pad;
};

struct twiter_val {
	__u64 used;
	__u64 time_wait;
};

#endif
