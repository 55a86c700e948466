// SPDX-License-Identifier: GPL-2.0-or-later
/* terminfo.c: a terminal type's capabilities from its compiled entry
 * (terminfo.h). The format is term(5)'s: a header of six little-endian
 * shorts (magic, then the sizes of the names, the booleans, the numbers,
 * the string offsets and the string table), then those sections. */
#include "terminfo.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"

const char *const terminfo_default_dirs[] = { "/etc/terminfo", "/lib/terminfo",
					      "/usr/share/terminfo", NULL };

#define MAGIC_16 0432  /* numbers are 16-bit */
#define MAGIC_32 01036 /* numbers are 32-bit (ncurses 6 extended format) */
#define NUM_MAX_COLORS 13
#define STR_CLEAR_SCREEN 5
#define STR_CURSOR_ADDRESS 10

static int short_at(const unsigned char *p)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

static int parse(const unsigned char *b, size_t n, struct term_caps *caps)
{
	int magic, names, bools, nums, strs, numsize;
	size_t off;
	long colors = 0;

	if (n < 12)
		return -EINVAL;
	magic = short_at(b);
	if (magic != MAGIC_16 && magic != MAGIC_32)
		return -EINVAL;
	numsize = magic == MAGIC_32 ? 4 : 2;
	names = short_at(b + 2);
	bools = short_at(b + 4);
	nums = short_at(b + 6);
	strs = short_at(b + 8);
	if (names < 0 || bools < 0 || nums < 0 || strs < 0)
		return -EINVAL;
	off = 12 + (size_t)names + (size_t)bools;
	off += off % 2; /* the numbers start on an even byte */
	if (off + (size_t)nums * numsize + (size_t)strs * 2 > n)
		return -EINVAL;
	if (nums > NUM_MAX_COLORS) {
		const unsigned char *p = b + off + NUM_MAX_COLORS * numsize;

		colors = numsize == 4 ? (long)(int32_t)(uint32_t)(p[0] | p[1] << 8 | p[2] << 16 |
								  (uint32_t)p[3] << 24)
				      : short_at(p);
	}
	caps->colors = colors > 0 ? (int)(colors > 1 << 24 ? 1 << 24 : colors) : 0;
	off += (size_t)nums * numsize;
	/* a string is there when its offset is not negative (-1 absent,
	 * -2 cancelled) */
	caps->screen = strs > STR_CURSOR_ADDRESS && short_at(b + off + STR_CLEAR_SCREEN * 2) >= 0 &&
		       short_at(b + off + STR_CURSOR_ADDRESS * 2) >= 0;
	return 0;
}

int terminfo_caps(const char *term, const char *const *dirs, struct term_caps *caps)
{
	*caps = (struct term_caps){ 0 };
	if (!term || !*term || !strcmp(term, "dumb") || strchr(term, '/') || term[0] == '.')
		return -ENOENT;
	for (size_t i = 0; dirs && dirs[i]; i++) {
		char path[4096];
		/* Linux keeps DIR/x/xterm; macOS-style trees DIR/78/xterm */
		for (int hex = 0; hex < 2; hex++) {
			char *buf;
			size_t len;
			int r;

			if (hex)
				snprintf(path, sizeof(path), "%s/%02x/%s", dirs[i],
					 (unsigned char)term[0], term);
			else
				snprintf(path, sizeof(path), "%s/%c/%s", dirs[i], term[0], term);
			r = readfile(path, 65536, 0, &buf, &len);
			if (r == -ENOENT || r == -ENOTDIR)
				continue;
			if (r < 0)
				return r;
			r = parse((const unsigned char *)buf, len, caps);
			free(buf);
			if (r < 0)
				*caps = (struct term_caps){ 0 };
			return r;
		}
	}
	return -ENOENT;
}
