// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_apply.c: twtune apply PROFILE: show first, ask, then the transaction
 * (apply_run: journal, write only what differs, verify, undo on failure) */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "audit.h"
#include "cmd_audit.h"
#include "cmd_txn.h"
#include "commands.h"
#include "fileutil.h"
#include "output.h"
#include "persist.h"
#include "report.h"
#include "testhook.h"
#include "twtune.h"

/* Why apply_run stopped: one line, EXIT_SYSTEM. */
static int report_apply_failure(const struct apply_opts *o, const struct apply_result *res)
{
	const char *dir = o->state_dir;
	char keys[1024];

	switch (res->stage) {
	case APPLY_JOURNAL_LOAD:
		return txn_journal_error("apply", dir, res->err, res->why);
	case APPLY_JOURNAL_OWNER:
		errorf("apply: %s/%s belongs to %s, not to this namespace and root (netns %s, root %s); "
		       "nothing was changed",
		       dir, JOURNAL_FILE, res->why, o->netns_id, o->root);
		break;
	case APPLY_JOURNAL_CLEAN:
		errorf("apply: cannot clean %s: %s; nothing was changed", dir, strerror(-res->err));
		break;
	case APPLY_PERSIST_ELSEWHERE:
		if (res->other)
			errorf("apply: the journal in %s keeps the old content of %s, not %s: use "
			       "--persist=%s, or roll back first; nothing was changed",
			       dir, res->other, o->persist, res->other);
		else
			errorf("apply: cannot write the journal in %s: %s; nothing was changed", dir,
			       strerror(-res->err));
		break;
	case APPLY_JOURNAL_SAVE:
		errorf("apply: cannot write the journal in %s: %s; nothing was changed", dir,
		       strerror(-res->err));
		break;
	case APPLY_WRITE:
		txn_report_write_failure("apply", &res->write);
		break;
	case APPLY_PERSIST_WRITE:
		if (!res->undo.nfailed) {
			errorf("apply: cannot write %s: %s; the kernel values were put back", o->persist,
			       strerror(-res->err));
			break;
		}
		txn_key_list(res->undo.failed, res->undo.nfailed, keys, sizeof(keys));
		errorf("apply: cannot write %s: %s; %s %s not restored (%s): 'twtune rollback' will "
		       "retry from the journal",
		       o->persist, strerror(-res->err), keys, res->undo.nfailed == 1 ? "was" : "were",
		       strerror(-res->undo.failed_err[0]));
		break;
	case APPLY_DONE:
		break;
	}
	if (res->journal_undo_err < 0)
		errorf("apply: every value was put back, but %s/%s could not be put back as it was: %s; "
		       "check it before the next apply or rollback",
		       dir, JOURNAL_FILE, strerror(-res->journal_undo_err));
	return EXIT_SYSTEM;
}

static char *now_utc(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

/* The persisted file's time stamp: now, or SOURCE_DATE_EPOCH (the
 * reproducible-builds convention: a fixed time, for files that must come
 * out byte for byte the same, as in the interruption tests). */
static time_t persist_stamp(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	long long fixed;

	if (epoch && parse_ll(epoch, 0, 253402300799LL, &fixed) == 0)
		return (time_t)fixed;
	return time(NULL);
}

struct apply_ctx {
	const struct apply_opts *o;
	const struct profile *prof;
	struct audit a;
	bool have_audit;
	struct settings cur; /* without an audit, or read again under the lock */
	struct plan pl;
	char *ptext;         /* the persisted file's new text */
	bool persist_changes;
	char *warnings;
	struct outcome out;
};

/* Reads the kernel, once (the audit's reading is the plan's too), and
 * plans. EXIT_OK, or the exit code after one line. */
static int apply_prepare(struct apply_ctx *c)
{
	const struct settings *cur = &c->cur;
	struct audit_ctx ctx;
	char err[600];
	int r;

	cmd_audit_ctx(&ctx);
	/* the report shown first predicts per pool at the demand measured
	 * now: the window, when it is shown */
	if (audit_run(&c->a, &ctx, c->prof,
		      !c->o->json && G.verbosity >= 0 ? cmd_default_interval() : 0, err,
		      sizeof(err)) == 0) {
		c->have_audit = true;
		cur = &c->a.current;
	} else {
		audit_free(&c->a);
		if (settings_read(&c->cur, G.sysctl_root, err, sizeof(err)) < 0) {
			errorf("apply: %s", err);
			return EXIT_SYSTEM;
		}
	}
	r = plan_from_profile(c->prof, cur, G.sysctl_root, &c->pl, err, sizeof(err));
	if (r < 0) {
		errorf("apply: profile '%s': %s", c->prof->name, err);
		return r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
	}
	c->out.pl = &c->pl;
	if (c->o->persist) {
		int rc = txn_check_persist_path("apply", c->o->persist);

		if (rc != EXIT_OK)
			return rc;
		c->ptext = persist_text(c->prof->name, &c->pl, persist_stamp());
		c->persist_changes = c->ptext && !persist_up_to_date(c->o->persist, c->ptext);
	}
	c->out.changed = c->pl.ndiff > 0 || c->persist_changes;
	return EXIT_OK;
}

/* Privilege first: nothing is asked of someone who may not write. */
static int apply_check_privilege(const struct apply_ctx *c)
{
	const char *persist = c->o->persist;
	char err[600], dir[PATH_MAX];

	if (c->o->check || !c->out.changed)
		return EXIT_OK;
	if (c->pl.ndiff && plan_check_writable(&c->pl, G.sysctl_root, err, sizeof(err)) < 0) {
		errorf("apply: %s", err);
		return EXIT_SYSTEM;
	}
	snprintf(dir, sizeof(dir), "%s", persist ? persist : "/");
	if (persist && access(dirname(dir), W_OK) < 0) {
		errorf("apply: cannot write %s: %s", persist, strerror(errno));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

/* The report, and what is not supported. */
static void apply_show(struct apply_ctx *c)
{
	if (c->have_audit) {
		struct report rp;

		c->out.risk_before = severity_name(c->a.before.risk);
		c->out.risk_after = severity_name(c->a.after.risk);
		if (!c->o->json && G.verbosity >= 0) {
			if (audit_report(&c->a, c->prof->name, 5, &rp) < 0)
				errorf("apply: the report: %s", strerror(ENOMEM));
			else
				report_text(stdout, &rp);
			printf("\n");
		}
	}
	for (size_t i = 0; i < c->pl.nskipped; i++)
		warnf("apply: net.ipv4.%s: not supported by this kernel; its default applies anyway",
		      sysctl_table[c->pl.skipped[i]].name);
}

/* After a complete apply: the warnings and the last line. */
static void apply_done(struct apply_ctx *c, struct apply_result *res)
{
	const struct apply_opts *o = c->o;
	const struct plan *pl = &c->pl;

	if (o->persist) {
		c->out.persisted = o->persist;
		c->out.warnings = c->warnings = res->overrides;
		res->overrides = NULL;
		for (const char *w = c->warnings; w && *w;) {
			size_t n = strcspn(w, "\n");

			warnf("%.*s: it wins at boot", (int)n, w);
			w += n + (w[n] == '\n');
		}
	}
	test_kill_point("done");
	stdout_lost_note("the changes were applied; 'twtune rollback' undoes them");
	if (!o->json)
		printf("applied %zu change%s of %s%s%s\n", pl->ndiff, pl->ndiff == 1 ? "" : "s",
		       c->prof->name, o->persist ? "; persisted in " : "", o->persist ? o->persist : "");
}

/* Under the lock: with --yes plans again from the kernel as it is now;
 * after a question, refuses when a key changed since it was read (another
 * twtune, or anyone else); then runs the transaction. */
static int apply_commit(struct apply_ctx *c)
{
	const struct apply_opts *o = c->o;
	struct apply_req req = { .profile = c->prof->name, .sysctl_root = G.sysctl_root,
				 .state_dir = o->state_dir, .persist = o->persist,
				 .sysctl_d_dirs = testhooks()->sysctl_d_dirs,
				 .netns_id = o->netns_id, .root_id = o->root };
	struct apply_result res = { 0 };
	unsigned long long gen;
	char err[600], *time = NULL;
	int rc = EXIT_SYSTEM, lock, r;

	if ((r = stdout_check()) < 0) {
		errorf("apply: cannot write output: %s; nothing was changed", strerror(-r));
		return EXIT_SYSTEM;
	}
	if ((rc = txn_lock_state("apply", o, &gen, &lock)) != EXIT_OK)
		return rc;
	rc = EXIT_SYSTEM;
	if (o->yes) {
		/* Nothing was confirmed: plan from what the kernel holds now. */
		plan_free(&c->pl);
		settings_free(&c->cur);
		if (settings_read(&c->cur, G.sysctl_root, err, sizeof(err)) < 0 ||
		    plan_from_profile(c->prof, &c->cur, G.sysctl_root, &c->pl, err, sizeof(err)) < 0) {
			errorf("apply: %s", err);
			goto out;
		}
	} else if (plan_recheck(&c->pl, G.sysctl_root, err, sizeof(err)) < 0) {
		/* Someone wrote a key since the report: what was shown and
		 * confirmed is not what would happen. */
		errorf("apply: %s; nothing was changed: run apply again to see the new plan", err);
		goto out;
	}
	req.time = time = now_utc();
	req.persist_text = c->persist_changes ? c->ptext : NULL;
	if (!time)
		errorf("apply: cannot write the journal in %s: %s; nothing was changed", o->state_dir,
		       strerror(ENOMEM));
	else if (apply_run(&c->pl, &req, &res) < 0)
		rc = report_apply_failure(o, &res);
	else {
		apply_done(c, &res);
		rc = EXIT_OK;
	}
out:
	apply_result_free(&res);
	free(time);
	close(lock);
	return rc;
}

static int do_apply(const struct apply_opts *o, const struct profile *prof)
{
	struct apply_ctx c = { .o = o, .prof = prof, .out = { .cmd = "apply", .profile = prof->name } };
	const struct plan *pl = &c.pl;
	int rc = apply_prepare(&c);

	if (rc == EXIT_OK)
		rc = apply_check_privilege(&c);
	if (rc != EXIT_OK)
		goto out;
	apply_show(&c);
	if (!c.out.changed) {
		if (!o->json)
			printf("no changes: the kernel already has %s's values%s\n", prof->name,
			       o->persist ? ", and the persisted file too" : "");
	} else if (o->check) {
		if (!o->json) {
			printf("check: %zu change%s would be made%s; nothing was written\n", pl->ndiff,
			       pl->ndiff == 1 ? "" : "s",
			       c.persist_changes ? ", and the persisted file rewritten" : "");
			txn_print_changes(pl);
		}
	} else {
		if (!o->yes) {
			char what[200];

			snprintf(what, sizeof(what), "apply %zu change%s of %s to the kernel%s",
				 pl->ndiff, pl->ndiff == 1 ? "" : "s", prof->name,
				 o->persist ? " and persist them" : "");
			if (!o->json)
				txn_print_changes(pl);
			rc = txn_confirm("apply", what);
		}
		if (rc == EXIT_OK)
			rc = apply_commit(&c);
	}
	if (rc == EXIT_OK && o->json)
		txn_print_json(&c.out, o->check);
out:
	if (c.have_audit)
		audit_free(&c.a);
	free(c.warnings);
	free(c.ptext);
	plan_free(&c.pl);
	settings_free(&c.cur);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_opts o;
	struct profile prof;
	int rc;

	stdout_survive_epipe();
	rc = txn_parse_opts(argc, argv, true, &o);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = txn_state_for("apply", &o);
	if (rc != EXIT_OK)
		return rc;
	rc = cmd_load_profile("apply", o.profile, &prof);
	if (rc != EXIT_OK)
		return rc;
	rc = do_apply(&o, &prof);
	profile_free(&prof);
	return rc;
}

