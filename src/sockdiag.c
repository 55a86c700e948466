/* sockdiag.c: TCP sockets over NETLINK_SOCK_DIAG with libnl-3's core API.
 *
 * One dump of every state and both families (the legacy TCPDIAG_GETSOCK
 * request: one walk of the kernel's tables instead of two), or one
 * inet_diag_req_v2 dump per family where the kernel lacks it or
 * TWTUNE_DIAG_PER_FAMILY=1. Every inet_diag_msg is accounted in place in
 * the receive buffer, so nothing is kept per socket. Not libnl's idiag
 * module: it builds one object per socket.
 */
#include "sockdiag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY && h->nlmsg_type != TCPDIAG_GETSOCK)
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

/* Sends one dump request; *seq gets its sequence number. */
static int send_request(struct nl_sock *sk, int type, const void *req, size_t len, uint32_t *seq)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
	int r;

	if (!msg)
		return -ENOMEM;
	r = nlmsg_append(msg, (void *)req, len, NLMSG_ALIGNTO);
	if (r == 0) {
		nl_complete_msg(sk, msg);
		*seq = nlmsg_hdr(msg)->nlmsg_seq;
		r = nl_send(sk, msg);
	}
	nlmsg_free(msg);
	return r < 0 ? nle_to_errno(r) : 0;
}

/* Reads one dump to its end and accounts every message in place, straight
 * from the receive buffer (libnl's nl_recvmsgs() would copy each message
 * into an object of its own). -EAGAIN when the kernel marked it
 * interrupted: the dump is still read to its end, so that nothing of it is
 * left on the socket for the next request. */
static int recv_dump(struct nl_sock *sk, struct sock_snapshot *s, uint32_t seq, FILE *record)
{
	bool intr = false;

	for (;;) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		const struct nlmsghdr *h;
		int n = nl_recv(sk, &peer, &buf, NULL);
		size_t len;
		int r = 0;

		if (n <= 0) {
			free(buf);
			return n == 0 ? -EPROTO : nle_to_errno(n);
		}
		h = (const void *)buf;
		len = (size_t)n;
		for (; r == 0 && NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue; /* left over from an earlier request */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (record)
				fwrite(h, 1, NLMSG_ALIGN(h->nlmsg_len), record);
			r = sockdiag_parse_msg(s, h, len);
		}
		free(buf);
		if (r < 0)
			return r;
		if (r == 1)
			return intr ? -EAGAIN : 0;
	}
}

/* Both families in one walk of the kernel's socket tables: the legacy
 * TCPDIAG_GETSOCK request, which the kernel serves with the same code as
 * inet_diag_req_v2 but for AF_UNSPEC. Two v2 requests (one per family)
 * walk every socket twice, and the walk is most of the cost. */
static int dump_both(struct nl_sock *sk, struct sock_snapshot *s, FILE *record)
{
	struct inet_diag_req req = {
		.idiag_family = AF_INET, /* the kernel answers for both */
		.idiag_states = ~0U,
	};
	uint32_t seq;
	int r = send_request(sk, TCPDIAG_GETSOCK, &req, sizeof(req), &seq);

	return r < 0 ? r : recv_dump(sk, s, seq, record);
}

static int dump_family(struct nl_sock *sk, struct sock_snapshot *s, FILE *record, uint8_t family)
{
	struct inet_diag_req_v2 req = {
		.sdiag_family = family,
		.sdiag_protocol = IPPROTO_TCP,
		.idiag_states = ~0U,
	};
	uint32_t seq;
	int r = send_request(sk, SOCK_DIAG_BY_FAMILY, &req, sizeof(req), &seq);

	return r < 0 ? r : recv_dump(sk, s, seq, record);
}

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

int sockdiag_dump(struct sock_snapshot *s)
{
	const char *rec = getenv("TWTUNE_DIAG_RECORD");
	bool per_family = env_on("TWTUNE_DIAG_PER_FAMILY");
	struct nl_sock *sk = nl_socket_alloc();
	FILE *record = NULL;
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
	for (int attempt = 0;; attempt++) {
		if (rec && *rec) {
			if (record)
				fclose(record);
			record = fopen(rec, "we");
			if (!record) {
				r = -errno;
				goto out;
			}
		}
		if (!per_family) {
			r = dump_both(sk, s, record);
			if (r < 0 && r != -EAGAIN && r != -ENOMEM) {
				/* A kernel without the legacy request: one v2
				 * dump per family, from nothing. */
				per_family = true;
				r = sockets_reset(s);
				if (r == 0 && record &&
				    (fflush(record) != 0 || ftruncate(fileno(record), 0) < 0))
					r = -errno;
				if (r < 0)
					break;
			}
		}
		if (per_family) {
			r = dump_family(sk, s, record, AF_INET);
			if (r == 0)
				r = dump_family(sk, s, record, AF_INET6);
		}
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
	if (record && fclose(record) != 0 && r == 0)
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
