/* output.c: colour, messages and the final check of stdout */
#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "twtune.h"

const char *color(enum color c)
{
	static const char *const seq[] = {
		[C_RESET] = "\033[0m", [C_BOLD] = "\033[1m",   [C_DIM] = "\033[2m",
		[C_RED] = "\033[31m",  [C_YELLOW] = "\033[33m", [C_GREEN] = "\033[32m",
		[C_CYAN] = "\033[36m",
	};

	return G.color ? seq[c] : "";
}

__attribute__((format(printf, 2, 0)))
static void message(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "twtune: %s", prefix);
	vfprintf(stderr, fmt, ap);
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

	if (G.verbosity < 0)
		return;
	va_start(ap, fmt);
	message("warning: ", fmt, ap);
	va_end(ap);
}

void infof(const char *fmt, ...)
{
	va_list ap;

	if (G.verbosity < 1)
		return;
	va_start(ap, fmt);
	message("", fmt, ap);
	va_end(ap);
}

int finish_stdout(int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (bad) {
		errorf("cannot write output: %s", strerror(errno ? errno : EIO));
		return rc == EXIT_OK || rc == EXIT_RISK ? EXIT_SYSTEM : rc;
	}
	return rc;
}
