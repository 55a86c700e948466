// SPDX-License-Identifier: GPL-2.0-or-later
/* trust.c: who could have written a file */
#include "trust.h"

#include <unistd.h>

enum trust_fault trust_check(const struct stat *st, unsigned flags)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return TRUST_OWNER;
	if (S_ISLNK(st->st_mode))
		return TRUST_OK;
	if ((flags & TRUST_DIR) && (st->st_mode & S_ISVTX))
		return TRUST_OK;
	if (st->st_mode & S_IWOTH)
		return TRUST_OTHERS;
	if ((st->st_mode & S_IWGRP) && !((flags & TRUST_GROUP_ROOT) && st->st_gid == 0))
		return TRUST_GROUP;
	return TRUST_OK;
}
