// SPDX-License-Identifier: GPL-2.0-or-later
/* testhook.c: the test hooks of testhook.h, read once; compiled with
 * -DTWTUNE_TEST_HOOKS into the test binary only (the Makefile's
 * $(BUILD)/test/twtune), and as stubs that read nothing into ./twtune */
#include "testhook.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "number.h"

/* Every hook off; interval -1: the option's own default (a zero would
 * make every audit of ./twtune a snapshot). */
static struct testhooks hooks = { .interval = -1 };

#ifdef TWTUNE_TEST_HOOKS

static const char *env_str(const char *v)
{
	return v && *v ? v : NULL;
}

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

static long number(const char *v)
{
	long long n;

	return v && parse_ll(v, 0, 1000, &n) == 0 ? (long)n : 0;
}

void testhook_init(void)
{
	long long n;

	hooks = (struct testhooks){
		.kill_at = getenv("TWTUNE_TEST_KILL_AT"),
		.kill_trace = getenv("TWTUNE_TEST_KILL_TRACE") != NULL,
		.fail_at = number(getenv("TWTUNE_TEST_FAIL_AT")),
		.pause_after = number(getenv("TWTUNE_TEST_PAUSE_AFTER")),
		.clamp_at = number(getenv("TWTUNE_TEST_CLAMP_AT")),
		.diag_replay = env_str(getenv("TWTUNE_DIAG_REPLAY")),
		.diag_record = env_str(getenv("TWTUNE_DIAG_RECORD")),
		.ct_replay = env_str(getenv("TWTUNE_CT_REPLAY")),
		.force_procfs = env_on("TWTUNE_FORCE_PROCFS"),
		.diag_per_family = env_on("TWTUNE_DIAG_PER_FAMILY"),
		.netns_pause = number(getenv("TWTUNE_TEST_NETNS_PAUSE")),
		.proc_net = env_str(getenv("TWTUNE_PROC_NET")),
		.sysctl_d_dirs = getenv("TWTUNE_SYSCTL_D_DIRS"),
		.btf_path = env_str(getenv("TWTUNE_TEST_BTF_PATH")),
		.interval = -1,
	};
	if (env_str(getenv("TWTUNE_TEST_INTERVAL")))
		hooks.interval = parse_ll(getenv("TWTUNE_TEST_INTERVAL"), 0, 3600, &n) == 0 ? (long)n
											      : -1;
}

bool testhook_built(void)
{
	return true;
}

void test_kill_point(const char *point)
{
	static long reached;
	const char *at = hooks.kill_at;
	long long n;

	reached++;
	if (hooks.kill_trace) {
		char line[256];
		int len = snprintf(line, sizeof(line), "twtune: test hook: point %ld %s\n", reached, point);

		if (len > 0 && (size_t)len < sizeof(line) && write(STDERR_FILENO, line, (size_t)len) < 0)
			len = 0; /* nothing to do: stderr is the only place to say it */
	}
	if (at && (strcmp(at, point) == 0 || (parse_ll(at, 1, 100000, &n) == 0 && n == reached)))
		raise(SIGKILL);
}

#else /* not the test binary: every hook off, nothing read */

void testhook_init(void)
{
}

bool testhook_built(void)
{
	return false;
}

void test_kill_point(const char *point)
{
	(void)point;
}

#endif

const struct testhooks *testhooks(void)
{
	return &hooks;
}
