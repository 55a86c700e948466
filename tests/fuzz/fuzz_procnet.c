// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_procnet.c: the /proc/net parsers on arbitrary bytes.
 *
 * Each input is read as every file twtune reads under /proc/net: tcp and
 * tcp6 (streamed through a FILE, as procnet_sockets does), sockstat,
 * netstat and snmp. Seeds are real files, unchanged.
 */
#include <errno.h>
#include <sys/socket.h>

#include "fuzz_common.h"
#include "procnet.h"
#include "sockets.h"

static uint8_t reserved[65536 / 8];

static void tcp_file(const uint8_t *data, size_t size, int family)
{
	static const struct ephemeral eph = { 32768, 60999, reserved };
	struct sock_snapshot s;
	FILE *f;

	if (size == 0)
		return; /* fmemopen refuses an empty buffer */
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return;
	if (sockets_init(&s, &eph) == 0) {
		int r = procnet_parse_tcp_file(&s, family, f);

		FUZZ_CHECK(r == 0 || r == -ENOMEM);
		fuzz_check_snapshot(&s);
		fuzz_check_sides(&s);
	}
	sockets_free(&s);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_counters c;
	char *text;

	reserved[40000 >> 3] |= 1u << (40000 & 7);
	tcp_file(data, size, AF_INET);
	tcp_file(data, size, AF_INET6);
	text = fuzz_strndup(data, size);
	if (!text)
		return 0;
	memset(&c, 0xff, sizeof(c));
	procnet_parse_sockstat(text, &c);
	procnet_parse_netstat(text, &c);
	procnet_parse_snmp(text, &c);
	FUZZ_CHECK(c.sockstat_inuse >= -1 && c.sockstat_orphan >= -1 && c.sockstat_tw >= -1 &&
		   c.sockstat_alloc >= -1 && c.sockstat6_inuse >= -1);
	free(text);
	return 0;
}
