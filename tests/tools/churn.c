// SPDX-License-Identifier: GPL-2.0-or-later
/* churn: a client that opens and closes connections to one destination,
 * closing first, so that its TIME_WAIT lands on this host, towards that
 * destination; test material for attribution (its comm is "twtune-churn").
 *
 *   churn [-n N] [-k K] [-t SECONDS] ADDR PORT
 *     -n N   connect and close N times, one after the other (default 100)
 *     -k K   then keep K connections open (ESTABLISHED) ...
 *     -t S   ... for S seconds (default 0), or until SIGTERM
 *
 * Prints "closed N failed F" after the loop, "holding K pid PID" once the
 * K connections are open, and "done" at the end. Exit 0, 1 when a connect
 * failed, 2 on bad usage. IPv4 and IPv6 literal addresses only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLOSE 1000000L
#define MAX_HOLD 10000L
#define MAX_SECONDS 600L

static long num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		fprintf(stderr, "churn: '%s' is not a number 0..%ld\n", s, max);
		exit(2);
	}
	return v;
}

static int dest(const char *addr, const char *port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	long p = num(port, 65535);

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)p);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)p);
		*len = sizeof(*a6);
		return 0;
	}
	return -1;
}

static int open_one(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits until seconds pass (a signal ends the process). */
static void hold(long seconds)
{
	struct timespec left = { .tv_sec = seconds };

	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	long n = 100, k = 0, t = 0, closed = 0, failed = 0;
	struct sockaddr_storage ss;
	socklen_t len;
	int *held, c;

	prctl(PR_SET_NAME, "twtune-churn");
	while ((c = getopt(argc, argv, "n:k:t:")) != -1) {
		if (c == 'n')
			n = num(optarg, MAX_CLOSE);
		else if (c == 'k')
			k = num(optarg, MAX_HOLD);
		else if (c == 't')
			t = num(optarg, MAX_SECONDS);
		else
			return 2;
	}
	if (argc - optind != 2 || dest(argv[optind], argv[optind + 1], &ss, &len)) {
		fprintf(stderr, "usage: churn [-n N] [-k K] [-t SECONDS] ADDR PORT\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		int fd = open_one(&ss, len);

		if (fd < 0) {
			failed++;
			continue;
		}
		close(fd); /* the client closes first: TIME_WAIT stays here */
		closed++;
	}
	printf("closed %ld failed %ld\n", closed, failed);
	fflush(stdout);
	held = calloc((size_t)k + 1, sizeof(*held));
	if (!held)
		return 1;
	for (long i = 0; i < k; i++)
		if ((held[i] = open_one(&ss, len)) < 0)
			failed++;
	printf("holding %ld pid %ld\n", k, (long)getpid());
	fflush(stdout);
	if (k)
		hold(t);
	for (long i = 0; i < k; i++)
		if (held[i] >= 0)
			close(held[i]);
	free(held);
	printf("done\n");
	return failed ? 1 : 0;
}
