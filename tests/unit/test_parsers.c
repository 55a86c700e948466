// SPDX-License-Identifier: GPL-2.0-or-later
/* test_parsers.c: the sock_diag message parser and the /proc/net parsers
 * on crafted input, good and bad */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procnet.h"
#include "sockdiag.h"
#include "sockets.h"
#include "tap.h"

struct msg {
	struct nlmsghdr h;
	struct inet_diag_msg m;
};

static size_t make(struct msg *out, int family, const char *src, const char *dst, unsigned sport,
		   unsigned dport, int state)
{
	memset(out, 0, sizeof(*out));
	out->h.nlmsg_len = NLMSG_LENGTH(sizeof(out->m));
	out->h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	out->m.idiag_family = (uint8_t)family;
	out->m.idiag_state = (uint8_t)state;
	out->m.id.idiag_sport = htons((uint16_t)sport);
	out->m.id.idiag_dport = htons((uint16_t)dport);
	inet_pton(family, src, out->m.id.idiag_src);
	inet_pton(family, dst, out->m.id.idiag_dst);
	return NLMSG_ALIGN(out->h.nlmsg_len);
}

static void fresh(struct sock_snapshot *s)
{
	static const struct ephemeral eph = { 32768, 60999, NULL };

	sockets_init(s, &eph);
}

static size_t make_done(struct msg *out, int err, uint16_t flags)
{
	memset(out, 0, sizeof(*out));
	out->h.nlmsg_len = NLMSG_LENGTH(sizeof(int));
	out->h.nlmsg_type = NLMSG_DONE;
	out->h.nlmsg_flags = NLM_F_MULTI | flags;
	memcpy(NLMSG_DATA(&out->h), &err, sizeof(err));
	return NLMSG_ALIGN(out->h.nlmsg_len);
}

/* A buffer of messages, laid out as the kernel sends them. */
struct dumpbuf {
	unsigned char b[4096];
	size_t len;
};

static void put(struct dumpbuf *d, const struct msg *m, size_t n)
{
	memcpy(d->b + d->len, m, n);
	d->len += n;
}

static void put_sock(struct dumpbuf *d, int family, const char *src, const char *dst,
		     unsigned sport, unsigned dport, int state, uint16_t flags)
{
	struct msg m;
	size_t n = make(&m, family, src, dst, sport, dport, state);

	m.h.nlmsg_flags = NLM_F_MULTI | flags;
	put(d, &m, n);
}

static void put_done(struct dumpbuf *d, int err, uint16_t flags)
{
	struct msg m;

	put(d, &m, make_done(&m, err, flags));
}

/* The same dump replayed from a file (readfile) counts the same; a missing
 * file is -ENOENT. */
static void replay_file(const unsigned char *b, size_t len)
{
	char path[] = "/tmp/twtune-test-replay-XXXXXX";
	struct sock_snapshot s;
	struct diag_status st;
	int fd = mkstemp(path);

	TAP_OK(fd >= 0 && write(fd, b, len) == (ssize_t)len, "a recorded dump");
	close(fd);
	fresh(&s);
	TAP_OK(sockdiag_replay(&s, path, &st) == 0 && s.total == 5 && s.ndests == 1,
	       "the dump replayed from a file counts the same");
	sockets_free(&s);
	unlink(path);
	fresh(&s);
	TAP_OK(sockdiag_replay(&s, path, &st) == -ENOENT, "a missing replay file is -ENOENT");
	sockets_free(&s);
}

/* procnet_counters reads the counter files of a directory. */
static void counters_dir(void)
{
	char dir[] = "/tmp/twtune-test-procnet-XXXXXX", path[128];
	struct sock_counters c;
	FILE *f;

	TAP_OK(mkdtemp(dir) != NULL, "a proc/net directory");
	TAP_OK(procnet_counters(dir, &c) == -ENOENT && c.tw == -1, "no counter files: -ENOENT");
	snprintf(path, sizeof(path), "%s/netstat", dir);
	f = fopen(path, "w");
	fputs("TcpExt: TW TWKilled\nTcpExt: 7 3\n", f);
	fclose(f);
	TAP_OK(procnet_counters(dir, &c) == 0 && c.tw == 7 && c.tw_killed == 3 && c.sockstat_tw == -1,
	       "netstat read from the directory, the missing files -1");
	unlink(path);
	rmdir(dir);
}

static void test_sockdiag(void)
{
	struct sock_snapshot s;
	struct diag_status st;
	struct diag_dump dd;
	struct dumpbuf d = { .len = 0 };
	struct msg buf[1];

	fresh(&s);
	put_sock(&d, AF_INET, "0.0.0.0", "0.0.0.0", 8080, 0, 10, 0);
	put_sock(&d, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 8080, 6, 0);
	put_sock(&d, AF_INET, "127.0.0.1", "127.0.0.1", 40001, 8080, 5, 0);
	put_sock(&d, AF_INET, "127.0.0.1", "127.0.0.1", 8080, 40003, 6, 0); /* server side */
	put_done(&d, 0, 0);
	put_sock(&d, AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.1", 40002, 8080, 1, 0);
	put_done(&d, 0, 0);
	TAP_OK(sockdiag_parse_buffer(&s, d.b, d.len, &st) == 0, "a dump of both families parses");
	TAP_OK(s.total == 5 && s.states[6] == 2 && s.states[5] == 1 && s.states[10] == 1,
	       "states counted, FIN_WAIT2 substate apart");
	TAP_OK(s.ndests == 1, "v4-mapped IPv6 joins its IPv4 destination (got %zu)", s.ndests);
	{
		const struct dest *top[2];
		size_t n = sockets_top(&s, top, 2);

		TAP_OK(n == 1 && top[0]->used == 3 && top[0]->time_wait == 1 && top[0]->rport == 8080,
		       "one destination: 3 used, 1 TIME_WAIT");
		TAP_OK(n == 1 && top[0]->local.family == AF_INET, "mapped address shown as IPv4");
	}
	TAP_OK(s.nlisteners == 0, "listener at 8080 is outside the range");
	TAP_OK(st.fault == DIAG_FAULT_NONE && st.restarts == 0, "no fault, no restart");
	sockets_free(&s);
	replay_file(d.b, d.len);

	/* the same dump, cut anywhere, is never whole */
	{
		size_t bad = 0;

		for (size_t cut = 0; cut < d.len; cut++) {
			fresh(&s);
			bad += sockdiag_parse_buffer(&s, d.b, cut, &st) < 0 && st.fault != DIAG_FAULT_NONE;
			sockets_free(&s);
		}
		TAP_OK(bad == d.len, "every truncation of the dump is refused (%zu of %zu)", bad, d.len);
	}
	fresh(&s);
	TAP_OK(sockdiag_parse_buffer(&s, d.b, d.len - 20, &st) == -ENODATA &&
		       st.fault == DIAG_FAULT_TRUNCATED,
	       "a dump without its last NLMSG_DONE is truncated");
	sockets_free(&s);
	fresh(&s);
	TAP_OK(sockdiag_parse_buffer(&s, d.b, 20, &st) == -EBADMSG && st.fault == DIAG_FAULT_MALFORMED,
	       "a message cut short is malformed");
	sockets_free(&s);
	{
		struct dumpbuf e = d;

		fresh(&s);
		memcpy(e.b + e.len, d.b, 72);
		e.len += 72;
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -EBADMSG,
		       "a message after the end of the dump is refused");
		sockets_free(&s);
	}

	/* One walk: the legacy TCPDIAG_GETSOCK dump answers for both families
	 * with its own message type and one NLMSG_DONE. */
	{
		struct dumpbuf w = { .len = 0 }, e;
		struct msg m;

		put_sock(&w, AF_INET6, "::1", "::1", 40000, 8080, 6, 0);
		put_sock(&w, AF_INET, "127.0.0.1", "127.0.0.1", 40001, 8080, 6, 0);
		put_sock(&w, AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.1", 40002, 8080, 1, 0);
		for (size_t off = 0; off < w.len; off += NLMSG_ALIGN(sizeof(struct msg)))
			((struct nlmsghdr *)(w.b + off))->nlmsg_type = TCPDIAG_GETSOCK;
		put_done(&w, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, w.b, w.len, &st) == 0 && s.total == 3 && s.ndests == 2 &&
			       s.states[6] == 2 && s.states[1] == 1,
		       "a one-walk dump of both families parses");
		sockets_free(&s);

		e = w; /* a per-family reply inside a one-walk dump */
		((struct nlmsghdr *)(e.b + NLMSG_ALIGN(sizeof(struct msg))))->nlmsg_type =
			SOCK_DIAG_BY_FAMILY;
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -EBADMSG &&
			       st.fault == DIAG_FAULT_MALFORMED,
		       "replies of both shapes in one dump are malformed");
		sockets_free(&s);

		/* A recorded one-walk request says the shape even of an empty dump. */
		e.len = 0;
		memset(&m, 0, sizeof(m));
		m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_req));
		m.h.nlmsg_type = TCPDIAG_GETSOCK;
		m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		put(&e, &m, NLMSG_ALIGN(m.h.nlmsg_len));
		put_done(&e, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == 0 && s.total == 0,
		       "an empty one-walk dump after its recorded request is whole");
		sockets_free(&s);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b + NLMSG_ALIGN(m.h.nlmsg_len), NLMSG_LENGTH(sizeof(int)), &st) ==
				   -ENODATA,
		       "a lone NLMSG_DONE without its request is a truncated per-family dump");
		sockets_free(&s);
		/* a request of the other shape in the middle */
		memcpy(e.b + e.len, &m, NLMSG_ALIGN(m.h.nlmsg_len));
		((struct nlmsghdr *)(e.b + e.len))->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		memmove(e.b + NLMSG_ALIGN(m.h.nlmsg_len), e.b + e.len, NLMSG_ALIGN(m.h.nlmsg_len));
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, 2 * NLMSG_ALIGN(m.h.nlmsg_len), &st) == -EBADMSG,
		       "requests of both shapes in one recording are malformed");
		sockets_free(&s);
	}

	/* NLMSG_ERROR, and NLMSG_DONE carrying an error, in the middle */
	{
		struct dumpbuf e = { .len = 0 };
		struct {
			struct nlmsghdr h;
			struct nlmsgerr e;
		} err = { { NLMSG_LENGTH(sizeof(struct nlmsgerr)), NLMSG_ERROR, 0, 0, 0 }, { -EPERM, { 0 } } };

		put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6, 0);
		memcpy(e.b + e.len, &err, sizeof(err));
		e.len += sizeof(err);
		put_done(&e, 0, 0);
		put_done(&e, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -EPERM && st.fault == DIAG_FAULT_UNAVAILABLE,
		       "NLMSG_ERROR with EPERM: sock_diag is not available");
		sockets_free(&s);
		err.e.error = -EIO;
		memcpy(e.b + 88, &err, sizeof(err)); /* after the one socket */
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -EIO && st.fault == DIAG_FAULT_KERNEL,
		       "NLMSG_ERROR mid-dump gives the kernel's errno");
		sockets_free(&s);
		e.len = 0;
		put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6, 0);
		put_done(&e, -ENOBUFS, 0);
		put_done(&e, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -ENOBUFS && st.fault == DIAG_FAULT_KERNEL,
		       "NLMSG_DONE with an error fails the dump");
		sockets_free(&s);
		err.h.nlmsg_len = NLMSG_LENGTH(2);
		fresh(&s);
		sockdiag_dump_init(&dd, &s);
		TAP_OK(sockdiag_feed(&dd, &err, sizeof(err)) == -EBADMSG, "short NLMSG_ERROR refused");
		sockets_free(&s);
	}

	/* NLM_F_DUMP_INTR: start again from nothing, a bounded number of times */
	{
		struct dumpbuf e = { .len = 0 };

		put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6, NLM_F_DUMP_INTR);
		put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40001, 80, 6, 0);
		put_done(&e, 0, NLM_F_DUMP_INTR);
		put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6, 0);
		put_done(&e, 0, 0);
		put_done(&e, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == 0 && s.total == 1 && st.restarts == 1,
		       "an interrupted dump is counted again from nothing (total %llu)", s.total);
		sockets_free(&s);
		e.len = 0;
		for (int i = 0; i <= SOCKDIAG_MAX_RESTARTS; i++) {
			put_sock(&e, AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6, 0);
			put_done(&e, 0, NLM_F_DUMP_INTR);
		}
		put_done(&e, 0, 0);
		put_done(&e, 0, 0);
		fresh(&s);
		TAP_OK(sockdiag_parse_buffer(&s, e.b, e.len, &st) == -EAGAIN &&
			       st.fault == DIAG_FAULT_INTERRUPTED &&
			       st.restarts == SOCKDIAG_MAX_RESTARTS,
		       "interrupted on every attempt: refused after %d restarts", SOCKDIAG_MAX_RESTARTS);
		sockets_free(&s);
	}

	fresh(&s);
	sockdiag_dump_init(&dd, &s);
	make(&buf[0], AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6);
	buf[0].h.nlmsg_len = 8;
	TAP_OK(sockdiag_feed(&dd, &buf[0], sizeof(buf[0])) == -EBADMSG, "nlmsg_len below header refused");
	make(&buf[0], AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6);
	buf[0].h.nlmsg_len = NLMSG_LENGTH(10);
	TAP_OK(sockdiag_feed(&dd, &buf[0], sizeof(buf[0])) == -EBADMSG, "short payload refused");
	make(&buf[0], AF_INET, "127.0.0.1", "127.0.0.1", 40000, 80, 6);
	buf[0].m.idiag_family = 99;
	TAP_OK(sockdiag_feed(&dd, &buf[0], sizeof(buf[0])) == -EBADMSG, "unknown family refused");
	make(&buf[0], AF_INET6, "::1", "::1", 40000, 80, 6);
	TAP_OK(sockdiag_feed(&dd, &buf[0], sizeof(buf[0])) == -EBADMSG,
	       "AF_INET6 in the AF_INET dump refused");
	make_done(&buf[0], 0, 0);
	TAP_OK(sockdiag_feed(&dd, &buf[0], sizeof(buf[0])) == DIAG_NEXT_FAMILY,
	       "NLMSG_DONE ends a family's dump");
	TAP_OK(s.total == 0, "nothing counted from bad messages");
	sockets_free(&s);
}

static void test_procnet(void)
{
	static const char *const good[] = {
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0",
		"   1: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0",
		"   2: 0100007F:9C41 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0",
	};
	static const char *const bad[] = {
		"   0: 0100007G:1F90 00000000:0000 0A 00000000",
		"   0: 0100007F-1F90 00000000:0000 0A 00000000",
		"   0 0100007F:1F90 00000000:0000 0A",
		"   0: 0100007F:1F90 00000000:0000 ZZ 0",
		"",
		"   0: 0100007F:1F",
	};
	const char *v6 =
		"   0: 00000000000000000000000001000000:9C40 00000000000000000000000001000000:1F91 06 0 0 0";
	struct sock_snapshot s;
	struct sock_counters c;

	fresh(&s);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		TAP_OK(procnet_parse_tcp_line(&s, AF_INET, good[i]) == 0, "tcp line %zu parses", i);
	TAP_OK(procnet_parse_tcp_line(&s, AF_INET6, v6) == 0, "tcp6 line parses");
	TAP_OK(s.total == 4 && s.states[10] == 1 && s.states[6] == 2 && s.states[1] == 1,
	       "states from st column");
	TAP_OK(s.ndests == 2, "127.0.0.1:8080 and [::1]:8081 (got %zu)", s.ndests);
	{
		const struct dest *top[2];
		char a[64];

		sockets_top(&s, top, 2);
		TAP_OK(strcmp(addr_str(&top[0]->remote, a, sizeof(a)), "127.0.0.1") == 0 &&
			       top[0]->used == 2 && top[0]->time_wait == 1,
		       "host-order hex words decoded");
		TAP_OK(strcmp(addr_str(&top[1]->remote, a, sizeof(a)), "::1") == 0 && top[1]->rport == 8081,
		       "IPv6 words decoded");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_OK(procnet_parse_tcp_line(&s, AF_INET, bad[i]) == -EINVAL, "bad line %zu refused", i);
	TAP_OK(s.total == 4, "bad lines count nothing");
	sockets_free(&s);

	memset(&c, 0xff, sizeof(c));
	procnet_parse_sockstat("sockets: used 5\nTCP: inuse 3 orphan 1 tw 42 alloc 7 mem 2\nUDP: inuse 0\n", &c);
	TAP_OK(c.sockstat_inuse == 3 && c.sockstat_orphan == 1 && c.sockstat_tw == 42 &&
		       c.sockstat_alloc == 7,
	       "sockstat TCP line");
	procnet_parse_sockstat("TCP6: inuse 9\n", &c);
	TAP_OK(c.sockstat6_inuse == 9, "sockstat6 line");
	memset(&c, 0xff, sizeof(c));
	procnet_parse_netstat("TcpExt: SyncookiesSent TW TWRecycled TWKilled TCPTimeWaitOverflow\n"
			      "TcpExt: 0 11 2 0 5\nIpExt: InNoRoutes\nIpExt: 0\n",
			      &c);
	TAP_OK(c.tw == 11 && c.tw_recycled == 2 && c.tw_killed == 0 && c.tw_overflow == 5,
	       "netstat fields by name");
	memset(&c, 0xff, sizeof(c));
	procnet_parse_netstat("TcpExt: TW TWRecycled\nTcpExt: 1\n", &c);
	TAP_OK(c.tw == 1 && c.tw_recycled == -1, "a missing value is -1");
	procnet_parse_netstat("garbage without newline", &c);
	TAP_OK(c.tw == -1 && c.tw_overflow == -1, "garbage gives -1");
}

int main(void)
{
	test_sockdiag();
	test_procnet();
	counters_dir();
	return tap_done();
}
