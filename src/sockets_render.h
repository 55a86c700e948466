/* sockets_render.h: the socket snapshot as text and as the JSON object
 * that `twtune sockets --json` prints and `audit --json` embeds */
#ifndef TWTUNE_SOCKETS_RENDER_H
#define TWTUNE_SOCKETS_RENDER_H

#include <stdio.h>

#include "json.h"
#include "sockets.h"

/* key: the member name inside an object, or NULL at top level. */
void sockets_json(struct json *j, const char *key, const struct sock_snapshot *s, size_t top);
void sockets_text_destinations(FILE *f, const struct sock_snapshot *s, size_t top);
void sockets_text(FILE *f, const struct sock_snapshot *s, size_t top);

#endif
