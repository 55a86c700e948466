// SPDX-License-Identifier: GPL-2.0-or-later
/* nlutil.h: what the netlink dumps (sockdiag.c, conntrack.c) share: libnl's
 * errors back to errno, and a message written to a recording as the
 * kernel laid it out. */
#ifndef TWTUNE_NLUTIL_H
#define TWTUNE_NLUTIL_H

#include <stdio.h>

#include <linux/netlink.h>

/* A libnl error (negative NLE_*) as -errno; -EIO for the rest. */
int nl_errno(int nle);

/* Appends h, padded to NLMSG_ALIGNTO, to f; the first failure goes to *err
 * (-errno) and stops later writes. Nothing when f is NULL. */
void nl_record(FILE *f, int *err, const struct nlmsghdr *h);

#endif
