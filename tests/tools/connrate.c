// SPDX-License-Identifier: GPL-2.0-or-later
/* connrate: a client that connects at a set rate, closing first, for a
 * bounded time, and says what the kernel gave it: the test tool behind the
 * capacity tests (issue 20). Run it inside a private network namespace.
 * (tests/bench/connrate.c is another program: the churn of `make bench`.)
 *
 *   connrate --to ADDR:PORT [--to ADDR:PORT]... --rate R --seconds S
 *            [--listen] [--bind ADDR] [--no-port] [--reuseaddr]
 *            [--after T] [--hold-bound N]
 *
 * Every 1/R s it opens a socket, optionally binds it to ADDR port 0
 * (--bind; with SO_REUSEADDR first: --reuseaddr; with
 * IP_BIND_ADDRESS_NO_PORT: --no-port), connect()s (blocking) to the next
 * --to destination (round-robin, up to 8) and closes at once, so that the
 * client side enters TIME_WAIT. A late loop catches up, never more than R
 * attempts behind; a slow connect() lowers the rate achieved. --listen
 * listens on every --to itself and a thread accepts each connection,
 * reads it to EOF and closes it after the client. --hold-bound N first
 * binds N sockets to port 0 (on --bind ADDR, or 0.0.0.0) and keeps them,
 * never connected, until the end. --after T counts the attempts from T
 * seconds on apart as well (the steady state of a horizon).
 *
 * Prints, after S seconds (at most 300), one line:
 *   attempts N successes N EADDRNOTAVAIL N EADDRINUSE N other N
 *   seconds S median_us M p99_us P after_attempts N after_successes N
 * (one line; latency: of the successful connect() calls, from a sample of
 * at most 100000), and "ready" on stderr once listening and bound.
 * Exit 0, 1 when the set-up fails, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define MAX_DEST 8
#define MAX_SECONDS 300.0
#define MAX_RATE 100000.0
#define MAX_HOLD 65536L
#define SAMPLE 100000

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

static struct endpoint dests[MAX_DEST];
static int ndests;
static int lfd[MAX_DEST];
static atomic_int stop;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(const char *why)
{
	fprintf(stderr, "connrate: %s\n", why);
	exit(2);
}

static double number(const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > max) {
		fprintf(stderr, "connrate: '%s' is not a number 0..%g\n", s, max);
		exit(2);
	}
	return v;
}

/* "1.2.3.4:80", "[::1]:80", or an address alone (port 0) */
static void endpoint(const char *text, struct endpoint *e, bool want_port)
{
	char buf[80];
	const char *host = buf, *port = NULL;
	char *colon;

	if (strlen(text) >= sizeof(buf))
		usage("address too long");
	strcpy(buf, text);
	if (buf[0] == '[') {
		colon = strchr(buf, ']');
		if (!colon)
			usage("missing ]");
		*colon = '\0';
		host = buf + 1;
		if (colon[1] == ':')
			port = colon + 2;
	} else if ((colon = strrchr(buf, ':')) && strchr(buf, ':') == colon) {
		*colon = '\0';
		port = colon + 1;
	}
	if (want_port && !port)
		usage("a destination needs :PORT");
	memset(e, 0, sizeof(*e));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&e->ss;

		a->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			usage("bad IPv6 address");
		a->sin6_port = htons((uint16_t)(port ? number(port, 65535) : 0));
		e->len = sizeof(*a);
		e->family = AF_INET6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&e->ss;

		a->sin_family = AF_INET;
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			usage("bad IPv4 address");
		a->sin_port = htons((uint16_t)(port ? number(port, 65535) : 0));
		e->len = sizeof(*a);
		e->family = AF_INET;
	}
}

static void *server(void *arg)
{
	struct pollfd p[MAX_DEST];
	char buf[64];

	(void)arg;
	for (int i = 0; i < ndests; i++)
		p[i] = (struct pollfd){ .fd = lfd[i], .events = POLLIN };
	while (!atomic_load(&stop)) {
		if (poll(p, (nfds_t)ndests, 100) <= 0)
			continue;
		for (int i = 0; i < ndests; i++) {
			int fd;

			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept(lfd[i], NULL, NULL);
			if (fd < 0)
				continue;
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },	 { "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' }, { "listen", no_argument, NULL, 'l' },
		{ "bind", required_argument, NULL, 'b' },    { "no-port", no_argument, NULL, 'n' },
		{ "reuseaddr", no_argument, NULL, 'R' },     { "after", required_argument, NULL, 'a' },
		{ "hold-bound", required_argument, NULL, 'H' }, { NULL, 0, NULL, 0 },
	};
	struct endpoint bindto;
	bool listen_ = false, bind_ = false, noport = false, reuse = false;
	double rate = 0, seconds = 0, after = -1;
	long hold = 0;
	unsigned long long attempts = 0, ok = 0, notavail = 0, inuse = 0, other = 0;
	unsigned long long a_attempts = 0, a_ok = 0, seen = 0;
	static double lat[SAMPLE];
	size_t nlat = 0;
	int *held = NULL, opt;
	pthread_t th;
	double t0, t;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (ndests == MAX_DEST)
				usage("at most 8 --to");
			endpoint(optarg, &dests[ndests++], true);
			break;
		case 'r':
			rate = number(optarg, MAX_RATE);
			break;
		case 's':
			seconds = number(optarg, MAX_SECONDS);
			break;
		case 'l':
			listen_ = true;
			break;
		case 'b':
			endpoint(optarg, &bindto, false);
			bind_ = true;
			break;
		case 'n':
			noport = true;
			break;
		case 'R':
			reuse = true;
			break;
		case 'a':
			after = number(optarg, MAX_SECONDS);
			break;
		case 'H':
			hold = (long)number(optarg, MAX_HOLD);
			break;
		default:
			usage("unknown option");
		}
	}
	if (optind != argc || (!ndests && !hold) || (ndests && !(rate > 0)) || !(seconds > 0))
		usage("use --to ADDR:PORT --rate R --seconds S (or --hold-bound N --seconds S)");
	if (hold) {
		held = calloc((size_t)hold, sizeof(*held));
		if (!held)
			return 1;
		for (long i = 0; i < hold; i++) {
			struct endpoint any;

			if (bind_)
				any = bindto;
			else
				endpoint("0.0.0.0", &any, false);
			held[i] = socket(any.family, SOCK_STREAM, 0);
			if (held[i] < 0 || bind(held[i], (struct sockaddr *)&any.ss, any.len) < 0) {
				perror("connrate: hold-bound");
				return 1;
			}
		}
	}
	if (listen_) {
		for (int i = 0; i < ndests; i++) {
			int one = 1;

			lfd[i] = socket(dests[i].family, SOCK_STREAM, 0);
			if (lfd[i] < 0 ||
			    setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
			    bind(lfd[i], (struct sockaddr *)&dests[i].ss, dests[i].len) < 0 ||
			    listen(lfd[i], 4096) < 0) {
				perror("connrate: listen");
				return 1;
			}
		}
		if (pthread_create(&th, NULL, server, NULL) != 0)
			return 1;
	}
	fprintf(stderr, "ready\n");
	t0 = now();
	while ((t = now() - t0) < seconds) {
		double due = rate > 0 ? t * rate : 0;
		const struct endpoint *d;
		double c0, c1;
		int fd, one = 1, r, e = 0;

		if (!ndests) {
			usleep(10000);
			continue;
		}
		if ((double)attempts >= due) {
			double wait = ((double)attempts + 1) / rate - t;

			if (wait > 0)
				usleep((useconds_t)(wait * 1e6 < 10000 ? wait * 1e6 : 10000));
			continue;
		}
		if (due - (double)attempts > rate)
			attempts = (unsigned long long)(due - rate); /* never a second behind */
		d = &dests[attempts % (unsigned long long)ndests];
		attempts++;
		seen++;
		if (after >= 0 && t >= after)
			a_attempts++;
		fd = socket(d->family, SOCK_STREAM, 0);
		if (fd < 0) {
			other++;
			continue;
		}
		if (reuse)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (noport)
			setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind_ && bind(fd, (struct sockaddr *)&bindto.ss, bindto.len) < 0)
			e = errno;
		c0 = now();
		if (!e) {
			r = connect(fd, (struct sockaddr *)&d->ss, d->len);
			e = r < 0 ? errno : 0;
		}
		c1 = now();
		close(fd);
		if (!e) {
			ok++;
			if (after >= 0 && t >= after)
				a_ok++;
			if (nlat < SAMPLE)
				lat[nlat++] = (c1 - c0) * 1e6;
			else if ((size_t)(rand() % (int)ok) < SAMPLE)
				lat[rand() % SAMPLE] = (c1 - c0) * 1e6;
		} else if (e == EADDRNOTAVAIL) {
			notavail++;
		} else if (e == EADDRINUSE) {
			inuse++;
		} else {
			other++;
		}
	}
	t = now() - t0;
	atomic_store(&stop, 1);
	if (listen_)
		pthread_join(th, NULL);
	qsort(lat, nlat, sizeof(lat[0]), cmp_double);
	/* attempts skipped by the catch-up are not attempts */
	printf("attempts %llu successes %llu EADDRNOTAVAIL %llu EADDRINUSE %llu other %llu "
	       "seconds %.2f median_us %.0f p99_us %.0f after_attempts %llu after_successes %llu\n",
	       seen, ok, notavail, inuse, other, t, nlat ? lat[nlat / 2] : 0,
	       nlat ? lat[(size_t)((double)nlat * 0.99)] : 0, a_attempts, a_ok);
	free(held);
	return 0;
}
