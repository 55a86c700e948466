/* cmd_apply.c: twtune apply PROFILE: show first, ask, then the transaction
 * (apply_run: journal, write only what differs, verify, undo on failure);
 * and what apply and rollback share (cmd_apply.h) */
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
#include "cmd_apply.h"
#include "commands.h"
#include "fileutil.h"
#include "json.h"
#include "output.h"
#include "persist.h"
#include "report.h"
#include "sysctl.h"
#include "twtune.h"

int txn_parse_opts(int argc, char **argv, bool is_apply, struct apply_opts *o)
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
	char *before = plan_conf_text(out->pl, false), *after = plan_conf_text(out->pl, true);
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_bool(&j, "changed", out->changed);
	json_bool(&j, "check", check);
	json_str(&j, "profile", out->profile);
	json_changes(&j, out);
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
		json_str(&j, NULL, sysctl_table[out->pl->skipped[i]].name);
	json_arr_end(&j);
	json_arr_begin(&j, "warnings");
	for (const char *w = out->warnings; w && *w;) {
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

int txn_lock_state(const char *cmd, const struct apply_opts *o, unsigned long long *gen)
{
	int r = txn_check_state_dir(cmd, o->state_dir, true, NULL);

	if (r != EXIT_OK)
		return -r;
	r = journal_lock(o->state_dir, o->wait, gen);
	if (r == -EWOULDBLOCK) {
		errorf("%s: another twtune apply or rollback holds %s/lock; waited %u s", cmd,
		       o->state_dir, o->wait);
		return -EXIT_SYSTEM;
	}
	if (r == -ELOOP || r == -EINVAL) {
		errorf("%s: %s/%s %s", cmd, o->state_dir, JOURNAL_LOCK, txn_file_problem(r));
		return -EXIT_SYSTEM;
	}
	if (r < 0) {
		errorf("%s: cannot lock %s/%s: %s", cmd, o->state_dir, JOURNAL_LOCK, strerror(-r));
		return -EXIT_SYSTEM;
	}
	test_kill_point("locked");
	return r;
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
	char name[96], restored[160];

	sysctl_fullname(&sysctl_table[rep->failed_key], name, sizeof(name));
	snprintf(restored, sizeof(restored), "%zu key%s written before it restored", u->restored,
		 u->restored == 1 ? "" : "s");
	if (u->nfailed) {
		char other[96];

		sysctl_fullname(&sysctl_table[u->failed[0]], other, sizeof(other));
		errorf("%s: writing %s failed (%s), and restoring %s failed too (%s); run 'twtune "
		       "rollback' to put back the journalled values",
		       cmd, name, strerror(-rep->failed_err), other, strerror(-u->failed_err[0]));
	} else if (rep->failed_err == -EIO && rep->readback[0]) {
		errorf("%s: the kernel kept %s = %s instead of the value written; %s", cmd, name,
		       rep->readback, u->restored || !rep->written ? restored : "nothing else written");
	} else {
		errorf("%s: the kernel refused %s: %s; %s", cmd, name, strerror(-rep->failed_err),
		       u->restored ? restored : "nothing else was written");
	}
	return EXIT_SYSTEM;
}

/* Why apply_run stopped: one line, EXIT_SYSTEM. */
static int report_apply_failure(const struct apply_opts *o, const struct apply_result *res)
{
	const char *dir = o->state_dir;
	char keys[1024];

	switch (res->stage) {
	case APPLY_JOURNAL_LOAD:
		return txn_journal_error("apply", dir, res->err, res->why);
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
		return txn_report_write_failure("apply", &res->write);
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
	bool have_gen;
	unsigned long long gen; /* the lock's generation before the kernel was read */
	char *warnings;
	struct outcome out;
};

/* Reads the kernel, once (the audit's reading is the plan's too), and
 * plans. EXIT_OK, or the exit code after one line. */
static int apply_prepare(struct apply_ctx *c)
{
	const struct settings *cur = &c->cur;
	char err[600];
	int r;

	if (!c->o->check)
		c->have_gen = journal_generation(c->o->state_dir, &c->gen) == 0;
	if (audit_run(&c->a, c->prof, 0, err, sizeof(err)) == 0) {
		c->have_audit = true;
		cur = &c->a.current;
	} else {
		audit_free(&c->a);
		if (settings_read(&c->cur, err, sizeof(err)) < 0) {
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
			audit_report(&c->a, c->prof->name, 5, &rp);
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

/* Under the lock: plans again when another apply or rollback ran since
 * the kernel was read, then runs the transaction. */
static int apply_commit(struct apply_ctx *c)
{
	const struct apply_opts *o = c->o;
	struct apply_req req = { .profile = c->prof->name, .sysctl_root = G.sysctl_root,
				 .state_dir = o->state_dir, .persist = o->persist,
				 .sysctl_d_dirs = getenv("TWTUNE_SYSCTL_D_DIRS") };
	struct apply_result res = { 0 };
	unsigned long long gen;
	char err[600], *time = NULL;
	int rc = EXIT_SYSTEM, lock, r;

	if ((r = stdout_check()) < 0) {
		errorf("apply: cannot write output: %s; nothing was changed", strerror(-r));
		return EXIT_SYSTEM;
	}
	lock = txn_lock_state("apply", o, &gen);
	if (lock < 0)
		return -lock;
	if (!c->have_gen || gen != c->gen) {
		plan_free(&c->pl);
		settings_free(&c->cur);
		if (settings_read(&c->cur, err, sizeof(err)) < 0 ||
		    plan_from_profile(c->prof, &c->cur, G.sysctl_root, &c->pl, err, sizeof(err)) < 0) {
			errorf("apply: %s", err);
			goto out;
		}
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
	int rc = txn_parse_opts(argc, argv, true, &o);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = cmd_load_profile("apply", o.profile, &prof);
	if (rc != EXIT_OK)
		return rc;
	rc = do_apply(&o, &prof);
	profile_free(&prof);
	return rc;
}

