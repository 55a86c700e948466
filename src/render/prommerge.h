// SPDX-License-Identifier: GPL-2.0-or-later
/* prommerge.h: Prometheus text (format 0.0.4) of several namespaces
 * merged into one exposition: every sample gets the namespace's labels,
 * and each metric family keeps one HELP and TYPE, its samples together.
 *
 * The input is what report_prometheus() writes: "# HELP NAME ...", "#
 * TYPE NAME ...", then samples "NAME VALUE" or "NAME{LABELS} VALUE". The
 * families come out in the order they were first seen. Memory: the text
 * of every sample added, until prommerge_free(). */
#ifndef TWTUNE_PROMMERGE_H
#define TWTUNE_PROMMERGE_H

#include <stddef.h>
#include <stdio.h>

struct prom_family;

struct prom_merge {
	struct prom_family *fam;
	size_t n, cap;
};

/* Adds the text TEXT (LEN bytes) of one source with LABELS, already in
 * label syntax ("netns=\"4026531840\",netns_label=\"host\""), put first in
 * every sample's label set. 0 or -ENOMEM (-EINVAL for a sample before any
 * HELP line). */
int prommerge_add(struct prom_merge *m, const char *text, size_t len, const char *labels);

/* Writes the merged exposition. 0, or -EIO when writing F failed. */
int prommerge_write(const struct prom_merge *m, FILE *f);

void prommerge_free(struct prom_merge *m);

/* A label value escaped for the text format (\\, \" and \n) into BUF.
 * Returns BUF (cut short when LEN is too small). */
char *prom_label_escape(const char *v, char *buf, size_t len);

#endif
