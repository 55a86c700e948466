/* cmd_apply.c: twtune apply PROFILE and twtune rollback: show first, ask,
 * journal, write only what differs, verify, undo on failure */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "audit.h"
#include "commands.h"
#include "fileutil.h"
#include "json.h"
#include "output.h"
#include "report.h"
#include "sysctl.h"
#include "twtune.h"

#define DEFAULT_STATE_DIR "/var/lib/twtune"
#define DEFAULT_PERSIST "/etc/sysctl.d/90-twtune.conf"

struct apply_opts {
	bool check, yes, json;
	const char *persist; /* NULL, or the file */
	const char *state_dir;
	unsigned wait;
	const char *profile;
};

struct outcome {
	const char *cmd;
	bool changed;
	const char *profile;
	const struct plan *pl;
	const char *persisted;
	const char *risk_before, *risk_after;
	char *warnings; /* lines */
};

static int parse_opts(int argc, char **argv, bool is_apply, struct apply_opts *o)
{
	static const struct option apply_opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ "persist", optional_argument, NULL, 'p' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	int opt, rc = EXIT_OK;
	long long n;

	*o = (struct apply_opts){ .state_dir = DEFAULT_STATE_DIR, .wait = 10 };
	while ((opt = cmd_next_opt(argc, argv, apply_opts, &rc)) != -1) {
		switch (opt) {
		case CMD_DONE:
			return rc == EXIT_OK ? -1 : rc;
		case 'c': o->check = true; break;
		case 'y': o->yes = true; break;
		case 'j': o->json = true; break;
		case 'p':
			if (!is_apply)
				return usage_error(cmd, "--persist is an option of apply");
			if (optarg && optarg[0] != '/')
				return usage_error(cmd, "--persist=%s: give an absolute path", optarg);
			o->persist = optarg ? optarg : DEFAULT_PERSIST;
			break;
		case 's':
			if (optarg[0] != '/')
				return usage_error(cmd, "--state-dir %s: give an absolute path", optarg);
			o->state_dir = optarg;
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

static void print_json(const struct outcome *out, bool check)
{
	char name[96], *before = plan_conf_text(out->pl, false), *after = plan_conf_text(out->pl, true);
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_bool(&j, "changed", out->changed);
	json_bool(&j, "check", check);
	json_str(&j, "profile", out->profile);
	json_arr_begin(&j, "changes");
	for (size_t i = 0; i < out->pl->ndiff; i++) {
		const struct change *c = &out->pl->all[out->pl->diff[i]];

		json_obj_begin(&j, NULL);
		json_str(&j, "key", sysctl_fullname(&sysctl_table[c->key], name, sizeof(name)));
		json_str(&j, "before", c->before.text);
		json_str(&j, "after", c->after.text);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "diff");
	json_str(&j, "before", before ? before : "");
	json_str(&j, "after", after ? after : "");
	json_obj_end(&j);
	json_str(&j, "persisted", out->persisted);
	if (out->risk_before) {
		json_str(&j, "risk_before", out->risk_before);
		json_str(&j, "risk_after", out->risk_after);
	}
	json_arr_begin(&j, "skipped");
	for (size_t i = 0; i < out->pl->nskipped; i++)
		json_str(&j, NULL, out->pl->skipped[i]);
	json_arr_end(&j);
	json_arr_begin(&j, "warnings");
	for (char *w = out->warnings; w && *w;) {
		size_t n = strcspn(w, "\n");
		char line[4400];

		snprintf(line, sizeof(line), "%.*s", (int)n, w);
		json_str(&j, NULL, line);
		w += n + (w[n] == '\n');
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	free(before);
	free(after);
}

static void print_changes(const struct plan *pl)
{
	char name[96];

	for (size_t i = 0; i < pl->ndiff; i++) {
		const struct change *c = &pl->all[pl->diff[i]];

		sysctl_fullname(&sysctl_table[c->key], name, sizeof(name));
		printf("%s- %s = %s%s\n", color(C_RED), name, c->before.text, color(C_RESET));
		printf("%s+ %s = %s%s\n", color(C_GREEN), name, c->after.text, color(C_RESET));
	}
}

/* A person must say yes, on the terminal; without one, --yes is needed. */
static int confirm(const char *cmd, const char *what)
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

/* Why a state or persisted file was refused, for "PATH REASON". */
static const char *file_problem(int r)
{
	switch (r) {
	case -ELOOP: return "is a symbolic link: refusing to follow it; remove it";
	case -EPERM: return "belongs to another user than root or is writable by others: refusing to trust it";
	case -EINVAL:
	case -EISDIR: return "is not a regular file";
	default: return strerror(-r);
	}
}

/* The state directory must be safe to write in (see check_dir); with
 * create, it is made when missing. EXIT_OK, or EXIT_SYSTEM after one line;
 * *missing tells a missing directory (without create). */
static int check_state_dir(const char *cmd, const char *dir, bool create, bool *missing)
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

/* The persisted file: a regular file or nothing, in a safe directory. */
static int check_persist_path(const char *cmd, const char *path)
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
		errorf("%s: %s %s", cmd, path, file_problem(r));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

static int lock_state(const char *cmd, const struct apply_opts *o)
{
	int r = check_state_dir(cmd, o->state_dir, true, NULL);

	if (r != EXIT_OK)
		return -r;
	r = journal_lock(o->state_dir, o->wait);
	if (r == -EWOULDBLOCK) {
		errorf("%s: another twtune apply or rollback holds %s/lock; waited %u s", cmd,
		       o->state_dir, o->wait);
		return -EXIT_SYSTEM;
	}
	if (r == -ELOOP || r == -EINVAL) {
		errorf("%s: %s/%s %s", cmd, o->state_dir, JOURNAL_LOCK, file_problem(r));
		return -EXIT_SYSTEM;
	}
	if (r < 0) {
		errorf("%s: cannot lock %s/%s: %s", cmd, o->state_dir, JOURNAL_LOCK, strerror(-r));
		return -EXIT_SYSTEM;
	}
	test_kill_point("locked");
	return r;
}

/* A journal that cannot be read: one line, EXIT_SYSTEM. */
static int journal_error(const char *cmd, const char *dir, int r, const char *err)
{
	if (r == -EINVAL)
		errorf("%s: %s/%s %s: move it away once the values are as they should be", cmd, dir,
		       JOURNAL_FILE, err);
	else
		errorf("%s: %s/%s %s", cmd, dir, JOURNAL_FILE, file_problem(r));
	return EXIT_SYSTEM;
}

static int report_write_failure(const char *cmd, const struct write_report *rep)
{
	char name[96], restored[160];

	sysctl_fullname(&sysctl_table[rep->failed_key], name, sizeof(name));
	snprintf(restored, sizeof(restored), "%zu key%s written before it restored", rep->restored,
		 rep->restored == 1 ? "" : "s");
	if (rep->restore_failed_key >= 0) {
		char other[96];

		sysctl_fullname(&sysctl_table[rep->restore_failed_key], other, sizeof(other));
		errorf("%s: writing %s failed (%s), and restoring %s failed too (%s); run 'twtune "
		       "rollback' to put back the journalled values",
		       cmd, name, strerror(-rep->failed_err), other, strerror(-rep->restore_err));
	} else if (rep->failed_err == -EIO && rep->readback[0]) {
		errorf("%s: the kernel kept %s = %s instead of the value written; %s", cmd, name,
		       rep->readback, rep->restored || !rep->written ? restored : "nothing else written");
	} else {
		errorf("%s: the kernel refused %s: %s; %s", cmd, name, strerror(-rep->failed_err),
		       rep->restored ? restored : "nothing else was written");
	}
	return EXIT_SYSTEM;
}

/* Saves what the persisted file holds now (or that it is absent) in the
 * journal, once: a rollback puts back what was there before twtune. */
static int journal_persist(const struct apply_opts *o, struct journal *j)
{
	char copy[4096], *old = NULL;
	size_t len = 0;
	int r;

	if (!o->persist || j->persist != PERSIST_NONE)
		return 0;
	j->persist_path = strdup(o->persist);
	if (!j->persist_path)
		return -ENOMEM;
	r = read_small_file(o->persist, 1 << 20, &old, &len);
	if (r == -ENOENT) {
		j->persist = PERSIST_ABSENT;
		return 0;
	}
	if (r < 0)
		return r;
	snprintf(copy, sizeof(copy), "%s/%s", o->state_dir, JOURNAL_PERSIST_COPY);
	r = atomic_write(copy, old, len);
	free(old);
	if (r == 0)
		j->persist = PERSIST_SAVED;
	return r;
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

static int do_apply(const struct apply_opts *o, struct profile *prof)
{
	struct outcome out = { .cmd = "apply", .profile = prof->name };
	struct settings cur = { 0 };
	struct plan pl = { 0 };
	struct journal j = { 0 };
	struct write_report rep;
	struct audit_ctx ctx;
	struct audit a;
	char err[600], *ptext = NULL;
	bool persist_changes = false, have_audit = false;
	int rc = EXIT_OK, lock = -1, r;

	if (settings_read(&cur, G.sysctl_root, err, sizeof(err)) < 0) {
		errorf("apply: %s", err);
		return EXIT_SYSTEM;
	}
	r = plan_from_profile(prof, &cur, G.sysctl_root, &pl, err, sizeof(err));
	if (r < 0) {
		errorf("apply: profile '%s': %s", prof->name, err);
		rc = r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
		goto out;
	}
	if (o->persist) {
		rc = check_persist_path("apply", o->persist);
		if (rc != EXIT_OK)
			goto out;
		ptext = persist_text(prof->name, &pl);
		persist_changes = ptext && !persist_up_to_date(o->persist, ptext);
	}
	out.pl = &pl;
	out.changed = pl.ndiff > 0 || persist_changes;
	/* Privilege first: nothing is asked of someone who may not write. */
	if (!o->check && out.changed) {
		char dir[PATH_MAX];

		if (pl.ndiff && plan_check_writable(&pl, G.sysctl_root, err, sizeof(err)) < 0) {
			errorf("apply: %s", err);
			rc = EXIT_SYSTEM;
			goto out;
		}
		snprintf(dir, sizeof(dir), "%s", o->persist ? o->persist : "/");
		if (o->persist && access(dirname(dir), W_OK) < 0) {
			errorf("apply: cannot write %s: %s", o->persist, strerror(errno));
			rc = EXIT_SYSTEM;
			goto out;
		}
	}
	cmd_audit_ctx(&ctx);
	if (audit_run(&a, &ctx, prof, 0, err, sizeof(err)) == 0) {
		struct report rp;

		have_audit = true;
		out.risk_before = severity_name(a.before.risk);
		out.risk_after = severity_name(a.after.risk);
		if (!o->json && G.verbosity >= 0) {
			audit_report(&a, prof->name, 5, &rp);
			report_text(stdout, &rp);
			printf("\n");
		}
	}
	for (size_t i = 0; i < pl.nskipped; i++)
		warnf("apply: net.ipv4.%s: not supported by this kernel; its default applies anyway",
		      pl.skipped[i]);
	if (!out.changed) {
		if (!o->json)
			printf("no changes: the kernel already has %s's values%s\n", prof->name,
			       o->persist ? ", and the persisted file too" : "");
		goto done;
	}
	if (o->check) {
		if (!o->json) {
			printf("check: %zu change%s would be made%s; nothing was written\n", pl.ndiff,
			       pl.ndiff == 1 ? "" : "s",
			       persist_changes ? ", and the persisted file rewritten" : "");
			print_changes(&pl);
		}
		goto done;
	}
	if (!o->yes) {
		char what[200];

		snprintf(what, sizeof(what), "apply %zu change%s of %s to the kernel%s", pl.ndiff,
			 pl.ndiff == 1 ? "" : "s", prof->name, o->persist ? " and persist them" : "");
		if (!o->json)
			print_changes(&pl);
		rc = confirm("apply", what);
		if (rc != EXIT_OK)
			goto out;
	}
	if ((r = stdout_check()) < 0) {
		errorf("apply: cannot write output: %s; nothing was changed", strerror(-r));
		rc = EXIT_SYSTEM;
		goto out;
	}
	lock = lock_state("apply", o);
	if (lock < 0) {
		rc = -lock;
		goto out;
	}
	/* Another apply may have run while this one waited: plan again. */
	plan_free(&pl);
	settings_free(&cur);
	if (settings_read(&cur, G.sysctl_root, err, sizeof(err)) < 0 ||
	    plan_from_profile(prof, &cur, G.sysctl_root, &pl, err, sizeof(err)) < 0) {
		errorf("apply: %s", err);
		rc = EXIT_SYSTEM;
		goto out;
	}
	r = journal_load(o->state_dir, &j, err, sizeof(err));
	if (r < 0 && r != -ENOENT) {
		rc = journal_error("apply", o->state_dir, r, err);
		goto out;
	}
	if (r == -ENOENT && (r = journal_clean(o->state_dir)) < 0) {
		errorf("apply: cannot clean %s: %s; nothing was changed", o->state_dir, strerror(-r));
		rc = EXIT_SYSTEM;
		goto out;
	}
	free(j.profile);
	free(j.time);
	j.profile = strdup(prof->name);
	j.time = now_utc();
	if (o->persist && j.persist != PERSIST_NONE && strcmp(j.persist_path, o->persist) != 0) {
		/* One journal keeps one persisted file's old content. */
		errorf("apply: the journal in %s keeps the old content of %s, not %s: use "
		       "--persist=%s, or roll back first; nothing was changed",
		       o->state_dir, j.persist_path, o->persist, j.persist_path);
		rc = EXIT_SYSTEM;
		goto out;
	}
	r = j.profile && j.time ? 0 : -ENOMEM;
	for (size_t i = 0; i < pl.ndiff && r == 0; i++)
		r = journal_add(&j, pl.all[pl.diff[i]].key, pl.all[pl.diff[i]].before.text);
	if (r == 0)
		r = journal_persist(o, &j);
	if (r == 0)
		r = journal_save(o->state_dir, &j);
	if (r < 0) {
		errorf("apply: cannot write the journal in %s: %s; nothing was changed", o->state_dir,
		       strerror(-r));
		rc = EXIT_SYSTEM;
		goto out;
	}
	if (plan_write(&pl, G.sysctl_root, &rep) < 0) {
		rc = report_write_failure("apply", &rep);
		goto out;
	}
	if (persist_changes) {
		r = atomic_write(o->persist, ptext, strlen(ptext));
		if (r < 0) {
			struct write_report back;
			struct plan undo = pl;

			/* Undo the kernel writes too: all or nothing. */
			for (size_t i = 0; i < undo.nall; i++) {
				struct sysval t = undo.all[i].before;

				undo.all[i].before = undo.all[i].after;
				undo.all[i].after = t;
			}
			plan_write(&undo, G.sysctl_root, &back);
			errorf("apply: cannot write %s: %s; the kernel values were put back",
			       o->persist, strerror(-r));
			rc = EXIT_SYSTEM;
			goto out;
		}
	}
	if (o->persist) {
		out.persisted = o->persist;
		out.warnings = persist_overrides(o->persist, &pl);
		for (char *w = out.warnings; w && *w;) {
			size_t n = strcspn(w, "\n");

			warnf("%.*s: it wins at boot", (int)n, w);
			w += n + (w[n] == '\n');
		}
	}
	test_kill_point("done");
	stdout_lost_note("the changes were applied; 'twtune rollback' undoes them");
	if (!o->json)
		printf("applied %zu change%s of %s%s%s\n", pl.ndiff, pl.ndiff == 1 ? "" : "s",
		       prof->name, o->persist ? "; persisted in " : "", o->persist ? o->persist : "");
done:
	if (o->json)
		print_json(&out, o->check);
out:
	if (have_audit)
		audit_free(&a);
	if (lock >= 0)
		close(lock);
	free(out.warnings);
	free(ptext);
	journal_free(&j);
	plan_free(&pl);
	settings_free(&cur);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_opts o;
	struct profile prof;
	int rc = parse_opts(argc, argv, true, &o);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = cmd_load_profile("apply", o.profile, &prof);
	if (rc != EXIT_OK)
		return rc;
	rc = do_apply(&o, &prof);
	profile_free(&prof);
	return rc;
}

/* Does the persisted file need putting back? 1 yes, 0 no, or -errno when
 * the copy in the state directory cannot be trusted. */
static int persist_differs(const struct journal *j, const char *state_dir)
{
	char copy[4096], *a = NULL, *b = NULL;
	int r;

	if (!j->persist_path || j->persist == PERSIST_NONE)
		return 0;
	if (j->persist == PERSIST_ABSENT)
		return access(j->persist_path, F_OK) == 0;
	snprintf(copy, sizeof(copy), "%s/%s", state_dir, JOURNAL_PERSIST_COPY);
	r = read_state_file(copy, 1 << 20, &a, NULL);
	if (r < 0)
		return r;
	r = read_small_file(j->persist_path, 1 << 20, &b, NULL) < 0 || strcmp(a, b) != 0;
	free(a);
	free(b);
	return r;
}

/* Puts back the persisted file from the journal (the old one, or none)
 * when it differs (as rollback_plan found under the lock), and removes what
 * a killed write left beside it. */
static int restore_persisted(const struct journal *j, const char *state_dir, bool differs)
{
	char copy[4096], *old = NULL;
	size_t len;
	int r;

	if (!j->persist_path || j->persist == PERSIST_NONE)
		return 0;
	if (!differs)
		return atomic_cleanup(j->persist_path);
	if (j->persist == PERSIST_ABSENT)
		return atomic_remove(j->persist_path);
	snprintf(copy, sizeof(copy), "%s/%s", state_dir, JOURNAL_PERSIST_COPY);
	r = read_state_file(copy, 1 << 20, &old, &len);
	if (r == 0)
		r = atomic_write(j->persist_path, old, len);
	free(old);
	return r;
}

/* The journal and the plan back to it, and whether the persisted file
 * differs from its copy; EXIT_OK, or *none when there is no journal, or
 * EXIT_SYSTEM after one line. */
static int rollback_plan(const struct apply_opts *o, struct journal *j, struct settings *cur,
			 struct plan *pl, bool *none, bool *persist_changes)
{
	char err[600];
	int r;

	journal_free(j);
	plan_free(pl);
	settings_free(cur);
	*none = false;
	r = journal_load(o->state_dir, j, err, sizeof(err));
	if (r == -ENOENT) {
		*none = true;
		return EXIT_OK;
	}
	if (r < 0)
		return journal_error("rollback", o->state_dir, r, err);
	if (settings_read(cur, G.sysctl_root, err, sizeof(err)) < 0 ||
	    plan_from_journal(j, cur, pl, err, sizeof(err)) < 0) {
		errorf("rollback: %s", err);
		return EXIT_SYSTEM;
	}
	if (j->persist_path && j->persist != PERSIST_NONE) {
		int rc = check_persist_path("rollback", j->persist_path);

		if (rc != EXIT_OK)
			return rc;
	}
	r = persist_differs(j, o->state_dir);
	if (r < 0) {
		errorf("rollback: %s/%s %s", o->state_dir, JOURNAL_PERSIST_COPY, file_problem(r));
		return EXIT_SYSTEM;
	}
	*persist_changes = r > 0;
	return EXIT_OK;
}

int cmd_rollback(int argc, char **argv)
{
	struct apply_opts o;
	struct outcome out = { .cmd = "rollback" };
	struct settings cur = { 0 };
	struct plan pl = { 0 };
	struct journal j = { 0 };
	struct write_report rep;
	char err[600];
	bool none = false, persist = false;
	int rc = parse_opts(argc, argv, false, &o), lock = -1, r;

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	out.pl = &pl;
	/* Nothing is read from a state directory others could have written. */
	rc = check_state_dir("rollback", o.state_dir, false, &none);
	if (rc == EXIT_OK && !none)
		rc = rollback_plan(&o, &j, &cur, &pl, &none, &persist);
	if (rc != EXIT_OK)
		goto out;
	if (none)
		goto nothing;
	out.changed = pl.ndiff > 0 || persist;
	if (!o.check && pl.ndiff && plan_check_writable(&pl, G.sysctl_root, err, sizeof(err)) < 0) {
		errorf("rollback: %s", err);
		rc = EXIT_SYSTEM;
		goto out;
	}
	if (!o.json) {
		printf("%s# rollback of %s (applied %s)%s\n", color(C_BOLD), j.profile ? j.profile : "?",
		       j.time ? j.time : "?", color(C_RESET));
		print_changes(&pl);
		if (persist)
			printf("%s %s\n", j.persist == PERSIST_ABSENT ? "remove" : "restore", j.persist_path);
	}
	if (o.check) {
		if (!o.json)
			printf("check: nothing was written\n");
		out.profile = j.profile;
		out.persisted = persist ? j.persist_path : NULL;
		goto done;
	}
	if (out.changed && !o.yes && (rc = confirm("rollback", "roll back the last apply")) != EXIT_OK)
		goto out;
	if ((r = stdout_check()) < 0) {
		errorf("rollback: cannot write output: %s; nothing was changed", strerror(-r));
		rc = EXIT_SYSTEM;
		goto out;
	}
	lock = lock_state("rollback", &o);
	if (lock < 0) {
		rc = -lock;
		goto out;
	}
	/* Another rollback or apply may have run while this one waited. */
	rc = rollback_plan(&o, &j, &cur, &pl, &none, &persist);
	if (rc != EXIT_OK)
		goto out;
	if (none) {
		out.changed = false;
		goto nothing;
	}
	out.profile = j.profile;
	out.changed = pl.ndiff > 0 || persist;
	out.persisted = persist ? j.persist_path : NULL;
	if (plan_write(&pl, G.sysctl_root, &rep) < 0) {
		rc = report_write_failure("rollback", &rep);
		goto out;
	}
	r = restore_persisted(&j, o.state_dir, persist);
	if (r < 0) {
		errorf("rollback: the kernel values are back, but %s could not be restored: %s",
		       j.persist_path, strerror(-r));
		rc = EXIT_SYSTEM;
		goto out;
	}
	r = journal_remove(o.state_dir);
	if (r < 0)
		warnf("rollback: cannot remove the journal: %s", strerror(-r));
	test_kill_point("done");
	stdout_lost_note("the rollback was done");
	if (!o.json && out.changed)
		printf("rolled back %zu change%s\n", pl.ndiff, pl.ndiff == 1 ? "" : "s");
	else if (!o.json)
		printf("no changes: the values are already those before the apply\n");
	goto done;
nothing:
	if (!o.json)
		printf("nothing to roll back: no journal in %s\n", o.state_dir);
done:
	if (o.json)
		print_json(&out, o.check);
out:
	if (lock >= 0)
		close(lock);
	journal_free(&j);
	plan_free(&pl);
	settings_free(&cur);
	return rc;
}
