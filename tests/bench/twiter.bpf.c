// SPDX-License-Identifier: GPL-2.0-or-later
/* twiter.bpf.c: the kernel walk of issue 13 item 6, for `make bench` only.
 * An iter/tcp program visits every TCP socket of the namespace that made
 * the iterator (listeners first, then the established hash, which holds
 * TIME_WAIT and request socks as struct sock_common) and counts, per
 * destination (local address, remote address, remote port), the sockets
 * that use a local port twtune's model counts (src/model/sockets.c
 * sockets_account: in the ephemeral range, not a listening port). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "twiter.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET		2
#define AF_INET6	10
#define ST_ESTABLISHED	1
#define ST_SYN_RECV	3
#define ST_TIME_WAIT	6
#define ST_LISTEN	10
#define ST_NEW_SYN_RECV	12

const volatile __u16 eph_low = 32768;
const volatile __u16 eph_high = 60999;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TWITER_MAX_DESTS);
	__type(key, struct twiter_key);
	__type(value, struct twiter_val);
} dests SEC(".maps");

/* One bit per listening port, as sockets_account's bitmap. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536 / 64);
	__type(key, __u32);
	__type(value, __u64);
} listen_ports SEC(".maps");

/* [0] sockets seen, [1..13] per kernel state (12 counted as SYN_RECV, as
 * sock_diag reports a request sock), [14] destinations the map could not
 * hold. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TWITER_NSTATS);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static void bump(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &i);

	if (v)
		(*v)++;
}

SEC("iter/tcp")
int count_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct twiter_key k = {};
	struct twiter_val one = { 1, 0 }, *v;
	__u32 word;
	__u64 *bits;
	__u16 sport;
	__u8 state, family;

	if (!skc)
		return 0;
	family = skc->skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	state = skc->skc_state;
	if (state == ST_NEW_SYN_RECV)
		state = ST_SYN_RECV;
	if (state == 0 || state > 12)
		return 0;
	bump(0);
	bump(state);
	sport = skc->skc_num;
	word = sport / 64;
	bits = bpf_map_lookup_elem(&listen_ports, &word);
	if (!bits)
		return 0;
	if (state == ST_LISTEN) {
		*bits |= 1ULL << (sport % 64);
		return 0;
	}
	if (sport < eph_low || sport > eph_high || (*bits >> (sport % 64)) & 1)
		return 0;
	k.family = family;
	k.port = bpf_ntohs(skc->skc_dport);
	if (family == AF_INET) {
		k.local[0] = skc->skc_rcv_saddr;
		k.remote[0] = skc->skc_daddr;
	} else {
		for (int i = 0; i < 4; i++) {
			k.local[i] = skc->skc_v6_rcv_saddr.in6_u.u6_addr32[i];
			k.remote[i] = skc->skc_v6_daddr.in6_u.u6_addr32[i];
		}
	}
	one.time_wait = state == ST_TIME_WAIT;
	v = bpf_map_lookup_elem(&dests, &k);
	if (v) {
		v->used++;
		v->time_wait += one.time_wait;
	} else if (bpf_map_update_elem(&dests, &k, &one, BPF_NOEXIST)) {
		bump(TWITER_NSTATS - 1);
	}
	return 0;
}
