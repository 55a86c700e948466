// SPDX-License-Identifier: GPL-2.0-or-later
/* connclient: a client for the observe tests. Run it inside a private
 * network namespace.
 *
 *   connclient --to ADDR:PORT --count N [--listen] [--nonblock]
 *   connclient --bind ADDR --count N
 *
 * --to: N blocking connect()s one after the other towards ADDR:PORT, each
 * closed by the client first once the server has accepted it (so the
 * client side enters TIME_WAIT); with --listen it listens on ADDR:PORT
 * itself, accepts each connection and closes it after the client. A
 * connect() that fails is not retried. --nonblock: non-blocking connect()s,
 * the outcome from poll() and SO_ERROR (at most 5 s each).
 * --bind: N sockets bound to ADDR port 0 and kept open until the end, so
 * that the ephemeral range runs out and bind() fails with EADDRINUSE.
 * Prints one line with its own counts:
 *   attempts N successes N EADDRNOTAVAIL N EADDRINUSE N other N
 * and exits 0 (2 on bad usage, 1 when the set-up itself fails).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_COUNT 10000

static bool nonblock;

struct counts {
	unsigned attempts, successes, eaddrnotavail, eaddrinuse, other;
};

static void die(const char *what)
{
	fprintf(stderr, "connclient: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void count_error(struct counts *c, int err)
{
	if (err == EADDRNOTAVAIL)
		c->eaddrnotavail++;
	else if (err == EADDRINUSE)
		c->eaddrinuse++;
	else
		c->other++;
}

static int parse_addr(const char *s, struct sockaddr_in *sin, bool want_port)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n = want_port ? (colon ? (size_t)(colon - s) : 0) : strlen(s);
	char *end;
	long port = 0;

	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (want_port) {
		port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535)
			return -1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static int listen_on(const struct sockaddr_in *sin)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0)
		die("bind");
	if (listen(fd, 128) < 0)
		die("listen");
	return fd;
}

/* connect(), blocking or not: 0 or an errno. */
static int do_connect(int fd, const struct sockaddr_in *to)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0)
		return 0;
	if (!nonblock || errno != EINPROGRESS)
		return errno;
	if (poll(&p, 1, 5000) != 1)
		return ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		die("getsockopt");
	return err;
}

/* One connection: connect, wait for the server to accept, close first. */
static void one_connect(const struct sockaddr_in *to, int lfd, struct counts *c)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int s = -1, err;
	char b;

	if (fd < 0)
		die("socket");
	c->attempts++;
	if ((err = do_connect(fd, to)) != 0) {
		errno = err;
		count_error(c, errno);
		close(fd);
		return;
	}
	c->successes++;
	if (lfd >= 0 && (s = accept(lfd, NULL, NULL)) < 0)
		die("accept");
	close(fd);
	if (s >= 0) {
		/* the client's FIN first, then ours: the client keeps TIME_WAIT */
		while (read(s, &b, 1) > 0)
			;
		close(s);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },   { "bind", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' }, { "listen", no_argument, NULL, 'l' },
		{ "nonblock", no_argument, NULL, 'n' },    { NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *bindto = NULL;
	struct sockaddr_in sin;
	struct counts c = { 0 };
	bool listen_too = false;
	long count = 0;
	char *end;
	int opt, lfd = -1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't': to = optarg; break;
		case 'b': bindto = optarg; break;
		case 'l': listen_too = true; break;
		case 'n': nonblock = true; break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count < 1 || count > MAX_COUNT)
				count = -1;
			break;
		default: return 2;
		}
	}
	if (count <= 0 || !to == !bindto ||
	    parse_addr(to ? to : bindto, &sin, to != NULL) < 0 || optind < argc) {
		fprintf(stderr, "usage: connclient --to ADDR:PORT --count N [--listen] [--nonblock]\n"
				"       connclient --bind ADDR --count N\n");
		return 2;
	}
	if (to && listen_too)
		lfd = listen_on(&sin);
	for (long i = 0; i < count; i++) {
		if (to) {
			one_connect(&sin, lfd, &c);
			continue;
		}
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket");
		c.attempts++;
		if (bind(fd, (const struct sockaddr *)&sin, sizeof(sin)) == 0) {
			c.successes++; /* kept open: its port stays taken */
		} else {
			count_error(&c, errno);
			close(fd);
		}
	}
	printf("attempts %u successes %u EADDRNOTAVAIL %u EADDRINUSE %u other %u\n", c.attempts,
	       c.successes, c.eaddrnotavail, c.eaddrinuse, c.other);
	return fflush(stdout) == 0 ? 0 : 1;
}
