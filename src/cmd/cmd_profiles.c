// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_profiles.c: twtune profiles [--json | --names] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "json.h"
#include "output.h"
#include "profile.h"
#include "sanitize.h"
#include "twtune.h"

enum mode { TEXT, JSON, NAMES };

struct listing {
	enum mode mode;
	struct json j;
	size_t n;
};

static void visit(const char *name, const char *path, const struct profile *p, const char *error,
		  void *ctx)
{
	struct listing *l = ctx;
	const char *desc = p && p->description ? p->description : "";
	char sname[256], sdesc[1024], spath[1024], serr[1024];

	l->n++;
	switch (l->mode) {
	case NAMES:
		printf("%s\n", san_str(sname, sizeof(sname), name, SAN_TERM));
		break;
	case JSON:
		json_obj_begin(&l->j, NULL);
		json_str(&l->j, "name", name);
		json_str(&l->j, "description", p ? desc : NULL);
		json_str(&l->j, "path", path);
		json_str(&l->j, "error", error);
		json_obj_end(&l->j);
		break;
	case TEXT:
		/* names, descriptions and messages quote files: untrusted */
		san_str(sname, sizeof(sname), name, SAN_TERM);
		if (error)
			printf("%s%-18s%s %sbroken: %s%s\n", color(C_BOLD), sname, color(C_RESET),
			       color(C_RED), san_str(serr, sizeof(serr), error, SAN_TERM_LINES),
			       color(C_RESET));
		else
			printf("%s%-18s%s %s\n%-18s %s%s%s\n", color(C_BOLD), sname, color(C_RESET),
			       san_str(sdesc, sizeof(sdesc), desc, SAN_TERM), "", color(C_DIM),
			       san_str(spath, sizeof(spath), path, SAN_TERM), color(C_RESET));
		break;
	}
}

const struct cmd_opt profiles_options[] = {
	{ "json", 0, no_argument, NULL, 'j', "a JSON array of {name, description, path, error}" },
	{ "names", 0, no_argument, NULL, 'n', "names only, one per line (for completion)" },
	CMD_OPT_END,
};

int cmd_profiles(int argc, char **argv)
{
	struct listing l = { .mode = TEXT };
	struct profile_search sp;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, profiles_options, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (l.mode != TEXT)
			return usage_error("profiles", "--json and --names exclude each other");
		l.mode = opt == 'j' ? JSON : NAMES;
	}
	if (optind < argc)
		return usage_error("profiles", "unexpected argument '%s'", argv[optind]);
	cmd_profile_search(&sp);
	if (l.mode == JSON) {
		json_init(&l.j, stdout);
		json_arr_begin(&l.j, NULL);
	}
	profile_foreach(&sp, visit, &l);
	if (l.mode == JSON) {
		json_arr_end(&l.j);
		json_end(&l.j);
	} else if (l.mode == TEXT && l.n == 0) {
		fprintf(stderr, "twtune: no profiles found in:");
		for (size_t i = 0; i < sp.ndirs; i++)
			fprintf(stderr, " %s", sp.dirs[i]);
		fputc('\n', stderr);
	}
	profile_search_free(&sp);
	return rc;
}
