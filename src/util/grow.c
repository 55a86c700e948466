// SPDX-License-Identifier: GPL-2.0-or-later
/* grow.c: the one growable array (grow.h) */
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : GROW_MIN;
	void *t;

	if (need <= *cap)
		return 0;
	if (size == 0)
		return -ENOMEM;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	t = realloc(*p, ncap * size);
	if (!t)
		return -ENOMEM;
	*p = t;
	*cap = ncap;
	return 0;
}
