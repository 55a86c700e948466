// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_get.c: twtune get [--json | --list-keys] [KEY...] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "registry.h"
#include "sysctl.h"
#include "twtune.h"

static const char *reason(int err)
{
	return err == -ENOENT ? "not supported by this kernel" : strerror(-err);
}

/* Every KEY argument names a known key: 0, or the exit code. */
static int check_keys(int argc, char **argv)
{
	for (int i = optind; i < argc; i++) {
		const char *why;

		if (sysctl_removed(argv[i], &why)) {
			errorf("get: %s was %s", argv[i], why);
			return EXIT_USAGE;
		}
		if (!sysctl_lookup(argv[i]))
			return usage_error("get", "unknown key '%s'", argv[i]);
	}
	return EXIT_OK;
}

/* The n-th key to print: the arguments in order, or every key. */
static const struct sysctl_def *nth_key(int argc, char **argv, size_t n)
{
	if (argc > optind)
		return sysctl_lookup(argv[optind + (int)n]);
	return &sysctl_table[n];
}

/* Prints one key as text or into j; returns the exit code it earns. */
static int print_key(const struct sysctl_def *d, bool by_name, struct json *j)
{
	struct sysval v;
	char name[96];
	int r = sysctl_read(G.sysctl_root, d, &v), rc = EXIT_OK;

	sysctl_fullname(d, name, sizeof(name));
	if (r < 0) {
		/* A key the kernel lacks is worth a note when listing all,
		 * an error when asked for by name. */
		if (by_name || r != -ENOENT) {
			errorf("get: %s: %s", name, reason(r));
			rc = EXIT_SYSTEM;
		} else if (!j) {
			warnf("%s: %s", name, reason(r));
		}
		if (j)
			json_null(j, name);
		return rc;
	}
	if (j)
		json_sysval(j, name, &v);
	else
		printf("%s = %s\n", name, v.text);
	sysval_free(&v);
	return rc;
}

int cmd_get(int argc, char **argv)
{
	char why[4200];
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "list-keys", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, list_keys = false, by_name;
	size_t nkeys;
	char name[96];
	struct json j;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, opts, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'l')
			list_keys = true;
		else
			json = true;
	}
	if (json && list_keys)
		return usage_error("get", "--json and --list-keys exclude each other");
	rc = check_keys(argc, argv);
	if (rc != EXIT_OK)
		return rc;
	by_name = argc > optind;
	nkeys = by_name ? (size_t)(argc - optind) : SYSCTL_COUNT;
	if (list_keys) {
		/* for completion: the keys as the registry names them; reads nothing */
		for (size_t i = 0; i < nkeys; i++)
			printf("%s\n", sysctl_fullname(nth_key(argc, argv, i), name, sizeof(name)));
		return EXIT_OK;
	}

	/* No net/ipv4 at all (an empty /proc/sys) is one error, not a warning
	 * per key. */
	if (sysctl_root_check(G.sysctl_root, why, sizeof(why)) == -ENOENT) {
		errorf("get: cannot read %s/net/ipv4: %s", G.sysctl_root, strerror(ENOENT));
		return EXIT_SYSTEM;
	}
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
	}
	for (size_t i = 0; i < nkeys; i++) {
		int r = print_key(nth_key(argc, argv, i), by_name, json ? &j : NULL);

		if (r != EXIT_OK)
			rc = r;
	}
	if (json) {
		json_obj_end(&j);
		json_end(&j);
	}
	return rc;
}
