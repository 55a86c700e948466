// SPDX-License-Identifier: GPL-2.0-or-later
/* stopflag.h: Ctrl-C and SIGTERM as a request to stop early: handlers
 * that set one flag, which long waits poll (observe, audit --observe) */
#ifndef TWTUNE_STOPFLAG_H
#define TWTUNE_STOPFLAG_H

#include <signal.h>
#include <stdbool.h>

/* The handlers stop_catch replaced, for stop_release. */
struct stop_saved {
	struct sigaction old_int, old_term;
	bool caught;
};

/* Clears the flag and catches SIGINT and SIGTERM into it. 0 or -errno
 * (nothing caught then). */
int stop_catch(struct stop_saved *saved);
/* The handlers as they were before stop_catch (nothing when it failed). */
void stop_release(struct stop_saved *saved);
/* Whether SIGINT or SIGTERM came since stop_catch. */
bool stop_requested(void);
/* The flag itself, for waits that poll it (observe_wait). */
volatile sig_atomic_t *stop_flag(void);

#endif
