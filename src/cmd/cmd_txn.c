// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_txn.c: what the two journalled commands, apply and rollback, share:
 * options, confirmation, the state directory and its lock, and how their
 * outcome is printed */
#include "cmd_txn.h"

#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fileutil.h"
#include "json.h"
#include "output.h"
#include "persist.h"
#include "report.h"
#include "twtune.h"

#define OPT_CHECK { "check", 0, no_argument, NULL, 'c', "show everything, write nothing" }
#define OPT_YES { "yes", 0, no_argument, NULL, 'y', "do not ask (needed without a terminal)" }
#define OPT_STATE_DIR { "state-dir", 0, required_argument, "DIR", 's', \
			"journal and lock (default /var/lib/twtune)" }
#define OPT_WAIT { "wait", 0, required_argument, "SEC", 'w', \
		   "wait up to SEC for another apply or rollback (default 10)" }

const struct cmd_opt apply_options[] = {
	OPT_CHECK,
	OPT_YES,
	{ "json", 0, no_argument, NULL, 'j',
	  "{changed, check, profile, changes, diff, persisted, risk_before, risk_after}" },
	{ "persist", 0, optional_argument, "FILE", 'p',
	  "also write FILE (default /etc/sysctl.d/90-twtune.conf) for boot" },
	OPT_STATE_DIR,
	OPT_WAIT,
	CMD_OPT_END,
};

const struct cmd_opt rollback_options[] = {
	OPT_CHECK,
	OPT_YES,
	{ "json", 0, no_argument, NULL, 'j',
	  "apply --json's object; each change also has from {profile, time}" },
	OPT_STATE_DIR,
	OPT_WAIT,
	CMD_OPT_END,
};

int txn_parse_opts(int argc, char **argv, bool is_apply, struct apply_opts *o)
{
	const char *cmd = argv[0];
	int opt, rc = EXIT_OK;
	long long n;

	*o = (struct apply_opts){ .state_dir = DEFAULT_STATE_DIR, .base_dir = DEFAULT_STATE_DIR,
				  .wait = 10 };
	while ((opt = cmd_next_opt(argc, argv, is_apply ? apply_options : rollback_options, &rc)) != -1) {
		switch (opt) {
		case CMD_DONE:
			return rc == EXIT_OK ? -1 : rc;
		case 'c': o->check = true; break;
		case 'y': o->yes = true; break;
		case 'j': o->json = true; break;
		case 'p':
			if (optarg && optarg[0] != '/')
				return usage_error(cmd, "--persist=%s: give an absolute path", optarg);
			o->persist = optarg ? optarg : DEFAULT_PERSIST;
			break;
		case 's':
			if (optarg[0] != '/')
				return usage_error(cmd, "--state-dir %s: give an absolute path", optarg);
			o->state_dir = o->base_dir = optarg;
			o->state_dir_given = true;
			break;
		case 'w':
			if (parse_ll(optarg, 0, 3600, &n) < 0)
				return usage_error(cmd, "--wait '%s': use whole seconds 0..3600", optarg);
			o->wait = (unsigned)n;
			break;
		}
	}
	if (is_apply && optind >= argc)
		return usage_error(cmd, "missing PROFILE");
	if (optind + (is_apply ? 1 : 0) < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + (is_apply ? 1 : 0)]);
	o->profile = is_apply ? argv[optind] : NULL;
	return EXIT_OK;
}

/* FNV-1a, 64 bits: a short, stable name for (namespace, root). */
static unsigned long long fnv1a(const char *a, const char *b)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = (h ^ '\n') * 0x100000001b3ULL;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

int txn_state_for(const char *cmd, struct apply_opts *o)
{
	int r = nsid_current(o->netns_id, sizeof(o->netns_id));

	if (r < 0) {
		errorf("%s: cannot tell which network namespace this is: %s; nothing was changed", cmd,
		       strerror(-r));
		return EXIT_SYSTEM;
	}
	if (!realpath(G.sysctl_root, o->root)) {
		errorf("%s: --sysctl-root %s: %s", cmd, G.sysctl_root, strerror(errno));
		return EXIT_SYSTEM;
	}
	o->state_dir = o->base_dir;
	if (!o->state_dir_given && (strcmp(o->netns_id, "init") || strcmp(o->root, "/proc/sys"))) {
		snprintf(o->state_buf, sizeof(o->state_buf), "%s/ns/%016llx", o->base_dir,
			 fnv1a(o->netns_id, o->root));
		o->state_dir = o->state_buf;
	}
	return EXIT_OK;
}

static void list_one(const struct apply_opts *o, const char *dir, FILE *f)
{
	struct journal j;
	char err[256];

	if (strcmp(dir, o->state_dir) == 0 || journal_load(dir, &j, err, sizeof(err)) < 0)
		return;
	fprintf(f, "journal of another namespace or sysctl root: %s/%s (netns %s, root %s; %s at %s)%s\n",
		dir, JOURNAL_FILE, j.netns ? j.netns : "init", j.root ? j.root : "/proc/sys",
		j.profile ? j.profile : "?", j.time ? j.time : "?",
		j.netns && nsid_gone(j.netns) ? ": its namespace is gone (an earlier boot); remove it" : "");
	journal_free(&j);
}

void txn_list_other_journals(const struct apply_opts *o, FILE *f)
{
	char sub[4096];
	struct dirent *e;
	DIR *d;

	list_one(o, o->base_dir, f);
	snprintf(sub, sizeof(sub), "%s/ns", o->base_dir);
	d = opendir(sub);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char dir[4096 + 256];

		if (e->d_name[0] == '.' || strlen(e->d_name) != 16)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", sub, e->d_name);
		list_one(o, dir, f);
	}
	closedir(d);
}

const struct journal_origin *txn_origin_of(const struct journal *j, enum sysctl_id key)
{
	const struct journal_entry *e = journal_find((struct journal *)j, key);

	return e ? journal_origin_of(j, e) : NULL;
}

static void json_changes(struct json *j, const struct outcome *out)
{
	char name[96];

	json_arr_begin(j, "changes");
	for (size_t i = 0; i < out->pl->ndiff; i++) {
		const struct change *c = &out->pl->all[out->pl->diff[i]];

		json_obj_begin(j, NULL);
		json_str(j, "key", sysctl_fullname(&sysctl_table[c->key], name, sizeof(name)));
		json_str(j, "before", c->before.text);
		json_str(j, "after", c->after.text);
		if (out->journal) {
			/* rollback: the value from before which apply */
			const struct journal_origin *from = txn_origin_of(out->journal, c->key);

			if (from) {
				json_obj_begin(j, "from");
				json_str(j, "profile", from->profile);
				json_str(j, "time", from->time);
				json_obj_end(j);
			} else {
				json_null(j, "from");
			}
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

void txn_print_json(const struct outcome *out, bool check)
{
	struct json j;

	json_init(&j, stdout);
	txn_json_outcome(&j, NULL, out, check);
	json_end(&j);
}

void txn_json_outcome(struct json *j, const char *key, const struct outcome *out, bool check)
{
	char *before = plan_conf_text(out->pl, false), *after = plan_conf_text(out->pl, true);

	json_obj_begin(j, key);
	json_bool(j, "changed", out->changed);
	json_bool(j, "check", check);
	json_str(j, "profile", out->profile);
	json_changes(j, out);
	json_obj_begin(j, "diff");
	json_str(j, "before", before ? before : "");
	json_str(j, "after", after ? after : "");
	json_obj_end(j);
	json_str(j, "persisted", out->persisted);
	if (out->risk_before) {
		json_str(j, "risk_before", out->risk_before);
		json_str(j, "risk_after", out->risk_after);
	}
	json_arr_begin(j, "skipped");
	for (size_t i = 0; i < out->pl->nskipped; i++)
		json_str(j, NULL, sysctl_table[out->pl->skipped[i]].name);
	json_arr_end(j);
	json_arr_begin(j, "warnings");
	for (const char *w = out->warnings; w && *w;) {
		size_t n = strcspn(w, "\n");
		char line[4400];

		snprintf(line, sizeof(line), "%.*s", (int)n, w);
		json_str(j, NULL, line);
		w += n + (w[n] == '\n');
	}
	json_arr_end(j);
	json_obj_end(j);
	free(before);
	free(after);
}

void txn_print_changes(const struct plan *pl)
{
	for (size_t i = 0; i < pl->ndiff; i++) {
		const struct change *c = &pl->all[pl->diff[i]];

		report_diff_line(stdout, c->key, c->before.text, c->after.text);
	}
}

int txn_confirm(const char *cmd, const char *what)
{
	char answer[16] = "";
	FILE *tty;

	if (!isatty(STDIN_FILENO) || !(tty = fopen("/dev/tty", "r+e"))) {
		errorf("%s: refusing to %s without confirmation: no terminal; pass --yes", cmd, what);
		return EXIT_USAGE;
	}
	fprintf(tty, "%s? [y/N] ", what);
	fflush(tty);
	if (!fgets(answer, sizeof(answer), tty))
		answer[0] = '\0';
	fclose(tty);
	if (answer[0] == 'y' || answer[0] == 'Y')
		return EXIT_OK;
	errorf("%s: not confirmed; nothing was changed", cmd);
	return EXIT_USAGE;
}

const char *txn_file_problem(int r)
{
	switch (r) {
	case -ELOOP: return "is a symbolic link: refusing to follow it; remove it";
	case -EPERM: return "belongs to another user than root or is writable by others: refusing to trust it";
	case -EINVAL:
	case -EISDIR: return "is not a regular file";
	default: return strerror(-r);
	}
}

int txn_check_state_dir(const char *cmd, const char *dir, bool create, bool *missing)
{
	char why[PATH_MAX + 100];
	int r = check_dir(dir, create, why, sizeof(why));

	if (missing)
		*missing = r == -ENOENT;
	if (r == 0 || (r == -ENOENT && !create))
		return EXIT_OK;
	if (why[0])
		errorf("%s: --state-dir %s: %s: refusing to keep the journal there", cmd, dir, why);
	else
		errorf("%s: --state-dir %s: %s", cmd, dir, strerror(-r));
	return EXIT_SYSTEM;
}

int txn_check_persist_path(const char *cmd, const char *path)
{
	char dir[PATH_MAX], why[PATH_MAX + 100];
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	r = check_dir(dirname(dir), false, why, sizeof(why));
	if (r < 0) {
		if (why[0])
			errorf("%s: %s: %s: refusing to write there", cmd, path, why);
		else
			errorf("%s: %s: directory %s: %s", cmd, path, dir, strerror(-r));
		return EXIT_SYSTEM;
	}
	r = check_regular_or_absent(path);
	if (r < 0) {
		errorf("%s: %s %s", cmd, path, txn_file_problem(r));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

int txn_lock_state(const char *cmd, const struct apply_opts *o, unsigned long long *gen,
		   int *lock)
{
	int rc = txn_check_state_dir(cmd, o->state_dir, true, NULL), r;

	*lock = -1;
	if (rc != EXIT_OK)
		return rc;
	r = journal_lock(o->state_dir, o->wait, gen);
	/* Nothing is written before the lock is held: every refusal says so. */
	if (r == -EWOULDBLOCK) {
		errorf("%s: another twtune apply or rollback holds %s/lock; waited %u s; nothing was changed",
		       cmd, o->state_dir, o->wait);
		return EXIT_SYSTEM;
	}
	if (r == -ELOOP || r == -EINVAL || r == -EPERM) {
		errorf("%s: %s/%s %s; nothing was changed", cmd, o->state_dir, JOURNAL_LOCK,
		       txn_file_problem(r));
		return EXIT_SYSTEM;
	}
	if (r < 0) {
		errorf("%s: cannot lock %s/%s: %s; nothing was changed", cmd, o->state_dir, JOURNAL_LOCK,
		       strerror(-r));
		return EXIT_SYSTEM;
	}
	test_kill_point("locked");
	*lock = r;
	return EXIT_OK;
}

int txn_journal_error(const char *cmd, const char *dir, int r, const char *err)
{
	if (r == -EINVAL)
		errorf("%s: %s/%s %s: move it away once the values are as they should be", cmd, dir,
		       JOURNAL_FILE, err);
	else
		errorf("%s: %s/%s %s", cmd, dir, JOURNAL_FILE, txn_file_problem(r));
	return EXIT_SYSTEM;
}

void txn_key_list(const enum sysctl_id *keys, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		char name[96];

		sysctl_fullname(&sysctl_table[keys[i]], name, sizeof(name));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name);
	}
}

int txn_report_write_failure(const char *cmd, const struct write_report *rep)
{
	const struct undo_report *u = &rep->undo;
	/* the keys written before the failed one that were put back */
	size_t before = u->restored - (rep->failed_put_back ? 1 : 0);
	char name[96], restored[160], back[64];

	sysctl_fullname(&sysctl_table[rep->failed_key], name, sizeof(name));
	snprintf(restored, sizeof(restored), "%zu key%s written before it restored", before,
		 before == 1 ? "" : "s");
	snprintf(back, sizeof(back), "%s", rep->failed_put_back ? "it was put back, and " : "");
	if (u->nfailed) {
		char other[96];

		sysctl_fullname(&sysctl_table[u->failed[0]], other, sizeof(other));
		errorf("%s: writing %s failed (%s), and restoring %s failed too (%s); run 'twtune "
		       "rollback' to put back the journalled values",
		       cmd, name, strerror(-rep->failed_err), other, strerror(-u->failed_err[0]));
	} else if (rep->failed_err == -EIO && rep->readback[0]) {
		errorf("%s: the kernel kept %s = %s instead of the value written; %s%s", cmd, name,
		       rep->readback, back, before || !rep->written ? restored : "nothing else written");
	} else {
		errorf("%s: the kernel refused %s: %s; %s%s", cmd, name, strerror(-rep->failed_err),
		       back, before ? restored : "nothing else was written");
	}
	return EXIT_SYSTEM;
}
