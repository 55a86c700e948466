// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_txn.h: what the two journalled commands, apply (cmd_apply.c) and
 * rollback (cmd_rollback.c), share: options, confirmation, the state
 * directory and its lock, and how their outcome is printed (cmd_txn.c) */
#ifndef TWTUNE_CMD_TXN_H
#define TWTUNE_CMD_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "apply.h"
#include "journal.h"
#include "json.h"
#include "nsid.h"

#define DEFAULT_STATE_DIR "/var/lib/twtune"
#define DEFAULT_PERSIST "/etc/sysctl.d/90-twtune.conf"

struct apply_opts {
	bool check, yes, json;
	const char *persist; /* NULL, or the file */
	const char *state_dir; /* this namespace's and root's (txn_state_for) */
	const char *base_dir;  /* --state-dir, or the default */
	bool state_dir_given;  /* --state-dir: that directory, whatever the namespace */
	unsigned wait;
	const char *profile;
	char netns_id[NSID_MAX];   /* the namespace the journal belongs to */
	char root[4096];           /* the sysctl root, resolved */
	char state_buf[4096];
};

struct outcome {
	const char *cmd;
	bool changed;
	const char *profile;
	const struct plan *pl;
	const struct journal *journal; /* rollback: where each value dates from */
	const char *persisted;
	const char *risk_before, *risk_after;
	const char *warnings; /* lines */
};

/* EXIT_OK, -1 after --help, or EXIT_USAGE after one line. */
int txn_parse_opts(int argc, char **argv, bool is_apply, struct apply_opts *o);
/* Which namespace and sysctl root this run changes (the journal records
 * both, and refuses any other), and so the state directory: --state-dir
 * when given; else the default for the namespace of PID 1 and /proc/sys,
 * and DEFAULT/ns/HASH of the two for any other. EXIT_OK, or EXIT_SYSTEM
 * after one line. */
int txn_state_for(const char *cmd, struct apply_opts *o);
/* Lines naming the journals of other namespaces and roots under
 * --state-dir (for a rollback that has none of its own). */
void txn_list_other_journals(const struct apply_opts *o, FILE *f);
/* The apply a rollback's value of key dates from, or NULL when unknown. */
const struct journal_origin *txn_origin_of(const struct journal *j, enum sysctl_id key);
/* The --json object of apply and rollback. */
void txn_print_json(const struct outcome *out, bool check);
/* The same object as a member key (NULL: an array element) of j. */
void txn_json_outcome(struct json *j, const char *key, const struct outcome *out, bool check);
/* The keys that differ, as diff lines. */
void txn_print_changes(const struct plan *pl);
/* A person must say yes, on the terminal; without one, --yes is needed.
 * EXIT_OK, or EXIT_USAGE after one line. */
int txn_confirm(const char *cmd, const char *what);
/* Why a state or persisted file was refused, for "PATH REASON". */
const char *txn_file_problem(int r);
/* The state directory must be safe to write in (see check_dir); with
 * create, it is made when missing. EXIT_OK, or EXIT_SYSTEM after one line;
 * *missing tells a missing directory (without create). */
int txn_check_state_dir(const char *cmd, const char *dir, bool create, bool *missing);
/* The persisted file: a regular file or nothing, in a safe directory.
 * EXIT_OK, or EXIT_SYSTEM after one line. */
int txn_check_persist_path(const char *cmd, const char *path);
/* Takes the state lock: EXIT_OK with its fd in *lock, or the exit code
 * after one line (*lock -1). *gen: the generation before this run's (see
 * journal_lock). */
int txn_lock_state(const char *cmd, const struct apply_opts *o, unsigned long long *gen,
		   int *lock);
/* A journal that cannot be read: one line, EXIT_SYSTEM. */
int txn_journal_error(const char *cmd, const char *dir, int r, const char *err);
/* Keys as "net.ipv4.a, net.ipv4.b". */
void txn_key_list(const enum sysctl_id *keys, size_t n, char *buf, size_t len);
/* A failed plan_write: one line, EXIT_SYSTEM. */
int txn_report_write_failure(const char *cmd, const struct write_report *rep);

#endif
