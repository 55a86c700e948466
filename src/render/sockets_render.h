// SPDX-License-Identifier: GPL-2.0-or-later
/* sockets_render.h: the socket snapshot as text and as the JSON object
 * that `twtune sockets --json` prints and `audit --json` embeds */
#ifndef TWTUNE_SOCKETS_RENDER_H
#define TWTUNE_SOCKETS_RENDER_H

#include <stdio.h>

#include "collect.h"
#include "json.h"
#include "sockdiag.h"
#include "sockets.h"

/* What went wrong with sock_diag, in a few words ("the sock_diag dump
 * ended before its NLMSG_DONE"), or NULL when nothing did. */
const char *diag_problem(const struct diag_status *st, char *buf, size_t len);

/* When sock_diag failed and /proc/net was read instead: one sentence
 * saying so, for the "note" of the output. NULL otherwise, and when res
 * is NULL. */
const char *sockets_note(const struct collect_result *res, char *buf, size_t len);

/* Why collect_sockets() failed with err: what went wrong with sock_diag
 * and then with /proc/net/tcp (when it was read instead), or err alone.
 * Returns buf. */
const char *sockets_failure(const struct collect_result *res, int err, char *buf, size_t len);

/* key: the member name inside an object, or NULL at top level; res (may
 * be NULL) gives the note. */
void sockets_json(struct json *j, const char *key, const struct sock_snapshot *s,
		  const struct collect_result *res, size_t top);
/* sockets_json() with the audit's close rate (see sockets_side_rate). */
void sockets_json_rate(struct json *j, const char *key, const struct sock_snapshot *s,
		       const struct collect_result *res, size_t top, double close_rate);

void sockets_text_destinations(FILE *f, const struct sock_snapshot *s, size_t top);
void sockets_text(FILE *f, const struct sock_snapshot *s, const struct collect_result *res,
		  size_t top);

#endif
