// SPDX-License-Identifier: GPL-2.0-or-later
/* prommerge.c: one exposition from the Prometheus text of several sources */
#include "prommerge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct prom_family {
	char *name;
	char *meta;       /* its HELP and TYPE lines, from the first source */
	size_t meta_len, meta_cap;
	char *samples;    /* every sample line, labels added */
	size_t len, cap;
};

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;
		char *p;

		while (c < *len + n + 1)
			c *= 2;
		p = realloc(*buf, c);
		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

static struct prom_family *family(struct prom_merge *m, const char *name, size_t n, bool *fresh)
{
	struct prom_family *f;

	*fresh = false;
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->fam[i].name) == n && !memcmp(m->fam[i].name, name, n))
			return &m->fam[i];
	if (m->n == m->cap) {
		size_t c = m->cap ? m->cap * 2 : 32;
		struct prom_family *p = realloc(m->fam, c * sizeof(*p));

		if (!p)
			return NULL;
		m->fam = p;
		m->cap = c;
	}
	f = &m->fam[m->n];
	memset(f, 0, sizeof(*f));
	f->name = strndup(name, n);
	if (!f->name)
		return NULL;
	m->n++;
	*fresh = true;
	return f;
}

/* NAME of "# HELP NAME ..." or "# TYPE NAME ...": its length, 0 if none. */
static size_t meta_name(const char *line, size_t n, const char **name)
{
	size_t k;

	if (n < 8 || (strncmp(line, "# HELP ", 7) && strncmp(line, "# TYPE ", 7)))
		return 0;
	*name = line + 7;
	for (k = 7; k < n && line[k] != ' '; k++)
		;
	return k - 7;
}

/* One sample line with the labels put first. */
static int add_sample(struct prom_family *f, const char *line, size_t n, const char *labels)
{
	size_t k = strcspn(line, "{ "), *cap = &f->cap;
	int r;

	if (k >= n)
		return -EINVAL;
	r = append(&f->samples, &f->len, cap, line, k);
	if (!r)
		r = append(&f->samples, &f->len, cap, "{", 1);
	if (!r)
		r = append(&f->samples, &f->len, cap, labels, strlen(labels));
	if (!r && line[k] == '{') { /* "NAME{a="b"} V": ",a="b"} V" */
		k++;
		if (line[k] != '}')
			r = append(&f->samples, &f->len, cap, ",", 1);
		if (!r)
			r = append(&f->samples, &f->len, cap, line + k, n - k);
	} else if (!r) {
		r = append(&f->samples, &f->len, cap, "}", 1);
		if (!r)
			r = append(&f->samples, &f->len, cap, line + k, n - k);
	}
	if (!r)
		r = append(&f->samples, &f->len, cap, "\n", 1);
	return r;
}

int prommerge_add(struct prom_merge *m, const char *text, size_t len, const char *labels)
{
	struct prom_family *cur = NULL;
	bool keep_meta = false;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *name;
		size_t n = (size_t)((nl ? nl : end) - p), nn;
		int r = 0;

		if ((nn = meta_name(p, n, &name))) {
			bool fresh;

			if (!cur || strlen(cur->name) != nn || memcmp(cur->name, name, nn)) {
				cur = family(m, name, nn, &fresh);
				if (!cur)
					return -ENOMEM;
				keep_meta = fresh;
			}
			if (keep_meta) {
				r = append(&cur->meta, &cur->meta_len, &cur->meta_cap, p, n);
				if (!r)
					r = append(&cur->meta, &cur->meta_len, &cur->meta_cap, "\n", 1);
			}
		} else if (n > 0 && *p != '#') {
			r = cur ? add_sample(cur, p, n, labels) : -EINVAL;
		}
		if (r < 0)
			return r;
		p += n + 1;
	}
	return 0;
}

int prommerge_write(const struct prom_merge *m, FILE *f)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->fam[i].meta)
			fputs(m->fam[i].meta, f);
		if (m->fam[i].samples)
			fputs(m->fam[i].samples, f);
	}
	return ferror(f) ? -EIO : 0;
}

void prommerge_free(struct prom_merge *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->fam[i].name);
		free(m->fam[i].meta);
		free(m->fam[i].samples);
	}
	free(m->fam);
	memset(m, 0, sizeof(*m));
}

char *prom_label_escape(const char *v, char *buf, size_t len)
{
	size_t k = 0;

	for (; *v && k + 3 < len; v++) {
		if (*v == '\\' || *v == '"') {
			buf[k++] = '\\';
			buf[k++] = *v;
		} else if (*v == '\n') {
			buf[k++] = '\\';
			buf[k++] = 'n';
		} else {
			buf[k++] = *v;
		}
	}
	if (len)
		buf[k < len ? k : len - 1] = '\0';
	return buf;
}
