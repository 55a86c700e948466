// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_show.c: twtune show [--json] PROFILE */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "json.h"
#include "output.h"
#include "profile.h"
#include "registry.h"
#include "sanitize.h"
#include "twtune.h"

static void show_json(const struct profile *p)
{
	struct json j;
	char name[96];

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", p->name);
	json_str(&j, "path", p->path);
	json_str(&j, "description", p->description);
	json_arr_begin(&j, "files");
	for (size_t i = 0; i < p->nincludes; i++)
		json_str(&j, NULL, p->includes[i]);
	json_arr_end(&j);
	json_obj_begin(&j, "sysctl");
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		const struct profile_setting *s = &p->sysctl[i];

		if (!s->set)
			continue;
		json_obj_begin(&j, sysctl_fullname(&sysctl_table[i], name, sizeof(name)));
		if (s->use_default)
			json_str(&j, "value", "default");
		else
			json_sysval(&j, "value", &s->val);
		json_str(&j, "from", s->from);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_begin(&j, "thresholds");
	for (size_t i = 0; i < THR_COUNT_; i++) {
		json_obj_begin(&j, threshold_table[i].name);
		json_double(&j, "value", p->thresholds[i], threshold_table[i].kind == THR_RATIO ? 2 : 0);
		json_str(&j, "from", p->threshold_from[i]);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static void show_text(const struct profile *p)
{
	char name[96], safe[1024], safe2[1024];

	/* the profile's name, path and text are the file's: untrusted */
	printf("%s# profile %s%s (%s)\n", color(C_BOLD), san_str(safe, sizeof(safe), p->name, SAN_TERM),
	       color(C_RESET), san_str(safe2, sizeof(safe2), p->path, SAN_TERM));
	if (p->description)
		printf("# %s\n", san_str(safe, sizeof(safe), p->description, SAN_TERM));
	if (p->nincludes > 1) {
		printf("# read in order:");
		for (size_t i = 0; i < p->nincludes; i++)
			printf(" %s%s", san_str(safe, sizeof(safe), p->includes[i], SAN_TERM),
			       i + 1 < p->nincludes ? " ->" : "");
		printf("\n");
	}
	printf("\n[sysctl]\n");
	for (size_t i = 0; i < SYSCTL_COUNT; i++) {
		const struct profile_setting *s = &p->sysctl[i];

		if (s->set)
			printf("%s = %s %s# from %s%s\n",
			       sysctl_fullname(&sysctl_table[i], name, sizeof(name)),
			       s->use_default ? "default" : s->val.text,
			       color(C_DIM), san_str(safe, sizeof(safe), s->from, SAN_TERM),
			       color(C_RESET));
	}
	printf("\n[thresholds]\n");
	for (size_t i = 0; i < THR_COUNT_; i++) {
		const struct threshold_def *t = &threshold_table[i];

		printf("%s = %.*f %s# %s%s%s\n", t->name, t->kind == THR_RATIO ? 2 : 0, p->thresholds[i],
		       color(C_DIM), p->threshold_from[i] ? "from " : "",
		       p->threshold_from[i] ? san_str(safe, sizeof(safe), p->threshold_from[i], SAN_TERM)
					    : "default",
		       color(C_RESET));
	}
}

const struct cmd_opt show_options[] = {
	{ "json", 0, no_argument, NULL, 'j', "one JSON object" },
	CMD_OPT_END,
};

int cmd_show(int argc, char **argv)
{
	struct profile p;
	bool json = false;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, show_options, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		json = true;
	}
	if (optind >= argc)
		return usage_error("show", "missing PROFILE");
	if (optind + 1 < argc)
		return usage_error("show", "unexpected argument '%s'", argv[optind + 1]);
	rc = cmd_load_profile("show", argv[optind], &p);
	if (rc != EXIT_OK)
		return rc;
	if (json)
		show_json(&p);
	else
		show_text(&p);
	profile_free(&p);
	return EXIT_OK;
}
