// SPDX-License-Identifier: GPL-2.0-or-later
/* twiter: the kernel walk of issue 13 item 6, for `make bench` only. Loads
 * twiter.bpf.c (an iter/tcp program), reads the iterator once, which runs
 * it over every TCP socket of this network namespace, and reads back the
 * per-destination counts it left in a BPF hash map: the same used and
 * TIME_WAIT counts as `twtune sockets` (src/model/sockets.c sockets_account),
 * without one sock_diag message per socket.
 *
 *   twiter [--list]
 *
 * Prints "sockets N destinations D used U time_wait T load_ms L walk_ms W"
 * (L: open, verify and attach the program; W: the walk and reading the map
 * back); with --list, first one "local remote port used time_wait" line per
 * destination. Exits 0, or
 * one line on stderr and exits 4 (2 for a bad argument).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "twiter.h"
/* The generated skeleton: one long string, and an empty struct. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#pragma GCC diagnostic ignored "-Wpedantic"
#include "twiter.skel.h"
#pragma GCC diagnostic pop

static double ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "twiter: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 4;
}

static int read_range(unsigned *lo, unsigned *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%u %u", lo, hi);
	fclose(f);
	return n == 2 && *lo <= *hi && *hi < 65536 ? 0 : -EINVAL;
}

/* Runs the program over every socket: one read() of the iterator to EOF. */
static int walk(struct bpf_link *link)
{
	char buf[4096];
	ssize_t n;
	int fd = bpf_iter_create(bpf_link__fd(link));

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -errno : 0;
}

static void print_dest(const struct twiter_key *k, const struct twiter_val *v)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	int af = k->family == 2 ? AF_INET : AF_INET6;

	inet_ntop(af, k->local, l, sizeof(l));
	inet_ntop(af, k->remote, r, sizeof(r));
	printf("%s %s %u %llu %llu\n", l, r, k->port, (unsigned long long)v->used,
	       (unsigned long long)v->time_wait);
}

static int report(struct twiter_bpf *skel, int list, double t0, double t1)
{
	struct twiter_key k, next, *prev = NULL;
	struct twiter_val v;
	unsigned long long dests = 0, used = 0, tw = 0, st[TWITER_NSTATS] = { 0 };
	int mfd = bpf_map__fd(skel->maps.dests), sfd = bpf_map__fd(skel->maps.stats);

	for (__u32 i = 0; i < TWITER_NSTATS; i++)
		if (bpf_map_lookup_elem(sfd, &i, &st[i]))
			return -errno;
	if (st[TWITER_NSTATS - 1])
		return -ENOSPC;
	while (!bpf_map_get_next_key(mfd, prev, &next)) {
		if (bpf_map_lookup_elem(mfd, &next, &v))
			return -errno;
		dests++;
		used += v.used;
		tw += v.time_wait;
		if (list)
			print_dest(&next, &v);
		k = next;
		prev = &k;
	}
	printf("sockets %llu destinations %llu used %llu time_wait %llu load_ms %.2f walk_ms %.2f\n",
	       st[0], dests, used, tw, t1 - t0, ms() - t1);
	return 0;
}

int main(int argc, char **argv)
{
	struct twiter_bpf *skel;
	struct bpf_link *link;
	unsigned lo, hi;
	double t0 = ms(), t1;
	int list = argc == 2 && !strcmp(argv[1], "--list"), err;

	if (argc > 2 || (argc == 2 && !list)) {
		fprintf(stderr, "usage: twiter [--list]\n");
		return 2;
	}
	err = read_range(&lo, &hi);
	if (err)
		return fail("/proc/sys/net/ipv4/ip_local_port_range", err);
	skel = twiter_bpf__open();
	if (!skel)
		return fail("open", errno);
	skel->rodata->eph_low = (__u16)lo;
	skel->rodata->eph_high = (__u16)hi;
	err = twiter_bpf__load(skel);
	if (err) {
		twiter_bpf__destroy(skel);
		return fail("load (verifier, or no CAP_BPF)", err);
	}
	link = bpf_program__attach_iter(skel->progs.count_tcp, NULL);
	if (!link) {
		err = -errno;
		twiter_bpf__destroy(skel);
		return fail("attach iter/tcp", err);
	}
	t1 = ms();
	err = walk(link);
	if (!err)
		err = report(skel, list, t0, t1);
	bpf_link__destroy(link);
	twiter_bpf__destroy(skel);
	return err ? fail(err == -ENOSPC ? "more destinations than the map holds" : "walk", err) : 0;
}
