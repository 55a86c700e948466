// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnf: the libnl-nf-3 way to dump conntrack, for comparison with
 * twtune's raw decoder (src/kernel/conntrack.c, driven by ct_tool).
 *
 *   ctnf [N]   dumps the table of this namespace N times (default 1) with
 *              nfnl_ct_dump_request(), each reply parsed by
 *              nfnlmsg_ct_parse() into an nfnl_ct object (what libnl-nf-3
 *              offers), counted and freed; prints "entries E time_wait T"
 *              of the last dump.
 */
#include <stdio.h>
#include <stdlib.h>

#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>

struct counts {
	unsigned long entries, time_wait;
};

static int valid(struct nl_msg *msg, void *arg)
{
	struct counts *c = arg;
	struct nfnl_ct *ct = NULL;

	if (nfnlmsg_ct_parse(nlmsg_hdr(msg), &ct) < 0)
		return NL_SKIP;
	c->entries++;
	c->time_wait += nfnl_ct_get_tcp_state(ct) == 7;
	nfnl_ct_put(ct);
	return NL_OK;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	struct counts c = { 0, 0 };
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || nfnl_connect(sk) < 0)
		return 1;
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, valid, &c);
	for (int i = 0; i < n && i < 1000; i++) {
		c = (struct counts){ 0, 0 };
		if (nfnl_ct_dump_request(sk) < 0 || nl_recvmsgs_default(sk) < 0)
			return 1;
	}
	printf("entries %lu time_wait %lu\n", c.entries, c.time_wait);
	nl_socket_free(sk);
	return 0;
}
