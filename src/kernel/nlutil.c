// SPDX-License-Identifier: GPL-2.0-or-later
/* nlutil.c: see nlutil.h */
#include "nlutil.h"

#include <errno.h>

#include <netlink/errno.h>

int nl_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_MSG_TRUNC: return -EMSGSIZE;
	case NLE_DUMP_INTR: return -EINTR;
	default: return -EIO;
	}
}

void nl_record(FILE *f, int *err, const struct nlmsghdr *h)
{
	static const unsigned char pad[NLMSG_ALIGNTO];
	size_t n = h->nlmsg_len, padded = NLMSG_ALIGN(n);

	if (!f || *err)
		return;
	errno = 0;
	if (fwrite(h, 1, n, f) != n || fwrite(pad, 1, padded - n, f) != padded - n)
		*err = errno ? -errno : -EIO;
}
