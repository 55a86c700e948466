// SPDX-License-Identifier: GPL-2.0-or-later
/* apply.c: plan, write, verify and restore sysctl changes; the apply and
 * rollback transactions */
#include "apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "persist.h"
#include "sockets.h"
#include "sysctl.h"
#include "testhook.h"

_Static_assert(sizeof(((struct plan *)0)->all) / sizeof(struct change) == SYSCTL_COUNT,
	       "a plan holds each key once");
_Static_assert(sizeof(((struct undo_report *)0)->failed) / sizeof(enum sysctl_id) == SYSCTL_COUNT,
	       "an undo can fail for each key once");

void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->nall; i++) {
		sysval_free(&pl->all[i].before);
		sysval_free(&pl->all[i].after);
	}
	memset(pl, 0, sizeof(*pl));
}

static int add(struct plan *pl, const struct settings *cur, enum sysctl_id key,
	       struct sysval *after)
{
	struct change *c = &pl->all[pl->nall];
	int r = sysval_copy(&c->before, &cur->val[key]);

	if (r < 0) {
		sysval_free(after);
		return r;
	}
	c->key = key;
	c->after = *after;
	if (!sysval_equal(&c->before, &c->after))
		pl->diff[pl->ndiff++] = pl->nall;
	pl->nall++;
	return 0;
}

/* The value key will have: the plan's, else the current one (NULL when
 * neither has it). */
static const struct sysval *target_of(const struct plan *pl, const struct settings *cur,
				      enum sysctl_id key)
{
	for (size_t i = 0; i < pl->nall; i++)
		if (pl->all[i].key == key)
			return &pl->all[i].after;
	return cur->have[key] ? &cur->val[key] : NULL;
}

/* A range whose every port is reserved: every connect() without bind()
 * and every bind() to port 0 would fail with EADDRNOTAVAIL. */
static int usable_check(const struct plan *pl, const struct settings *cur, char *err,
			size_t errlen)
{
	const struct sysval *range = target_of(pl, cur, SYSCTL_IP_LOCAL_PORT_RANGE);
	const struct sysval *resv = target_of(pl, cur, SYSCTL_IP_LOCAL_RESERVED_PORTS);
	struct ephemeral e;

	if (!range || !resv)
		return 0;
	e = (struct ephemeral){ .low = range->lo, .high = range->hi, .reserved = resv->ports };
	if (ephemeral_usable(&e) > 0)
		return 0;
	snprintf(err, errlen,
		 "net.ipv4.ip_local_port_range = %s with net.ipv4.ip_local_reserved_ports = %.200s%s "
		 "leaves no usable ephemeral port: every connect() without bind() would fail "
		 "(EADDRNOTAVAIL)",
		 range->text, resv->text, strlen(resv->text) > 200 ? "..." : "");
	return -EINVAL;
}

/* ip_local_port_range may not start below ip_unprivileged_port_start (the
 * kernel's EINVAL), a reserved port 0 means nothing, and some port of the
 * range must stay usable. */
static int cross_check(const struct plan *pl, const struct settings *cur, char *err, size_t errlen)
{
	const enum sysctl_id unpriv = SYSCTL_IP_UNPRIVILEGED_PORT_START;

	for (size_t i = 0; i < pl->nall; i++) {
		const struct change *c = &pl->all[i];

		if (c->key == SYSCTL_IP_LOCAL_PORT_RANGE && cur->have[unpriv] &&
		    c->after.lo < cur->val[unpriv].num) {
			snprintf(err, errlen,
				 "net.ipv4.ip_local_port_range = %s starts below "
				 "net.ipv4.ip_unprivileged_port_start = %lld: the kernel refuses it",
				 c->after.text, cur->val[unpriv].num);
			return -EINVAL;
		}
		if (c->key == SYSCTL_IP_LOCAL_RESERVED_PORTS && port_isset(c->after.ports, 0)) {
			snprintf(err, errlen,
				 "net.ipv4.ip_local_reserved_ports = %s: reserved ports are 1..65535",
				 c->after.text);
			return -EINVAL;
		}
	}
	return usable_check(pl, cur, err, errlen);
}

int plan_from_profile(const struct profile *p, const struct settings *cur, const char *root,
		      struct plan *pl, char *err, size_t errlen)
{
	int r = 0;

	memset(pl, 0, sizeof(*pl));
	for (enum sysctl_id i = 0; i < SYSCTL_COUNT && !r; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		struct sysval v;

		if (!p->sysctl[i].set)
			continue;
		if (!cur->have[i]) {
			/* The kernel behaves as the default anyway. */
			if (p->sysctl[i].use_default ||
			    (d->kernel_default && strcmp(p->sysctl[i].val.text, d->kernel_default) == 0)) {
				pl->skipped[pl->nskipped++] = i;
				continue;
			}
			snprintf(err, errlen,
				 "net.ipv4.%s is not supported by this kernel (it has it per namespace "
				 "since %s); remove it from the profile",
				 d->name, d->since);
			r = -EOPNOTSUPP;
			break;
		}
		r = sysctl_profile_target(p, i, root, &v);
		if (r == -ENODATA) {
			snprintf(err, errlen, "net.ipv4.%s = default: the kernel default is unknown here",
				 d->name);
			r = -EOPNOTSUPP;
			break;
		}
		if (r == 0)
			r = add(pl, cur, i, &v);
	}
	if (!r)
		r = cross_check(pl, cur, err, errlen);
	if (r)
		plan_free(pl);
	return r;
}

int plan_from_journal(const struct journal *j, const struct settings *cur, struct plan *pl,
		      char *err, size_t errlen)
{
	int r = 0;

	memset(pl, 0, sizeof(*pl));
	for (size_t i = 0; i < j->n && !r; i++) {
		const struct sysctl_def *d = &sysctl_table[j->e[i].key];
		struct sysval v;
		char why[128];

		/* A key of another kernel (booted since the apply): the others
		 * go back all the same, and the journal keeps this one. */
		if (!cur->have[j->e[i].key]) {
			pl->missing[pl->nmissing++] = j->e[i].key;
			continue;
		}
		r = sysval_parse(d, j->e[i].value, &v, why, sizeof(why));
		if (r < 0 && r != -ENOMEM)
			snprintf(err, errlen, "net.ipv4.%s in the journal: %s", d->name, why);
		if (r == 0)
			r = add(pl, cur, j->e[i].key, &v);
	}
	if (r)
		plan_free(pl);
	return r;
}

int plan_recheck(const struct plan *pl, const char *root, char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->nall; i++) {
		const struct change *c = &pl->all[i];
		struct sysval now;
		int r = sysctl_read(root, &sysctl_table[c->key], &now);

		if (r < 0) {
			snprintf(err, errlen, "cannot read net.ipv4.%s again: %s", sysctl_table[c->key].name,
				 strerror(-r));
			return r;
		}
		if (!sysval_equal(&now, &c->before)) {
			snprintf(err, errlen, "net.ipv4.%s changed since it was read (%.100s, now %.100s)",
				 sysctl_table[c->key].name, c->before.text, now.text);
			sysval_free(&now);
			return -ESTALE;
		}
		sysval_free(&now);
	}
	return 0;
}

int plan_check_writable(const struct plan *pl, const char *root, char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->ndiff; i++) {
		const struct sysctl_def *d = &sysctl_table[pl->all[pl->diff[i]].key];
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", root, d->path);
		if (access(path, W_OK) < 0) {
			int e = errno;

			if (e == EROFS)
				snprintf(err, errlen,
					 "cannot write net.ipv4.%s: %s is read-only (a container without "
					 "write access to /proc/sys?): nothing was changed",
					 d->name, root);
			else if (e == EACCES || e == EPERM)
				snprintf(err, errlen,
					 "writing net.ipv4.%s needs root (CAP_NET_ADMIN over the network "
					 "namespace): nothing was changed",
					 d->name);
			else
				snprintf(err, errlen, "cannot write net.ipv4.%s: %s", d->name, strerror(e));
			return -e;
		}
	}
	return 0;
}

/* TWTUNE_TEST_FAIL_AT=N: the N-th sysctl write of this run fails as if the
 * kernel refused it; the writes that put values back count too. */
static bool test_write_fails(void)
{
	static long count;
	long at = testhooks()->fail_at;

	return at && ++count == at;
}

static void test_pause_after(size_t nth)
{
	long pause_after = testhooks()->pause_after;

	if (pause_after && (long)nth == pause_after) {
		struct timespec ts = { 30, 0 };

		fprintf(stderr, "twtune: test hook: paused after write %zu\n", nth);
		nanosleep(&ts, NULL);
	}
}

/* TWTUNE_TEST_CLAMP_AT=N: the N-th sysctl write of this run writes the
 * key's kernel default instead of its value, as a kernel that clamps or
 * normalises what it is given (the read-back then differs). */
static int test_clamped_write(const char *root, const struct sysctl_def *d,
			      const struct sysval *v)
{
	static long count;
	long at = testhooks()->clamp_at;
	struct sysval def;
	char why[128];
	int r;

	if (!at || ++count != at || !d->kernel_default ||
	    sysval_parse(d, d->kernel_default, &def, why, sizeof(why)) < 0)
		return sysctl_write(root, d, v);
	r = sysctl_write(root, d, &def);
	sysval_free(&def);
	return r;
}

static int write_verify(const char *root, const struct sysval *v, enum sysctl_id key,
			char *readback, size_t len)
{
	const struct sysctl_def *d = &sysctl_table[key];
	struct sysval now;
	int r;

	if (test_write_fails())
		return -EIO; /* test hook: the kernel refuses this write */
	r = test_clamped_write(root, d, v);
	if (r < 0)
		return r;
	r = sysctl_read(root, d, &now);
	if (r < 0)
		return r;
	if (!sysval_equal(&now, v)) {
		snprintf(readback, len, "%s", now.text);
		r = -EIO;
	}
	sysval_free(&now);
	return r;
}

int plan_undo(const struct plan *pl, size_t written, const char *root, struct undo_report *rep)
{
	int first = 0;

	memset(rep, 0, sizeof(*rep));
	for (size_t i = written; i-- > 0;) {
		const struct change *c = &pl->all[pl->diff[i]];
		char ignored[128];
		int e = write_verify(root, &c->before, c->key, ignored, sizeof(ignored));

		if (e == 0) {
			rep->restored++;
			continue;
		}
		rep->failed[rep->nfailed] = c->key;
		rep->failed_err[rep->nfailed++] = e;
		if (!first)
			first = e;
	}
	return first;
}

/* Does the kernel hold another value than c->before for c's key? A key
 * that cannot be read is taken as changed: putting it back is the safe way. */
static bool key_changed(const struct change *c, const char *root)
{
	struct sysval now;
	bool changed;

	if (sysctl_read(root, &sysctl_table[c->key], &now) < 0)
		return true;
	changed = !sysval_equal(&now, &c->before);
	sysval_free(&now);
	return changed;
}

int plan_write(const struct plan *pl, const char *root, struct write_report *rep)
{
	size_t i;
	int r = 0;

	memset(rep, 0, sizeof(*rep));
	rep->failed_key = -1;
	for (i = 0; i < pl->ndiff; i++) {
		const struct change *c = &pl->all[pl->diff[i]];
		char point[48]; /* "write-" and any size_t */

		r = write_verify(root, &c->after, c->key, rep->readback, sizeof(rep->readback));
		if (r < 0) {
			rep->failed_key = (int)c->key;
			rep->failed_err = r;
			break;
		}
		rep->written++;
		snprintf(point, sizeof(point), "write-%zu", i + 1);
		test_kill_point(point);
		test_pause_after(i + 1);
	}
	if (r == 0)
		return 0;
	/* Put back what was written, newest first, starting with the key that
	 * failed when the kernel holds something else than before for it: it
	 * read back different (the kernel clamped or normalised the value, or
	 * someone wrote it meanwhile) or took a write in part. */
	rep->failed_changed = key_changed(&pl->all[pl->diff[i]], root);
	plan_undo(pl, rep->failed_changed ? i + 1 : i, root, &rep->undo);
	if (rep->failed_changed)
		rep->failed_put_back = rep->undo.nfailed == 0 || rep->undo.failed[0] != (enum sysctl_id)rep->failed_key;
	return r;
}

/* The journal before any change: the old values of the keys that differ
 * (older ones kept) and of the persisted file, saved. *before gets the
 * journal as it was (NULL when there was none), for an apply that is
 * undone whole. */
static int journal_step(const struct plan *pl, const struct apply_req *req, struct journal *j,
			char **before, struct apply_result *res)
{
	int r = journal_load(req->state_dir, j, res->why, sizeof(res->why));

	res->stage = APPLY_JOURNAL_LOAD;
	*before = NULL;
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0 && !journal_owned_by(j, req->netns_id, req->root_id)) {
		res->stage = APPLY_JOURNAL_OWNER;
		snprintf(res->why, sizeof(res->why), "netns %s, root %s", j->netns ? j->netns : "init",
			 j->root ? j->root : "/proc/sys");
		return -EXDEV;
	}
	if (r == 0 && !(*before = journal_format(j)))
		return -ENOMEM;
	res->stage = APPLY_JOURNAL_CLEAN;
	if (r == -ENOENT && (r = journal_clean(req->state_dir)) < 0)
		return r;
	if (req->persist && j->persist != PERSIST_NONE && strcmp(j->persist_path, req->persist) != 0) {
		/* One journal keeps one persisted file's old content. */
		res->stage = APPLY_PERSIST_ELSEWHERE;
		res->other = strdup(j->persist_path);
		return res->other ? -EEXIST : -ENOMEM;
	}
	res->stage = APPLY_JOURNAL_SAVE;
	r = journal_own(j, req->netns_id, req->root_id);
	if (r == 0)
		r = journal_begin(j, req->profile, req->time);
	for (size_t i = 0; i < pl->ndiff && r == 0; i++)
		r = journal_add(j, pl->all[pl->diff[i]].key, pl->all[pl->diff[i]].before.text);
	if (r == 0 && req->persist)
		r = persist_journal(req->persist, req->state_dir, j);
	if (r == 0)
		r = journal_save(req->state_dir, j);
	return r;
}

/* After a failed apply whose every write was put back: the journal as it
 * was before (before: its text, NULL when there was none), so that no
 * value of this apply is taken for an original later. 0 or -errno. */
static int journal_undo(const char *dir, const char *before, bool had_persist)
{
	struct journal old;
	char err[128];
	int r;

	if (!before)
		return journal_remove(dir);
	r = journal_parse(before, strlen(before), &old, err, sizeof(err));
	if (r < 0)
		return r;
	r = journal_save(dir, &old);
	journal_free(&old);
	/* The copy of the persisted file this apply made goes too. */
	if (r == 0 && !had_persist)
		r = journal_clean_copy(dir);
	return r;
}

int apply_run(const struct plan *pl, const struct apply_req *req, struct apply_result *res)
{
	struct journal j;
	char *before = NULL;
	bool had_persist;
	int r;

	memset(res, 0, sizeof(*res));
	memset(&j, 0, sizeof(j));
	j.current = -1;
	res->write.failed_key = -1;
	r = journal_step(pl, req, &j, &before, res);
	if (r < 0)
		goto out;
	had_persist = before && strstr(before, "\npersist ");
	res->stage = APPLY_WRITE;
	r = plan_write(pl, req->sysctl_root, &res->write);
	if (r < 0) {
		if (res->write.undo.nfailed == 0)
			res->journal_undo_err = journal_undo(req->state_dir, before, had_persist);
		goto out;
	}
	if (req->persist_text) {
		res->stage = APPLY_PERSIST_WRITE;
		r = atomic_write(req->persist, req->persist_text, strlen(req->persist_text));
		if (r < 0) {
			/* Undo the kernel writes too: all or nothing. */
			plan_undo(pl, pl->ndiff, req->sysctl_root, &res->undo);
			if (res->undo.nfailed == 0)
				res->journal_undo_err = journal_undo(req->state_dir, before, had_persist);
			goto out;
		}
	}
	res->stage = APPLY_DONE;
	if (req->persist)
		res->overrides = persist_overrides(req->persist, pl, req->sysctl_d_dirs);
out:
	res->err = r;
	free(before);
	journal_free(&j);
	return r;
}

void apply_result_free(struct apply_result *res)
{
	free(res->other);
	free(res->overrides);
	res->other = res->overrides = NULL;
}

int rollback_run(const struct plan *pl, struct journal *j, const char *root,
		 const char *state_dir, bool persist_differs, struct rollback_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	res->stage = ROLLBACK_WRITE;
	r = plan_write(pl, root, &res->write);
	if (r == 0) {
		res->stage = ROLLBACK_PERSIST;
		r = persist_restore(j, state_dir, persist_differs);
	}
	if (r == 0 && pl->nmissing) {
		/* The rest is back: the journal keeps only what could not go
		 * back, for a kernel that has those keys. */
		res->stage = ROLLBACK_KEEP;
		r = journal_retain(j, pl->missing, pl->nmissing);
		if (r == 0)
			r = journal_save(state_dir, j);
		if (r == 0)
			r = journal_clean_copy(state_dir);
	} else if (r == 0) {
		res->stage = ROLLBACK_DONE;
		res->journal_err = journal_remove(state_dir);
	}
	res->err = r;
	return r;
}
