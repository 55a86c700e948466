// SPDX-License-Identifier: GPL-2.0-or-later
/* terminfo.h: what a terminal type can do, from its compiled terminfo
 * entry (term(5)), without linking ncurses: whether it has colours, and
 * whether it can address the cursor and clear the screen (watch's view). */
#ifndef TWTUNE_TERMINFO_H
#define TWTUNE_TERMINFO_H

#include <stdbool.h>

struct term_caps {
	int colors;  /* max_colors, 0 when none */
	bool screen; /* cursor_address and clear_screen */
};

/* The directories searched, in order, when the caller has no others. */
extern const char *const terminfo_default_dirs[];

/* The capabilities of terminal type term (the value of TERM), from the
 * first entry found under dirs (NULL-terminated). 0; -ENOENT when term is
 * NULL, empty, "dumb" (no capabilities) or has no entry; -EINVAL when the
 * entry cannot be read as one. *caps is zeroed on error. */
int terminfo_caps(const char *term, const char *const *dirs, struct term_caps *caps);

#endif
