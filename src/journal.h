/* journal.h: what apply changed, so that rollback can undo it; and the
 * lock that lets one apply or rollback run at a time */
#ifndef TWTUNE_JOURNAL_H
#define TWTUNE_JOURNAL_H

#include <stddef.h>

enum persist_state { PERSIST_NONE, PERSIST_ABSENT, PERSIST_SAVED };

struct journal_entry {
	int key;     /* index in sysctl_table */
	char *value; /* normalised value before the first apply */
};

struct journal {
	char *profile;
	char *time;
	struct journal_entry e[16];
	size_t n;
	char *persist_path;          /* the file apply --persist wrote */
	enum persist_state persist;  /* was it absent, or saved to persist.orig */
};

#define JOURNAL_FILE "journal"
#define JOURNAL_PERSIST_COPY "persist.orig"
#define JOURNAL_LOCK "lock"

/* Parses journal text; 0, or -EINVAL with "line N: ..." in err. */
int journal_parse(const char *text, struct journal *j, char *err, size_t errlen);
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
/* The entry for key, or NULL. */
struct journal_entry *journal_find(struct journal *j, int key);
int journal_add(struct journal *j, int key, const char *value);

/* Takes DIR/lock (flock: the kernel drops it when its holder dies, even by
 * SIGKILL), waiting up to wait_s seconds. Returns the lock's fd (keep it
 * open) or -errno (-EWOULDBLOCK after the wait, -ELOOP for a symbolic
 * link, -EINVAL for something other than a regular file). */
int journal_lock(const char *dir, unsigned wait_s);

#endif
