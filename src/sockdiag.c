/* sockdiag.c: TCP sockets over NETLINK_SOCK_DIAG with libnl-3's core API.
 *
 * One inet_diag_req_v2 per family, all states; every inet_diag_msg is
 * accounted in place in the NL_CB_VALID callback, so nothing is kept per
 * socket. Not libnl's idiag module: it sends the legacy v1 request and
 * builds one object per socket.
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
#define MAX_RESTARTS 5

int sockdiag_parse_msg(struct sock_snapshot *s, const void *msg, size_t len)
{
	const struct nlmsghdr *h = msg;
	const struct inet_diag_msg *m;

	if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		return e->error < 0 && e->error > -4096 ? e->error : -EPROTO;
	}
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 0;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	m = NLMSG_DATA(h);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;
	return sockets_account(s, m->idiag_family, m->id.idiag_src, m->id.idiag_dst,
			       ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport), m->idiag_state);
}

int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		const struct nlmsghdr *h = (const void *)p;
		size_t step;
		int r;

		if (len < sizeof(*h))
			return -EBADMSG;
		r = sockdiag_parse_msg(s, p, len);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step == 0 || step > len)
			step = len;
		p += step;
		len -= step;
	}
	return 0;
}

struct dump {
	struct sock_snapshot *s;
	int err;
	FILE *record;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct dump *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	int r;

	if (d->record)
		fwrite(h, 1, NLMSG_ALIGN(h->nlmsg_len), d->record);
	r = sockdiag_parse_msg(d->s, h, h->nlmsg_len);
	if (r < 0) {
		d->err = r;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct dump *d = arg;

	(void)nla;
	d->err = e->error < 0 ? e->error : -EPROTO;
	return NL_STOP;
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

static int dump_family(struct nl_sock *sk, struct dump *d, uint8_t family)
{
	struct inet_diag_req_v2 req = {
		.sdiag_family = family,
		.sdiag_protocol = IPPROTO_TCP,
		.idiag_states = ~0U,
	};
	int r;

	d->err = 0;
	r = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof(req));
	if (r < 0)
		return nle_to_errno(r);
	r = nl_recvmsgs_default(sk);
	if (d->err)
		return d->err;
	if (r == -NLE_DUMP_INTR)
		return -EAGAIN;
	return r < 0 ? nle_to_errno(r) : 0;
}

int sockdiag_dump(struct sock_snapshot *s)
{
	const char *rec = getenv("TWTUNE_DIAG_RECORD");
	struct dump d = { .s = s };
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (r < 0) {
		r = nle_to_errno(r);
		goto out;
	}
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, RECV_BUF);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &d);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, &d);
	for (int attempt = 0;; attempt++) {
		if (rec && *rec) {
			if (d.record)
				fclose(d.record);
			d.record = fopen(rec, "we");
			if (!d.record) {
				r = -errno;
				goto out;
			}
		}
		r = dump_family(sk, &d, AF_INET);
		if (r == 0)
			r = dump_family(sk, &d, AF_INET6);
		/* An interrupted dump may count a socket twice or not at all:
		 * start again from nothing. */
		if (r != -EAGAIN || attempt == MAX_RESTARTS)
			break;
		s->dump_restarts++;
		r = sockets_reset(s);
		if (r < 0)
			break;
	}
out:
	if (d.record && fclose(d.record) != 0 && r == 0)
		r = -errno;
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
