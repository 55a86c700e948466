// SPDX-License-Identifier: GPL-2.0-or-later
/* test_profile.c: names, paths, thresholds, and profile_load on files in a
 * temporary directory: inheritance, overrides, "default", and errors that
 * name file and line */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "tap.h"

static char dir[] = "/tmp/twtune-test-profile-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Replaces each '@' in msg with the directory. */
static void expand(char *out, size_t len, const char *msg)
{
	size_t n = 0;

	for (const char *m = msg; *m && n + 1 < len; m++) {
		if (*m == '@')
			n += (size_t)snprintf(out + n, len - n, "%s", dir);
		else
			out[n++] = *m;
		if (n >= len)
			n = len - 1;
	}
	out[n] = '\0';
}

static void cleanup(void)
{
	static const char *const names[] = { "base", "mid", "top", "loopb", "syntax", "unksec",
		"unkkey", "range", "nonnum", "reversed", "recycle", "readonly", "dup", "empty", "thr",
		"throrder", "profkey", "nosection", "incmissing", "incpath", "loopa" };
	char path[300];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.ini", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int load(const char *arg, struct profile *p, char *err, size_t len)
{
	const char *dirs[] = { dir };
	struct profile_search sp;
	int r;

	profile_search_init(&sp, dirs, 1, NULL);
	r = profile_load(arg, &sp, p, err, len);
	profile_search_free(&sp);
	return r;
}

static const struct {
	const char *name, *text;
	int r;
	const char *msg; /* '@' stands for the directory; compared as a prefix */
} bad[] = {
	{ "syntax", "[sysctl]\nthis is not ini\n", -EINVAL, "@/syntax.ini line 2: syntax error: 'this is not ini'; use '[section]' and 'key = value'" },
	{ "unksec", "[sysctls]\ntcp_tw_reuse = 1\n", -EINVAL, "@/unksec.ini: unknown section [sysctls]; allowed: [profile], [sysctl], [thresholds]" },
	{ "unkkey", "[sysctl]\n\ntcp_tw_reuse = 1\ntcp_tw_reuze = 1\n", -EINVAL, "@/unkkey.ini line 4: [sysctl] unknown key 'tcp_tw_reuze'; known: ip_local_port_range, ip_local_reserved_ports, tcp_tw_reuse, tcp_tw_reuse_delay, tcp_fin_timeout, tcp_max_tw_buckets, tcp_timestamps" },
	{ "range", "[sysctl]\ntcp_tw_reuse = 5\n", -EINVAL, "@/range.ini line 2: [sysctl] tcp_tw_reuse = '5': 5 is out of range 0..2" },
	{ "nonnum", "[sysctl]\ntcp_fin_timeout = soon\n", -EINVAL, "@/nonnum.ini line 2: [sysctl] tcp_fin_timeout = 'soon': 'soon' is not a decimal number" },
	{ "reversed", "[sysctl]\nip_local_port_range = 60999 32768\n", -EINVAL, "@/reversed.ini line 2: [sysctl] ip_local_port_range = '60999 32768': high 32768 is below low 60999" },
	{ "recycle", "[sysctl]\ntcp_tw_recycle = 1\n", -EINVAL, "@/recycle.ini line 2: [sysctl] tcp_tw_recycle was removed in Linux 4.12 (it broke clients behind NAT); remove it" },
	{ "readonly", "[sysctl]\nip_unprivileged_port_start = 0\n", -EINVAL, "@/readonly.ini line 2: [sysctl] ip_unprivileged_port_start is read-only for twtune" },
	{ "dup", "[sysctl]\ntcp_tw_reuse = 1\ntcp_tw_reuse = 0\n", -EINVAL, "@/dup.ini line 3: [sysctl] tcp_tw_reuse is set twice (first on line 2)" },
	{ "empty", "\n  \n", -EINVAL, "@/empty.ini is empty; a profile needs a [sysctl] or [profile] section" },
	{ "thr", "[thresholds]\nport_pressure_warn = lots\n", -EINVAL, "@/thr.ini line 2: [thresholds] port_pressure_warn = 'lots': needs a ratio 0..1 such as 0.85 or 85%" },
	{ "throrder", "[thresholds]\nport_pressure_warn = 0.9\nport_pressure_crit = 0.5\n", -EINVAL, "@/throrder.ini: [thresholds] port_pressure_warn = 0.9 is above port_pressure_crit = 0.5" },
	{ "profkey", "[profile]\nname = x\n", -EINVAL, "@/profkey.ini line 2: [profile] unknown key 'name'; allowed: description, include" },
	{ "nosection", "tcp_tw_reuse = 1\n", -EINVAL, "@/nosection.ini line 1: key 'tcp_tw_reuse' outside any section; allowed sections: [profile], [sysctl], [thresholds]" },
	/* found by fuzz_profile: the message read past the end of the key "" */
	{ "emptysec", "[]\ntcp_tw_reuse = 1\n", -EINVAL, "@/emptysec.ini: empty section name []; allowed sections: [profile], [sysctl], [thresholds]" },
	{ "incmissing", "[profile]\ninclude = nowhere\n", -EINVAL, "@/incmissing.ini line 2: include: profile 'nowhere' not found (looked in @, " },
	{ "incpath", "[profile]\ninclude = ../etc/x\n", -EINVAL, "@/incpath.ini line 2: [profile] include = '../etc/x' is not a profile name ([A-Za-z0-9._-], no '..' or '/')" },
	{ "loopa", "[profile]\ninclude = loopb\n", -ELOOP, "include loop: @/loopa.ini -> @/loopb.ini -> @/loopa.ini" },
};

int main(void)
{
	struct profile p;
	char err[1024], want[1024];

	TAP_OK(mkdtemp(dir) != NULL, "temporary directory");
	TAP_OK(profile_name_valid("proxy-profile") && profile_name_valid("a.b_c-1"), "good names");
	TAP_OK(!profile_name_valid("") && !profile_name_valid("..") && !profile_name_valid("a..b") &&
		       !profile_name_valid("a/b") && !profile_name_valid("a b") && !profile_name_valid("ü"),
	       "bad names");
	TAP_OK(profile_arg_is_path("./x") && profile_arg_is_path("x.ini") && !profile_arg_is_path("x"),
	       "paths and names");
	{
		double v;

		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "0.85", &v) == 0 && v == 0.85, "ratio");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "85%", &v) == 0 && v > 0.849 && v < 0.851, "percent");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "1.5", &v) == -EINVAL, "ratio above 1");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "-0.1", &v) == -EINVAL, "negative ratio");
		TAP_OK(threshold_parse(&threshold_table[THR_CLOSE_WAIT_WARN], "250", &v) == 0 && v == 250, "count");
		TAP_OK(threshold_parse(&threshold_table[THR_CLOSE_WAIT_WARN], "2.5", &v) == -EINVAL, "count is whole");
		/* the manual's grammar, as fuzz_value checks it: strtod alone took more */
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "0x.8", &v) == -EINVAL, "no hex float");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "8.5e-1", &v) == -EINVAL, "no exponent");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], "0..5", &v) == -EINVAL, "one dot");
		TAP_OK(threshold_parse(&threshold_table[THR_PORT_PRESSURE_WARN], " .5 ", &v) == 0 && v == 0.5, "leading dot");
	}

	{
		const char *extra[] = { "/x", "/y" };
		struct profile_search sp;

		profile_search_init(&sp, extra, 2, "/a:/y::/b:/a");
		TAP_OK(sp.ndirs >= 5 && !strcmp(sp.dirs[0], "/x") && !strcmp(sp.dirs[1], "/y") &&
			       !strcmp(sp.dirs[2], "/a") && !strcmp(sp.dirs[3], "/b") &&
			       !strcmp(sp.dirs[4], "/etc/twtune/profiles"),
		       "search path: --profile-dir, then the path list (empty parts and repeats dropped)");
		profile_search_free(&sp);
		profile_search_init(&sp, NULL, 0, NULL);
		TAP_OK(sp.ndirs >= 2 && !strcmp(sp.dirs[0], "/etc/twtune/profiles"), "search path: no list");
		profile_search_free(&sp);
	}
	{
		double v[THR_COUNT_];

		for (size_t i = 0; i < THR_COUNT_; i++)
			v[i] = threshold_table[i].def;
		TAP_OK(thresholds_check(v, "f", err, sizeof(err)) == 0, "default thresholds are in order");
		v[THR_TW_BUCKETS_WARN] = 0.95;
		TAP_OK(thresholds_check(v, "f", err, sizeof(err)) == -EINVAL &&
			       !strcmp(err, "f: [thresholds] tw_buckets_warn = 0.95 is above tw_buckets_crit = 0.9"),
		       "warn above crit (%s)", err);
		TAP_OK(threshold_lookup("close_wait_crit") == &threshold_table[THR_CLOSE_WAIT_CRIT] &&
			       threshold_lookup("close_wait") == NULL,
		       "threshold_lookup");
	}

	put("base", "[profile]\ndescription = base\n[sysctl]\ntcp_tw_reuse = 1\ntcp_fin_timeout = 30\n"
		    "[thresholds]\nclose_wait_warn = 10\n");
	put("mid", "[profile]\ninclude = base\n[sysctl]\ntcp_fin_timeout = 40\nip_local_port_range = 20000\t60001\n");
	put("top", "; comment\n[profile]\ndescription = top of three\ninclude = mid\n[sysctl]\n"
		   "net.ipv4.tcp_max_tw_buckets = default\nip_local_reserved_ports = 9001, 9000\r\n");
	TAP_OK(load("top", &p, err, sizeof(err)) == 0, "three levels load (%s)", err);
	{
		const enum sysctl_id reuse = SYSCTL_TCP_TW_REUSE, fin = SYSCTL_TCP_FIN_TIMEOUT,
				     range = SYSCTL_IP_LOCAL_PORT_RANGE, tw = SYSCTL_TCP_MAX_TW_BUCKETS,
				     res = SYSCTL_IP_LOCAL_RESERVED_PORTS;

		TAP_OK(p.sysctl[reuse].set && strcmp(p.sysctl[reuse].val.text, "1") == 0 &&
			       strstr(p.sysctl[reuse].from, "/base.ini"),
		       "inherited from base");
		TAP_OK(strcmp(p.sysctl[fin].val.text, "40") == 0 && strstr(p.sysctl[fin].from, "/mid.ini"),
		       "the child overrides");
		TAP_OK(strcmp(p.sysctl[range].val.text, "20000 60001") == 0, "normalised pair");
		TAP_OK(p.sysctl[tw].use_default, "'default' kept for resolution");
		TAP_OK(strcmp(p.sysctl[res].val.text, "9000-9001") == 0, "CRLF and spaces in a list");
		TAP_OK(strcmp(p.description, "top of three") == 0, "own description");
		TAP_OK(p.thresholds[THR_CLOSE_WAIT_WARN] == 10 && p.thresholds[THR_PORT_PRESSURE_WARN] == 0.5,
		       "thresholds: inherited and default");
		TAP_OK(p.nincludes == 3 && strstr(p.includes[0], "/base.ini") && strstr(p.includes[2], "/top.ini"),
		       "files in order, base first");
		profile_free(&p);
	}
	put("loopb", "[profile]\ninclude = loopa\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i].name, bad[i].text);
		expand(want, sizeof(want), bad[i].msg);
		err[0] = '\0';
		TAP_OK(load(bad[i].name, &p, err, sizeof(err)) == bad[i].r &&
			       strncmp(err, want, strlen(want)) == 0,
		       "%s: '%s' (got '%s')", bad[i].name, want, err);
	}
	TAP_OK(load("absent", &p, err, sizeof(err)) == -ENOENT && strstr(err, "not found (looked in"),
	       "a missing profile says where it looked");
	TAP_OK(load("../twtune-test-no-such-profile", &p, err, sizeof(err)) == -EINVAL ||
		       load("../twtune-test-no-such-profile", &p, err, sizeof(err)) == -ENOENT,
	       "a ../ argument is a path, never a name");
	TAP_OK(load("a b", &p, err, sizeof(err)) == -EINVAL && strstr(err, "is not a profile name"), "bad name refused");
	{
		char path[300];

		snprintf(path, sizeof(path), "%s/base.ini", dir);
		TAP_OK(load(path, &p, err, sizeof(err)) == 0 && strcmp(p.name, "base") == 0, "by path");
		profile_free(&p);
	}
	cleanup();
	return tap_done();
}
