// SPDX-License-Identifier: GPL-2.0-or-later
/* nlfloor: the floor of `make bench`: the least a program must do to list
 * every TCP socket over NETLINK_SOCK_DIAG. Raw AF_NETLINK, no libnl; it
 * counts the messages and decodes nothing.
 *
 *   nlfloor [--threads] [--compat] [--sport LO-HI] [--buf BYTES]
 *
 * Default: one socket, one inet_diag_req_v2 dump per family (AF_INET, then
 * AF_INET6), every state; the kernel walks its hash tables once per family.
 * --threads: the two family dumps run at once, each on its own socket and
 * thread. --compat: one legacy TCPDIAG_GETSOCK request, which the kernel
 * answers for both families in a single walk. --sport LO-HI: a kernel-side
 * filter (INET_DIAG_REQ_BYTECODE, source port in LO..HI) drops sockets that
 * cannot hold an ephemeral port. --buf: the receive buffer (default 32 KiB,
 * the most the kernel fills per message batch).
 * Prints "sockets N" and exits 0, or one line on stderr and exits 4.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef TCPDIAG_GETSOCK
#define TCPDIAG_GETSOCK 18 /* include/linux/inet_diag.h: the legacy request */
#endif

static size_t bufsize = 32768;
static int use_bc;
static unsigned sport_lo, sport_hi;

struct job {
	int family; /* AF_INET, AF_INET6, or AF_UNSPEC for the legacy request */
	unsigned long long count;
	int err;
};

/* "sport >= lo && sport <= hi", laid out as iproute2's ss does. */
static size_t bytecode(struct inet_diag_bc_op *op)
{
	op[0] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_GE, 8, 20 };
	op[1] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)sport_lo };
	op[2] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_LE, 8, 12 };
	op[3] = (struct inet_diag_bc_op){ 0, 0, (unsigned short)sport_hi };
	return 4 * sizeof(*op);
}

static int send_request(int fd, int family)
{
	struct {
		struct nlmsghdr h;
		union {
			struct inet_diag_req_v2 v2;
			struct inet_diag_req v1;
		} r;
		struct nlattr bc_attr;
		struct inet_diag_bc_op bc[4];
	} req;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t body;

	memset(&req, 0, sizeof(req));
	if (family == AF_UNSPEC) {
		req.h.nlmsg_type = TCPDIAG_GETSOCK;
		req.r.v1.idiag_family = AF_INET; /* ignored: the kernel dumps both */
		req.r.v1.idiag_states = ~0U;
		body = sizeof(req.r.v1);
	} else {
		req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req.r.v2.sdiag_family = (unsigned char)family;
		req.r.v2.sdiag_protocol = IPPROTO_TCP;
		req.r.v2.idiag_states = ~0U;
		body = sizeof(req.r.v2);
	}
	req.h.nlmsg_len = NLMSG_LENGTH(body);
	if (use_bc) {
		/* The attribute follows the request, 4-byte aligned. */
		struct nlattr *a = (struct nlattr *)((char *)&req + NLMSG_ALIGN(req.h.nlmsg_len));
		size_t bl = bytecode((struct inet_diag_bc_op *)(a + 1));

		a->nla_type = INET_DIAG_REQ_BYTECODE;
		a->nla_len = (unsigned short)(NLA_HDRLEN + bl);
		req.h.nlmsg_len = NLMSG_ALIGN(req.h.nlmsg_len) + NLA_ALIGN(a->nla_len);
	}
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;
	return 0;
}

static void *dump(void *arg)
{
	struct job *j = arg;
	char *buf = malloc(bufsize);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	j->count = 0;
	j->err = 0;
	if (!buf || fd < 0) {
		j->err = buf ? -errno : -ENOMEM;
		goto out;
	}
	j->err = send_request(fd, j->family);
	while (!j->err) {
		ssize_t n = recv(fd, buf, bufsize, 0);
		const struct nlmsghdr *h = (const void *)buf;
		size_t len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			j->err = -errno;
			break;
		}
		len = (size_t)n;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_flags & NLM_F_DUMP_INTR) {
				j->err = -EAGAIN;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				j->err = e->error ? e->error : -EPROTO;
				break;
			}
			j->count++;
		}
		if (n == 0)
			j->err = -EPROTO;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static unsigned long parse(const char *s, char **end, unsigned long max)
{
	unsigned long v;

	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || *end == s || v > max) {
		fprintf(stderr, "nlfloor: bad number '%s' (0..%lu)\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct job jobs[2] = { { .family = AF_INET }, { .family = AF_INET6 } };
	int threads = 0, compat = 0, njobs = 2;
	unsigned long long total = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--threads") == 0) {
			threads = 1;
		} else if (strcmp(argv[i], "--compat") == 0) {
			compat = 1;
		} else if (strcmp(argv[i], "--sport") == 0 && i + 1 < argc) {
			sport_lo = (unsigned)parse(argv[++i], &end, 65535);
			if (*end != '-')
				goto usage;
			sport_hi = (unsigned)parse(end + 1, &end, 65535);
			if (*end || sport_hi < sport_lo)
				goto usage;
			use_bc = 1;
		} else if (strcmp(argv[i], "--buf") == 0 && i + 1 < argc) {
			bufsize = parse(argv[++i], &end, 1u << 24);
			if (*end || bufsize < 4096)
				goto usage;
		} else {
			goto usage;
		}
	}
	if (compat) {
		jobs[0].family = AF_UNSPEC;
		njobs = 1;
	}
	if (threads && njobs == 2) {
		pthread_t t;

		if (pthread_create(&t, NULL, dump, &jobs[1]) != 0) {
			fprintf(stderr, "nlfloor: cannot start a thread\n");
			return 4;
		}
		dump(&jobs[0]);
		pthread_join(t, NULL);
	} else {
		for (int k = 0; k < njobs; k++)
			dump(&jobs[k]);
	}
	for (int k = 0; k < njobs; k++) {
		if (jobs[k].err) {
			fprintf(stderr, "nlfloor: dump of family %d: %s\n", jobs[k].family,
				strerror(-jobs[k].err));
			return 4;
		}
		total += jobs[k].count;
	}
	printf("sockets %llu\n", total);
	return 0;
usage:
	fprintf(stderr, "nlfloor: usage: nlfloor [--threads] [--compat] [--sport LO-HI] "
			"[--buf BYTES]\n");
	return 2;
}
