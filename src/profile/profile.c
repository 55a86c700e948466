// SPDX-License-Identifier: GPL-2.0-or-later
/* profile.c: loading a profile: its keys checked, its includes followed */
#include "profile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_ini.h"
#include "registry.h"

_Static_assert(sizeof(((struct profile *)0)->sysctl) / sizeof(struct profile_setting) == SYSCTL_COUNT,
	       "a profile has one setting per registry key");

struct loader {
	const struct profile_search *sp;
	char *stack[PROFILE_MAX_DEPTH + 1]; /* real paths being loaded */
	size_t depth;
	char *err;
	size_t errlen;
};

static int set_string(char **dst, const char *src)
{
	free(*dst);
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int load_file(struct loader *L, const char *path, struct profile *p);

static int apply_include(struct loader *L, struct pfile *f, const char *inc, struct profile *p)
{
	char path[PATH_MAX];
	int line = pfile_line(f, "profile:include");
	struct clip c;
	int r;

	if (!profile_name_valid(inc)) {
		snprintf(L->err, L->errlen,
			 "%s line %d: [profile] include = '%s' is not a profile name ([A-Za-z0-9._-], no '..' or '/')",
			 f->path, line, clip(inc, &c));
		return -EINVAL;
	}
	r = profile_find(L->sp, inc, path, sizeof(path), L->err, L->errlen);
	if (r < 0) {
		char inner[600];

		snprintf(inner, sizeof(inner), "%s", L->err);
		snprintf(L->err, L->errlen, "%s line %d: include: %s", f->path, line, inner);
		return -EINVAL;
	}
	return load_file(L, path, p);
}

/* key is a registry key twtune may write: its id, or -EINVAL with the
 * message. */
static int sysctl_key(struct loader *L, struct pfile *f, const char *key, int line,
		      enum sysctl_id *id)
{
	const struct sysctl_def *d = sysctl_lookup(key);
	const char *removed;
	char known[400] = "";
	size_t used = 0;
	struct clip c;

	if (sysctl_removed(key, &removed)) {
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s was %s; remove it", f->path,
			 line, key, removed);
		return -EINVAL;
	}
	if (d && (d->flags & SYSCTL_READONLY)) {
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s is read-only for twtune",
			 f->path, line, key);
		return -EINVAL;
	}
	if (d) {
		*id = (enum sysctl_id)(d - sysctl_table);
		return 0;
	}
	for (enum sysctl_id k = 0; k < SYSCTL_COUNT; k++)
		if (!(sysctl_table[k].flags & SYSCTL_READONLY))
			used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
						 used ? ", " : "", sysctl_table[k].name);
	snprintf(L->err, L->errlen, "%s line %d: [sysctl] unknown key '%s'; known: %s", f->path,
		 line, clip(key, &c), known);
	return -EINVAL;
}

/* [sysctl] key = val: a value of the key, or "default". */
static int apply_sysctl(struct loader *L, struct pfile *f, const char *key, const char *val,
			struct profile *p)
{
	int line = pfile_key_line(f, "sysctl", key);
	struct profile_setting *s;
	struct sysval v = { 0 };
	enum sysctl_id id;
	char why[200];
	struct clip c;
	bool use_default = strcmp(val, "default") == 0;
	int r = sysctl_key(L, f, key, line, &id);

	if (r < 0)
		return r;
	if (!use_default) {
		r = sysval_parse(&sysctl_table[id], val, &v, why, sizeof(why));
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s = '%s': %s", f->path,
				 line, sysctl_table[id].name, clip(val, &c), why);
			return -EINVAL;
		}
	}
	s = &p->sysctl[id];
	sysval_free(&s->val);
	s->val = v;
	s->set = true;
	s->use_default = use_default;
	return set_string(&s->from, f->path);
}

static int apply_threshold(struct loader *L, struct pfile *f, const char *key, const char *val,
			   struct profile *p)
{
	const struct threshold_def *t = threshold_lookup(key);
	int line = pfile_key_line(f, "thresholds", key);
	char known[400] = "";
	size_t used = 0;
	struct clip c;

	if (t) {
		size_t i = (size_t)(t - threshold_table);

		if (threshold_parse(t, val, &p->thresholds[i]) == 0)
			return set_string(&p->threshold_from[i], f->path);
		snprintf(L->err, L->errlen, "%s line %d: [thresholds] %s = '%s': %s", f->path, line,
			 key, clip(val, &c), threshold_allowed(t));
		return -EINVAL;
	}
	for (size_t i = 0; i < THR_COUNT_; i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", used ? ", " : "",
					 threshold_table[i].name);
	snprintf(L->err, L->errlen, "%s line %d: [thresholds] unknown key '%s'; known: %s", f->path,
		 line, clip(key, &c), known);
	return -EINVAL;
}

/* Sections first, so that an unknown section is named before its keys. */
static int check_sections(struct loader *L, struct pfile *f, dictionary *d)
{
	/* "[]" makes a section named "" (the key ""), whose keys look like
	 * keys outside any section (":key"): name it before them. */
	for (int i = 0; i < d->size; i++)
		if (d->key[i] && !d->key[i][0]) {
			snprintf(L->err, L->errlen,
				 "%s: empty section name []; allowed sections: [profile], [sysctl], [thresholds]",
				 f->path);
			return -EINVAL;
		}
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i];
		char sec[48];
		size_t n;

		if (!k)
			continue;
		n = strcspn(k, ":");
		if (!(n == 7 && !strncmp(k, "profile", n)) && !(n == 6 && !strncmp(k, "sysctl", n)) &&
		    !(n == 10 && !strncmp(k, "thresholds", n))) {
			struct clip c;
			int line = 0;

			for (size_t j = 0; j < f->nkeys && !line; j++)
				if (strncmp(f->keys[j].name, k, n) == 0 && f->keys[j].name[n] == ':')
					line = f->keys[j].line;
			snprintf(sec, sizeof(sec), "%.*s%s", (int)(n > 40 ? 40 : n), k, n > 40 ? "..." : "");
			if (n == 0)
				snprintf(L->err, L->errlen,
					 "%s line %d: key '%s' outside any section; allowed sections: [profile], [sysctl], [thresholds]",
					 f->path, line, clip(k + 1, &c));
			else
				snprintf(L->err, L->errlen,
					 "%s: unknown section [%s]; allowed: [profile], [sysctl], [thresholds]",
					 f->path, sec);
			return -EINVAL;
		}
	}
	return 0;
}

/* [profile] has description and include, nothing else. */
static int check_profile_keys(struct loader *L, struct pfile *f, dictionary *d)
{
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i];

		if (k && strncmp(k, "profile:", 8) == 0 && strcmp(k + 8, "include") &&
		    strcmp(k + 8, "description")) {
			snprintf(L->err, L->errlen,
				 "%s line %d: [profile] unknown key '%s'; allowed: description, include",
				 f->path, pfile_line(f, k), clip(k + 8, &(struct clip){ 0 }));
			return -EINVAL;
		}
	}
	return 0;
}

/* real is not being loaded already, and there is room for one more level. */
static int check_nesting(struct loader *L, const char *path, const char *real)
{
	for (size_t i = 0; i < L->depth; i++)
		if (strcmp(L->stack[i], real) == 0) {
			char chain[900] = "";
			size_t used = 0;

			for (size_t j = i; j < L->depth; j++)
				used += (size_t)snprintf(chain + used, sizeof(chain) - used, "%s -> ",
							 L->stack[j]);
			snprintf(L->err, L->errlen, "include loop: %s%s", chain, real);
			return -ELOOP;
		}
	if (L->depth == PROFILE_MAX_DEPTH) {
		snprintf(L->err, L->errlen, "%s: includes nest deeper than %d levels", path,
			 PROFILE_MAX_DEPTH);
		return -ELOOP;
	}
	return 0;
}

/* The base first (include), then this file's own values over it. */
static int apply_file(struct loader *L, struct pfile *f, dictionary *d, const char *real,
		      struct profile *p)
{
	const char *inc = iniparser_getstring(d, "profile:include", NULL), *desc;
	int r = 0;

	if (inc && (r = apply_include(L, f, inc, p)) < 0)
		return r;
	if (p->nincludes <= PROFILE_MAX_DEPTH) {
		p->includes[p->nincludes] = strdup(real);
		if (p->includes[p->nincludes])
			p->nincludes++;
	}
	desc = iniparser_getstring(d, "profile:description", NULL);
	if (desc && (r = set_string(&p->description, desc)) < 0)
		return r;
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i], *v = d->val[i];

		if (!k || !strchr(k, ':'))
			continue;
		if (strncmp(k, "sysctl:", 7) == 0)
			r = apply_sysctl(L, f, k + 7, v ? v : "", p);
		else if (strncmp(k, "thresholds:", 11) == 0)
			r = apply_threshold(L, f, k + 11, v ? v : "", p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_file(struct loader *L, const char *path, struct profile *p)
{
	char real[PATH_MAX];
	struct pfile f;
	dictionary *d = NULL;
	int r;

	r = pfile_read(&f, path, L->sp->check_trust, L->err, L->errlen);
	if (r < 0)
		goto out;
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	r = check_nesting(L, path, real);
	if (r < 0)
		goto out;
	d = pfile_parse(&f, L->err, L->errlen);
	if (!d) {
		r = -EINVAL;
		goto out;
	}
	r = check_sections(L, &f, d);
	if (r == 0)
		r = check_profile_keys(L, &f, d);
	if (r < 0)
		goto out;
	L->stack[L->depth++] = strdup(real);
	r = L->stack[L->depth - 1] ? apply_file(L, &f, d, real, p) : -ENOMEM;
	free(L->stack[--L->depth]);
out:
	if (d)
		iniparser_freedict(d);
	pfile_free(&f);
	return r;
}

static char *name_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	return strndup(base, n);
}

/* The file named by arg: a path as given, or NAME.ini along the search path. */
static int profile_path(const char *arg, const struct profile_search *sp, char *path, size_t len,
			char *err, size_t errlen)
{
	if (profile_arg_is_path(arg)) {
		if (strlen(arg) >= len) {
			snprintf(err, errlen, "profile path is too long");
			return -EINVAL;
		}
		snprintf(path, len, "%s", arg);
		return 0;
	}
	if (!profile_name_valid(arg)) {
		snprintf(err, errlen,
			 "'%.100s' is not a profile name: use letters, digits, '.', '_', '-' (no '..'), or a path",
			 arg);
		return -EINVAL;
	}
	return profile_find(sp, arg, path, len, err, errlen);
}

int profile_load(const char *arg, const struct profile_search *sp, struct profile *p,
		 char *err, size_t errlen)
{
	struct loader L = { .sp = sp, .err = err, .errlen = errlen };
	char path[PATH_MAX];
	int r;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < THR_COUNT_; i++)
		p->thresholds[i] = threshold_table[i].def;
	r = profile_path(arg, sp, path, sizeof(path), err, errlen);
	if (r < 0)
		return r;
	/* The name goes into the journal and the persisted file, one record
	 * a line: a newline in it would add a record of its own. */
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen,
				 "profile path has a control character (byte 0x%02x at %zu): rename the file",
				 (unsigned char)*c, (size_t)(c - path));
			return -EINVAL;
		}
	p->name = name_of(path);
	p->path = strdup(path);
	if (!p->name || !p->path)
		return -ENOMEM;
	r = load_file(&L, path, p);
	if (r == 0)
		r = thresholds_check(p->thresholds, p->path, err, errlen);
	if (r < 0)
		profile_free(p);
	return r;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->path);
	free(p->description);
	for (size_t i = 0; i < p->nincludes; i++)
		free(p->includes[i]);
	for (enum sysctl_id id = 0; id < SYSCTL_COUNT; id++) {
		sysval_free(&p->sysctl[id].val);
		free(p->sysctl[id].from);
	}
	for (size_t i = 0; i < THR_COUNT_; i++)
		free(p->threshold_from[i]);
	memset(p, 0, sizeof(*p));
}

struct visit {
	const struct profile_search *sp;
	profile_visit_fn fn;
	void *ctx;
};

static void visit_one(const char *name, const char *path, void *arg)
{
	const struct visit *v = arg;
	char err[1024];
	struct profile p;

	if (profile_load(path, v->sp, &p, err, sizeof(err)) == 0) {
		v->fn(name, path, &p, NULL, v->ctx);
		profile_free(&p);
	} else {
		v->fn(name, path, NULL, err, v->ctx);
	}
}

void profile_foreach(const struct profile_search *sp, profile_visit_fn fn, void *ctx)
{
	struct visit v = { sp, fn, ctx };

	profile_search_each(sp, visit_one, &v);
}
