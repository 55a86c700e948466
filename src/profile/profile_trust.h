// SPDX-License-Identifier: GPL-2.0-or-later
/* profile_trust.h: whether a profile file may be read (profile_trust.c),
 * and how large one may be */
#ifndef TWTUNE_PROFILE_TRUST_H
#define TWTUNE_PROFILE_TRUST_H

#include <stddef.h>
#include <sys/stat.h>

#define PROFILE_MAX_BYTES 65536 /* a profile is a small text file */

/* With euid 0, a profile file must be owned by root or by the caller and
 * not be writable by group (unless the group is root) or others, the way
 * sudo treats sudoers (trust_check with TRUST_GROUP_ROOT); its directory,
 * and the directory of the file a symbolic link leads to, must not be writable by others (or a non-root
 * group) unless sticky, nor owned by another user. st is the opened file.
 * Returns 0, or -EINVAL with one line in err. */
int profile_file_trusted(const char *path, const struct stat *st, char *err, size_t errlen);

#endif
