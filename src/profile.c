/* profile.c: named INI profiles (iniparser), search path, inheritance */
#include "profile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iniparser.h>

#include "sysctl.h"

#ifndef PROFILEDIR
#define PROFILEDIR "/usr/local/share/twtune/profiles"
#endif

const struct threshold_def threshold_table[THR_COUNT_] = {
	{ "port_pressure_warn", THR_RATIO, 0.50, "share of a destination's usable ports in use that warns" },
	{ "port_pressure_crit", THR_RATIO, 0.85, "share of a destination's usable ports in use that is critical" },
	{ "tw_buckets_warn", THR_RATIO, 0.70, "TIME_WAIT count / tcp_max_tw_buckets that warns" },
	{ "tw_buckets_crit", THR_RATIO, 0.90, "TIME_WAIT count / tcp_max_tw_buckets that is critical" },
	{ "close_wait_warn", THR_COUNT, 100, "CLOSE_WAIT sockets that warn of an application not closing" },
	{ "close_wait_crit", THR_COUNT, 1000, "CLOSE_WAIT sockets that are critical" },
	{ "min_usable_ports", THR_COUNT, 16384, "fewest usable ephemeral ports before the range counts as narrow" },
};

/* ---- search path ---- */

static void add_dir(struct profile_search *sp, const char *dir, bool owned)
{
	if (sp->ndirs == PROFILE_MAX_SEARCH || !dir || !*dir) {
		if (owned)
			free((char *)dir);
		return;
	}
	for (size_t i = 0; i < sp->ndirs; i++)
		if (strcmp(sp->dirs[i], dir) == 0) {
			if (owned)
				free((char *)dir);
			return;
		}
	sp->dirs[sp->ndirs++] = dir;
	if (owned)
		sp->owned[sp->nowned++] = (char *)dir;
}

/* ./profiles when twtune runs from its source tree: the binary's directory
 * holds profiles/ and src/twtune.h. */
static char *source_tree_profiles(void)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(probe, sizeof(probe), "%s/src/twtune.h", exe);
	if (access(probe, F_OK) != 0)
		return NULL;
	snprintf(probe, sizeof(probe), "%s/profiles", exe);
	return strdup(probe);
}

void profile_search_init(struct profile_search *sp, const char *const *extra, size_t nextra)
{
	const char *env = getenv("TWTUNE_PROFILE_PATH");

	memset(sp, 0, sizeof(*sp));
	for (size_t i = 0; i < nextra; i++)
		add_dir(sp, extra[i], false);
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;

		for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t;
		     t = strtok_r(NULL, ":", &save))
			add_dir(sp, strdup(t), true);
		free(copy);
	}
	add_dir(sp, "/etc/twtune/profiles", false);
	add_dir(sp, PROFILEDIR, false);
	add_dir(sp, source_tree_profiles(), true);
	sp->check_trust = geteuid() == 0;
}

void profile_search_free(struct profile_search *sp)
{
	for (size_t i = 0; i < sp->nowned; i++)
		free(sp->owned[i]);
	sp->nowned = sp->ndirs = 0;
}

bool profile_name_valid(const char *name)
{
	if (!*name || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return strlen(name) <= 128;
}

bool profile_arg_is_path(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 4 && strcmp(arg + n - 4, ".ini") == 0);
}

/* ---- thresholds ---- */

int threshold_parse(const struct threshold_def *t, const char *s, double *out)
{
	char *end;
	double v;

	while (isspace((unsigned char)*s))
		s++;
	if (t->kind == THR_COUNT) {
		long long n;
		char buf[32];
		size_t len = strlen(s);

		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (parse_ll(buf, 0, 100000000, &n) < 0)
			return -EINVAL;
		*out = (double)n;
		return 0;
	}
	/* 0.85 or 85% and nothing else: strtod alone would also take 0x.8
	 * and 8.5e-1 */
	{
		const char *q = s;
		size_t digits = 0, dots = 0;

		for (; isdigit((unsigned char)*q) || *q == '.'; q++) {
			if (*q == '.')
				dots++;
			else
				digits++;
		}
		if (!digits || dots > 1)
			return -EINVAL;
		errno = 0;
		v = strtod(s, &end);
		if (errno || end != q || !isfinite(v))
			return -EINVAL;
	}
	if (*end == '%') {
		v /= 100;
		end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end || v < 0 || v > 1)
		return -EINVAL;
	*out = v;
	return 0;
}

/* ---- trust ---- */

#define TRUST_OVERRIDE "pass --allow-insecure-profiles"

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid() || uid == getuid();
}

/* Who other than the owner and root can write: "others", "group 1000", or
 * NULL. A group-writable file of group root is fine, as sudo has it. */
static const char *foreign_writer(const struct stat *st, char *buf, size_t len)
{
	if (st->st_mode & S_IWOTH)
		return "others";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		snprintf(buf, len, "group %u", (unsigned)st->st_gid);
		return buf;
	}
	return NULL;
}

static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* Whoever can write a directory can replace the files in it. */
static int dir_trusted(const char *path, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char grp[32];
	const char *who;

	if (stat(dir, &st) < 0)
		return 0; /* the file itself was opened and checked */
	if (!trusted_owner(st.st_uid)) {
		snprintf(err, errlen,
			 "%s: its directory %s is owned by uid %u, not root; fix with chown root, or " TRUST_OVERRIDE,
			 path, dir, (unsigned)st.st_uid);
		return -EINVAL;
	}
	who = foreign_writer(&st, grp, sizeof(grp));
	if (who && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errlen,
			 "%s: its directory %s is writable by %s without the sticky bit (mode %04o); fix with chmod go-w, or " TRUST_OVERRIDE,
			 path, dir, who, (unsigned)(st.st_mode & 07777));
		return -EINVAL;
	}
	return 0;
}

int profile_file_trusted(const char *path, const struct stat *st, char *err, size_t errlen)
{
	char dir[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX], grp[32];
	const char *who;
	int r;

	if (!trusted_owner(st->st_uid)) {
		snprintf(err, errlen, "%s is owned by uid %u, not root; fix with chown root, or " TRUST_OVERRIDE,
			 path, (unsigned)st->st_uid);
		return -EINVAL;
	}
	who = foreign_writer(st, grp, sizeof(grp));
	if (who) {
		snprintf(err, errlen, "%s is writable by %s (mode %04o); fix with chmod go-w, or " TRUST_OVERRIDE,
			 path, who, (unsigned)(st->st_mode & 07777));
		return -EINVAL;
	}
	dir_of(path, dir, sizeof(dir));
	r = dir_trusted(path, dir, err, errlen);
	if (r < 0 || !realpath(path, real))
		return r;
	/* Through a symbolic link: the directory of the file it leads to too. */
	dir_of(real, realdir, sizeof(realdir));
	return strcmp(realdir, dir) ? dir_trusted(path, realdir, err, errlen) : 0;
}

/* ---- one file ---- */

struct scanned_key {
	char *name; /* "section:key", lowercased as iniparser does */
	int line;
};

struct pfile {
	const char *path;
	char *text;
	size_t len;
	struct scanned_key *keys;
	size_t nkeys;
	int fd;
};

static void pfile_free(struct pfile *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i].name);
	free(f->keys);
	free(f->text);
	if (f->fd >= 0)
		close(f->fd);
}

static int pfile_line(const struct pfile *f, const char *seckey)
{
	for (size_t i = 0; i < f->nkeys; i++)
		if (strcmp(f->keys[i].name, seckey) == 0)
			return f->keys[i].line;
	return 0;
}

/* The line of [section] key, however long the key. */
static int pfile_key_line(const struct pfile *f, const char *section, const char *key)
{
	size_t n = strlen(section);

	for (size_t i = 0; i < f->nkeys; i++)
		if (strncmp(f->keys[i].name, section, n) == 0 && f->keys[i].name[n] == ':' &&
		    strcmp(f->keys[i].name + n + 1, key) == 0)
			return f->keys[i].line;
	return 0;
}

/* s for a message, cut to 40 characters with "..." when longer. */
struct clip {
	char s[48];
};

static const char *clip(const char *s, struct clip *c)
{
	if (strlen(s) <= 40)
		return s;
	snprintf(c->s, sizeof(c->s), "%.40s...", s);
	return c->s;
}

static char *lower_trim(const char *s, size_t n)
{
	char *r;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	r = strndup(s, n);
	for (char *p = r; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Finds the line of every section:key and refuses duplicates, which
 * iniparser would let pass with the last one silently winning. */
static int pfile_scan(struct pfile *f, char *err, size_t errlen)
{
	char *section = strdup("");
	const char *p = f->text;
	int line = 0, r = 0;
	bool continued = false;

	if (!section)
		return -ENOMEM;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p, *eq;
		size_t m = n;

		line++;
		p += n + (eol ? 1 : 0);
		while (m && isspace((unsigned char)*s)) {
			s++;
			m--;
		}
		while (m && isspace((unsigned char)s[m - 1]))
			m--;
		if (continued) {
			continued = m && s[m - 1] == '\\';
			continue;
		}
		if (m == 0 || *s == '#' || *s == ';')
			continue;
		continued = s[m - 1] == '\\';
		if (*s == '[') {
			const char *close = memchr(s, ']', m);

			free(section);
			section = lower_trim(s + 1, close ? (size_t)(close - s - 1) : m - 1);
			if (!section)
				return -ENOMEM;
			continue;
		}
		eq = memchr(s, '=', m);
		if (!eq)
			continue; /* iniparser reports the syntax error */
		{
			char *key = lower_trim(s, (size_t)(eq - s));
			size_t need = strlen(section) + strlen(key ? key : "") + 2;
			char *name = malloc(need);
			struct scanned_key *t;
			int prev;

			if (!key || !name) {
				free(key);
				free(name);
				r = -ENOMEM;
				break;
			}
			snprintf(name, need, "%s:%s", section, key);
			prev = pfile_line(f, name);
			if (prev) {
				struct clip c1, c2;

				snprintf(err, errlen, "%s line %d: [%s] %s is set twice (first on line %d)",
					 f->path, line, clip(section, &c1), clip(key, &c2), prev);
				free(key);
				free(name);
				r = -EINVAL;
				break;
			}
			free(key);
			t = realloc(f->keys, (f->nkeys + 1) * sizeof(*t));
			if (!t) {
				free(name);
				r = -ENOMEM;
				break;
			}
			f->keys = t;
			f->keys[f->nkeys].name = name;
			f->keys[f->nkeys++].line = line;
		}
	}
	free(section);
	return r;
}

static int pfile_read(struct pfile *f, const char *path, bool check_trust, char *err,
		      size_t errlen)
{
	int r;
	struct stat st;
	ssize_t n;
	size_t len = 0;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0) {
		int e = errno;

		if (e == ELOOP)
			snprintf(err, errlen, "%s: too many levels of symbolic links", path);
		else
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(f->fd, &st) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory, not a profile file", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return -EINVAL;
	}
	if (check_trust && (r = profile_file_trusted(path, &st, err, errlen)) < 0)
		return r;
	if (st.st_size > PROFILE_MAX_BYTES) {
		snprintf(err, errlen, "%s is %lld bytes; a profile may have at most %d", path,
			 (long long)st.st_size, PROFILE_MAX_BYTES);
		return -EFBIG;
	}
	f->text = malloc(PROFILE_MAX_BYTES + 2);
	if (!f->text)
		return -ENOMEM;
	while ((n = read(f->fd, f->text + len, PROFILE_MAX_BYTES + 1 - len)) > 0) {
		len += (size_t)n;
		if (len > PROFILE_MAX_BYTES)
			break;
	}
	if (n < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	if (len > PROFILE_MAX_BYTES) {
		snprintf(err, errlen, "%s is over %d bytes, the most a profile may have", path,
			 PROFILE_MAX_BYTES);
		return -EFBIG;
	}
	f->text[len] = '\0';
	f->len = len;
	if (memchr(f->text, '\0', len)) {
		snprintf(err, errlen, "%s is not a text file (NUL byte at offset %zu)", path,
			 (size_t)((char *)memchr(f->text, '\0', len) - f->text));
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)f->text[i];

		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
			snprintf(err, errlen, "%s is not a text file (control byte 0x%02x at offset %zu)",
				 path, c, i);
			return -EINVAL;
		}
	}
	{
		bool blank = true;

		for (size_t i = 0; i < len && blank; i++)
			blank = isspace((unsigned char)f->text[i]);
		if (blank) {
			snprintf(err, errlen, "%s is empty; a profile needs a [sysctl] or [profile] section",
				 path);
			return -EINVAL;
		}
	}
	return pfile_scan(f, err, errlen);
}

/* iniparser reports through a callback; keep its first message. */
static char ini_msg[512];

__attribute__((format(printf, 1, 2)))
static int ini_error(const char *fmt, ...)
{
	va_list ap;

	if (ini_msg[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_msg, sizeof(ini_msg), fmt, ap);
	va_end(ap);
	return 0;
}

static dictionary *pfile_parse(struct pfile *f, char *err, size_t errlen)
{
	char fdpath[64];
	dictionary *d;

	/* Parse the very file that was checked, not whatever the name points
	 * to now. */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", f->fd);
	if (access(fdpath, R_OK) != 0)
		snprintf(fdpath, sizeof(fdpath), "%s", f->path);
	ini_msg[0] = '\0';
	iniparser_set_error_callback(ini_error);
	d = iniparser_load(fdpath);
	iniparser_set_error_callback(NULL);
	if (!d || ini_msg[0]) {
		int line = 0;
		char *p = strchr(ini_msg, '('), *what = strstr(ini_msg, "-> ");

		if (p)
			line = atoi(p + 1);
		if (what) {
			what += 3;
			what[strcspn(what, "\r\n")] = '\0';
		}
		if (strstr(ini_msg, "too long"))
			snprintf(err, errlen, "%s line %d: line too long (at most 1023 characters)",
				 f->path, line);
		else
			snprintf(err, errlen, "%s line %d: syntax error: '%s'; use '[section]' and 'key = value'",
				 f->path, line, what ? what : "?");
		if (d)
			iniparser_freedict(d);
		return NULL;
	}
	return d;
}

/* ---- resolving ---- */

struct loader {
	const struct profile_search *sp;
	char *stack[PROFILE_MAX_DEPTH + 1]; /* real paths being loaded */
	size_t depth;
	char *err;
	size_t errlen;
};

static int find_profile(const struct profile_search *sp, const char *name, char *out, size_t len,
			char *err, size_t errlen)
{
	char looked[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < sp->ndirs; i++) {
		struct stat st;

		snprintf(out, len, "%s/%s.ini", sp->dirs[i], name);
		if (lstat(out, &st) == 0) /* a broken link is found, and reported when opened */
			return 0;
		if (used < sizeof(looked))
			used += (size_t)snprintf(looked + used, sizeof(looked) - used, "%s%s",
						 used ? ", " : "", sp->dirs[i]);
	}
	snprintf(err, errlen, "profile '%s' not found (looked in %s)", name,
		 sp->ndirs ? looked : "no directories");
	return -ENOENT;
}

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
	r = find_profile(L->sp, inc, path, sizeof(path), L->err, L->errlen);
	if (r < 0) {
		char inner[600];

		snprintf(inner, sizeof(inner), "%s", L->err);
		snprintf(L->err, L->errlen, "%s line %d: include: %s", f->path, line, inner);
		return -EINVAL;
	}
	return load_file(L, path, p);
}

static int apply_sysctl(struct loader *L, struct pfile *f, const char *key, const char *val,
			struct profile *p)
{
	const struct sysctl_def *d = sysctl_lookup(key);
	int line = pfile_key_line(f, "sysctl", key);
	char why[200];
	const char *removed;
	struct clip c;
	struct sysval v;
	int r;

	if (sysctl_removed(key, &removed)) {
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s was %s; remove it", f->path,
			 line, key, removed);
		return -EINVAL;
	}
	if (!d) {
		char known[400] = "";
		size_t used = 0;

		for (size_t i = 0; i < sysctl_count; i++)
			if (!(sysctl_table[i].flags & SYSCTL_READONLY))
				used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
							 used ? ", " : "", sysctl_table[i].name);
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] unknown key '%s'; known: %s",
			 f->path, line, clip(key, &c), known);
		return -EINVAL;
	}
	if (d->flags & SYSCTL_READONLY) {
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s is read-only for twtune",
			 f->path, line, key);
		return -EINVAL;
	}
	if (strcmp(val, "default") == 0) {
		struct profile_setting *s = &p->sysctl[d - sysctl_table];

		sysval_free(&s->val);
		s->use_default = s->set = true;
		return set_string(&s->from, f->path);
	}
	r = sysval_parse(d, val, &v, why, sizeof(why));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(L->err, L->errlen, "%s line %d: [sysctl] %s = '%s': %s", f->path, line,
			 d->name, clip(val, &c), why);
		return -EINVAL;
	}
	{
		struct profile_setting *s = &p->sysctl[d - sysctl_table];

		sysval_free(&s->val);
		s->val = v;
		s->set = true;
		s->use_default = false;
		return set_string(&s->from, f->path);
	}
}

static int apply_threshold(struct loader *L, struct pfile *f, const char *key, const char *val,
			   struct profile *p)
{
	int line = pfile_key_line(f, "thresholds", key);
	struct clip c;

	for (size_t i = 0; i < THR_COUNT_; i++) {
		const struct threshold_def *t = &threshold_table[i];

		if (strcmp(t->name, key) != 0)
			continue;
		if (threshold_parse(t, val, &p->thresholds[i]) < 0) {
			snprintf(L->err, L->errlen, "%s line %d: [thresholds] %s = '%s': %s", f->path,
				 line, key, clip(val, &c),
				 t->kind == THR_RATIO ? "needs a ratio 0..1 such as 0.85 or 85%"
						      : "needs a whole number 0..100000000");
			return -EINVAL;
		}
		return set_string(&p->threshold_from[i], f->path);
	}
	{
		char known[400] = "";
		size_t used = 0;

		for (size_t i = 0; i < THR_COUNT_; i++)
			used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
						 used ? ", " : "", threshold_table[i].name);
		snprintf(L->err, L->errlen, "%s line %d: [thresholds] unknown key '%s'; known: %s",
			 f->path, line, clip(key, &c), known);
	}
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

static int load_file(struct loader *L, const char *path, struct profile *p)
{
	char real[PATH_MAX];
	struct pfile f;
	dictionary *d = NULL;
	const char *inc, *desc;
	int r;

	r = pfile_read(&f, path, L->sp->check_trust, L->err, L->errlen);
	if (r < 0)
		goto out;
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	for (size_t i = 0; i < L->depth; i++)
		if (strcmp(L->stack[i], real) == 0) {
			char chain[900] = "";
			size_t used = 0;

			for (size_t j = i; j < L->depth; j++)
				used += (size_t)snprintf(chain + used, sizeof(chain) - used, "%s -> ",
							 L->stack[j]);
			snprintf(L->err, L->errlen, "include loop: %s%s", chain, real);
			r = -ELOOP;
			goto out;
		}
	if (L->depth == PROFILE_MAX_DEPTH) {
		snprintf(L->err, L->errlen, "%s: includes nest deeper than %d levels", path,
			 PROFILE_MAX_DEPTH);
		r = -ELOOP;
		goto out;
	}
	d = pfile_parse(&f, L->err, L->errlen);
	if (!d) {
		r = -EINVAL;
		goto out;
	}
	r = check_sections(L, &f, d);
	if (r < 0)
		goto out;
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i];

		if (k && strncmp(k, "profile:", 8) == 0 && strcmp(k + 8, "include") &&
		    strcmp(k + 8, "description")) {
			snprintf(L->err, L->errlen,
				 "%s line %d: [profile] unknown key '%s'; allowed: description, include",
				 path, pfile_line(&f, k), clip(k + 8, &(struct clip){ 0 }));
			r = -EINVAL;
			goto out;
		}
	}
	L->stack[L->depth++] = strdup(real);
	if (!L->stack[L->depth - 1]) {
		r = -ENOMEM;
		goto pop;
	}
	inc = iniparser_getstring(d, "profile:include", NULL);
	if (inc) {
		r = apply_include(L, &f, inc, p);
		if (r < 0)
			goto pop;
	}
	if (p->nincludes <= PROFILE_MAX_DEPTH) {
		p->includes[p->nincludes] = strdup(real);
		if (p->includes[p->nincludes])
			p->nincludes++;
	}
	desc = iniparser_getstring(d, "profile:description", NULL);
	if (desc && (r = set_string(&p->description, desc)) < 0)
		goto pop;
	for (int i = 0; i < d->size; i++) {
		const char *k = d->key[i], *v = d->val[i];

		if (!k || !strchr(k, ':'))
			continue;
		if (strncmp(k, "sysctl:", 7) == 0)
			r = apply_sysctl(L, &f, k + 7, v ? v : "", p);
		else if (strncmp(k, "thresholds:", 11) == 0)
			r = apply_threshold(L, &f, k + 11, v ? v : "", p);
		if (r < 0)
			goto pop;
	}
pop:
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

static int check_thresholds(const struct profile *p, char *err, size_t errlen)
{
	static const enum threshold_id pairs[][2] = {
		{ THR_PORT_PRESSURE_WARN, THR_PORT_PRESSURE_CRIT },
		{ THR_TW_BUCKETS_WARN, THR_TW_BUCKETS_CRIT },
		{ THR_CLOSE_WAIT_WARN, THR_CLOSE_WAIT_CRIT },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct threshold_def *w = &threshold_table[pairs[i][0]];
		const struct threshold_def *c = &threshold_table[pairs[i][1]];

		if (p->thresholds[pairs[i][0]] > p->thresholds[pairs[i][1]]) {
			snprintf(err, errlen, "%s: [thresholds] %s = %g is above %s = %g",
				 p->path, w->name, p->thresholds[pairs[i][0]], c->name,
				 p->thresholds[pairs[i][1]]);
			return -EINVAL;
		}
	}
	return 0;
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
	if (profile_arg_is_path(arg)) {
		if (strlen(arg) >= sizeof(path)) {
			snprintf(err, errlen, "profile path is too long");
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "%s", arg);
	} else {
		if (!profile_name_valid(arg)) {
			snprintf(err, errlen,
				 "'%.100s' is not a profile name: use letters, digits, '.', '_', '-' (no '..'), or a path",
				 arg);
			return -EINVAL;
		}
		r = find_profile(sp, arg, path, sizeof(path), err, errlen);
		if (r < 0)
			return r;
	}
	p->name = name_of(path);
	p->path = strdup(path);
	if (!p->name || !p->path)
		return -ENOMEM;
	r = load_file(&L, path, p);
	if (r == 0)
		r = check_thresholds(p, err, errlen);
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
	for (size_t i = 0; i < sizeof(p->sysctl) / sizeof(p->sysctl[0]); i++) {
		sysval_free(&p->sysctl[i].val);
		free(p->sysctl[i].from);
	}
	for (size_t i = 0; i < THR_COUNT_; i++)
		free(p->threshold_from[i]);
	memset(p, 0, sizeof(*p));
}

int profile_target(const struct profile *p, size_t i, const char *root, struct sysval *out)
{
	const struct profile_setting *s = &p->sysctl[i];
	const struct sysctl_def *d = &sysctl_table[i];
	char buf[32], why[128];
	const char *def;

	memset(out, 0, sizeof(*out));
	if (!s->set)
		return -ENOENT;
	if (!s->use_default)
		return sysval_copy(out, &s->val);
	def = sysctl_default(root, d, buf, sizeof(buf));
	if (!def)
		return -ENODATA;
	return sysval_parse(d, def, out, why, sizeof(why)) == -ENOMEM ? -ENOMEM : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void profile_foreach(const struct profile_search *sp, profile_visit_fn fn, void *ctx)
{
	char **seen = NULL;
	size_t nseen = 0;

	for (size_t i = 0; i < sp->ndirs; i++) {
		DIR *dir = opendir(sp->dirs[i]);
		struct dirent *e;
		char **names = NULL;
		size_t nnames = 0;

		if (!dir)
			continue;
		while ((e = readdir(dir))) {
			size_t n = strlen(e->d_name);
			char **t;

			if (n <= 4 || strcmp(e->d_name + n - 4, ".ini") != 0)
				continue;
			t = realloc(names, (nnames + 1) * sizeof(*names));
			if (!t)
				break;
			names = t;
			names[nnames] = strndup(e->d_name, n - 4);
			if (names[nnames])
				nnames++;
		}
		closedir(dir);
		if (nnames)
			qsort(names, nnames, sizeof(*names), cmp_str);
		for (size_t j = 0; j < nnames; j++) {
			bool dup = !profile_name_valid(names[j]);
			char path[PATH_MAX], err[1024];
			struct profile p;
			char **t;

			for (size_t k = 0; k < nseen && !dup; k++)
				dup = strcmp(seen[k], names[j]) == 0;
			if (dup) {
				free(names[j]);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s.ini", sp->dirs[i], names[j]);
			if (profile_load(path, sp, &p, err, sizeof(err)) == 0) {
				fn(names[j], path, &p, NULL, ctx);
				profile_free(&p);
			} else {
				fn(names[j], path, NULL, err, ctx);
			}
			t = realloc(seen, (nseen + 1) * sizeof(*seen));
			if (t) {
				seen = t;
				seen[nseen++] = names[j];
			} else {
				free(names[j]);
			}
		}
		free(names);
	}
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
}
