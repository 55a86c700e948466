// SPDX-License-Identifier: GPL-2.0-or-later
/* value.h: strict parsing and normalising of sysctl values */
#ifndef TWTUNE_VALUE_H
#define TWTUNE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "number.h"
#include "registry.h"

#define PORT_BITMAP_BYTES (65536 / 8)

struct sysval {
	enum sysctl_type type;
	long long num;    /* TYPE_INT */
	unsigned lo, hi;  /* TYPE_PORT_PAIR */
	uint8_t *ports;   /* TYPE_PORT_LIST: bitmap of 65536 bits */
	unsigned nports;  /* TYPE_PORT_LIST: how many bits are set */
	char *text;       /* normalised text, as the kernel prints it (a pair with one space) */
};


/* Parses `in` as a value of `d` (leading and trailing white space ignored)
 * into *out. On error returns -EINVAL or -ERANGE and writes what is wrong
 * and what is allowed into why (e.g. "is out of range 0..2"). */
int sysval_parse(const struct sysctl_def *d, const char *in, struct sysval *out,
		 char *why, size_t whylen);
int sysval_copy(struct sysval *dst, const struct sysval *src);
void sysval_free(struct sysval *v);
bool sysval_equal(const struct sysval *a, const struct sysval *b);

/* The text to write to /proc/sys for this value (an empty port list is
 * "\n": an empty write leaves the list as it was). */
const char *sysval_write_text(const struct sysval *v);

static inline bool port_isset(const uint8_t *bm, unsigned p)
{
	return bm && p < 65536 && (bm[p >> 3] >> (p & 7)) & 1;
}

/* A value as a JSON member: a number for TYPE_INT, else its text; null
 * when v is NULL (the kernel lacks the key). */
struct json;
void json_sysval(struct json *j, const char *key, const struct sysval *v);

#endif
