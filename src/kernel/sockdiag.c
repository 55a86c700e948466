// SPDX-License-Identifier: GPL-2.0-or-later
/* sockdiag.c: TCP sockets over NETLINK_SOCK_DIAG with libnl-3's core API.
 *
 * One dump of every state and both families in one walk of the kernel's
 * socket tables (the legacy TCPDIAG_GETSOCK request), or one
 * inet_diag_req_v2 dump per family where the kernel refuses it or the
 * caller asks for it. The walk is most of the cost (see make bench), and
 * two per-family dumps walk every socket twice. Every message is fed, as it
 * lies in the receive buffer, to sockdiag_feed(), which accounts each
 * inet_diag_msg in place, so nothing is kept per socket (libnl's
 * nl_recvmsgs() would copy each message into an object of its own), and
 * judges the dump's shape. A replay feeds the same function from a file.
 * Not libnl's idiag module: it builds one object per socket.
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

#include "nlutil.h"
#include "readfile.h"

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
	d->st.fault = why;
	d->st.err = err;
	return err;
}

void sockdiag_dump_init(struct diag_dump *d, struct sock_snapshot *s)
{
	*d = (struct diag_dump){ .s = s };
}

/* The shape a request or reply of this type says; false when it
 * contradicts the shape already known. */
static bool shape(struct diag_dump *d, uint16_t type)
{
	bool one_walk = type == TCPDIAG_GETSOCK;

	if (!d->shape_known) {
		d->shape_known = true;
		d->one_walk = one_walk;
	}
	return d->one_walk == one_walk;
}

static int dump_done(struct diag_dump *d)
{
	int r;

	if (!d->interrupted) {
		if (d->one_walk)
			d->family = 2;
		else
			d->family++;
		return d->family == 2 ? DIAG_COMPLETE : DIAG_NEXT_FAMILY;
	}
	/* An interrupted dump may count a socket twice or not at all:
	 * start again from nothing. */
	if (d->st.restarts == SOCKDIAG_MAX_RESTARTS)
		return fault(d, DIAG_FAULT_INTERRUPTED, -EAGAIN);
	d->st.restarts++;
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
	if (h->nlmsg_flags & NLM_F_REQUEST) {
		/* A recorded request: the shape of the dump that follows. */
		if ((h->nlmsg_type != TCPDIAG_GETSOCK && h->nlmsg_type != SOCK_DIAG_BY_FAMILY) ||
		    !shape(d, h->nlmsg_type))
			return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
		return DIAG_MORE;
	}
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
		return dump_done(d);
	case SOCK_DIAG_BY_FAMILY:
	case TCPDIAG_GETSOCK:
		if (!shape(d, h->nlmsg_type))
			return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
		break;
	default:
		return DIAG_MORE; /* NLMSG_NOOP and the like */
	}
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
	m = NLMSG_DATA(h);
	/* The kernel sends only the families asked for. */
	if (d->one_walk ? m->idiag_family != AF_INET && m->idiag_family != AF_INET6
			: m->idiag_family != families[d->family])
		return fault(d, DIAG_FAULT_MALFORMED, -EBADMSG);
	r = sockets_account_timer(d->s, m->idiag_family, m->id.idiag_src, m->id.idiag_dst,
				  ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport), m->idiag_state,
				  (struct sock_ref){ m->idiag_inode, m->idiag_uid },
				  m->idiag_timer == 3 ? (long long)m->idiag_expires : -1);
	return r < 0 ? fault(d, DIAG_FAULT_NONE, r) : DIAG_MORE;
}

int sockdiag_parse_buffer(struct sock_snapshot *s, const void *buf, size_t len,
			  struct diag_status *st)
{
	const unsigned char *p = buf;
	struct diag_dump d;
	int r = 0;

	sockdiag_dump_init(&d, s);
	while (len > 0) {
		const struct nlmsghdr *h = (const void *)p;
		size_t step;

		r = sockdiag_feed(&d, p, len);
		if (r < 0)
			goto out;
		/* sockdiag_feed() checked sizeof(*h) <= nlmsg_len <= len */
		step = ((size_t)h->nlmsg_len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	r = d.family == 2 ? 0 : fault(&d, DIAG_FAULT_TRUNCATED, -ENODATA);
out:
	*st = d.st;
	return r < 0 ? r : 0;
}

/* A failed send or receive. libnl says NLE_NOMEM for ENOBUFS too (the
 * kernel could not allocate a dump message), so no error here counts as
 * our own lack of memory: the caller reads /proc/net/tcp instead. */
static int socket_fault(struct diag_dump *d, int err)
{
	return fault(d, unavailable(err) ? DIAG_FAULT_UNAVAILABLE : DIAG_FAULT_SOCKET, err);
}

struct live {
	struct nl_sock *sk;
	struct diag_dump d;
	FILE *record;
	int record_err;
	uint32_t states; /* idiag_states of the requests */
};

/* Sends the request the dump's state calls for: the one-walk request, or
 * the v2 request of the family due. *seq gets its sequence number. */
static int send_request(struct live *L, uint32_t *seq)
{
	struct inet_diag_req legacy = {
		.idiag_family = AF_INET, /* the kernel answers for both */
		.idiag_states = L->states,
	};
	struct inet_diag_req_v2 v2 = {
		.sdiag_family = families[L->d.family],
		.sdiag_protocol = IPPROTO_TCP,
		.idiag_states = L->states,
	};
	struct nl_msg *msg =
		nlmsg_alloc_simple(L->d.one_walk ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
	int r;

	if (!msg)
		return fault(&L->d, DIAG_FAULT_NONE, -ENOMEM);
	if (L->d.one_walk)
		r = nlmsg_append(msg, &legacy, sizeof(legacy), NLMSG_ALIGNTO);
	else
		r = nlmsg_append(msg, &v2, sizeof(v2), NLMSG_ALIGNTO);
	if (r == 0) {
		nl_complete_msg(L->sk, msg);
		*seq = nlmsg_hdr(msg)->nlmsg_seq;
		nl_record(L->record, &L->record_err, nlmsg_hdr(msg));
		r = nl_send(L->sk, msg);
	}
	nlmsg_free(msg);
	return r < 0 ? socket_fault(&L->d, nl_errno(r)) : 0;
}

/* Sends one request and feeds its replies, straight from the receive
 * buffer, to sockdiag_feed() until its NLMSG_DONE. Returns the step that
 * ended it, or -errno with the fault set. */
static int dump_once(struct live *L)
{
	int step = DIAG_MORE;
	uint32_t seq = 0;
	int r = send_request(L, &seq);

	if (r < 0)
		return r;
	while (step == DIAG_MORE) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		const unsigned char *p;
		const struct nlmsghdr *h;
		int n = nl_recv(L->sk, &peer, &buf, NULL);
		size_t len;

		if (n <= 0) {
			free(buf);
			if (n == 0) /* the socket ran dry before NLMSG_DONE */
				return fault(&L->d, DIAG_FAULT_TRUNCATED, -ENODATA);
			return socket_fault(&L->d, nl_errno(n));
		}
		p = buf;
		len = (size_t)n;
		if (peer.nl_pid != 0) /* only the kernel answers a dump */
			len = 0;
		while (step >= 0 && len >= sizeof(*h)) {
			size_t size;

			h = (const void *)p;
			if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
				break; /* a torn message */
			/* The kernel pads every message but perhaps the last. */
			size = NLMSG_ALIGN(h->nlmsg_len) < len ? NLMSG_ALIGN(h->nlmsg_len) : len;
			if (h->nlmsg_seq == seq) { /* else left over from an earlier request */
				nl_record(L->record, &L->record_err, h);
				if (step != DIAG_MORE) /* nothing follows NLMSG_DONE */
					step = fault(&L->d, DIAG_FAULT_MALFORMED, -EBADMSG);
				else
					step = sockdiag_feed(&L->d, h, h->nlmsg_len);
			}
			p += size;
			len -= size;
		}
		if (step >= 0 && len > 0) /* a torn message */
			step = fault(&L->d, DIAG_FAULT_MALFORMED, -EBADMSG);
		free(buf);
	}
	return step;
}

/* Starts the dump again in the per-family shape, from nothing. */
static int per_family_from_scratch(struct live *L)
{
	struct sock_snapshot *s = L->d.s;
	int r;

	r = sockets_reset(s);
	if (r < 0)
		return r;
	sockdiag_dump_init(&L->d, s);
	L->d.shape_known = true;
	if (L->record && !L->record_err &&
	    (fflush(L->record) != 0 || ftruncate(fileno(L->record), 0) < 0 ||
	     fseek(L->record, 0, SEEK_SET) < 0))
		L->record_err = -errno;
	return 0;
}

int sockdiag_dump(struct sock_snapshot *s, bool per_family, const char *rec,
		  struct diag_status *st)
{
	return sockdiag_dump_states(s, per_family, ~0U, rec, st);
}

int sockdiag_dump_states(struct sock_snapshot *s, bool per_family, uint32_t states,
			 const char *rec, struct diag_status *st)
{
	struct live L = { .sk = NULL, .states = states };
	bool fell_back = per_family;
	int r;

	sockdiag_dump_init(&L.d, s);
	L.d.shape_known = true;
	L.d.one_walk = !per_family;
	if (rec && *rec) {
		/* A new file only: never through a symbolic link, never over a
		 * file that is there (a test hook, but run as root). */
		int fd = open(rec, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		L.record = fd < 0 ? NULL : fdopen(fd, "w");
		if (!L.record) {
			r = -errno;
			if (fd >= 0)
				close(fd);
			*st = L.d.st;
			return r;
		}
	}
	L.sk = nl_socket_alloc();
	if (!L.sk) {
		r = -ENOMEM;
		goto out;
	}
	r = nl_connect(L.sk, NETLINK_SOCK_DIAG);
	if (r < 0) {
		r = socket_fault(&L.d, nl_errno(r));
		goto out;
	}
	nl_socket_disable_msg_peek(L.sk);
	nl_socket_set_msg_buf_size(L.sk, RECV_BUF);
	/* each restart goes back to the first request; bounded by sockdiag_feed() */
	for (;;) {
		r = dump_once(&L);
		if (r == DIAG_NEXT_FAMILY || r == DIAG_RESTART)
			continue;
		if (r == DIAG_COMPLETE) {
			r = 0;
			break;
		}
		/* A kernel that refuses the one-walk request: per family. */
		if (!fell_back && (L.d.st.fault == DIAG_FAULT_KERNEL ||
				   L.d.st.fault == DIAG_FAULT_UNAVAILABLE)) {
			fell_back = true;
			r = per_family_from_scratch(&L);
			if (r == 0)
				continue;
		}
		break;
	}
out:
	if (L.record) {
		if (fclose(L.record) != 0 && !L.record_err)
			L.record_err = -errno;
		if (L.record_err && r == 0) {
			L.d.st.fault = DIAG_FAULT_NONE;
			r = L.record_err;
		}
	}
	nl_socket_free(L.sk);
	*st = L.d.st;
	return r;
}

#define REPLAY_MAX (256u << 20) /* the largest recorded dump replayed */

int sockdiag_replay(struct sock_snapshot *s, const char *path, struct diag_status *st)
{
	char *buf;
	size_t len;
	int r;

	*st = (struct diag_status){ DIAG_FAULT_NONE, 0, 0 };
	r = readfile(path, REPLAY_MAX, 0, &buf, &len);
	if (r < 0)
		return r;
	r = sockdiag_parse_buffer(s, buf, len, st);
	free(buf);
	return r;
}
