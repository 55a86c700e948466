// SPDX-License-Identifier: GPL-2.0-or-later
/* test_grow.c: the growable array helper: doubling, keeping the
 * contents, refusing overflow without touching the array */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "tap.h"

int main(void)
{
	int *a = NULL;
	size_t cap = 0;
	void *before;
	bool kept = true;

	TAP_OK(grow((void **)&a, &cap, 0, sizeof(*a)) == 0 && !a && cap == 0,
	       "need 0: nothing allocated");
	TAP_OK(grow((void **)&a, &cap, 1, sizeof(*a)) == 0 && a && cap == GROW_MIN,
	       "the first room is GROW_MIN elements (%zu)", cap);
	for (int i = 0; i < GROW_MIN; i++)
		a[i] = i;
	before = a;
	TAP_OK(grow((void **)&a, &cap, GROW_MIN, sizeof(*a)) == 0 && a == before && cap == GROW_MIN,
	       "need within the capacity: no reallocation");
	TAP_OK(grow((void **)&a, &cap, GROW_MIN + 1, sizeof(*a)) == 0 && cap == 2 * GROW_MIN,
	       "one more doubles (%zu)", cap);
	TAP_OK(grow((void **)&a, &cap, 10 * GROW_MIN, sizeof(*a)) == 0 && cap == 16 * GROW_MIN,
	       "a larger need doubles until it fits (%zu)", cap);
	for (int i = 0; i < GROW_MIN; i++)
		kept = kept && a[i] == i;
	TAP_OK(kept, "the elements are kept");
	/* a loop of appends, bounded */
	for (int i = GROW_MIN; i < 1000; i++) {
		if (grow((void **)&a, &cap, (size_t)i + 1, sizeof(*a)) < 0)
			break;
		a[i] = i;
	}
	kept = cap >= 1000;
	for (int i = 0; i < 1000 && kept; i++)
		kept = a[i] == i;
	TAP_OK(kept && cap == 1024, "1000 appends: capacity 1024, every element kept");
	before = a;
	TAP_OK(grow((void **)&a, &cap, SIZE_MAX / 2, sizeof(*a)) == -ENOMEM && a == before &&
		       cap == 1024,
	       "need * size overflows: -ENOMEM, array unchanged");
	TAP_OK(grow((void **)&a, &cap, SIZE_MAX, 1) == -ENOMEM && a == before && cap == 1024,
	       "the capacity cannot double past SIZE_MAX: -ENOMEM, unchanged");
	TAP_OK(grow((void **)&a, &cap, 2000, 0) == -ENOMEM && cap == 1024,
	       "element size 0 is refused");
	free(a);
	{
		char *s = NULL;
		size_t c = 0;

		TAP_OK(grow((void **)&s, &c, 17, 1) == 0 && c == 32, "bytes: 17 -> 32");
		free(s);
	}
	return tap_done();
}
