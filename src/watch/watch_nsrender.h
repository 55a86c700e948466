// SPDX-License-Identifier: GPL-2.0-or-later
/* watch_nsrender.h: the summary of `twtune --all-netns watch` as lines */
#ifndef TWTUNE_WATCH_NSRENDER_H
#define TWTUNE_WATCH_NSRENDER_H

#include "watch_lines.h"
#include "watch_ns.h"

/* The summary of every namespace as lines; the view's top is the rows to
 * show at most when the height does not bound them. 0 or -ENOMEM. */
int watch_all_render(const struct watch_all *a, const struct watch_view *v, struct watch_frame *f);

#endif
