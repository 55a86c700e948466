// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_value.c: the value parsers on arbitrary text.
 *
 * Input: "KEY=TEXT". KEY names a sysctl of the registry (any spelling
 * sysctl_lookup accepts), a threshold, or "ll" for the bare integer parser;
 * TEXT is parsed as its value. Whatever parses must survive its own
 * round trip: the normalised text parses again to an equal value.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>

#include "fuzz_common.h"
#include "profile.h"
#include "registry.h"
#include "value.h"

static unsigned popcount_ports(const uint8_t *bm)
{
	unsigned n = 0;

	for (size_t i = 0; i < PORT_BITMAP_BYTES; i++)
		n += (unsigned)__builtin_popcount(bm[i]);
	return n;
}

static void check_sysval(const struct sysctl_def *d, const char *text)
{
	struct sysval v, again, copy;
	char why[256];
	int r = sysval_parse(d, text, &v, why, sizeof(why));

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE || r == -ENOMEM);
	if (r < 0) {
		FUZZ_CHECK(r == -ENOMEM || why[0] != '\0'); /* every refusal says why */
		FUZZ_CHECK(v.text == NULL && v.ports == NULL);
		return;
	}
	FUZZ_CHECK(v.text != NULL && v.type == d->type);
	switch (d->type) {
	case TYPE_INT:
		FUZZ_CHECK(v.num >= d->min && v.num <= d->max);
		break;
	case TYPE_PORT_PAIR:
		FUZZ_CHECK(v.lo <= v.hi && v.lo >= d->min && v.hi <= d->max);
		break;
	case TYPE_PORT_LIST:
		FUZZ_CHECK(v.ports != NULL && popcount_ports(v.ports) == v.nports);
		break;
	}
	FUZZ_CHECK(sysval_write_text(&v) != NULL && sysval_write_text(&v)[0] != '\0');
	r = sysval_parse(d, v.text, &again, why, sizeof(why));
	if (r != -ENOMEM) {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(sysval_equal(&v, &again));
		FUZZ_CHECK(d->type != TYPE_PORT_LIST || again.nports == v.nports);
		sysval_free(&again);
	}
	if (sysval_copy(&copy, &v) == 0) {
		FUZZ_CHECK(sysval_equal(&v, &copy));
		sysval_free(&copy);
	}
	sysval_free(&v);
}

/* The grammar the manual gives a ratio: 0.85 or 85%, blanks around. */
static bool ratio_text(const char *s)
{
	size_t digits = 0, dots = 0;

	while (isspace((unsigned char)*s))
		s++;
	for (; isdigit((unsigned char)*s) || *s == '.'; s++)
		*s == '.' ? dots++ : digits++;
	if (*s == '%')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0' && digits > 0 && dots <= 1;
}

static void check_threshold(const struct threshold_def *t, const char *text)
{
	double v = -1;

	if (threshold_parse(t, text, &v) < 0)
		return;
	if (t->kind == THR_RATIO)
		FUZZ_CHECK(ratio_text(text));
	FUZZ_CHECK(isfinite(v));
	if (t->kind == THR_RATIO)
		FUZZ_CHECK(v >= 0 && v <= 1);
	else
		FUZZ_CHECK(v >= 0 && v <= 100000000 && v == floor(v));
}

static void check_ll(const char *text)
{
	static const long long bounds[][2] = {
		{ LLONG_MIN, LLONG_MAX }, { 0, 65535 }, { -2147483, 2147483 }, { 0, 0 },
	};

	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		long long v = 12345, again = 0;
		char buf[32];
		int r = parse_ll(text, bounds[i][0], bounds[i][1], &v);

		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
		if (r < 0) {
			FUZZ_CHECK(v == 12345); /* untouched on error */
			continue;
		}
		FUZZ_CHECK(v >= bounds[i][0] && v <= bounds[i][1]);
		snprintf(buf, sizeof(buf), "%lld", v);
		FUZZ_CHECK(parse_ll(buf, bounds[i][0], bounds[i][1], &again) == 0 && again == v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), *text;
	const struct sysctl_def *d;
	const char *why;

	if (!s)
		return 0;
	text = strchr(s, '=');
	if (!text) {
		/* a bare key: the lookups must not trip */
		d = sysctl_lookup(s);
		FUZZ_CHECK(!d || d >= sysctl_table);
		(void)sysctl_removed(s, &why);
		(void)profile_name_valid(s);
		(void)profile_arg_is_path(s);
		goto out;
	}
	*text++ = '\0';
	if (strcmp(s, "ll") == 0) {
		check_ll(text);
		goto out;
	}
	d = sysctl_lookup(s);
	if (d) {
		check_sysval(d, text);
		goto out;
	}
	for (size_t i = 0; i < THR_COUNT_; i++)
		if (strcmp(threshold_table[i].name, s) == 0)
			check_threshold(&threshold_table[i], text);
out:
	free(s);
	return 0;
}
