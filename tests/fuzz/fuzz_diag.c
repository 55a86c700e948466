// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_diag.c: the inet_diag message parser on arbitrary netlink buffers.
 *
 * Input: what TWTUNE_DIAG_RECORD writes and TWTUNE_DIAG_REPLAY reads, the
 * raw netlink messages of one dump. sockdiag_parse_buffer() is the same
 * code the live dump feeds each received message to. A buffer is either
 * accepted as a whole dump, giving a consistent snapshot that renders, or
 * refused with an error.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "fuzz_common.h"
#include "json.h"
#include "sockdiag.h"
#include "sockets.h"
#include "sockets_render.h"

static uint8_t reserved[65536 / 8];

/* An accepted dump, counted again the plain way: the sockets of the last
 * attempt (after the last NLMSG_DONE that ended an interrupted family). */
static void check_counts(const struct sock_snapshot *s, const struct diag_status *st,
			 const uint8_t *p, size_t len)
{
	unsigned long long sockets = 0;
	int restarts = 0;
	bool intr = false;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, p, sizeof(h));
		/* a recorded request says only the shape of the dump */
		if (!(h.nlmsg_flags & NLM_F_REQUEST)) {
			if (h.nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (h.nlmsg_type == NLMSG_DONE && intr) {
				restarts++;
				sockets = 0;
				intr = false;
			} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY ||
				   h.nlmsg_type == TCPDIAG_GETSOCK) {
				struct inet_diag_msg m;

				memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
				sockets += m.idiag_state >= 1 && m.idiag_state < TCP_NSTATES;
			}
		}
		step = ((size_t)h.nlmsg_len + 3) & ~(size_t)3;
		if (step > len)
			break;
		p += step;
		len -= step;
	}
	FUZZ_CHECK(s->total == sockets);
	FUZZ_CHECK(st->restarts == restarts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ephemeral eph = { 32768, 60999, reserved };
	static FILE *devnull;
	struct sock_snapshot s;
	struct collect_result res;
	int r;

	if (!devnull) {
		devnull = fopen("/dev/null", "we");
		FUZZ_CHECK(devnull != NULL);
		reserved[40000 >> 3] |= 1u << (40000 & 7);
	}
	if (sockets_init(&s, &eph) < 0) {
		sockets_free(&s);
		return 0;
	}
	r = sockdiag_parse_buffer(&s, data, size, &res.diag);
	FUZZ_CHECK(r <= 0 && r > -4096);
	/* a refusal always says why, so that the caller can fall back */
	FUZZ_CHECK(r == 0 || r == -ENOMEM || res.diag.fault != DIAG_FAULT_NONE);
	if (r == 0) {
		struct sockets_view v;
		struct json j;

		fuzz_check_snapshot(&s);
		check_counts(&s, &res.diag, data, size);
		fuzz_check_sides(&s);
		if (sockets_view_build(&v, &s, &res, 10, -1) == 0) {
			json_init(&j, devnull);
			sockets_json(&j, NULL, &v);
			json_end(&j);
			sockets_text(devnull, &v);
		}
		sockets_view_free(&v);
	}
	sockets_free(&s);
	return 0;
}
