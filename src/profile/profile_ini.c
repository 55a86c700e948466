// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_ini.c: one profile file: read, checked, pre-scanned, parsed */
#include "profile_ini.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile_trust.h"
#include "readfile.h"

void pfile_free(struct pfile *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i].name);
	free(f->keys);
	free(f->text);
	if (f->fd >= 0)
		close(f->fd);
}

int pfile_line(const struct pfile *f, const char *seckey)
{
	for (size_t i = 0; i < f->nkeys; i++)
		if (strcmp(f->keys[i].name, seckey) == 0)
			return f->keys[i].line;
	return 0;
}

int pfile_key_line(const struct pfile *f, const char *section, const char *key)
{
	size_t n = strlen(section);

	for (size_t i = 0; i < f->nkeys; i++)
		if (strncmp(f->keys[i].name, section, n) == 0 && f->keys[i].name[n] == ':' &&
		    strcmp(f->keys[i].name + n + 1, key) == 0)
			return f->keys[i].line;
	return 0;
}

int pfile_section_line(const struct pfile *f, const char *section, size_t n)
{
	for (size_t j = 0; j < f->nkeys; j++)
		if (strncmp(f->keys[j].name, section, n) == 0 && f->keys[j].name[n] == ':')
			return f->keys[j].line;
	return 0;
}

const char *clip(const char *s, struct clip *c)
{
	if (strlen(s) <= 40)
		return s;
	snprintf(c->s, sizeof(c->s), "%.40s...", s);
	return c->s;
}

/* ---- the pre-scan ---- */

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

/* Records section:key of line, refusing one seen before. */
static int scan_key(struct pfile *f, const char *section, const char *s, size_t n, int line,
		    char *err, size_t errlen)
{
	char *key = lower_trim(s, n);
	size_t need = strlen(section) + strlen(key ? key : "") + 2;
	char *name = malloc(need);
	struct scanned_key *t;
	struct clip c1, c2;
	int prev;

	if (!key || !name)
		goto nomem;
	snprintf(name, need, "%s:%s", section, key);
	prev = pfile_line(f, name);
	if (prev) {
		snprintf(err, errlen, "%s line %d: [%s] %s is set twice (first on line %d)", f->path,
			 line, clip(section, &c1), clip(key, &c2), prev);
		free(key);
		free(name);
		return -EINVAL;
	}
	free(key);
	key = NULL;
	t = realloc(f->keys, (f->nkeys + 1) * sizeof(*t));
	if (!t)
		goto nomem;
	f->keys = t;
	f->keys[f->nkeys].name = name;
	f->keys[f->nkeys++].line = line;
	return 0;
nomem:
	free(key);
	free(name);
	return -ENOMEM;
}

struct scan {
	char *section;
	bool continued; /* the line before ended in '\' */
};

/* One line s of m bytes, trimmed. */
static int scan_line(struct pfile *f, struct scan *sc, const char *s, size_t m, int line,
		     char *err, size_t errlen)
{
	const char *eq;

	if (sc->continued) {
		sc->continued = m && s[m - 1] == '\\';
		return 0;
	}
	if (m == 0 || *s == '#' || *s == ';')
		return 0;
	sc->continued = s[m - 1] == '\\';
	if (*s == '[') {
		const char *close = memchr(s, ']', m);

		free(sc->section);
		sc->section = lower_trim(s + 1, close ? (size_t)(close - s - 1) : m - 1);
		return sc->section ? 0 : -ENOMEM;
	}
	eq = memchr(s, '=', m);
	if (!eq)
		return 0; /* iniparser reports the syntax error */
	return scan_key(f, sc->section, s, (size_t)(eq - s), line, err, errlen);
}

/* Finds the line of every section:key and refuses duplicates, which
 * iniparser would let pass with the last one silently winning. */
static int pfile_scan(struct pfile *f, char *err, size_t errlen)
{
	struct scan sc = { .section = strdup("") };
	const char *p = f->text;
	int line = 0, r = 0;

	if (!sc.section)
		return -ENOMEM;
	while (*p && r == 0) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		size_t m = n;

		line++;
		p += n + (eol ? 1 : 0);
		while (m && isspace((unsigned char)*s)) {
			s++;
			m--;
		}
		while (m && isspace((unsigned char)s[m - 1]))
			m--;
		r = scan_line(f, &sc, s, m, line, err, errlen);
	}
	free(sc.section);
	return r;
}

/* ---- reading ---- */

/* Opens path and checks what it is before reading a byte of it. */
static int pfile_open(struct pfile *f, const char *path, bool check_trust, char *err,
		      size_t errlen)
{
	struct stat st;
	int e;

	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0) {
		e = errno;
		if (e == ELOOP)
			snprintf(err, errlen, "%s: too many levels of symbolic links", path);
		else
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(f->fd, &st) < 0) {
		e = errno;
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
	if (check_trust && (e = profile_file_trusted(path, &st, err, errlen)) < 0)
		return e;
	if (st.st_size > PROFILE_MAX_BYTES) {
		snprintf(err, errlen, "%s is %lld bytes; a profile may have at most %d", path,
			 (long long)st.st_size, PROFILE_MAX_BYTES);
		return -EFBIG;
	}
	return 0;
}

/* Text: no NUL or control bytes other than tab and line ends; not blank. */
static int pfile_text_check(const struct pfile *f, char *err, size_t errlen)
{
	const char *nul = memchr(f->text, '\0', f->len);
	bool blank = true;

	if (nul) {
		snprintf(err, errlen, "%s is not a text file (NUL byte at offset %zu)", f->path,
			 (size_t)(nul - f->text));
		return -EINVAL;
	}
	for (size_t i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->text[i];

		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
			snprintf(err, errlen, "%s is not a text file (control byte 0x%02x at offset %zu)",
				 f->path, c, i);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < f->len && blank; i++)
		blank = isspace((unsigned char)f->text[i]);
	if (blank) {
		snprintf(err, errlen, "%s is empty; a profile needs a [sysctl] or [profile] section",
			 f->path);
		return -EINVAL;
	}
	return 0;
}

int pfile_read(struct pfile *f, const char *path, bool check_trust, char *err, size_t errlen)
{
	int r;

	memset(f, 0, sizeof(*f));
	f->path = path;
	r = pfile_open(f, path, check_trust, err, errlen);
	if (r < 0)
		return r;
	r = readfile_fd(f->fd, PROFILE_MAX_BYTES, &f->text, &f->len);
	if (r == -EFBIG) {
		snprintf(err, errlen, "%s is over %d bytes, the most a profile may have", path,
			 PROFILE_MAX_BYTES);
		return r;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	r = pfile_text_check(f, err, errlen);
	return r < 0 ? r : pfile_scan(f, err, errlen);
}

/* ---- iniparser ---- */

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

/* iniparser's message, "... (line N) -> TEXT", as ours. */
static void ini_message(const struct pfile *f, char *err, size_t errlen)
{
	int line = 0;
	char *p = strchr(ini_msg, '('), *what = strstr(ini_msg, "-> ");

	if (p)
		line = atoi(p + 1);
	if (what) {
		what += 3;
		what[strcspn(what, "\r\n")] = '\0';
	}
	if (strstr(ini_msg, "too long"))
		snprintf(err, errlen, "%s line %d: line too long (at most 1023 characters)", f->path,
			 line);
	else
		snprintf(err, errlen, "%s line %d: syntax error: '%s'; use '[section]' and 'key = value'",
			 f->path, line, what ? what : "?");
}

dictionary *pfile_parse(struct pfile *f, char *err, size_t errlen)
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
		ini_message(f, err, errlen);
		if (d)
			iniparser_freedict(d);
		return NULL;
	}
	return d;
}
