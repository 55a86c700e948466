// SPDX-License-Identifier: GPL-2.0-or-later
/* twgen: makes many client-side TIME_WAIT sockets fast, for `make bench`.
 * Run it inside a private network namespace with lo up.
 *
 *   twgen --count N [--v4 K] [--v6] [--ports P-Q] [--workers W]
 *
 * Destinations are every (address, port) pair: the addresses 127.0.0.1 ..
 * 127.0.0.K (--v4, default 4) and ::1 (--v6), times the ports P..Q
 * (default 5001-5004). Each of W worker processes (default 2) owns every
 * W-th destination, listens on it and makes its share of the N sockets,
 * round-robin over its destinations, in batches: connect all, accept all,
 * close the clients (they wait in FIN_WAIT2), then close the accepted
 * sockets, whose FIN puts the clients in TIME_WAIT. Exits 0 when every
 * connection was made, 1 otherwise; it does not check the kernel's count
 * (the caller reads /proc/net/sockstat).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH 1024
#define MAX_DESTS 1024
#define MAX_WORKERS 16

struct target {
	struct sockaddr_storage sa;
	socklen_t len;
	int lfd;
};

static struct target dests[MAX_DESTS];
static unsigned ndests;

static void die(const char *what)
{
	fprintf(stderr, "twgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "twgen: bad number '%s' (0..%lu)\n", s, max);
		exit(2);
	}
	return v;
}

static void add_dest(int family, unsigned v4host, unsigned port)
{
	struct target *t = &dests[ndests++];

	memset(t, 0, sizeof(*t));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&t->sa;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		in->sin_addr.s_addr = htonl(0x7f000000u | v4host);
		t->len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_addr = in6addr_loopback;
		t->len = sizeof(*in6);
	}
	t->lfd = -1;
}

static void listen_on(struct target *t)
{
	int one = 1;

	t->lfd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (t->lfd < 0)
		die("socket");
	setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(t->lfd, (struct sockaddr *)&t->sa, t->len) < 0)
		die("bind");
	if (listen(t->lfd, BATCH) < 0)
		die("listen");
}

/* Worker w: destinations w, w + W, ...; makes n TIME_WAIT sockets. */
static int work(unsigned w, unsigned nworkers, unsigned long n)
{
	static int cli[BATCH], srv[BATCH];
	static unsigned mine[MAX_DESTS];
	unsigned nmine = 0, next = 0;

	for (unsigned i = w; i < ndests; i += nworkers) {
		listen_on(&dests[i]);
		mine[nmine++] = i;
	}
	while (n) {
		unsigned b = n < BATCH ? (unsigned)n : BATCH;

		for (unsigned i = 0; i < b; i++) {
			struct target *t = &dests[mine[(next + i) % nmine]];

			cli[i] = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (cli[i] < 0)
				die("socket");
			if (connect(cli[i], (struct sockaddr *)&t->sa, t->len) < 0)
				die("connect");
		}
		/* Each listener's queue holds its connections in order. */
		for (unsigned i = 0; i < b; i++) {
			srv[i] = accept4(dests[mine[(next + i) % nmine]].lfd, NULL, NULL, SOCK_CLOEXEC);
			if (srv[i] < 0)
				die("accept");
		}
		for (unsigned i = 0; i < b; i++)
			close(cli[i]);
		for (unsigned i = 0; i < b; i++)
			close(srv[i]);
		next = (next + b) % nmine;
		n -= b;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' }, { "v4", required_argument, NULL, '4' },
		{ "v6", no_argument, NULL, '6' },          { "ports", required_argument, NULL, 'p' },
		{ "workers", required_argument, NULL, 'w' }, { NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, v4 = 4, nworkers = 2, plo = 5001, phi = 5004;
	int v6 = 0, opt, failed = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': count = number(optarg, 10000000); break;
		case '4': v4 = number(optarg, 254); break;
		case '6': v6 = 1; break;
		case 'w': nworkers = number(optarg, MAX_WORKERS); break;
		case 'p': {
			char *dash = strchr(optarg, '-');

			if (dash)
				*dash = '\0';
			plo = number(optarg, 65535);
			phi = dash ? number(dash + 1, 65535) : plo;
			break;
		}
		default: return 2;
		}
	}
	if (optind < argc || !count || !nworkers || !plo || phi < plo || (!v4 && !v6)) {
		fprintf(stderr, "twgen: usage: twgen --count N [--v4 K] [--v6] [--ports P-Q] "
				"[--workers W]\n");
		return 2;
	}
	for (unsigned long p = plo; p <= phi; p++) {
		for (unsigned long h = 1; h <= v4 && ndests < MAX_DESTS; h++)
			add_dest(AF_INET, (unsigned)h, (unsigned)p);
		if (v6 && ndests < MAX_DESTS)
			add_dest(AF_INET6, 0, (unsigned)p);
	}
	if (nworkers > ndests)
		nworkers = ndests;
	{
		struct rlimit rl = { 2 * BATCH + MAX_DESTS + 64, 2 * BATCH + MAX_DESTS + 64 };

		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			die("setrlimit");
	}
	for (unsigned w = 0; w < nworkers; w++) {
		unsigned long share = count / nworkers + (w < count % nworkers);
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(work(w, (unsigned)nworkers, share));
	}
	for (unsigned w = 0; w < nworkers; w++) {
		int st;

		if (wait(&st) < 0)
			die("wait");
		failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	return failed;
}
