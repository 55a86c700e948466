// SPDX-License-Identifier: GPL-2.0-or-later
/* test_value.c: strict parsing and normalising of sysctl values, against
 * every registry key's bounds */
#include <errno.h>
#include <string.h>

#include "registry.h"
#include "tap.h"
#include "value.h"

static const struct {
	const char *in;
	long long min, max;
	int r;
	long long out;
} numbers[] = {
	{ "0", 0, 2, 0, 0 },        { "2", 0, 2, 0, 2 },       { "3", 0, 2, -ERANGE, 0 },
	{ "-1", 0, 2, -ERANGE, 0 }, { "-5", -10, 10, 0, -5 },  { "", 0, 2, -EINVAL, 0 },
	{ "-", 0, 2, -EINVAL, 0 },  { "+1", 0, 2, -EINVAL, 0 }, { "01", 0, 2, -EINVAL, 0 },
	{ "0x1", 0, 2, -EINVAL, 0 }, { "1 ", 0, 2, -EINVAL, 0 }, { " 1", 0, 2, -EINVAL, 0 },
	{ "1a", 0, 2, -EINVAL, 0 }, { "2147483647", -2147483648LL, 2147483647, 0, 2147483647 },
	{ "2147483648", -2147483648LL, 2147483647, -ERANGE, 0 },
	{ "-2147483648", -2147483648LL, 2147483647, 0, -2147483648LL },
	{ "99999999999999999999999", 0, 10, -ERANGE, 0 },
};

static const struct {
	enum sysctl_id key;
	const char *in;
	int r;
	const char *norm, *why;
} values[] = {
	{ SYSCTL_TCP_TW_REUSE, "1", 0, "1", NULL },
	{ SYSCTL_TCP_TW_REUSE, " 2\n", 0, "2", NULL },
	{ SYSCTL_TCP_TW_REUSE, "3", -ERANGE, NULL, "3 is out of range 0..2" },
	{ SYSCTL_TCP_TW_REUSE, "yes", -EINVAL, NULL, "'yes' is not a decimal number" },
	{ SYSCTL_TCP_TW_REUSE, "", -EINVAL, NULL, "is empty; an integer 0..2 is needed" },
	{ SYSCTL_TCP_TW_REUSE, "010", -EINVAL, NULL, "'010' is not a decimal number (leading zeros are read as octal)" },
	{ SYSCTL_TCP_TW_REUSE_DELAY, "1", 0, "1", NULL },
	{ SYSCTL_TCP_TW_REUSE_DELAY, "60000", 0, "60000", NULL },
	{ SYSCTL_TCP_TW_REUSE_DELAY, "0", -ERANGE, NULL, "0 is out of range 1..60000" },
	{ SYSCTL_TCP_TW_REUSE_DELAY, "60001", -ERANGE, NULL, NULL },
	{ SYSCTL_TCP_FIN_TIMEOUT, "0", 0, "0", NULL },
	{ SYSCTL_TCP_FIN_TIMEOUT, "-5", 0, "-5", NULL },
	{ SYSCTL_TCP_FIN_TIMEOUT, "2147483", 0, "2147483", NULL },
	{ SYSCTL_TCP_FIN_TIMEOUT, "2147484", -ERANGE, NULL, NULL },
	{ SYSCTL_TCP_MAX_TW_BUCKETS, "-1", 0, "-1", NULL },
	{ SYSCTL_TCP_MAX_TW_BUCKETS, "2147483648", -ERANGE, NULL, NULL },
	{ SYSCTL_TCP_TIMESTAMPS, "255", 0, "255", NULL },
	{ SYSCTL_TCP_TIMESTAMPS, "256", -ERANGE, NULL, NULL },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "32768\t60999", 0, "32768 60999", NULL },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "  1024   65535 ", 0, "1024 65535", NULL },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "40000 40000", 0, "40000 40000", NULL },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "5000 4000", -ERANGE, NULL, "high 4000 is below low 5000" },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "0 100", -ERANGE, NULL, "0 is out of range 1..65535" },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "1024 65536", -ERANGE, NULL, "65536 is out of range 1..65535" },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "32768", -EINVAL, NULL, "needs two ports 'low high', each 1..65535" },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "1 2 3", -EINVAL, NULL, NULL },
	{ SYSCTL_IP_LOCAL_PORT_RANGE, "a b", -EINVAL, NULL, "'a' is not a decimal number" },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "", 0, "", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "8000,8001,9000-9005", 0, "8000-8001,9000-9005", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, " 9000 , 8000 ", 0, "8000,9000", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "8000,8000-8001", 0, "8000-8001", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "1-3,5,4", 0, "1-5", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "65535", 0, "65535", NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "65536", -ERANGE, NULL, "65536 is out of range 0..65535" },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "5-3", -ERANGE, NULL, "range 5-3 is reversed" },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "8000,,8001", -EINVAL, NULL, "has an empty item; use ports and ranges like '8080,9000-9009'" },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "abc", -EINVAL, NULL, NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "-5", -ERANGE, NULL, "-5 is out of range 0..65535" },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, "8000,", -EINVAL, NULL, NULL },
	{ SYSCTL_IP_LOCAL_RESERVED_PORTS, ",", -EINVAL, NULL, NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		long long v = 12345;
		int r = parse_ll(numbers[i].in, numbers[i].min, numbers[i].max, &v);

		TAP_OK(r == numbers[i].r && (r || v == numbers[i].out), "parse_ll('%s') = %d", numbers[i].in, r);
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const struct sysctl_def *d = &sysctl_table[values[i].key];
		struct sysval v;
		char why[200] = "";
		int r = sysval_parse(d, values[i].in, &v, why, sizeof(why));

		TAP_OK(r == values[i].r, "%s = '%s': result %d (%s)", d->name, values[i].in, r, why);
		if (values[i].norm)
			TAP_OK(r == 0 && strcmp(v.text, values[i].norm) == 0, "%s = '%s' normalises to '%s'",
			       d->name, values[i].in, values[i].norm);
		if (values[i].why)
			TAP_OK(strcmp(why, values[i].why) == 0, "%s = '%s': says '%s' (got '%s')", d->name,
			       values[i].in, values[i].why, why);
		if (r == 0)
			sysval_free(&v);
	}
	{
		const struct sysctl_def *d = &sysctl_table[SYSCTL_IP_LOCAL_RESERVED_PORTS];
		struct sysval a, b, c;
		char why[64];

		sysval_parse(d, "9000-9002", &a, why, sizeof(why));
		TAP_OK(a.nports == 3 && port_isset(a.ports, 9001) && !port_isset(a.ports, 9003), "bitmap holds the ports");
		TAP_OK(sysval_copy(&b, &a) == 0 && sysval_equal(&a, &b), "copy is equal");
		sysval_parse(d, "", &c, why, sizeof(why));
		TAP_OK(strcmp(sysval_write_text(&c), "\n") == 0, "an empty list is written as a newline");
		TAP_OK(!sysval_equal(&a, &c), "different lists differ");
		sysval_free(&a);
		sysval_free(&b);
		sysval_free(&c);
	}
	return tap_done();
}
