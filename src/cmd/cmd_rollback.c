// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_rollback.c: twtune rollback: put back the journalled values (the
 * originals, from before the first apply since the last rollback) and the
 * persisted file */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "audit.h"
#include "cmd_allnetns.h"
#include "cmd_txn.h"
#include "commands.h"
#include "fileutil.h"
#include "output.h"
#include "nsid.h"
#include "persist.h"
#include "twtune.h"

struct rollback_ctx {
	const struct apply_opts *o;
	struct journal j;
	struct settings cur;
	struct plan pl;
	bool none;           /* no journal */
	bool persist;        /* the persisted file differs from its copy */
	int lock;            /* the state lock's fd, or -1 (--check, no state directory) */
	struct outcome out;
};

/* The journal and the plan back to it, and whether the persisted file
 * differs from its copy; EXIT_OK (c->none when there is no journal), or
 * EXIT_SYSTEM after one line. */
static int rollback_plan(struct rollback_ctx *c)
{
	const char *dir = c->o->state_dir;
	char err[600];
	int r;

	journal_free(&c->j);
	plan_free(&c->pl);
	settings_free(&c->cur);
	c->none = false;
	r = journal_load(dir, &c->j, err, sizeof(err));
	if (r == -ENOENT) {
		c->none = true;
		return EXIT_OK;
	}
	if (r < 0)
		return txn_journal_error("rollback", dir, r, err);
	if (!journal_owned_by(&c->j, c->o->netns_id, c->o->root)) {
		errorf("rollback: %s/%s belongs to netns %s, root %s, not to this namespace and root "
		       "(netns %s, root %s)%s; nothing was changed",
		       dir, JOURNAL_FILE, c->j.netns ? c->j.netns : "init",
		       c->j.root ? c->j.root : "/proc/sys", c->o->netns_id, c->o->root,
		       c->j.netns && nsid_gone(c->j.netns) ?
			       ": its namespace is gone (it was of an earlier boot): remove the journal" : "");
		return EXIT_SYSTEM;
	}
	if (settings_read(&c->cur, G.sysctl_root, err, sizeof(err)) < 0 ||
	    plan_from_journal(&c->j, &c->cur, &c->pl, err, sizeof(err)) < 0) {
		errorf("rollback: %s", err);
		return EXIT_SYSTEM;
	}
	if (c->j.persist_path && c->j.persist != PERSIST_NONE) {
		int rc = txn_check_persist_path("rollback", c->j.persist_path);

		if (rc != EXIT_OK)
			return rc;
	}
	r = persist_differs(&c->j, dir);
	if (r < 0) {
		errorf("rollback: %s/%s %s", dir, JOURNAL_PERSIST_COPY, txn_file_problem(r));
		return EXIT_SYSTEM;
	}
	c->persist = r > 0;
	return EXIT_OK;
}

/* "# values from before PROFILE (applied TIME): KEYS", for each apply the
 * values that change date from. */
static void print_origins(const struct rollback_ctx *c)
{
	for (size_t o = 0; o < c->j.norigin; o++) {
		enum sysctl_id keys[SYSCTL_COUNT];
		size_t n = 0;
		char list[1024];

		for (size_t i = 0; i < c->pl.ndiff; i++) {
			enum sysctl_id k = c->pl.all[c->pl.diff[i]].key;

			if (txn_origin_of(&c->j, k) == &c->j.origin[o])
				keys[n++] = k;
		}
		if (!n)
			continue;
		txn_key_list(keys, n, list, sizeof(list));
		printf("%s# values from before %s (applied %s): %s%s\n", color(C_DIM),
		       c->j.origin[o].profile, c->j.origin[o].time, list, color(C_RESET));
	}
}

static void rollback_show(const struct rollback_ctx *c)
{
	const struct journal *j = &c->j;

	printf("%s# rollback of %s (applied %s)%s\n", color(C_BOLD), j->profile ? j->profile : "?",
	       j->time ? j->time : "?", color(C_RESET));
	txn_print_changes(&c->pl);
	print_origins(c);
	for (size_t i = 0; i < c->pl.nmissing; i++)
		printf("# net.ipv4.%s is in the journal but not in this kernel: it cannot go back\n",
		       sysctl_table[c->pl.missing[i]].name);
	if (c->persist)
		printf("%s %s\n", j->persist == PERSIST_ABSENT ? "remove" : "restore", j->persist_path);
}

/* Under the lock, taken before the journal and the kernel were read: the
 * kernel is read again (someone other than twtune may have written a key
 * while the question was open), then the transaction runs. */
static int rollback_commit(struct rollback_ctx *c)
{
	const struct apply_opts *o = c->o;
	struct rollback_result res;
	char err[600];
	int rc, r;

	if ((r = stdout_check()) < 0) {
		errorf("rollback: cannot write output: %s; nothing was changed", strerror(-r));
		return EXIT_SYSTEM;
	}
	if (plan_recheck(&c->pl, G.sysctl_root, err, sizeof(err)) < 0) {
		errorf("rollback: %s; nothing was changed: run rollback again to see the new plan", err);
		return EXIT_SYSTEM;
	}
	c->out.profile = c->j.profile;
	c->out.changed = c->pl.ndiff > 0 || c->persist;
	c->out.persisted = c->persist ? c->j.persist_path : NULL;
	rc = EXIT_SYSTEM;
	if (rollback_run(&c->pl, &c->j, G.sysctl_root, o->state_dir, c->persist, &res) < 0) {
		if (res.stage == ROLLBACK_WRITE)
			txn_report_write_failure("rollback", &res.write);
		else if (res.stage == ROLLBACK_KEEP)
			errorf("rollback: the values are back but for %zu key%s this kernel lacks, and "
			       "%s/%s could not be cut to %s: %s",
			       c->pl.nmissing, c->pl.nmissing == 1 ? "" : "s", o->state_dir, JOURNAL_FILE,
			       c->pl.nmissing == 1 ? "it" : "them", strerror(-res.err));
		else
			errorf("rollback: the kernel values are back, but %s could not be restored: %s",
			       c->j.persist_path, strerror(-res.err));
		goto out;
	}
	if (res.journal_err < 0)
		warnf("rollback: cannot remove the journal: %s", strerror(-res.journal_err));
	test_kill_point("done");
	stdout_lost_note("the rollback was done");
	if (!o->json && c->out.changed)
		printf("rolled back %zu change%s\n", c->pl.ndiff, c->pl.ndiff == 1 ? "" : "s");
	else if (!o->json)
		printf("no changes: the values are already those before the apply\n");
	rc = EXIT_OK;
	/* Every other key is back; say which could not go back, and how to
	 * finish: on a kernel that has them, or by forgetting them. */
	for (size_t i = 0; i < c->pl.nmissing; i++) {
		const struct journal_entry *e = journal_find(&c->j, c->pl.missing[i]);

		errorf("rollback: net.ipv4.%s = %s was not put back: this kernel lacks the key",
		       sysctl_table[c->pl.missing[i]].name, e ? e->value : "?");
		rc = EXIT_SYSTEM;
	}
	if (c->pl.nmissing)
		errorf("rollback: the rest is back; %s/%s keeps %s: roll back again on a kernel that has "
		       "%s, or remove the journal to forget %s",
		       o->state_dir, JOURNAL_FILE, c->pl.nmissing == 1 ? "it" : "them",
		       c->pl.nmissing == 1 ? "it" : "them", c->pl.nmissing == 1 ? "it" : "them");
out:
	return rc;
}

/* One rollback, in the namespace and state directory of o (txn_state_for
 * or the --all-netns loop set them). all: --all-netns, which lists no other
 * journal and writes its --json object as the member "rollback" of all's
 * open object (NULL: the document of its own). Returns the exit code. */
static int rollback_one(const struct apply_opts *o, struct json *all)
{
	struct rollback_ctx c = { .o = o, .lock = -1, .out = { .cmd = "rollback" } };
	char err[600];
	int rc;

	c.out.pl = &c.pl;
	c.out.journal = &c.j;
	/* Nothing is read from a state directory others could have written;
	 * and nothing before the lock is held (another rollback may be
	 * removing what this one would read), but with --check. */
	rc = txn_check_state_dir("rollback", o->state_dir, false, &c.none);
	if (rc == EXIT_OK && !c.none && !o->check) {
		unsigned long long gen;

		rc = txn_lock_state("rollback", o, &gen, &c.lock);
		if (rc != EXIT_OK)
			goto out;
	}
	if (rc == EXIT_OK && !c.none)
		rc = rollback_plan(&c);
	if (rc != EXIT_OK || c.none)
		goto out;
	c.out.changed = c.pl.ndiff > 0 || c.persist;
	if (!o->check && c.pl.ndiff && plan_check_writable(&c.pl, G.sysctl_root, err, sizeof(err)) < 0) {
		errorf("rollback: %s", err);
		rc = EXIT_SYSTEM;
		goto out;
	}
	if (!o->json)
		rollback_show(&c);
	if (o->check) {
		if (!o->json)
			printf("check: nothing was written\n");
		c.out.profile = c.j.profile;
		c.out.persisted = c.persist ? c.j.persist_path : NULL;
	} else {
		if (c.out.changed && !o->yes)
			rc = txn_confirm("rollback",
					 "roll back to the values from before the first apply since the last rollback");
		if (rc == EXIT_OK)
			rc = rollback_commit(&c);
	}
out:
	if (rc == EXIT_OK && c.none) {
		c.out.changed = false;
		if (!o->json) {
			printf("nothing to roll back: no journal in %s\n", o->state_dir);
			if (!all)
				txn_list_other_journals(o, stdout);
		}
	}
	if (all && o->json) {
		/* what was rolled back, or null when this one failed */
		if (rc == EXIT_OK)
			txn_json_outcome(all, "rollback", &c.out, o->check);
		else
			json_null(all, "rollback");
	} else if (rc == EXIT_OK && o->json) {
		txn_print_json(&c.out, o->check);
	}
	if (c.lock >= 0)
		close(c.lock);
	journal_free(&c.j);
	plan_free(&c.pl);
	settings_free(&c.cur);
	return rc;
}

/* rollback --all-netns: a journal found under the state directory. */
struct found_journal {
	char dir[4096 + 64];
	char netns[NSID_MAX]; /* its namespace ("init" for a journal without the record) */
	char label[128];      /* the namespace it was rolled back in */
	unsigned long long inode;
	bool done;            /* rolled back (or tried) in its namespace */
	int rc;
};

struct rollback_all {
	const struct apply_opts *o;
	struct found_journal *f;
	size_t n;
	struct json json;
	int rc;
};

/* Adds DIR's journal, when it has one, to the list. EXIT_OK, or the exit
 * code after one line (a directory or journal that cannot be trusted or
 * read). */
static int add_journal(struct rollback_all *a, const char *dir)
{
	char path[sizeof(a->f->dir) + 16], err[256];
	struct found_journal *t;
	struct journal j;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
	if (access(path, F_OK) < 0)
		return EXIT_OK;
	if (txn_check_state_dir("rollback", dir, false, NULL) != EXIT_OK)
		return EXIT_SYSTEM;
	r = journal_load(dir, &j, err, sizeof(err));
	if (r < 0)
		return txn_journal_error("rollback", dir, r, err);
	t = realloc(a->f, (a->n + 1) * sizeof(*t));
	if (!t) {
		journal_free(&j);
		errorf("rollback: %s", strerror(ENOMEM));
		return EXIT_SYSTEM;
	}
	a->f = t;
	t = &a->f[a->n++];
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "%s", dir);
	snprintf(t->netns, sizeof(t->netns), "%s", j.netns ? j.netns : "init");
	journal_free(&j);
	return EXIT_OK;
}

/* The journals under the state directory: DIR/journal and DIR/ns/HASH/journal
 * (the per-namespace directories of txn_state_for). */
static int find_journals(struct rollback_all *a)
{
	const char *base = a->o->base_dir;
	char sub[4096 + 8];
	struct dirent *e;
	int rc = add_journal(a, base), r;
	DIR *d;

	snprintf(sub, sizeof(sub), "%s/ns", base);
	d = opendir(sub);
	while (d && (e = readdir(d))) {
		char dir[sizeof(a->f->dir)];

		if (e->d_name[0] == '.' || strlen(e->d_name) != 16)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", sub, e->d_name);
		r = add_journal(a, dir);
		rc = r > rc ? r : rc;
	}
	if (d)
		closedir(d);
	return rc;
}

static void json_journal(struct rollback_all *a, const struct found_journal *f, const char *status,
			 const char *reason)
{
	json_obj_begin(&a->json, NULL);
	json_str(&a->json, "state_dir", f->dir);
	json_str(&a->json, "netns", f->netns);
	json_str(&a->json, "label", f->label[0] ? f->label : NULL);
	json_str(&a->json, "status", status);
	json_str(&a->json, "reason", reason);
}

/* In each namespace: the journals that are its own, rolled back there. */
static void rollback_visit(struct ns_visit *v, void *arg)
{
	struct rollback_all *a = arg;
	char id[NSID_MAX];

	if (v->status != NS_READ || nsid_current(id, sizeof(id)) < 0)
		return;
	for (size_t i = 0; i < a->n; i++) {
		struct found_journal *f = &a->f[i];
		struct apply_opts o = *a->o;

		if (f->done || strcmp(f->netns, id) != 0)
			continue;
		f->done = true;
		f->inode = v->ns->inode;
		snprintf(f->label, sizeof(f->label), "%s", v->ns->label);
		snprintf(o.netns_id, sizeof(o.netns_id), "%s", id);
		o.state_dir = f->dir;
		if (o.json) {
			json_journal(a, f, "read", NULL);
			json_uint(&a->json, "inode", f->inode);
		} else {
			printf("== %s (netns %llu): %s/%s ==\n", f->label, f->inode, f->dir, JOURNAL_FILE);
		}
		f->rc = rollback_one(&o, &a->json);
		if (o.json)
			json_obj_end(&a->json);
		else
			fflush(stdout);
		v->rc = f->rc > v->rc ? f->rc : v->rc;
	}
}

/* rollback --all-netns: every journal under the state directory, each in
 * the namespace it belongs to (found by its netns record among the
 * namespaces of the host); one whose namespace is gone is refused. */
static int rollback_all_netns(const struct apply_opts *o)
{
	struct rollback_all a = { .o = o };
	int rc;

	if (o->json) {
		json_init(&a.json, stdout);
		json_obj_begin(&a.json, NULL);
		json_arr_begin(&a.json, "journals");
	}
	rc = find_journals(&a);
	if (a.n) {
		int each = all_netns_each("rollback", rollback_visit, &a);

		rc = each > rc ? each : rc;
	}
	for (size_t i = 0; i < a.n; i++) {
		struct found_journal *f = &a.f[i];
		char why[300];

		if (f->done)
			continue;
		snprintf(why, sizeof(why), "its namespace (netns %s) is gone%s: nothing was changed; "
			 "remove the journal once the values do not matter",
			 f->netns, nsid_gone(f->netns) ? " (it was of an earlier boot)" : "");
		errorf("rollback: %s/%s: %s", f->dir, JOURNAL_FILE, why);
		if (o->json) {
			json_journal(&a, f, "gone", why);
			json_null(&a.json, "inode");
			json_null(&a.json, "rollback");
			json_obj_end(&a.json);
		}
		rc = EXIT_SYSTEM;
	}
	if (!a.n && !o->json)
		printf("nothing to roll back: no journal in %s or %s/ns\n", o->base_dir, o->base_dir);
	if (o->json) {
		json_arr_end(&a.json);
		json_obj_end(&a.json);
		json_end(&a.json);
	}
	free(a.f);
	return rc;
}

int cmd_rollback(int argc, char **argv)
{
	struct apply_opts o;
	int rc;

	stdout_survive_epipe();
	rc = txn_parse_opts(argc, argv, false, &o);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (G.all_netns) {
		/* /proc/sys of each namespace (cmd_options refuses --sysctl-root) */
		if (!realpath(G.sysctl_root, o.root)) {
			errorf("rollback: %s: %s", G.sysctl_root, strerror(errno));
			return EXIT_SYSTEM;
		}
		return rollback_all_netns(&o);
	}
	rc = txn_state_for("rollback", &o);
	if (rc != EXIT_OK)
		return rc;
	return rollback_one(&o, NULL);
}
