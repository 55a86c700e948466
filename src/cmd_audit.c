/* cmd_audit.c: twtune audit [--json] [PROFILE] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "commands.h"
#include "json.h"
#include "output.h"
#include "profile.h"
#include "registry.h"
#include "sysctl.h"
#include "twtune.h"

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct sysctl_state st;
	struct profile prof, *p = NULL;
	struct utsname u;
	struct json j;
	bool json = false;
	int opt, rc = EXIT_OK, ndiff = 0;

	while ((opt = cmd_next_opt(argc, argv, opts, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		json = true;
	}
	if (optind + 1 < argc)
		return usage_error("audit", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		rc = cmd_load_profile("audit", argv[optind], &prof);
		if (rc != EXIT_OK)
			return rc;
		p = &prof;
	}
	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	sysctl_read_all(G.sysctl_root, &st);
	if (st.err[0] == -ENOENT && st.err[2] == -ENOENT) {
		errorf("audit: cannot read %s/net/ipv4: no such directory", G.sysctl_root);
		rc = EXIT_SYSTEM;
		goto out;
	}
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "kernel", u.release);
		json_str(&j, "profile", p ? p->name : NULL);
		json_obj_begin(&j, "sysctl");
	} else {
		printf("%stwtune audit%s  kernel %s  sysctl root %s%s%s\n\n", color(C_BOLD),
		       color(C_RESET), u.release, G.sysctl_root, p ? "  profile " : "",
		       p ? p->name : "");
	}
	for (size_t i = 0; i < sysctl_count; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		char name[96], defbuf[32];
		const char *def = sysctl_default(G.sysctl_root, d, defbuf, sizeof(defbuf));
		struct sysval tv = { 0 };
		const char *target = p && profile_target(p, i, G.sysctl_root, &tv) == 0 ? tv.text : NULL;
		const char *cur = st.err[i] == 0 ? st.val[i].text : NULL;
		bool differs = cur && def && strcmp(cur, def) != 0;

		sysctl_fullname(d, name, sizeof(name));
		ndiff += differs;
		if (json) {
			json_obj_begin(&j, name);
			json_bool(&j, "supported", st.err[i] != -ENOENT);
			json_str(&j, "value", cur);
			json_str(&j, "default", def);
			json_bool(&j, "differs", differs);
			if (p)
				json_str(&j, "target", target);
			json_obj_end(&j);
			sysval_free(&tv);
			continue;
		}
		if (!cur) {
			printf("%-36s %s%s%s\n", name, color(C_DIM),
			       st.err[i] == -ENOENT ? "not supported by this kernel" : strerror(-st.err[i]),
			       color(C_RESET));
			sysval_free(&tv);
			continue;
		}
		printf("%-36s = %-14s", name, cur);
		if (differs)
			printf(" %s(kernel default %s)%s", color(C_YELLOW), def, color(C_RESET));
		if (target && strcmp(target, cur) != 0)
			printf(" %s-> %s in %s%s", color(C_CYAN), target, p->name, color(C_RESET));
		printf("\n");
		sysval_free(&tv);
	}
	if (json) {
		json_obj_end(&j);
		json_int(&j, "differs_from_default", ndiff);
		json_obj_end(&j);
		json_end(&j);
	} else {
		printf("\n%d setting%s differ%s from the kernel defaults\n", ndiff,
		       ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "");
	}
out:
	sysctl_state_free(&st);
	if (p)
		profile_free(p);
	return rc;
}
