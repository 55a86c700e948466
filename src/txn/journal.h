// SPDX-License-Identifier: GPL-2.0-or-later
/* journal.h: what apply changed, so that rollback can undo it; and the
 * lock that lets one apply or rollback run at a time */
#ifndef TWTUNE_JOURNAL_H
#define TWTUNE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "fileutil.h"
#include "registry.h"

enum persist_state { PERSIST_NONE, PERSIST_ABSENT, PERSIST_SAVED };

/* One apply that the journal holds values from. */
struct journal_origin {
	char *profile;
	char *time;
};

/* A key's value from before the first apply that changed it since the last
 * rollback: a later apply never replaces it (the originals, as tuned keeps
 * them). */
struct journal_entry {
	enum sysctl_id key;
	char *value; /* normalised */
	int from;    /* index in origin[] of the apply that changed it first, or
		      * -1 (a journal of version 1 does not say) */
};

struct journal {
	char *profile; /* the last apply */
	char *time;
	char *netns;   /* the namespace it belongs to (nsid.h), or NULL (a journal
			* from before this record: anyone's) */
	char *root;    /* the sysctl root it belongs to, or NULL */
	struct journal_origin origin[SYSCTL_COUNT]; /* in the order of the applies */
	size_t norigin;
	struct journal_entry e[SYSCTL_COUNT];
	size_t n;
	int current;                 /* origin[] of this apply, -1 until its first key */
	char *persist_path;          /* the file apply --persist wrote */
	enum persist_state persist;  /* was it absent, or saved to persist.orig */
	struct file_meta persist_meta; /* PERSIST_SAVED: its mode, owner and
					* attributes (not read: a journal of an
					* older twtune) */
};

#define JOURNAL_FILE "journal"
#define JOURNAL_PERSIST_COPY "persist.orig"
#define JOURNAL_LOCK "lock"

/* Parses the len bytes of journal text (lines of any length); 0, or
 * -EINVAL with "line N: ..." in err (a NUL byte is an error, not the end). */
int journal_parse(const char *text, size_t len, struct journal *j, char *err, size_t errlen);
/* The text of a journal. Returns a new string or NULL. */
char *journal_format(const struct journal *j);
/* DIR/journal: 0, -ENOENT when there is none, -EINVAL (err set), -ELOOP
 * for a symbolic link, -EPERM when not owned by root or writable by others,
 * -errno. */
int journal_load(const char *dir, struct journal *j, char *err, size_t errlen);
int journal_save(const char *dir, const struct journal *j);
/* Removes the journal, then the copy of the persisted file and any
 * temporary file a killed write left. */
int journal_remove(const char *dir);
/* With no journal: removes what a killed apply or rollback left (the copy
 * of the persisted file, temporary files). Under the lock only. */
int journal_clean(const char *dir);
void journal_free(struct journal *j);
/* Names the namespace and sysctl root the journal belongs to. 0, -EINVAL
 * for a control character, or -ENOMEM. */
int journal_own(struct journal *j, const char *netns, const char *root);
/* Does the journal belong to (netns, root)? One written before these
 * records (none of them) is taken as anyone's, as it always was. */
bool journal_owned_by(const struct journal *j, const char *netns, const char *root);
/* Keeps only the entries of the n keys (and forgets the persisted file,
 * which is back): what a rollback could not put back. 0. */
int journal_retain(struct journal *j, const enum sysctl_id *keys, size_t n);
/* Removes the copy of the persisted file once it is put back. 0 or -errno. */
int journal_clean_copy(const char *dir);
/* The entry for key, or NULL. */
struct journal_entry *journal_find(struct journal *j, enum sysctl_id key);
/* A new apply (profile, time) begins: it becomes the journal's last apply,
 * and the origin of the keys journal_add adds from now on. 0, -EINVAL for
 * a control character in either (never written), or -ENOMEM. */
int journal_begin(struct journal *j, const char *profile, const char *time);
/* Journals key's value before this apply, unless the journal has the key
 * already (then its older value stays). 0, -E2BIG or -ENOMEM. */
int journal_add(struct journal *j, enum sysctl_id key, const char *value);
/* The apply that key's value dates from, or NULL when unknown. */
const struct journal_origin *journal_origin_of(const struct journal *j,
					       const struct journal_entry *e);

/* Takes DIR/lock (flock: the kernel drops it when its holder dies, even by
 * SIGKILL), waiting up to wait_s seconds. Returns the lock's fd (keep it
 * open) or -errno (-EWOULDBLOCK after the wait, -ELOOP for a symbolic
 * link, -EINVAL for something other than a regular file).
 *
 * The lock file holds a generation number: every holder adds one before it
 * changes anything. *gen gets the number before this holder's, so that a
 * caller that read the kernel before it waited for the lock can tell
 * whether another apply or rollback ran in between. */
int journal_lock(const char *dir, unsigned wait_s, unsigned long long *gen);

#endif
