/* sockdiag.c: TCP sockets over NETLINK_SOCK_DIAG with libnl-3's core API.
 *
 * One inet_diag_req_v2 per family, all states; every message is fed, as
 * it arrives (libnl's NL_CB_MSG_IN callback), to sockdiag_feed(), which
 * accounts each inet_diag_msg in place, so nothing is kept per socket, and
 * judges the dump's shape. A replay feeds the same function from a file.
 * Not libnl's idiag module: it sends the legacy v1 request and builds one
 * object per socket.
 */
#include "sockdiag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#define RECV_BUF (32 * 1024)

static const uint8_t families[2] = { AF_INET, AF_INET6 };

/* Errors that mean no sock_diag here (no inet_diag module, no permission,
 * no such family), rather than a failed dump. */
static bool unavailable(int err)
{
	return err == -EPROTONOSUPPORT || err == -EACCES || err == -EPERM || err == -ENOENT ||
	       err == -EOPNOTSUPP || err == -EAFNOSUPPORT;
}

static int fault(struct diag_dump *d, enum diag_fault why, int err)
{
	d->s->diag_fault = why;
	d->s->diag_err = err;
	return err;
}

void sockdiag_dump_init(struct diag_dump *d, struct sock_snapshot *s)
{
	*d = (struct diag_dump){ .s = s };
}

static int family_done(struct diag_dump *d)
{
	int r;

	if (!d->interrupted)
		return ++d->family == 2 ? DIAG_COMPLETE : DIAG_NEXT_FAMILY;
	/* An interrupted dump may count a socket twice or not at all:
	 * start again from nothing. */
	if (d->restarts == SOCKDIAG_MAX_RESTARTS)
		return fault(d, DIAG_FAULT_INTERRUPTED, -EAGAIN);
	d->restarts++;
	d->s->dump_restarts++;
	r = sockets_reset(d->s);
	if (r < 0)
		return fault(d, DIAG_FAULT_NONE, r);
	d->family = 0;
	d->interrupted = false;
	return DIAG_RESTART;
}

int sockdiag_feed(struct diag_dump *d, const void *msg, size_t len)
{
	const struct nlmsghdr *h = msg;
	const struct inet_diag_msg *m;
	int r;

	if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
	if (d->family == 2)
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG); /* after the end */
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		d->interrupted = true;
	switch (h->nlmsg_type) {
	case NLMSG_ERROR: {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
		r = e->error < 0 && e->error > -4096 ? e->error : -EPROTO;
		return fault(d, unavailable(r) ? DIAG_FAULT_UNAVAILABLE : DIAG_FAULT_KERNEL, r);
	}
	case NLMSG_DONE:
		/* The kernel ends a dump that failed half-way with the
		 * error in NLMSG_DONE's payload (dump_done_errno). */
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
			int err;

			memcpy(&err, NLMSG_DATA(h), sizeof(err));
			if (err < 0)
				return fault(d, DIAG_FAULT_KERNEL, err > -4096 ? err : -EPROTO);
		}
		return family_done(d);
	case SOCK_DIAG_BY_FAMILY:
		break;
	default:
		return DIAG_MORE; /* NLMSG_NOOP and the like */
	}
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
	m = NLMSG_DATA(h);
	/* The kernel sends only the family asked for. */
	if (m->idiag_family != families[d->family])
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
	r = sockets_account(d->s, m->idiag_family, m->id.idiag_src, m->id.idiag_dst,
			    ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport), m->idiag_state);
	return r < 0 ? fault(d, DIAG_FAULT_NONE, r) : DIAG_MORE;
}

int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct diag_dump d;

	sockdiag_dump_init(&d, s);
	while (len > 0) {
		const struct nlmsghdr *h = (const void *)p;
		size_t step;
		int r = sockdiag_feed(&d, p, len);

		if (r < 0)
			return r;
		/* sockdiag_feed() checked sizeof(*h) <= nlmsg_len <= len */
		step = ((size_t)h->nlmsg_len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	if (d.family != 2)
		return fault(&d, DIAG_FAULT_TRUNCATED, -ENODATA);
	return 0;
}

struct live {
	struct diag_dump d;
	int step; /* what sockdiag_feed() said last, or -errno */
	FILE *record;
	int record_err;
};

/* Every message, before libnl looks at it: NLMSG_DONE and NLMSG_ERROR
 * too, so that the live dump and its replay go through the same rules. */
static int on_msg_in(struct nl_msg *msg, void *arg)
{
	static const unsigned char pad[NLMSG_ALIGNTO];
	struct live *L = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (L->record && !L->record_err) {
		size_t n = h->nlmsg_len, padded = NLMSG_ALIGN(n);

		if (fwrite(h, 1, n, L->record) != n ||
		    fwrite(pad, 1, padded - n, L->record) != padded - n)
			L->record_err = -EIO;
	}
	if (L->step != DIAG_MORE) /* nothing follows NLMSG_DONE */
		L->step = fault(&L->d, DIAG_FAULT_MALFORMED, -EBADMSG);
	else
		L->step = sockdiag_feed(&L->d, h, h->nlmsg_len);
	/* NL_OK on NLMSG_DONE too: libnl then counts the sequence number
	 * as used, and ends the receive there. */
	return L->step < 0 ? NL_STOP : NL_OK;
}

/* sockdiag_feed() has seen the flag; libnl need not report it again. */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* libnl's errors, back to errno at the boundary. */
static int nle_to_errno(int nle)
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

/* Asks for one family and feeds what comes back. Returns the last
 * diag_step or -errno, with the fault set. */
static int dump_family(struct nl_sock *sk, struct live *L)
{
	struct inet_diag_req_v2 req = {
		.sdiag_family = families[L->d.family],
		.sdiag_protocol = IPPROTO_TCP,
		.idiag_states = ~0U,
	};
	int r;

	L->step = DIAG_MORE;
	r = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof(req));
	if (r >= 0)
		r = nl_recvmsgs_default(sk);
	if (L->step < 0)
		return L->step;
	if (r < 0) {
		r = nle_to_errno(r);
		return fault(&L->d, r == -ENOMEM ? DIAG_FAULT_NONE
				  : unavailable(r) ? DIAG_FAULT_UNAVAILABLE : DIAG_FAULT_SOCKET, r);
	}
	if (L->step == DIAG_MORE) /* the socket ran dry before NLMSG_DONE */
		return fault(&L->d, DIAG_FAULT_TRUNCATED, -ENODATA);
	return L->step;
}

int sockdiag_dump(struct sock_snapshot *s)
{
	const char *rec = getenv("TWTUNE_DIAG_RECORD");
	struct live L = { .step = DIAG_MORE };
	struct nl_sock *sk = NULL;
	int r;

	sockdiag_dump_init(&L.d, s);
	if (rec && *rec) {
		L.record = fopen(rec, "we");
		if (!L.record)
			return -errno;
	}
	sk = nl_socket_alloc();
	if (!sk) {
		r = -ENOMEM;
		goto out;
	}
	r = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (r < 0) {
		r = nle_to_errno(r);
		fault(&L.d, unavailable(r) ? DIAG_FAULT_UNAVAILABLE : DIAG_FAULT_SOCKET, r);
		goto out;
	}
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, RECV_BUF);
	nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, &L);
	nl_socket_modify_cb(sk, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, NULL);
	/* each restart goes back to AF_INET; bounded by sockdiag_feed() */
	do
		r = dump_family(sk, &L);
	while (r == DIAG_NEXT_FAMILY || r == DIAG_RESTART);
	if (r == DIAG_COMPLETE)
		r = 0;
out:
	if (L.record) {
		if (fclose(L.record) != 0 && !L.record_err)
			L.record_err = -errno;
		if (L.record_err && r == 0) {
			s->diag_fault = DIAG_FAULT_NONE;
			r = L.record_err;
		}
	}
	nl_socket_free(sk);
	return r;
}

int sockdiag_replay(struct sock_snapshot *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			unsigned char *t;

			if (cap >= (256u << 20)) {
				r = -EFBIG;
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			t = realloc(buf, cap);
			if (!t) {
				r = -ENOMEM;
				goto out;
			}
			buf = t;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	r = sockdiag_parse_buffer(s, buf, len);
out:
	free(buf);
	close(fd);
	return r;
}
