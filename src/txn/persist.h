// SPDX-License-Identifier: GPL-2.0-or-later
/* persist.h: the sysctl.d file apply --persist writes, what systemd-sysctl
 * reads after it, and its old content kept for rollback */
#ifndef TWTUNE_PERSIST_H
#define TWTUNE_PERSIST_H

#include <stdbool.h>
#include <time.h>

#include "plan.h"
#include "journal.h"

/* sysctl.conf text of the plan's keys: before or after. New string. */
char *plan_conf_text(const struct plan *pl, bool after);

/* The file apply --persist writes, stamped with the time `stamp`. New
 * string. */
char *persist_text(const char *profile, const struct plan *pl, time_t stamp);
/* True when path already holds these settings (comments aside). */
bool persist_up_to_date(const char *path, const char *text);
/* Files systemd-sysctl reads after path that set one of the plan's keys:
 * one "FILE sets KEY and is read after NAME" line each, in a new string
 * (NULL when none). dirs: the sysctl.d directories, colon-separated, in
 * systemd's order; NULL for systemd's own. */
char *persist_overrides(const char *path, const struct plan *pl, const char *dirs);

/* Keeps what path holds now (or that it is absent) in the journal and the
 * state directory, once per journal: a rollback puts back what was there
 * before twtune. 0 or -errno. */
int persist_journal(const char *path, const char *state_dir, struct journal *j);
/* Does the persisted file need putting back? 1 yes, 0 no, or -errno when
 * the copy in the state directory cannot be trusted. */
int persist_differs(const struct journal *j, const char *state_dir);
/* Puts back the persisted file from the journal (the old one, or none)
 * when it differs (as persist_differs found under the lock), and removes
 * what a killed write left beside it. 0 or -errno. */
int persist_restore(const struct journal *j, const char *state_dir, bool differs);

#endif
