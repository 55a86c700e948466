// SPDX-License-Identifier: GPL-2.0-or-later
/* test_collect.c: the collection layer's choice of source, fallback and
 * replay, table-driven over a /proc/net directory and replay files made
 * here; and the destination iterator of the model */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "sockets.h"
#include "sockets_render.h"
#include "tap.h"

static char dir[] = "/tmp/twtune-test-collect.XXXXXX";
static char proc_net[64], broken[64], missing[64], nowhere[64];

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void fixtures(void)
{
	static const char tcp[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt\n"
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n"
		"   1: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00001770 00000000\n"
		"   2: 0100007F:9C41 0100007F:1F90 01 00000000:00000000 00:00000000 00000000\n";
	static const char sockstat[] = "TCP: inuse 2 orphan 0 tw 1 alloc 3 mem 0\n";
	char path[96];

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(proc_net, sizeof(proc_net), "%s/net", dir);
	snprintf(broken, sizeof(broken), "%s/broken.bin", dir);
	snprintf(missing, sizeof(missing), "%s/missing.bin", dir);
	snprintf(nowhere, sizeof(nowhere), "%s/nowhere", dir);
	if (mkdir(proc_net, 0700) < 0) {
		printf("Bail out! mkdir: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/tcp", proc_net);
	put(path, tcp, sizeof(tcp) - 1);
	snprintf(path, sizeof(path), "%s/sockstat", proc_net);
	put(path, sockstat, sizeof(sockstat) - 1);
	put(broken, "\x05\0\0\0\0\0", 6); /* shorter than a netlink header */
}

static void cleanup(void)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/tcp", proc_net);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sockstat", proc_net);
	unlink(path);
	rmdir(proc_net);
	unlink(broken);
	rmdir(dir);
}

static void test_choice(void)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };
	const struct {
		const char *what;
		enum collect_source source;
		const char *replay, *proc_net;
		int r;
		enum sock_source from;
		enum diag_fault fault;
		const char *text; /* sockets_note() on success, sockets_failure() else */
	} cases[] = {
		{ "procfs only", COLLECT_PROCFS, NULL, proc_net, 0, SOURCE_PROCFS, DIAG_FAULT_NONE,
		  NULL },
		{ "auto: a broken replay falls back to /proc/net/tcp and says why", COLLECT_AUTO,
		  broken, proc_net, 0, SOURCE_PROCFS, DIAG_FAULT_MALFORMED,
		  "the sock_diag dump held a malformed netlink message; sockets counted from "
		  "/proc/net/tcp instead" },
		{ "sock_diag only: a broken replay is the result", COLLECT_SOCK_DIAG, broken, proc_net,
		  -EBADMSG, SOURCE_SOCK_DIAG, DIAG_FAULT_MALFORMED,
		  "the sock_diag dump held a malformed netlink message" },
		{ "auto: a missing replay file is no sock_diag fault: no fallback", COLLECT_AUTO,
		  missing, proc_net, -ENOENT, SOURCE_SOCK_DIAG, DIAG_FAULT_NONE,
		  "No such file or directory" },
		{ "auto: broken replay and no /proc/net/tcp either", COLLECT_AUTO, broken, nowhere,
		  -ENOENT, SOURCE_PROCFS, DIAG_FAULT_MALFORMED,
		  "the sock_diag dump held a malformed netlink message, and /proc/net/tcp: No such "
		  "file or directory" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct collect_opts o = { .source = cases[i].source,
					  .proc_net = cases[i].proc_net,
					  .replay = cases[i].replay };
		struct collect_result res;
		struct sock_snapshot s;
		char buf[300];
		const char *text;
		int r = collect_sockets(&s, &eph, &o, &res);

		TAP_OK(r == cases[i].r && res.diag.fault == cases[i].fault, "%s: returns %d (got %d)",
		       cases[i].what, cases[i].r, r);
		if (r == 0) {
			TAP_OK(s.source == cases[i].from && s.total == 3 &&
				       s.states[TCP_STATE_TIME_WAIT] == 1 && s.ndests == 1 &&
				       s.counters.sockstat_tw == 1,
			       "%s: the sockets and counters of /proc/net", cases[i].what);
			text = sockets_note(&res, buf, sizeof(buf));
			sockets_free(&s);
		} else {
			text = sockets_failure(&res, r, buf, sizeof(buf));
		}
		TAP_OK((!text && !cases[i].text) ||
			       (text && cases[i].text && strcmp(text, cases[i].text) == 0),
		       "%s: says '%s'", cases[i].what, text ? text : "(nothing)");
	}
}

static void test_dests(void)
{
	static const struct ephemeral eph = { 40000, 40999, NULL };
	const uint8_t l[4] = { 10, 0, 0, 1 };
	uint8_t r[4] = { 10, 0, 0, 2 };
	struct sock_snapshot s;
	unsigned long long used = 0;
	size_t n = 0;

	TAP_OK(sockets_init(&s, &eph) == 0, "an empty snapshot");
	TAP_OK(sockets_dests(&s, NULL) == NULL, "no destination in an empty snapshot");
	/* 100 destinations, more than the first table holds: it grows */
	for (unsigned i = 0; i < 300; i++) {
		r[3] = (uint8_t)(i % 100);
		sockets_account(&s, AF_INET, l, r, (uint16_t)(40000 + i), 80,
				i % 3 ? TCP_STATE_ESTABLISHED : TCP_STATE_TIME_WAIT);
	}
	for (const struct dest *d = sockets_dests(&s, NULL); d; d = sockets_dests(&s, d)) {
		n++;
		used += d->used;
	}
	TAP_OK(n == 100 && s.ndests == 100, "the iterator visits every destination once (%zu)", n);
	TAP_OK(used == 300, "and their sockets add up (%llu)", used);
	sockets_free(&s);
}

int main(void)
{
	fixtures();
	test_choice();
	test_dests();
	cleanup();
	return tap_done();
}
