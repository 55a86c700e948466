// SPDX-License-Identifier: GPL-2.0-or-later
/* sockgen: makes exact numbers of TCP sockets in given states, for the
 * tests and the benchmark. Run it inside a private network namespace.
 *
 *   sockgen [--addr A] --port P[-Q] [--tw-client N] [--tw-server N]
 *           [--established N] [--close-wait N] [--listen PORT]... [--hold SEC]
 *
 * --port P-Q spreads the connections over the listening ports P..Q, one
 * destination each. --tw-client: the client closes first and keeps a
 * TIME_WAIT on its ephemeral port; --tw-server: the server closes first.
 * --close-wait: the client closes and the server never does, leaving the
 * server side in CLOSE_WAIT. --established pairs, --close-wait sockets and
 * --listen sockets stay open for --hold seconds
 * (default 0); "ready" is printed once everything is in place. Exits 0 when
 * every socket reached its state, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 512
#define MAX_PORTS 4096
#define MAX_LISTEN 16

static int family = AF_INET;
static struct sockaddr_storage addr;
static socklen_t addrlen;
static int listeners[MAX_PORTS];
static unsigned port_lo, port_hi;

static void die(const char *what)
{
	fprintf(stderr, "sockgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static int listen_on(unsigned port)
{
	struct sockaddr_storage ss = addr;
	int one = 1, fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_port(&ss, port);
	if (bind(fd, (struct sockaddr *)&ss, addrlen) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

/* Makes n connected pairs towards the listeners, round-robin. */
static void pairs(int *cli, int *srv, unsigned n, unsigned *next)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned k = (*next)++ % (port_hi - port_lo + 1);
		struct sockaddr_storage ss = addr;

		set_port(&ss, port_lo + k);
		cli[i] = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cli[i] < 0)
			die("socket");
		if (connect(cli[i], (struct sockaddr *)&ss, addrlen) < 0)
			die("connect");
		srv[i] = accept4(listeners[k], NULL, NULL, SOCK_CLOEXEC);
		if (srv[i] < 0)
			die("accept");
	}
}

/* The first closer closes; the other side sees EOF and closes too. */
static void close_pairs(int *first, int *second, unsigned n)
{
	char c;

	for (unsigned i = 0; i < n; i++)
		close(first[i]);
	for (unsigned i = 0; i < n; i++) {
		struct pollfd p = { second[i], POLLIN, 0 };

		if (poll(&p, 1, 5000) != 1 || recv(second[i], &c, 1, 0) != 0) {
			errno = ETIMEDOUT;
			die("waiting for the peer's FIN");
		}
		close(second[i]);
	}
}

static void time_waits(unsigned n, bool client_first, unsigned *next)
{
	static int cli[BATCH], srv[BATCH];

	while (n) {
		unsigned b = n < BATCH ? n : BATCH;

		pairs(cli, srv, b, next);
		if (client_first)
			close_pairs(cli, srv, b);
		else
			close_pairs(srv, cli, b);
		n -= b;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "tw-client", required_argument, NULL, 'c' },
		{ "tw-server", required_argument, NULL, 's' },
		{ "established", required_argument, NULL, 'e' },
		{ "close-wait", required_argument, NULL, 'w' },
		{ "listen", required_argument, NULL, 'l' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = "127.0.0.1";
	unsigned tw_client = 0, tw_server = 0, established = 0, close_wait = 0, hold = 0, next = 0;
	unsigned extra[MAX_LISTEN], nextra = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		unsigned long v = 0;

		if (opt == '?')
			return 2; /* getopt_long said what was wrong */
		if (opt != 'a') {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || (*end && !(opt == 'p' && *end == '-')) ||
			    v > 100000000) {
				fprintf(stderr, "sockgen: bad number '%s'\n", optarg);
				return 2;
			}
		}
		switch (opt) {
		case 'a': host = optarg; break;
		case 'p':
			port_lo = port_hi = (unsigned)v;
			if (*end == '-')
				port_hi = (unsigned)strtoul(end + 1, NULL, 10);
			break;
		case 'c': tw_client = (unsigned)v; break;
		case 's': tw_server = (unsigned)v; break;
		case 'e': established = (unsigned)v; break;
		case 'w': close_wait = (unsigned)v; break;
		case 'l':
			if (nextra < MAX_LISTEN)
				extra[nextra++] = (unsigned)v;
			break;
		case 'h': hold = (unsigned)v; break;
		default: return 2;
		}
	}
	if ((tw_client || tw_server || established || close_wait) &&
	    (!port_lo || port_hi < port_lo || port_hi > 65535 || port_hi - port_lo >= MAX_PORTS)) {
		fprintf(stderr, "sockgen: --port P or P-Q (at most %d ports) is needed\n", MAX_PORTS);
		return 2;
	}
	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&addr)->sin_addr) == 1) {
		addr.ss_family = AF_INET;
		addrlen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&addr)->sin6_addr) == 1) {
		family = AF_INET6;
		addr.ss_family = AF_INET6;
		addrlen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "sockgen: bad address '%s'\n", host);
		return 2;
	}
	{
		rlim_t n = 2 * (rlim_t)(established + close_wait) + 2 * BATCH + MAX_PORTS + 64;
		struct rlimit rl = { n, n };

		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			die("setrlimit");
	}
	for (unsigned p = port_lo; p && p <= port_hi; p++)
		listeners[p - port_lo] = listen_on(p);
	for (unsigned i = 0; i < nextra; i++)
		listen_on(extra[i]);
	time_waits(tw_client, true, &next);
	time_waits(tw_server, false, &next);
	if (established) {
		int *cli = calloc(established, sizeof(int)), *srv = calloc(established, sizeof(int));

		if (!cli || !srv)
			die("calloc");
		pairs(cli, srv, established, &next);
		/* the sockets stay open to the end; their numbers are not needed */
		free(cli);
		free(srv);
	}
	if (close_wait) {
		int *cli = calloc(close_wait, sizeof(int)), *srv = calloc(close_wait, sizeof(int));

		if (!cli || !srv)
			die("calloc");
		pairs(cli, srv, close_wait, &next);
		for (unsigned i = 0; i < close_wait; i++)
			close(cli[i]);
		free(cli);
		free(srv);
	}
	if (!hold)
		return 0;
	printf("ready\n");
	fflush(stdout);
	{
		struct timespec ts = { hold, 0 };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return 0;
}
