// SPDX-License-Identifier: GPL-2.0-or-later
/* sockets_render.h: the socket snapshot's view (view.h) as text and as
 * the JSON object that `twtune sockets --json` prints and `audit --json`
 * embeds */
#ifndef TWTUNE_SOCKETS_RENDER_H
#define TWTUNE_SOCKETS_RENDER_H

#include <stdio.h>

#include "collect.h"
#include "json.h"
#include "sockdiag.h"
#include "sockets.h"
#include "view.h"

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

/* The object `twtune sockets --json` prints and `audit --json` embeds:
 * key is the member name inside an object, or NULL at top level; the
 * view's collect result (may be NULL) gives the note. */
void sockets_json(struct json *j, const char *key, const struct sockets_view *v);
/* The table of the fullest destinations. */
void sockets_text_destinations(FILE *f, const struct sockets_view *v);
/* What `twtune sockets` prints. */
void sockets_text(FILE *f, const struct sockets_view *v);

#endif
