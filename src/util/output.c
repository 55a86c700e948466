// SPDX-License-Identifier: GPL-2.0-or-later
/* output.c: colour, messages and the final check of stdout */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanitize.h"

static struct output_opts opts;

void output_init(const struct output_opts *o)
{
	opts = *o;
}

const char *color(enum color c)
{
	static const char *const seq[] = {
		[C_RESET] = "\033[0m", [C_BOLD] = "\033[1m",   [C_DIM] = "\033[2m",
		[C_RED] = "\033[31m",  [C_YELLOW] = "\033[33m", [C_GREEN] = "\033[32m",
		[C_CYAN] = "\033[36m",
	};

	return opts.color ? seq[c] : "";
}

__attribute__((format(printf, 2, 0)))
static void message(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;

	/* what a message quotes (profile text, file and process names) is
	 * not trusted: it reaches the terminal through the sanitizer */
	fprintf(stderr, "twtune: %s", prefix);
	if (vasprintf(&msg, fmt, ap) >= 0)
		san_fputs(stderr, msg, SAN_TERM_LINES);
	else
		fputs("(out of memory)", stderr);
	free(msg);
	fputc('\n', stderr);
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("", fmt, ap);
	va_end(ap);
}

void warnf(const char *fmt, ...)
{
	va_list ap;

	if (opts.verbosity < 0)
		return;
	va_start(ap, fmt);
	message("warning: ", fmt, ap);
	va_end(ap);
}

void infof(const char *fmt, ...)
{
	va_list ap;

	if (opts.verbosity < 1)
		return;
	va_start(ap, fmt);
	message("", fmt, ap);
	va_end(ap);
}

static bool stdout_reported;

int stdout_check(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	stdout_reported = true;
	return errno ? -errno : -EIO;
}

int std_fds_check(void)
{
	bool out_closed = fcntl(STDOUT_FILENO, F_GETFD) < 0 && errno == EBADF;

	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n >= 0 && n != fd) /* cannot be: the lowest free number is fd */
			close(n);
	}
	return out_closed ? -EBADF : 0;
}

static const char *lost_note;

void stdout_survive_epipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void stdout_lost_note(const char *note)
{
	lost_note = note;
}

int finish_stdout(int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (bad && stdout_reported)
		return rc == EXIT_OK || rc == EXIT_RISK ? EXIT_SYSTEM : rc;
	if (bad) {
		errorf("cannot write output: %s%s%s", strerror(errno ? errno : EIO),
		       lost_note ? "; " : "", lost_note ? lost_note : "");
		return rc == EXIT_OK || rc == EXIT_RISK ? EXIT_SYSTEM : rc;
	}
	return rc;
}
