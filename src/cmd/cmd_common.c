// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_common.c: what several commands do the same way: the profile
 * search path and loading a profile (options and usage errors are
 * cmd_options.c's) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "didyoumean.h"
#include "profile.h"
#include "twtune.h"

void cmd_profile_search(struct profile_search *sp)
{
	profile_search_init(sp, G.profile_dirs, G.nprofile_dirs, getenv("TWTUNE_PROFILE_PATH"));
	if (G.allow_insecure_profiles)
		sp->check_trust = false;
}

struct names {
	char *v[256];
	size_t n;
};

static void add_name(const char *name, const char *path, void *ctx)
{
	struct names *ns = ctx;

	(void)path;
	if (ns->n < sizeof(ns->v) / sizeof(ns->v[0]) && (ns->v[ns->n] = strdup(name)))
		ns->n++;
}

/* The profile along the search path nearest to a name not found, into
 * out ("" when none is near). */
static void near_profile(const struct profile_search *sp, const char *name, char *out, size_t len)
{
	struct names ns = { .n = 0 };
	const char *near;

	out[0] = '\0';
	if (!profile_name_valid(name) || profile_arg_is_path(name))
		return;
	profile_search_each(sp, add_name, &ns);
	near = dym_suggest(name, (const char *const *)ns.v, ns.n);
	for (size_t i = 0; i < ns.n; i++)
		if (!strcmp(ns.v[i], name)) /* found: what is missing is another file */
			near = NULL;
	if (near)
		snprintf(out, len, "%s", near);
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
}

int cmd_load_profile(const char *cmd, const char *arg, struct profile *p)
{
	struct profile_search sp;
	char err[1024], near[256] = "";
	int r;

	cmd_profile_search(&sp);
	r = profile_load(arg, &sp, p, err, sizeof(err));
	if (r == 0) {
		profile_search_free(&sp);
		return EXIT_OK;
	}
	if (r == -ENOENT)
		near_profile(&sp, arg, near, sizeof(near));
	profile_search_free(&sp);
	if (r == -ENOMEM)
		errorf("%s: out of memory", cmd);
	else if (near[0])
		errorf("%s: %s; did you mean '%s'?", cmd, err, near);
	else
		errorf("%s: %s", cmd, err);
	return r == -EACCES || r == -EPERM || r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
}
