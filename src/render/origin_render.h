// SPDX-License-Identifier: GPL-2.0-or-later
/* origin_render.h: "where TIME_WAIT comes from": the sides of TIME_WAIT,
 * their keys, shares, close rates and processes, as text and JSON */
#ifndef TWTUNE_ORIGIN_RENDER_H
#define TWTUNE_ORIGIN_RENDER_H

#include <stdio.h>

#include "json.h"
#include "sockets.h"
#include "view.h"

/* "not all processes resolved: ..." when the scan was asked for and left
 * some sockets without an owner (or could not run); NULL otherwise. */
const char *sockets_procs_problem(const struct sock_snapshot *s, char *buf, size_t len);
/* The section "where TIME_WAIT comes from": the view's server ports and
 * destinations with their TIME_WAIT, share, rate and processes. */
void sockets_text_origin(FILE *f, const struct sockets_view *v);
/* Members of the sockets object: time_wait_sides, server_side,
 * other_time_wait, process_scan. */
void sockets_json_origin(struct json *j, const struct sockets_view *v);
/* rate_per_second and processes of one destination's object. */
void sockets_json_dest_owners(struct json *j, const struct dest_view *d);

#endif
