/* twtune.h: what every part of twtune shares: exit codes and global options */
#ifndef TWTUNE_H
#define TWTUNE_H

#include <stdbool.h>
#include <stddef.h>

#define TWTUNE_VERSION "0.1.0"

/* The one exit-code enum, documented in README.md and `twtune help`. */
enum exit_code {
	EXIT_OK = 0,     /* success, or risk below the --fail-on threshold */
	EXIT_RISK = 1,   /* audit: risk at or above the threshold */
	EXIT_USAGE = 2,  /* bad command line */
	EXIT_INPUT = 3,  /* bad profile or value */
	EXIT_SYSTEM = 4, /* permission, kernel refused a write, I/O */
};

#define MAX_PROFILE_DIRS 16

/* Global options, parsed before the command. */
struct globals {
	const char *sysctl_root;  /* default /proc/sys */
	const char *proc_net;     /* default /proc/net (follows --netns) */
	const char *netns;        /* --netns NAME|PATH, or NULL */
	bool all_netns;           /* --all-netns */
	const char *profile_dirs[MAX_PROFILE_DIRS];
	size_t nprofile_dirs;
	bool allow_insecure_profiles; /* as root, read profiles others can write */
	bool color;               /* colour on stdout */
	int verbosity;            /* -q: -1, default 0, -v: 1 and up */
};

extern struct globals G;

/* Printing helpers for cmd_* and main only (library code never prints). */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void infof(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
