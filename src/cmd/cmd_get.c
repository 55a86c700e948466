// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_get.c: twtune get [--json | --list-keys] [KEY...], in one network
 * namespace or (--all-netns) in each */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd_allnetns.h"
#include "commands.h"
#include "didyoumean.h"
#include "json.h"
#include "registry.h"
#include "sysctl.h"
#include "twtune.h"

static const char *reason(int err)
{
	return err == -ENOENT ? "not supported by this kernel" : strerror(-err);
}

const struct cmd_opt get_options[] = {
	{ "json", 0, no_argument, NULL, 'j',
	  "one JSON object: key -> value (null where the kernel lacks the key)" },
	{ "list-keys", 0, no_argument, NULL, 'l',
	  "the full names of the managed keys (or of each KEY), one per line" },
	CMD_OPT_END,
};

/* A key not in the registry: one line, with the nearest key when there is
 * one ("net.ipv4." names are compared with the full names). */
static int unknown_key(const char *key)
{
	const char *names[SYSCTL_COUNT];
	char full[SYSCTL_COUNT][96];
	bool is_full = !strncmp(key, "net.", 4);
	const char *near;

	for (size_t i = 0; i < SYSCTL_COUNT; i++)
		names[i] = is_full ? sysctl_fullname(&sysctl_table[i], full[i], sizeof(full[i]))
				   : sysctl_table[i].name;
	near = dym_suggest(key, names, SYSCTL_COUNT);
	if (!near)
		return usage_error("get", "unknown key '%s'", key);
	errorf("get: unknown key '%s'; did you mean '%s'?", key, near);
	return EXIT_USAGE;
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
			return unknown_key(argv[i]);
	}
	return EXIT_OK;
}

/* What get prints, in one namespace or (--all-netns) in each. */
struct get_run {
	bool json;
	char **keys;  /* the KEY arguments, or NULL for every key */
	size_t nkeys;
	struct json j;
	bool first;   /* --all-netns: no namespace printed yet */
};

/* The n-th key to print: the arguments in order, or every key. */
static const struct sysctl_def *nth_key(const struct get_run *g, size_t n)
{
	return g->keys ? sysctl_lookup(g->keys[n]) : &sysctl_table[n];
}

/* Prints one key as text or into j; returns the exit code it earns.
 * where: the namespace's label with --all-netns (its errors name it; a
 * key the kernel lacks is not warned about there), else NULL. */
static int print_key(const struct sysctl_def *d, bool by_name, struct json *j, const char *where)
{
	struct sysval v;
	char name[96];
	int r = sysctl_read(G.sysctl_root, d, &v), rc = EXIT_OK;

	sysctl_fullname(d, name, sizeof(name));
	if (r < 0) {
		/* A key the kernel lacks is worth a note when listing all,
		 * an error when asked for by name. */
		if (by_name || r != -ENOENT) {
			errorf("get: %s%s%s: %s", where ? where : "", where ? ": " : "", name, reason(r));
			rc = EXIT_SYSTEM;
		} else if (!j && !where) {
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

/* The keys of the namespace twtune is in: the exit code they earn. */
static int print_keys(struct get_run *g, const char *where)
{
	int rc = EXIT_OK;

	for (size_t i = 0; i < g->nkeys; i++) {
		int r = print_key(nth_key(g, i), g->keys != NULL, g->json ? &g->j : NULL, where);

		if (r != EXIT_OK)
			rc = r;
	}
	return rc;
}

/* --all-netns: one namespace's turn (all_netns_each). */
static void get_visit(struct ns_visit *v, void *arg)
{
	struct get_run *g = arg;

	if (g->json) {
		all_netns_json_entry(&g->j, v);
	} else {
		printf("%s", g->first ? "" : "\n");
		all_netns_text_header(stdout, v);
	}
	g->first = false;
	if (g->json && v->status != NS_READ)
		json_null(&g->j, "get");
	if (v->status == NS_READ) {
		if (g->json)
			json_obj_begin(&g->j, "get");
		v->rc = print_keys(g, v->ns->label);
		if (g->json)
			json_obj_end(&g->j);
	}
	if (g->json)
		json_obj_end(&g->j);
}

int cmd_get(int argc, char **argv)
{
	char why[4200];
	struct get_run g = { .first = true };
	bool list_keys = false;
	char name[96];
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, get_options, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'l')
			list_keys = true;
		else
			g.json = true;
	}
	if (g.json && list_keys)
		return usage_error("get", "--json and --list-keys exclude each other");
	if (list_keys && G.all_netns)
		return usage_error("get", "--list-keys reads no namespace: not with --all-netns");
	rc = check_keys(argc, argv);
	if (rc != EXIT_OK)
		return rc;
	g.keys = argc > optind ? argv + optind : NULL;
	g.nkeys = g.keys ? (size_t)(argc - optind) : SYSCTL_COUNT;
	if (list_keys) {
		/* for completion: the keys as the registry names them; reads nothing */
		for (size_t i = 0; i < g.nkeys; i++)
			printf("%s\n", sysctl_fullname(nth_key(&g, i), name, sizeof(name)));
		return EXIT_OK;
	}
	if (G.all_netns) {
		if (g.json)
			all_netns_json_begin(&g.j);
		rc = all_netns_each("get", get_visit, &g);
		if (g.json)
			all_netns_json_end(&g.j);
		return rc;
	}

	/* No net/ipv4 at all (an empty /proc/sys) is one error, not a warning
	 * per key. */
	if (sysctl_root_check(G.sysctl_root, why, sizeof(why)) == -ENOENT) {
		errorf("get: cannot read %s/net/ipv4: %s", G.sysctl_root, strerror(ENOENT));
		return EXIT_SYSTEM;
	}
	if (g.json) {
		json_init(&g.j, stdout);
		json_obj_begin(&g.j, NULL);
	}
	rc = print_keys(&g, NULL);
	if (g.json) {
		json_obj_end(&g.j);
		json_end(&g.j);
	}
	return rc;
}
