// SPDX-License-Identifier: GPL-2.0-or-later
/* fdhold: holds N open file descriptors (of /dev/null) for SECONDS, so
 * that a benchmark has descriptors for the process scan to walk past.
 *
 *   fdhold N SECONDS
 *
 * Prints "holding N pid PID" once they are open; exits 0 after SECONDS
 * (or at SIGTERM), 1 when it cannot open them, 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max) {
		fprintf(stderr, "fdhold: '%s' is not a number 1..%ld\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct timespec t;
	long n, seconds;

	if (argc != 3) {
		fprintf(stderr, "usage: fdhold N SECONDS\n");
		return 2;
	}
	n = num(argv[1], 1000000);
	seconds = num(argv[2], 3600);
	rl.rlim_cur = rl.rlim_max = (rlim_t)n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fprintf(stderr, "fdhold: setrlimit %ld: %s\n", n + 64, strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++)
		if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) {
			fprintf(stderr, "fdhold: open #%ld: %s\n", i, strerror(errno));
			return 1;
		}
	printf("holding %ld pid %ld\n", n, (long)getpid());
	fflush(stdout);
	t.tv_sec = seconds;
	t.tv_nsec = 0;
	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
	return 0;
}
