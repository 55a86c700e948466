// SPDX-License-Identifier: GPL-2.0-or-later
/* value.c: strict parsing and normalising of sysctl values */
#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "json.h"

/* Copies s without leading and trailing white space into a new string. */
static char *trimmed(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

static int number(const char *tok, long long min, long long max, long long *out,
		  char *why, size_t whylen)
{
	int r = parse_ll(tok, min, max, out);
	/* An overlong token is cut, so that the message keeps its point. */
	const char *more = r < 0 && strlen(tok) > 40 ? "..." : "";

	if (r == -EINVAL)
		snprintf(why, whylen, "'%.40s%s' is not a decimal number%s", tok, more,
			 tok[0] == '0' && tok[1] ? " (leading zeros are read as octal)" : "");
	else if (r == -ERANGE)
		snprintf(why, whylen, "%.40s%s is out of range %lld..%lld", tok, more, min, max);
	return r;
}

static int parse_int(const struct sysctl_def *d, char *s, struct sysval *out, char *why,
		     size_t whylen)
{
	char buf[32];
	int r;

	if (*s == '\0') {
		snprintf(why, whylen, "is empty; an integer %lld..%lld is needed", d->min, d->max);
		return -EINVAL;
	}
	r = number(s, d->min, d->max, &out->num, why, whylen);
	if (r < 0)
		return r;
	snprintf(buf, sizeof(buf), "%lld", out->num);
	out->text = strdup(buf);
	return out->text ? 0 : -ENOMEM;
}

static int parse_pair(const struct sysctl_def *d, char *s, struct sysval *out, char *why,
		      size_t whylen)
{
	char *tok[3] = { NULL, NULL, NULL };
	char *save = NULL, buf[32];
	long long v[2];
	int n = 0, r;

	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			break;
		tok[n++] = t;
	}
	if (n != 2) {
		snprintf(why, whylen, "needs two ports 'low high', each %lld..%lld", d->min, d->max);
		return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		r = number(tok[i], d->min, d->max, &v[i], why, whylen);
		if (r < 0)
			return r;
	}
	if (v[1] < v[0]) {
		snprintf(why, whylen, "high %lld is below low %lld", v[1], v[0]);
		return -ERANGE;
	}
	out->lo = (unsigned)v[0];
	out->hi = (unsigned)v[1];
	snprintf(buf, sizeof(buf), "%u %u", out->lo, out->hi);
	out->text = strdup(buf);
	return out->text ? 0 : -ENOMEM;
}

/* Prints the bitmap as the kernel does: ascending, ranges merged, "1,3-5". */
static char *list_text(const uint8_t *bm)
{
	size_t cap = 64, len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	s[0] = '\0';
	for (unsigned p = 0; p < 65536; p++) {
		unsigned q = p;
		char item[16];
		int n;

		if (!port_isset(bm, p))
			continue;
		while (q + 1 < 65536 && port_isset(bm, q + 1))
			q++;
		n = q == p ? snprintf(item, sizeof(item), "%s%u", len ? "," : "", p)
			   : snprintf(item, sizeof(item), "%s%u-%u", len ? "," : "", p, q);
		if (grow((void **)&s, &cap, len + (size_t)n + 1, 1) < 0) {
			free(s);
			return NULL;
		}
		memcpy(s + len, item, (size_t)n + 1);
		len += (size_t)n;
		p = q;
	}
	return s;
}

static int parse_list(const struct sysctl_def *d, char *s, struct sysval *out, char *why,
		      size_t whylen)
{
	out->ports = calloc(1, PORT_BITMAP_BYTES);
	if (!out->ports)
		return -ENOMEM;
	if (*s == '\0')
		goto done; /* the empty list */
	/* Split by hand: strtok would let "8000,,8001" pass. */
	for (char *t = s, *next; t; t = next) {
		char *comma = strchr(t, ','), *item, *dash;
		long long a, b;
		int r;

		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = '\0';
		item = trimmed(t);
		if (!item)
			return -ENOMEM;
		if (*item == '\0') {
			free(item);
			snprintf(why, whylen, "has an empty item; use ports and ranges like '8080,9000-9009'");
			return -EINVAL;
		}
		dash = strchr(item + 1, '-');
		if (dash)
			*dash = '\0';
		r = number(item, d->min, d->max, &a, why, whylen);
		b = a;
		if (r == 0 && dash)
			r = number(dash + 1, d->min, d->max, &b, why, whylen);
		if (r == 0 && b < a) {
			snprintf(why, whylen, "range %lld-%lld is reversed", a, b);
			r = -ERANGE;
		}
		free(item);
		if (r < 0)
			return r;
		for (long long p = a; p <= b; p++) {
			if (!port_isset(out->ports, (unsigned)p))
				out->nports++;
			out->ports[p >> 3] |= (uint8_t)(1u << (p & 7));
		}
	}
done:
	out->text = list_text(out->ports);
	return out->text ? 0 : -ENOMEM;
}

int sysval_parse(const struct sysctl_def *d, const char *in, struct sysval *out,
		 char *why, size_t whylen)
{
	char *s = trimmed(in);
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	out->type = d->type;
	if (!s)
		return -ENOMEM;
	if (why && whylen)
		why[0] = '\0';
	switch (d->type) {
	case TYPE_INT: r = parse_int(d, s, out, why, whylen); break;
	case TYPE_PORT_PAIR: r = parse_pair(d, s, out, why, whylen); break;
	case TYPE_PORT_LIST: r = parse_list(d, s, out, why, whylen); break;
	}
	free(s);
	if (r < 0)
		sysval_free(out);
	return r;
}

int sysval_copy(struct sysval *dst, const struct sysval *src)
{
	*dst = *src;
	dst->ports = NULL;
	dst->text = src->text ? strdup(src->text) : NULL;
	if (src->ports) {
		dst->ports = malloc(PORT_BITMAP_BYTES);
		if (dst->ports)
			memcpy(dst->ports, src->ports, PORT_BITMAP_BYTES);
	}
	if ((src->text && !dst->text) || (src->ports && !dst->ports)) {
		sysval_free(dst);
		return -ENOMEM;
	}
	return 0;
}

void sysval_free(struct sysval *v)
{
	if (!v)
		return;
	free(v->ports);
	free(v->text);
	v->ports = NULL;
	v->text = NULL;
}

bool sysval_equal(const struct sysval *a, const struct sysval *b)
{
	return a->text && b->text && a->type == b->type && strcmp(a->text, b->text) == 0;
}

const char *sysval_write_text(const struct sysval *v)
{
	if (v->type == TYPE_PORT_LIST && v->text[0] == '\0')
		return "\n";
	return v->text;
}

void json_sysval(struct json *j, const char *key, const struct sysval *v)
{
	if (!v)
		json_null(j, key);
	else if (v->type == TYPE_INT)
		json_int(j, key, v->num);
	else
		json_str(j, key, v->text);
}
