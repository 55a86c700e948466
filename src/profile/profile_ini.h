// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_ini.h: one profile file, read, checked and pre-scanned, then
 * parsed by iniparser (inside the profile loader only) */
#ifndef TWTUNE_PROFILE_INI_H
#define TWTUNE_PROFILE_INI_H

#include <stdbool.h>
#include <stddef.h>

#include <iniparser.h>

struct scanned_key {
	char *name; /* "section:key", lowercased as iniparser does */
	int line;
};

struct pfile {
	const char *path;
	char *text;
	size_t len;
	struct scanned_key *keys; /* every key, in file order */
	size_t nkeys;
	int fd; /* kept open: iniparser parses this very file */
};

/* Opens path (a profile file: regular, at most PROFILE_MAX_BYTES, text),
 * with check_trust judges who could have written it, reads it and scans
 * it: the line of every key, and no key set twice. 0, or -errno with one
 * line in err. pfile_free it either way. */
int pfile_read(struct pfile *f, const char *path, bool check_trust, char *err, size_t errlen);
void pfile_free(struct pfile *f);

/* The file parsed by iniparser, or NULL with one line in err. */
dictionary *pfile_parse(struct pfile *f, char *err, size_t errlen);

/* The line of "section:key" (as iniparser names it); 0 when not seen. */
int pfile_line(const struct pfile *f, const char *seckey);
/* The line of [section] key, however long the key. */
int pfile_key_line(const struct pfile *f, const char *section, const char *key);
/* The first line of a key in section; 0 when none. */
int pfile_section_line(const struct pfile *f, const char *section, size_t n);

/* s for a message, cut to 40 characters with "..." when longer. */
struct clip {
	char s[48];
};
const char *clip(const char *s, struct clip *c);

#endif
