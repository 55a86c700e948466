/* cmd_common.c: what several commands do the same way */
#include <errno.h>

#include "commands.h"
#include "profile.h"
#include "twtune.h"

void cmd_profile_search(struct profile_search *sp)
{
	profile_search_init(sp, G.profile_dirs, G.nprofile_dirs);
	if (G.allow_insecure_profiles)
		sp->check_trust = false;
}

int cmd_load_profile(const char *cmd, const char *arg, struct profile *p)
{
	struct profile_search sp;
	char err[1024];
	int r;

	cmd_profile_search(&sp);
	r = profile_load(arg, &sp, p, err, sizeof(err));
	profile_search_free(&sp);
	if (r == 0)
		return EXIT_OK;
	if (r == -ENOMEM)
		errorf("%s: out of memory", cmd);
	else
		errorf("%s: %s", cmd, err);
	return r == -EACCES || r == -EPERM || r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
}
