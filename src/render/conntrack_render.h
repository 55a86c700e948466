// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack_render.h: the "NAT and conntrack" section of an audit, from
 * its view (nat.h): text and JSON. Walks the view only. */
#ifndef TWTUNE_CONNTRACK_RENDER_H
#define TWTUNE_CONNTRACK_RENDER_H

#include <stdio.h>

#include "json.h"
#include "nat.h"

/* The section for people; nothing when v is NULL, or when the namespace
 * has no conntrack entries, no finding and nothing to say. */
void conntrack_text(FILE *f, const struct nat_view *v);

/* The "conntrack" member: null when v is NULL (not read). */
void conntrack_json(struct json *j, const char *key, const struct nat_view *v);

/* Its Prometheus series: totals and splits in separate families, absent
 * (not 0) when not measured, labels bounded by NAT_TOP mappings. */
void conntrack_prom(FILE *f, const struct nat_view *v);

#endif
