// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack.c: the conntrack table over ctnetlink, streamed into counters.
 *
 * libnl-3 core sends one IPCTNL_MSG_CT_GET dump request (family
 * AF_UNSPEC: every family) on a NETLINK_NETFILTER socket; each reply is
 * decoded where it lies in the receive buffer by conntrack_feed(), which
 * walks the attributes in place and adds the entry to counters. Not
 * libnl-nf-3: its parser (nfnlmsg_ct_parse) allocates an nfnl_ct object
 * per entry, and measured slower (tests/bench/README.md, "conntrack").
 */
#include "conntrack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "grow.h"
#include "nlutil.h"
#include "number.h"
#include "readfile.h"

#define RECV_BUF (64 * 1024)
#define REPLAY_MAX (512u << 20)
#define CT_MSG_NEW ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW)
#define CT_MSG_GET ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET)

static const char *const tcp_names[CT_TCP_NSTATES] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "OTHER",
};
static const char *const proto_names[CT_PROTO_N] = { "tcp", "udp", "icmp", "icmpv6", "other" };

const char *ct_tcp_state_name(int state)
{
	return state >= 0 && state < CT_TCP_NSTATES ? tcp_names[state] : "OTHER";
}

const char *ct_proto_name(int proto)
{
	return proto >= 0 && proto < CT_PROTO_N ? proto_names[proto] : "other";
}

void conntrack_init(struct ct_table *t)
{
	*t = (struct ct_table){ .count = -1, .max = -1, .buckets = -1, .tw_timeout = -1 };
}

void conntrack_reset_dump(struct ct_table *t)
{
	t->entries = t->nat_entries = t->dnat_entries = 0;
	memset(t->by_proto, 0, sizeof(t->by_proto));
	memset(t->tcp, 0, sizeof(t->tcp));
	t->nmaps = t->nsrcs = 0;
	if (t->map_index)
		memset(t->map_index, 0, t->map_slots * sizeof(*t->map_index));
	if (t->src_index)
		memset(t->src_index, 0, t->src_slots * sizeof(*t->src_index));
}

void conntrack_free(struct ct_table *t)
{
	free(t->maps);
	free(t->srcs);
	free(t->map_index);
	free(t->src_index);
	t->maps = NULL;
	t->srcs = NULL;
	t->map_index = t->src_index = NULL;
	t->nmaps = t->nsrcs = t->maps_cap = t->srcs_cap = t->map_slots = t->src_slots = 0;
}

static int fault(struct ct_table *t, enum ct_fault why, int err)
{
	t->fault = why;
	t->err = err;
	return err;
}

/* FNV-1a */
static uint32_t hash_bytes(const void *p, size_t n, uint32_t h)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static uint32_t map_hash(uint8_t family, uint8_t proto, uint16_t dport, const uint8_t *nat,
			 const uint8_t *dst)
{
	uint32_t h = 2166136261u;

	h = hash_bytes(&family, 1, h);
	h = hash_bytes(&proto, 1, h);
	h = hash_bytes(&dport, 2, h);
	h = hash_bytes(nat, 16, h);
	return hash_bytes(dst, 16, h);
}

static uint32_t src_hash(uint8_t family, const uint8_t *addr)
{
	return hash_bytes(addr, 16, hash_bytes(&family, 1, 2166136261u));
}

/* Rebuilds an index of slots (a power of two, at most half full). */
static int reindex(uint32_t **index, size_t *slots, size_t n, const void *rows, size_t size,
		   uint32_t (*hash)(const void *row))
{
	size_t want = *slots ? *slots : 64;
	uint32_t *ix;

	while (want < 2 * (n + 1))
		want *= 2;
	if (want == *slots && *index)
		return 0;
	ix = calloc(want, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t s = hash((const char *)rows + i * size) & (want - 1);

		while (ix[s])
			s = (s + 1) & (want - 1);
		ix[s] = (uint32_t)i + 1;
	}
	free(*index);
	*index = ix;
	*slots = want;
	return 0;
}

static uint32_t map_row_hash(const void *row)
{
	const struct ct_nat_map *m = row;

	return map_hash(m->family, m->proto, m->dport, m->nat_addr, m->dst);
}

static uint32_t src_row_hash(const void *row)
{
	const struct ct_source *s = row;

	return src_hash(s->family, s->addr);
}

static struct ct_nat_map *map_find(struct ct_table *t, uint8_t family, uint8_t proto,
				   uint16_t dport, const uint8_t *nat, const uint8_t *dst)
{
	uint32_t h = map_hash(family, proto, dport, nat, dst);
	struct ct_nat_map *m;
	size_t s;

	if (2 * (t->nmaps + 1) > t->map_slots &&
	    reindex(&t->map_index, &t->map_slots, t->nmaps, t->maps, sizeof(*t->maps),
		    map_row_hash) < 0)
		return NULL;
	for (s = h & (t->map_slots - 1); t->map_index[s]; s = (s + 1) & (t->map_slots - 1)) {
		m = &t->maps[t->map_index[s] - 1];
		if (m->family == family && m->proto == proto && m->dport == dport &&
		    !memcmp(m->nat_addr, nat, 16) && !memcmp(m->dst, dst, 16))
			return m;
	}
	if (grow((void **)&t->maps, &t->maps_cap, t->nmaps + 1, sizeof(*t->maps)) < 0)
		return NULL;
	m = &t->maps[t->nmaps];
	*m = (struct ct_nat_map){ .family = family, .proto = proto, .dport = dport,
				  .port_lo = UINT16_MAX };
	memcpy(m->nat_addr, nat, 16);
	memcpy(m->dst, dst, 16);
	t->map_index[s] = (uint32_t)++t->nmaps;
	return m;
}

static struct ct_source *src_find(struct ct_table *t, uint8_t family, const uint8_t *addr)
{
	uint32_t h = src_hash(family, addr);
	struct ct_source *r;
	size_t s;

	if (2 * (t->nsrcs + 1) > t->src_slots &&
	    reindex(&t->src_index, &t->src_slots, t->nsrcs, t->srcs, sizeof(*t->srcs),
		    src_row_hash) < 0)
		return NULL;
	for (s = h & (t->src_slots - 1); t->src_index[s]; s = (s + 1) & (t->src_slots - 1)) {
		r = &t->srcs[t->src_index[s] - 1];
		if (r->family == family && !memcmp(r->addr, addr, 16))
			return r;
	}
	if (grow((void **)&t->srcs, &t->srcs_cap, t->nsrcs + 1, sizeof(*t->srcs)) < 0)
		return NULL;
	r = &t->srcs[t->nsrcs];
	*r = (struct ct_source){ .family = family };
	memcpy(r->addr, addr, 16);
	t->src_index[s] = (uint32_t)++t->nsrcs;
	return r;
}

/* One tuple (CTA_TUPLE_ORIG or CTA_TUPLE_REPLY) as decoded. */
struct tuple {
	uint8_t family; /* 0 until an address is seen */
	uint8_t proto;
	bool have_proto;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
};

/* Walks the attributes of [p, p+len): calls fn for each well-formed one.
 * -EBADMSG for a torn attribute. */
typedef int attr_fn(void *ctx, uint16_t type, const uint8_t *data, size_t len);

static int walk_attrs(const uint8_t *p, size_t len, attr_fn *fn, void *ctx)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr a;
		size_t step;
		int r;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return -EBADMSG;
		r = fn(ctx, a.nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
		if (r < 0)
			return r;
		step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return len ? -EBADMSG : 0;
}

static int ip_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	struct tuple *t = ctx;

	switch (type) {
	case CTA_IP_V4_SRC:
	case CTA_IP_V4_DST:
		if (n != 4)
			return -EBADMSG;
		if (t->family && t->family != AF_INET)
			return -EBADMSG;
		t->family = AF_INET;
		memcpy(type == CTA_IP_V4_SRC ? t->src : t->dst, d, 4);
		break;
	case CTA_IP_V6_SRC:
	case CTA_IP_V6_DST:
		if (n != 16)
			return -EBADMSG;
		if (t->family && t->family != AF_INET6)
			return -EBADMSG;
		t->family = AF_INET6;
		memcpy(type == CTA_IP_V6_SRC ? t->src : t->dst, d, 16);
		break;
	}
	return 0;
}

static int proto_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	struct tuple *t = ctx;
	uint16_t v;

	switch (type) {
	case CTA_PROTO_NUM:
		if (n < 1)
			return -EBADMSG;
		t->proto = d[0];
		t->have_proto = true;
		break;
	case CTA_PROTO_SRC_PORT:
	case CTA_PROTO_DST_PORT:
		if (n < 2)
			return -EBADMSG;
		memcpy(&v, d, 2);
		if (type == CTA_PROTO_SRC_PORT)
			t->sport = ntohs(v);
		else
			t->dport = ntohs(v);
		break;
	}
	return 0;
}

static int tuple_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	if (type == CTA_TUPLE_IP)
		return walk_attrs(d, n, ip_attr, ctx);
	if (type == CTA_TUPLE_PROTO)
		return walk_attrs(d, n, proto_attr, ctx);
	return 0;
}

struct entry {
	struct tuple orig, reply;
	bool have_orig, have_reply, have_status, have_state;
	uint32_t status;
	uint8_t state;
};

static int tcp_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	struct entry *e = ctx;

	if (type == CTA_PROTOINFO_TCP_STATE) {
		if (n < 1)
			return -EBADMSG;
		e->state = d[0];
		e->have_state = true;
	}
	return 0;
}

static int protoinfo_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	if (type == CTA_PROTOINFO_TCP)
		return walk_attrs(d, n, tcp_attr, ctx);
	return 0;
}

static int entry_attr(void *ctx, uint16_t type, const uint8_t *d, size_t n)
{
	struct entry *e = ctx;
	uint32_t v;

	switch (type) {
	case CTA_TUPLE_ORIG:
		if (e->have_orig)
			return -EBADMSG;
		e->have_orig = true;
		return walk_attrs(d, n, tuple_attr, &e->orig);
	case CTA_TUPLE_REPLY:
		if (e->have_reply)
			return -EBADMSG;
		e->have_reply = true;
		return walk_attrs(d, n, tuple_attr, &e->reply);
	case CTA_STATUS:
		if (n < 4)
			return -EBADMSG;
		memcpy(&v, d, 4);
		e->status = ntohl(v);
		e->have_status = true;
		break;
	case CTA_PROTOINFO:
		return walk_attrs(d, n, protoinfo_attr, e);
	}
	return 0;
}

static int proto_index(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return CT_PROTO_TCP;
	case IPPROTO_UDP: return CT_PROTO_UDP;
	case IPPROTO_ICMP: return CT_PROTO_ICMP;
	case IPPROTO_ICMPV6: return CT_PROTO_ICMPV6;
	default: return CT_PROTO_OTHER;
	}
}

/* Adds one decoded entry to the counters. */
static int account(struct ct_table *t, const struct entry *e)
{
	int state = -1;
	struct ct_source *src;

	if (!e->have_orig || !e->have_reply || !e->orig.family || !e->orig.have_proto ||
	    e->reply.family != e->orig.family)
		return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
	t->entries++;
	t->by_proto[proto_index(e->orig.proto)]++;
	if (e->orig.proto == IPPROTO_TCP) {
		state = e->have_state ? (e->state < CT_TCP_OTHER ? e->state : CT_TCP_OTHER)
				      : CT_TCP_NONE;
		t->tcp[state]++;
	}
	src = src_find(t, e->orig.family, e->orig.src);
	if (!src)
		return fault(t, CT_FAULT_NONE, -ENOMEM);
	src->entries++;
	if (state == CT_TCP_TIME_WAIT)
		src->time_wait++;
	if (e->status & IPS_DST_NAT)
		t->dnat_entries++;
	if (e->status & IPS_SRC_NAT) {
		/* The translated source is where replies go: the reply tuple's
		 * destination; the peer is the reply tuple's source (after any
		 * DNAT, the real destination). */
		struct ct_nat_map *m = map_find(t, e->orig.family, e->orig.proto, e->reply.sport,
						e->reply.dst, e->reply.src);

		if (!m)
			return fault(t, CT_FAULT_NONE, -ENOMEM);
		t->nat_entries++;
		src->nat++;
		m->used++;
		m->time_wait += state == CT_TCP_TIME_WAIT;
		m->close += state == CT_TCP_CLOSE;
		if (e->reply.dport < m->port_lo)
			m->port_lo = e->reply.dport;
		if (e->reply.dport > m->port_hi)
			m->port_hi = e->reply.dport;
	}
	return 0;
}

int conntrack_feed(struct ct_table *t, const void *msg, size_t len)
{
	struct nlmsghdr h;
	const uint8_t *p = msg;
	int r;

	if (len < sizeof(h))
		return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
		return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
	if (h.nlmsg_flags & NLM_F_REQUEST)
		return 0;
	if (h.nlmsg_flags & NLM_F_DUMP_INTR)
		t->interrupted = true; /* the attempt starts again at its NLMSG_DONE */
	if (h.nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr e;

		if (h.nlmsg_len < NLMSG_HDRLEN + sizeof(e))
			return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
		if (e.error >= 0) /* an ACK ends nothing of a dump */
			return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		r = e.error < -4095 ? -EIO : e.error;
		return fault(t, (r == -EOPNOTSUPP || r == -EPROTONOSUPPORT || r == -ENOENT ||
				 r == -EPERM || r == -EACCES || r == -EAFNOSUPPORT)
					? CT_FAULT_UNAVAILABLE
					: CT_FAULT_KERNEL,
			     r);
	}
	if (h.nlmsg_type == NLMSG_DONE) {
		int32_t err = 0;

		if (h.nlmsg_len >= NLMSG_HDRLEN + sizeof(err))
			memcpy(&err, p + NLMSG_HDRLEN, sizeof(err));
		if (err < 0)
			return fault(t, CT_FAULT_KERNEL, err < -4095 ? -EIO : err);
		if (t->interrupted) {
			t->interrupted = false;
			if (++t->restarts > CT_MAX_RESTARTS)
				return fault(t, CT_FAULT_INTERRUPTED, -EAGAIN);
			conntrack_reset_dump(t);
			return 2;
		}
		t->dumped = true;
		return 1;
	}
	if (h.nlmsg_type != CT_MSG_NEW)
		return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
	{
		struct entry e = { .have_orig = false };
		size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));

		if (h.nlmsg_len < off)
			return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		r = walk_attrs(p + off, h.nlmsg_len - off, entry_attr, &e);
		if (r < 0)
			return fault(t, CT_FAULT_MALFORMED, r);
		r = account(t, &e);
		if (r < 0)
			return r;
	}
	return 0;
}

int conntrack_parse_buffer(struct ct_table *t, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int step = 0;

	t->dumped = false;
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t size;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		if (step == 1) /* nothing follows the dump's NLMSG_DONE */
			return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		step = conntrack_feed(t, p, h.nlmsg_len);
		if (step < 0)
			return step;
		size = NLMSG_ALIGN(h.nlmsg_len) < len ? NLMSG_ALIGN(h.nlmsg_len) : len;
		p += size;
		len -= size;
	}
	if (len)
		return fault(t, CT_FAULT_MALFORMED, -EBADMSG);
	if (step != 1)
		return fault(t, CT_FAULT_TRUNCATED, -ENODATA);
	return 0;
}

/* The columns of /proc/net/stat/nf_conntrack twtune sums. */
static long long *stat_field(struct ct_stats *st, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} cols[] = {
		{ "found", offsetof(struct ct_stats, found) },
		{ "invalid", offsetof(struct ct_stats, invalid) },
		{ "insert", offsetof(struct ct_stats, insert) },
		{ "insert_failed", offsetof(struct ct_stats, insert_failed) },
		{ "drop", offsetof(struct ct_stats, drop) },
		{ "early_drop", offsetof(struct ct_stats, early_drop) },
		{ "error", offsetof(struct ct_stats, error) },
		{ "search_restart", offsetof(struct ct_stats, search_restart) },
		{ "clashres", offsetof(struct ct_stats, clash_resolve) },
		{ "chaintoolong", offsetof(struct ct_stats, chaintoolong) },
	};

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (strlen(cols[i].name) == n && !strncmp(cols[i].name, name, n))
			return (long long *)((char *)st + cols[i].off);
	return NULL;
}

#define STAT_COLS 32

int conntrack_parse_stats(const char *text, struct ct_stats *st)
{
	long long *col[STAT_COLS];
	size_t ncol = 0;
	const char *p = text, *eol;

	st->found = st->invalid = st->insert = st->insert_failed = st->drop = st->early_drop =
		st->error = st->search_restart = st->clash_resolve = st->chaintoolong = -1;
	st->cpus = 0;
	eol = strchr(p, '\n');
	if (!eol)
		return -EINVAL;
	while (p < eol) {
		const char *w;

		while (p < eol && *p == ' ')
			p++;
		if (p == eol)
			break;
		w = p;
		while (p < eol && *p != ' ')
			p++;
		if (ncol == STAT_COLS)
			return -EINVAL;
		col[ncol] = stat_field(st, w, (size_t)(p - w));
		if (col[ncol])
			*col[ncol] = 0;
		ncol++;
	}
	if (ncol == 0)
		return -EINVAL;
	for (p = eol + 1; *p; p = eol + 1) {
		size_t i = 0;

		eol = strchr(p, '\n');
		if (!eol)
			return -EINVAL;
		while (p < eol) {
			unsigned long long v = 0;
			int digits = 0;

			while (p < eol && *p == ' ')
				p++;
			if (p == eol)
				break;
			while (p < eol && *p != ' ') {
				int d = hex_digit(*p++);

				if (d < 0 || ++digits > 8)
					return -EINVAL;
				v = v * 16 + (unsigned)d;
			}
			if (i >= ncol)
				return -EINVAL;
			if (col[i])
				*col[i] += (long long)v;
			i++;
		}
		if (i != ncol)
			return -EINVAL;
		st->cpus++;
	}
	return st->cpus ? 0 : -EINVAL;
}

static long long read_number(const char *root, const char *name)
{
	char path[4096], *buf = NULL;
	size_t len;
	long long v;
	char *end;

	if (snprintf(path, sizeof(path), "%s/net/netfilter/%s", root, name) >= (int)sizeof(path))
		return -1;
	if (readfile(path, 64, 0, &buf, &len) < 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v < 0)
		v = -1;
	free(buf);
	return v;
}

struct live {
	struct nl_sock *sk;
	FILE *record;
	int record_err;
};

static int socket_fault(struct ct_table *t, int err)
{
	bool unavail = err == -EPROTONOSUPPORT || err == -EACCES || err == -EPERM ||
		       err == -ENOENT || err == -EOPNOTSUPP || err == -EAFNOSUPPORT;

	return fault(t, unavail ? CT_FAULT_UNAVAILABLE : CT_FAULT_SOCKET, err);
}

/* One request and its replies until NLMSG_DONE: 1 done, 2 restart, -errno. */
static int dump_once(struct live *L, struct ct_table *t)
{
	struct nfgenmsg g = { .nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0 };
	struct nl_msg *msg = nlmsg_alloc_simple(CT_MSG_GET, NLM_F_DUMP);
	uint32_t seq = 0;
	int step = 0, r;

	if (!msg)
		return fault(t, CT_FAULT_NONE, -ENOMEM);
	r = nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO);
	if (r == 0) {
		nl_complete_msg(L->sk, msg);
		seq = nlmsg_hdr(msg)->nlmsg_seq;
		nl_record(L->record, &L->record_err, nlmsg_hdr(msg));
		r = nl_send(L->sk, msg);
	}
	nlmsg_free(msg);
	if (r < 0)
		return socket_fault(t, nl_errno(r));
	while (step == 0) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		const unsigned char *p;
		int n = nl_recv(L->sk, &peer, &buf, NULL);
		size_t len;

		if (n <= 0) {
			free(buf);
			if (n == 0)
				return fault(t, CT_FAULT_TRUNCATED, -ENODATA);
			return socket_fault(t, nl_errno(n));
		}
		p = buf;
		len = peer.nl_pid != 0 ? 0 : (size_t)n;
		while (step >= 0 && len >= sizeof(struct nlmsghdr)) {
			struct nlmsghdr h;
			size_t size;

			memcpy(&h, p, sizeof(h));
			if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
				break;
			size = NLMSG_ALIGN(h.nlmsg_len) < len ? NLMSG_ALIGN(h.nlmsg_len) : len;
			if (h.nlmsg_seq == seq) {
				nl_record(L->record, &L->record_err, (const void *)p);
				if (step != 0)
					step = fault(t, CT_FAULT_MALFORMED, -EBADMSG);
				else
					step = conntrack_feed(t, p, h.nlmsg_len);
			}
			p += size;
			len -= size;
		}
		if (step >= 0 && len > 0)
			step = fault(t, CT_FAULT_MALFORMED, -EBADMSG);
		free(buf);
	}
	return step;
}

static int dump_live(struct ct_table *t, const char *rec)
{
	struct live L = { NULL, NULL, 0 };
	int r;

	if (rec && *rec) {
		L.record = fopen(rec, "we");
		if (!L.record)
			return -errno;
	}
	L.sk = nl_socket_alloc();
	if (!L.sk) {
		r = -ENOMEM;
		goto out;
	}
	r = nl_connect(L.sk, NETLINK_NETFILTER);
	if (r < 0) {
		r = socket_fault(t, nl_errno(r));
		goto out;
	}
	nl_socket_disable_msg_peek(L.sk);
	nl_socket_set_msg_buf_size(L.sk, RECV_BUF);
	nl_socket_set_buffer_size(L.sk, 1 << 20, 0);
	do
		r = dump_once(&L, t); /* a restart is bounded by conntrack_feed() */
	while (r == 2);
	if (r == 1)
		r = 0;
out:
	if (L.record) {
		if (fclose(L.record) != 0 && !L.record_err)
			L.record_err = -errno;
		if (L.record_err && r == 0)
			r = L.record_err;
	}
	nl_socket_free(L.sk);
	return r;
}

int conntrack_collect(struct ct_table *t, const struct ct_opts *o)
{
	const char *root = o->sysctl_root ? o->sysctl_root : "/proc/sys";
	const char *pnet = o->proc_net ? o->proc_net : "/proc/net";
	char path[4096], *buf = NULL;
	size_t len;
	int r;

	t->count = read_number(root, "nf_conntrack_count");
	t->max = read_number(root, "nf_conntrack_max");
	t->buckets = read_number(root, "nf_conntrack_buckets");
	t->tw_timeout = read_number(root, "nf_conntrack_tcp_timeout_time_wait");
	if (snprintf(path, sizeof(path), "%s/stat/nf_conntrack", pnet) < (int)sizeof(path) &&
	    readfile(path, 1u << 20, 0, &buf, &len) == 0) {
		t->have_stats = conntrack_parse_stats(buf, &t->stats) == 0;
		free(buf);
	}
	if (o->replay) {
		r = readfile(o->replay, REPLAY_MAX, 0, &buf, &len);
		if (r < 0)
			return r;
		r = conntrack_parse_buffer(t, buf, len);
		free(buf);
		return r;
	}
	if (t->count == 0 && !o->always_dump) {
		t->skipped = true;
		return 0;
	}
	/* no nf_conntrack_count: conntrack is not loaded in this namespace */
	if (t->count < 0 && !o->always_dump)
		return fault(t, CT_FAULT_UNAVAILABLE, -ENOENT);
	r = dump_live(t, o->record);
	if (r < 0 && t->fault == CT_FAULT_NONE && t->count < 0 && !t->have_stats)
		t->fault = CT_FAULT_UNAVAILABLE;
	return r;
}
