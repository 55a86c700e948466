// SPDX-License-Identifier: GPL-2.0-or-later
/* number.h: the one strict integer parser (no atoi, no strtol without checks) */
#ifndef TWTUNE_NUMBER_H
#define TWTUNE_NUMBER_H

/* Parses a decimal integer: optional '-', digits, nothing else, within
 * [min, max]. Leading zeros are refused (the kernel reads 010 as octal).
 * Returns 0, -EINVAL (not a number) or -ERANGE. */
int parse_ll(const char *s, long long min, long long max, long long *out);

/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);

#endif
