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

int cmd_get(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "list-keys", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const struct sysctl_def *want[16];
	size_t nwant = 0;
	bool json = false, list_keys = false;
	char name[96];
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
	for (int i = optind; i < argc; i++) {
		const struct sysctl_def *d = sysctl_lookup(argv[i]);
		const char *why;

		if (sysctl_removed(argv[i], &why)) {
			errorf("get: %s was %s", argv[i], why);
			return EXIT_USAGE;
		}
		if (!d)
			return usage_error("get", "unknown key '%s'", argv[i]);
		if (nwant < sizeof(want) / sizeof(want[0]))
			want[nwant++] = d;
	}
	if (nwant == 0)
		for (size_t i = 0; i < sysctl_count; i++)
			want[nwant++] = &sysctl_table[i];
	if (list_keys) {
		/* for completion: the keys as the registry names them; reads nothing */
		for (size_t i = 0; i < nwant; i++)
			printf("%s\n", sysctl_fullname(want[i], name, sizeof(name)));
		return EXIT_OK;
	}

	/* No net/ipv4 at all (an empty /proc/sys) is one error, not a warning
	 * per key. */
	if (sysctl_root_check(G.sysctl_root) == -ENOENT) {
		errorf("get: cannot read %s/net/ipv4: %s", G.sysctl_root, strerror(ENOENT));
		return EXIT_SYSTEM;
	}

	struct json j;
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
	}
	for (size_t i = 0; i < nwant; i++) {
		const struct sysctl_def *d = want[i];
		struct sysval v;
		int r = sysctl_read(G.sysctl_root, d, &v);

		sysctl_fullname(d, name, sizeof(name));
		if (r < 0) {
			/* A key the kernel lacks is worth a note when listing all,
			 * an error when asked for by name. */
			if (argc > optind || r != -ENOENT) {
				errorf("get: %s: %s", name, reason(r));
				rc = EXIT_SYSTEM;
			} else if (!json) {
				warnf("%s: %s", name, reason(r));
			}
			if (json)
				json_null(&j, name);
			continue;
		}
		if (json)
			json_sysval(&j, name, &v);
		else
			printf("%s = %s\n", name, v.text);
		sysval_free(&v);
	}
	if (json) {
		json_obj_end(&j);
		json_end(&j);
	}
	return rc;
}
