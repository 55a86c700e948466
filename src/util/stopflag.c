// SPDX-License-Identifier: GPL-2.0-or-later
/* stopflag.c: the one stop flag of Ctrl-C and SIGTERM (stopflag.h) */
#include "stopflag.h"

#include <errno.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int stop_catch(struct stop_saved *saved)
{
	struct sigaction sa = { .sa_handler = on_signal };

	saved->caught = false;
	stop = 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, &saved->old_int) < 0)
		return -errno;
	if (sigaction(SIGTERM, &sa, &saved->old_term) < 0) {
		int e = errno;

		sigaction(SIGINT, &saved->old_int, NULL);
		return -e;
	}
	saved->caught = true;
	return 0;
}

void stop_release(struct stop_saved *saved)
{
	if (!saved->caught)
		return;
	sigaction(SIGINT, &saved->old_int, NULL);
	sigaction(SIGTERM, &saved->old_term, NULL);
	saved->caught = false;
}

bool stop_requested(void)
{
	return stop != 0;
}

volatile sig_atomic_t *stop_flag(void)
{
	return &stop;
}
