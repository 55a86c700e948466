/* apply.h: plan, write, verify and restore sysctl changes; persist them */
#ifndef TWTUNE_APPLY_H
#define TWTUNE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "journal.h"
#include "profile.h"
#include "risk.h"

struct change {
	int key; /* index in sysctl_table */
	struct sysval before, after;
};

struct plan {
	struct change all[16]; /* every key the target sets, in table order */
	size_t nall;
	size_t diff[16];       /* indexes into all[] of the keys that differ */
	size_t ndiff;
	const char *skipped[16]; /* keys this kernel lacks, set to their default */
	size_t nskipped;
};

/* The plan from current values to a profile's. -EINVAL or -EOPNOTSUPP with
 * one line in err when the profile cannot apply to this kernel. */
int plan_from_profile(const struct profile *p, const struct settings *cur, const char *root,
		      struct plan *pl, char *err, size_t errlen);
/* The plan from current values back to a journal's. */
int plan_from_journal(const struct journal *j, const struct settings *cur, struct plan *pl,
		      char *err, size_t errlen);
void plan_free(struct plan *pl);

/* May every key of the plan that differs be written? 0, or -errno with the
 * key named in err (-EROFS for a read-only /proc/sys). */
int plan_check_writable(const struct plan *pl, const char *root, char *err, size_t errlen);

struct write_report {
	size_t written;     /* keys written and verified */
	int failed_key;     /* -1, or the key whose write failed */
	int failed_err;     /* the kernel's error, or -EIO for a read-back mismatch */
	char readback[128]; /* what the kernel kept, on a mismatch */
	size_t restored;    /* keys put back after the failure */
	int restore_failed_key, restore_err;
};

/* Writes the keys that differ, in order, reading each back. On a failure,
 * restores every key already written in reverse order and verifies it.
 * 0, or the failing -errno with the details in rep. */
int plan_write(const struct plan *pl, const char *root, struct write_report *rep);

/* sysctl.conf text of the plan's keys: before or after. New string. */
char *plan_conf_text(const struct plan *pl, bool after);

/* The file apply --persist writes. New string. */
char *persist_text(const char *profile, const struct plan *pl);
/* True when path already holds these settings (comments aside). */
bool persist_up_to_date(const char *path, const char *text);
/* Files systemd-sysctl reads after path that set one of the plan's keys:
 * one "FILE sets KEY" line each, in a new string (NULL when none). The
 * directories come from TWTUNE_SYSCTL_D_DIRS (colon-separated) or the
 * systemd defaults. */
char *persist_overrides(const char *path, const struct plan *pl);

#endif
