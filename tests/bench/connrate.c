// SPDX-License-Identifier: GPL-2.0-or-later
/* connrate: the connect()/close churn of `make bench`'s observe part (issue
 * 13 item 5). One process: a server thread accepts on 127.0.0.1, ports
 * P..Q, reads each connection to EOF and closes it; the main thread makes
 * N connections round-robin over those ports, each connect() then close()
 * at once, so the client closes first and its side enters TIME_WAIT (the
 * churn observe watches). With --rate R it paces itself to R connections
 * per second; without, it goes as fast as it can, never more than 512
 * connections ahead of the server.
 *
 *   connrate --count N [--rate R] [--ports P-Q]
 *
 * Prints "connections N seconds S rate R cpu_us_per_conn C failures F"
 * (CPU: user + system of both threads, over the client loop; on loopback
 * the kernel's work for both ends runs there too) and exits 0 when every
 * connection succeeded and was accepted, 1 otherwise, 2 on bad usage, 4 when
 * it cannot listen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 64
#define AHEAD 512

static int lfd[MAX_PORTS];
static unsigned nports;
static atomic_ulong accepted;
static atomic_int stop;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
	       (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void *server(void *arg)
{
	struct pollfd p[MAX_PORTS];
	int fd;

	(void)arg;
	for (unsigned i = 0; i < nports; i++)
		p[i] = (struct pollfd){ .fd = lfd[i], .events = POLLIN };
	while (!atomic_load(&stop)) {
		if (poll(p, nports, 100) <= 0)
			continue;
		for (unsigned i = 0; i < nports; i++)
			while ((fd = accept4(lfd[i], NULL, NULL, 0)) >= 0) {
				drain(fd);
				atomic_fetch_add(&accepted, 1);
			}
	}
	return NULL;
}

static int listen_on(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4096)) {
		fprintf(stderr, "connrate: listen on 127.0.0.1:%u: %s\n", port, strerror(errno));
		return -1;
	}
	return fd;
}

/* One connection to port p: connect, close. 0, or the errno. */
static int one_conn(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int err = 0, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		err = errno;
	close(fd);
	return err;
}

/* Paces to rate (0: no pacing), stays at most AHEAD past the server. */
static void wait_turn(unsigned long i, double t0, double rate)
{
	struct timespec ts;
	double d;

	for (int k = 0; i - atomic_load(&accepted) > AHEAD && k < 200000; k++)
		sched_yield();
	if (rate <= 0)
		return;
	d = t0 + (double)i / rate - now();
	if (d > 50e-6) {
		ts.tv_sec = (time_t)d;
		ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-') {
		fprintf(stderr, "connrate: bad number '%s' (0..%lu)\n", s, max);
		exit(2);
	}
	return v;
}

static int usage(void)
{
	fprintf(stderr, "connrate: usage: connrate --count N [--rate R] [--ports P-Q]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "ports", required_argument, NULL, 'p' },
		{ 0 },
	};
	unsigned long n = 0, fails = 0, p0 = 5101, p1 = 5104;
	double rate = 0, t0, t1, c0, c1;
	pthread_t th;
	char *dash;
	int o, err;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'c')
			n = number(optarg, 100000000);
		else if (o == 'r')
			rate = (double)number(optarg, 10000000);
		else if (o == 'p' && (dash = strchr(optarg, '-'))) {
			*dash = 0;
			p0 = number(optarg, 65535);
			p1 = number(dash + 1, 65535);
		} else
			return usage();
	}
	if (optind < argc || n == 0 || p0 == 0 || p1 < p0 || p1 - p0 >= MAX_PORTS)
		return usage();
	nports = (unsigned)(p1 - p0 + 1);
	for (unsigned i = 0; i < nports; i++)
		if ((lfd[i] = listen_on((unsigned)p0 + i)) < 0)
			return 4;
	if ((err = pthread_create(&th, NULL, server, NULL))) {
		fprintf(stderr, "connrate: thread: %s\n", strerror(err));
		return 4;
	}
	t0 = now();
	c0 = cpu();
	for (unsigned long i = 0; i < n; i++) {
		wait_turn(i, t0, rate);
		if (one_conn((unsigned)(p0 + i % nports)))
			fails++;
	}
	for (int k = 0; atomic_load(&accepted) + fails < n && k < 5000; k++)
		usleep(1000);
	t1 = now();
	c1 = cpu();
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("connections %lu seconds %.3f rate %.0f cpu_us_per_conn %.2f failures %lu\n",
	       n, t1 - t0, (double)n / (t1 - t0), 1e6 * (c1 - c0) / (double)n, fails);
	return fails || atomic_load(&accepted) != n ? 1 : 0;
}
