/* fuzz_diag.c: the inet_diag message parser on arbitrary netlink buffers.
 *
 * Input: what TWTUNE_DIAG_RECORD writes and TWTUNE_DIAG_REPLAY reads, the
 * raw netlink messages of one dump. sockdiag_parse_buffer() is the same
 * code the live dump feeds each received message to. A buffer is either
 * accepted as a whole dump, giving a consistent snapshot that renders, or
 * refused with an error.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "json.h"
#include "sockdiag.h"
#include "sockets.h"
#include "sockets_render.h"

static uint8_t reserved[65536 / 8];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ephemeral eph = { 32768, 60999, reserved };
	static FILE *devnull;
	struct sock_snapshot s;
	int r;

	if (!devnull) {
		devnull = fopen("/dev/null", "we");
		FUZZ_CHECK(devnull != NULL);
		reserved[40000 >> 3] |= 1u << (40000 & 7);
	}
	memset(&s, 0, sizeof(s));
	s.eph = eph;
	if (sockets_reset(&s) < 0)
		return 0;
	r = sockdiag_parse_buffer(&s, data, size);
	FUZZ_CHECK(r <= 0 && r > -4096);
	/* a refusal always says why, so that the caller can fall back */
	FUZZ_CHECK(r == 0 || r == -ENOMEM || s.diag_fault != DIAG_FAULT_NONE);
	if (r == 0) {
		struct json j;

		fuzz_check_snapshot(&s);
		json_init(&j, devnull);
		sockets_json(&j, NULL, &s, 10);
		json_end(&j);
		sockets_text(devnull, &s, 10);
	}
	sockets_free(&s);
	return 0;
}
