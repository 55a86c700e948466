// SPDX-License-Identifier: GPL-2.0-or-later
/* ctpair: a server and a client that choose which side closes first, for
 * the NAT tests of tests/conntrack.bats (each runs in its own namespace).
 *
 *   ctpair serve ADDR PORT COUNT ORDER SECONDS
 *   ctpair connect ADDR PORT COUNT ORDER
 *
 * ORDER "client": the client closes right after connect() and the server
 * closes once it reads EOF; "server": the server closes right after
 * accept() and the client closes once it reads EOF. serve accepts COUNT
 * connections or stops after SECONDS; connect makes COUNT connections one
 * after the other (each bounded by a 5 s receive timeout). Prints
 * "served N" or "connected N failed F"; exit 0, 1 on a set-up failure,
 * 2 on bad usage. IPv4 literal addresses only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_COUNT 100000L

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void timeout(int fd, int s)
{
	struct timeval tv = { .tv_sec = s };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long count, n = 0, failed = 0;
	int server_first, one = 1;

	if (argc < 6 || (strcmp(argv[1], "serve") && strcmp(argv[1], "connect")) ||
	    inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: ctpair serve|connect ADDR PORT COUNT ORDER [SECONDS]\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[3]));
	count = strtol(argv[4], NULL, 10);
	if (count < 1 || count > MAX_COUNT)
		return 2;
	server_first = !strcmp(argv[5], "server");
	if (!strcmp(argv[1], "serve")) {
		int l = socket(AF_INET, SOCK_STREAM, 0);

		if (argc < 7)
			return 2;
		signal(SIGALRM, SIG_DFL);
		alarm((unsigned)atoi(argv[6]));
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 4096) < 0) {
			perror("ctpair: listen");
			return 1;
		}
		printf("listening\n");
		fflush(stdout);
		while (n < count) {
			int c = accept(l, NULL, NULL);

			if (c < 0)
				continue;
			if (!server_first) {
				timeout(c, 5);
				drain(c);
			}
			close(c);
			n++;
		}
		printf("served %ld\n", n);
		return 0;
	}
	while (n + failed < count) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0)
			return 1;
		timeout(c, 5);
		if (connect(c, (void *)&a, sizeof(a)) < 0) {
			failed++;
		} else {
			if (server_first)
				drain(c);
			n++;
		}
		close(c);
	}
	printf("connected %ld failed %ld\n", n, failed);
	return 0;
}
