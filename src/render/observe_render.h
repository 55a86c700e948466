// SPDX-License-Identifier: GPL-2.0-or-later
/* observe_render.h: an observation for people and for tools */
#ifndef TWTUNE_OBSERVE_RENDER_H
#define TWTUNE_OBSERVE_RENDER_H

#include <stdio.h>

#include "json.h"
#include "observation.h"

/* At most `top` rows per section (0: all), OBS_TOP_PROCS processes each. */
void observe_text(FILE *f, const struct obs_window *obs, size_t top);
/* The object under `key` (NULL at top level): window_seconds, namespaces,
 * destinations, server_side, bind_failures. */
void observe_json(struct json *j, const char *key, const struct obs_window *obs, size_t top);

#endif
