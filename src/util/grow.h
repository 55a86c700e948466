// SPDX-License-Identifier: GPL-2.0-or-later
/* grow.h: the one growable array: room made by doubling */
#ifndef TWTUNE_GROW_H
#define TWTUNE_GROW_H

#include <stddef.h>

#define GROW_MIN 16 /* elements of the first allocation */

/* Makes room for `need` elements of `size` bytes in *p, an array of *cap
 * elements (NULL and 0 at first): when need > *cap the capacity doubles,
 * from GROW_MIN, until it holds need, and *p is reallocated. 0, or -ENOMEM
 * (also when the bytes would overflow size_t, or size is 0) with *p and
 * *cap unchanged. */
int grow(void **p, size_t *cap, size_t need, size_t size);

#endif
