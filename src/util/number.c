// SPDX-License-Identifier: GPL-2.0-or-later
/* number.c: the one strict integer parser */
#include "number.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int parse_ll(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	long long v;
	char *end;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	if (p[0] == '0' && p[1] != '\0')
		return -EINVAL;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
