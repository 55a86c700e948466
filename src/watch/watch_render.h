// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_render.h: one frame of `twtune watch` (the view of one
 * namespace) as lines of text, for the live view and for --once alike */
#ifndef TWTUNE_WATCH_RENDER_H
#define TWTUNE_WATCH_RENDER_H

#include "watch.h"
#include "watch_lines.h"

/* Renders w into f (emptied first). 0 or -ENOMEM. */
int watch_render(const struct watch *w, const struct watch_view *v, struct watch_frame *f);

#endif
