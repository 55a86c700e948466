// SPDX-License-Identifier: GPL-2.0-or-later
/* apply.h: plan, write, verify and restore sysctl changes; the apply and
 * rollback transactions (journal, kernel, persisted file) */
#ifndef TWTUNE_APPLY_H
#define TWTUNE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "registry.h"
#include "risk.h"


/* The plan from current values to a profile's. -EINVAL or -EOPNOTSUPP with
 * one line in err when the profile cannot apply to this kernel. */
int plan_from_profile(const struct profile *p, const struct settings *cur, const char *root,
		      struct plan *pl, char *err, size_t errlen);
/* The plan from current values back to a journal's. */
int plan_from_journal(const struct journal *j, const struct settings *cur, struct plan *pl,
		      char *err, size_t errlen);
void plan_free(struct plan *pl);

/* Under the lock: is every key of the plan still what the plan was made
 * from? 0, -ESTALE with the key, both values and "changed since it was
 * read" in err (someone else wrote it meanwhile), or -errno. */
int plan_recheck(const struct plan *pl, const char *root, char *err, size_t errlen);

/* May every key of the plan that differs be written? 0, or -errno with the
 * key named in err (-EROFS for a read-only /proc/sys). */
int plan_check_writable(const struct plan *pl, const char *root, char *err, size_t errlen);

/* Putting written keys back to their values before. */
struct undo_report {
	size_t restored;                    /* keys put back and verified */
	enum sysctl_id failed[SYSCTL_COUNT]; /* keys that could not be put back, newest first */
	int failed_err[SYSCTL_COUNT];       /* the error of each */
	size_t nfailed;
};

struct write_report {
	size_t written;     /* keys written and verified */
	int failed_key;     /* -1, or the enum sysctl_id whose write failed */
	int failed_err;     /* the kernel's error, or -EIO for a read-back mismatch */
	char readback[128]; /* what the kernel kept, on a mismatch */
	bool failed_changed; /* the kernel held another value than before for the
			      * failed key (a mismatch, a write taken in part) */
	bool failed_put_back; /* ... and it was put back, verified (undo counts it) */
	struct undo_report undo; /* the failed key when changed, and the keys written
				  * before it, put back */
};

/* Writes the keys that differ, in order, reading each back. On a failure,
 * restores the failed key when the kernel holds another value for it than
 * before (a read-back mismatch), then every key already written, in
 * reverse order, and verifies each.
 * 0, or the failing -errno with the details in rep. */
int plan_write(const struct plan *pl, const char *root, struct write_report *rep);
/* Puts the first `written` keys that differ back to their values before,
 * newest first, each verified; goes on past a failure. 0, or the first
 * failure's -errno with every key that stays changed in rep. */
int plan_undo(const struct plan *pl, size_t written, const char *root, struct undo_report *rep);

/* What apply_run is to do. */
struct apply_req {
	const char *profile;       /* its name, for the journal */
	const char *time;          /* now, "2026-11-24T10:00:00Z", for the journal */
	const char *sysctl_root;
	const char *state_dir;     /* locked by the caller */
	const char *persist;       /* NULL, or the file --persist names */
	const char *persist_text;  /* the file's new text, or NULL when it is up to date */
	const char *sysctl_d_dirs; /* for the override scan; NULL: systemd's */
	const char *netns_id;      /* the namespace (nsid.h) and root the journal */
	const char *root_id;       /* belongs to */
};

/* Where apply_run stopped. */
enum apply_stage {
	APPLY_DONE,              /* everything written */
	APPLY_JOURNAL_LOAD,      /* the journal could not be read: why */
	APPLY_JOURNAL_OWNER,     /* the journal belongs to another namespace or root: why */
	APPLY_JOURNAL_CLEAN,     /* what a killed run left could not be removed */
	APPLY_PERSIST_ELSEWHERE, /* the journal keeps another persisted file: other */
	APPLY_JOURNAL_SAVE,      /* the journal could not be written */
	APPLY_WRITE,             /* a kernel write failed: write */
	APPLY_PERSIST_WRITE,     /* the persisted file could not be written: undo */
};

struct apply_result {
	enum apply_stage stage;
	int err;                 /* -errno of the stage that failed */
	char why[600];           /* APPLY_JOURNAL_LOAD: the journal's problem */
	char *other;             /* APPLY_PERSIST_ELSEWHERE: the file the journal keeps */
	struct write_report write;
	struct undo_report undo; /* APPLY_PERSIST_WRITE: the kernel writes put back */
	int journal_undo_err;    /* all put back, but the journal could not be put back as
				  * it was (0: it was, or not everything was put back) */
	char *overrides;         /* with persist: "FILE sets KEY and is read after NAME" lines */
};

/* The apply transaction, under the state lock: journals the old values of
 * the keys that differ (keeping older ones) and of the persisted file, then
 * writes and verifies the keys, then the persisted file; when a kernel
 * write fails, puts back the keys written, and when the persisted file
 * fails, puts back the kernel too. Nothing is changed before the journal
 * holds what it changes. 0, or -errno with res->stage saying where. */
int apply_run(const struct plan *pl, const struct apply_req *req, struct apply_result *res);
void apply_result_free(struct apply_result *res);

/* Where rollback_run stopped. */
enum rollback_stage {
	ROLLBACK_DONE,
	ROLLBACK_WRITE,   /* a kernel write failed: write */
	ROLLBACK_PERSIST, /* the kernel values are back, the persisted file is not */
	ROLLBACK_KEEP,    /* all is back but pl->missing; the journal could not be cut to them */
};

struct rollback_result {
	enum rollback_stage stage;
	int err;
	int journal_err;   /* the journal could not be removed (a warning) */
	struct write_report write;
};

/* The rollback transaction, under the state lock: writes the plan back to
 * the journal's values, puts back (or removes) the persisted file when
 * persist_differs, and removes the journal; when the plan has keys this
 * kernel lacks (pl->missing), the journal is cut to those instead. 0 or
 * -errno. */
int rollback_run(const struct plan *pl, struct journal *j, const char *root,
		 const char *state_dir, bool persist_differs, struct rollback_result *res);

#endif
