// SPDX-License-Identifier: GPL-2.0-or-later
/* output.h: colour and small printing helpers for the output code */
#ifndef TWTUNE_OUTPUT_H
#define TWTUNE_OUTPUT_H

#include <stdio.h>

#include <stdbool.h>

/* The one exit-code enum, documented in README.md and `twtune help`. */
enum exit_code {
	EXIT_OK = 0,     /* success, or risk below the --fail-on threshold */
	EXIT_RISK = 1,   /* audit: risk at or above the threshold */
	EXIT_USAGE = 2,  /* bad command line */
	EXIT_INPUT = 3,  /* bad profile or value */
	EXIT_SYSTEM = 4, /* permission, kernel refused a write, I/O */
};

enum color { C_RESET, C_BOLD, C_DIM, C_RED, C_YELLOW, C_GREEN, C_CYAN };

/* How the output looks, set once by main() from the global options. */
struct output_opts {
	bool color;    /* colour on stdout */
	int verbosity; /* -q: -1 (warnf is silent), default 0, -v: 1 and up (infof speaks) */
};
void output_init(const struct output_opts *o);

/* The escape sequence for c when colour is on, else "". */
const char *color(enum color c);

/* Flushes stdout and reports a failed write (full disk, closed pipe):
 * returns EXIT_SYSTEM after one line on stderr, else rc unchanged. */
int finish_stdout(int rc);

/* For a command that changes the kernel: SIGPIPE is ignored, so that a
 * reader that went away (`| head -1`) makes a write fail with EPIPE,
 * which finish_stdout() and stdout_check() report, instead of killing
 * twtune silently after the change. */
void stdout_survive_epipe(void);

/* What finish_stdout adds when the output is lost after the kernel was
 * changed, so that a lost report does not hide the change. */
void stdout_lost_note(const char *note);

/* Before a change that cannot be taken back: flushes stdout and returns 0,
 * or -errno when what was printed is lost (the caller reports it, and
 * finish_stdout does not report it again). */
int stdout_check(void);

/* At start: descriptors 0, 1 and 2 open, so that no file twtune opens
 * becomes its stdout or stderr. A closed stdin or stderr is replaced by
 * /dev/null; returns -EBADF when stdout is closed (nothing can be
 * reported on it), else 0. */
int std_fds_check(void);

/* Printing helpers for cmd_* and main only (library code never prints). */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void infof(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
