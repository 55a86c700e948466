/* sockets_render.h: the socket snapshot as text and as the JSON object
 * that `twtune sockets --json` prints and `audit --json` embeds */
#ifndef TWTUNE_SOCKETS_RENDER_H
#define TWTUNE_SOCKETS_RENDER_H

#include <stdio.h>

#include "json.h"
#include "sockets.h"

/* When sock_diag failed and /proc/net was read instead: one sentence
 * saying so, for the "note" of the output. NULL otherwise. */
const char *sockets_note(const struct sock_snapshot *s, char *buf, size_t len);

/* Why sockets_collect() failed with err: what went wrong with sock_diag
 * and then with /proc/net/tcp, or err alone. Returns buf. */
const char *sockets_failure(const struct sock_snapshot *s, int err, char *buf, size_t len);

/* key: the member name inside an object, or NULL at top level. */
void sockets_json(struct json *j, const char *key, const struct sock_snapshot *s, size_t top);
void sockets_text_destinations(FILE *f, const struct sock_snapshot *s, size_t top);
void sockets_text(FILE *f, const struct sock_snapshot *s, size_t top);

#endif
