// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_conntrack.c: the ctnetlink decoder on arbitrary netlink buffers,
 * and the /proc/net/stat/nf_conntrack parser on the same bytes as text.
 *
 * Input: what ct_tool --record writes, the raw netlink messages of one
 * conntrack dump. conntrack_parse_buffer() is the code the live dump feeds
 * each received message to. An accepted buffer gives counters that add
 * up; a refused one says why.
 */
#include <errno.h>

#include "conntrack.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_table t;
	struct ct_stats st;
	unsigned long long sum = 0, tcp = 0, nat = 0, src = 0;
	char *text;
	int r;

	conntrack_init(&t);
	r = conntrack_parse_buffer(&t, data, size);
	if (r == 0) {
		FUZZ_CHECK(t.dumped && t.fault == CT_FAULT_NONE);
		for (int i = 0; i < CT_PROTO_N; i++)
			sum += t.by_proto[i];
		for (int i = 0; i < CT_TCP_NSTATES; i++)
			tcp += t.tcp[i];
		for (size_t i = 0; i < t.nmaps; i++) {
			FUZZ_CHECK(t.maps[i].used > 0);
			FUZZ_CHECK(t.maps[i].time_wait + t.maps[i].close <= t.maps[i].used);
			FUZZ_CHECK(t.maps[i].port_lo <= t.maps[i].port_hi);
			nat += t.maps[i].used;
		}
		for (size_t i = 0; i < t.nsrcs; i++) {
			FUZZ_CHECK(t.srcs[i].nat <= t.srcs[i].entries);
			src += t.srcs[i].entries;
		}
		FUZZ_CHECK(sum == t.entries);
		FUZZ_CHECK(tcp == t.by_proto[CT_PROTO_TCP]);
		FUZZ_CHECK(nat == t.nat_entries);
		FUZZ_CHECK(src == t.entries);
		FUZZ_CHECK(t.restarts <= CT_MAX_RESTARTS);
	} else {
		FUZZ_CHECK(r < 0);
		FUZZ_CHECK(r == -ENOMEM || t.fault != CT_FAULT_NONE);
	}
	conntrack_free(&t);

	text = fuzz_strndup(data, size);
	if (text) {
		if (conntrack_parse_stats(text, &st) == 0)
			FUZZ_CHECK(st.cpus > 0);
		free(text);
	}
	return 0;
}
