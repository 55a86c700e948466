// SPDX-License-Identifier: GPL-2.0-or-later
/* trust.h: who could have written a file: the one owner and writer policy
 * of twtune's own state files, the directories it writes into and, as
 * root, the profiles it reads */
#ifndef TWTUNE_TRUST_H
#define TWTUNE_TRUST_H

#include <sys/stat.h>

#define TRUST_DIR        0x1 /* st is a directory: a sticky bit excuses its writers */
#define TRUST_GROUP_ROOT 0x2 /* a group-writable file of group root is fine, as
			      * sudo has it for sudoers (profiles) */

enum trust_fault {
	TRUST_OK,
	TRUST_OWNER,  /* owned by someone other than root or us (st_uid) */
	TRUST_OTHERS, /* writable by others */
	TRUST_GROUP,  /* writable by its group (st_gid) */
};

/* The policy: the owner must be root or our effective uid; nobody else may
 * write (others, or the group unless TRUST_GROUP_ROOT and the group is
 * root), unless TRUST_DIR and the sticky bit is set. A symbolic link is
 * judged by its owner alone (its mode means nothing). Checks in that
 * order and returns the first fault, or TRUST_OK. */
enum trust_fault trust_check(const struct stat *st, unsigned flags);

#endif
