// SPDX-License-Identifier: GPL-2.0-or-later
/* procnet.c: /proc/net readers */
#include "procnet.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "number.h"
#include "readfile.h"
#include "value.h"

#define COUNTER_FILE_MAX (256 * 1024)

/* The whole of dir/name, or NULL. */
static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return readfile(path, COUNTER_FILE_MAX, 0, &buf, NULL) == 0 ? buf : NULL;
}

/* The number after the word `key` in a line of `name value` pairs. */
static long long after_word(const char *line, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = line; (p = strstr(p, key)); p += n) {
		char num[24];
		size_t k = 0;
		long long v;

		if ((p != line && p[-1] != ' ') || p[n] != ' ')
			continue;
		p += n + 1;
		while (k < sizeof(num) - 1 && isdigit((unsigned char)p[k])) {
			num[k] = p[k];
			k++;
		}
		num[k] = '\0';
		return k && parse_ll(num, 0, (1LL << 62), &v) == 0 ? v : -1;
	}
	return -1;
}

void procnet_parse_sockstat(const char *text, struct sock_counters *c)
{
	const char *line;

	if ((line = strstr(text, "TCP: ")) && (line == text || line[-1] == '\n')) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line, "\n"), line);
		c->sockstat_inuse = after_word(buf, "inuse");
		c->sockstat_orphan = after_word(buf, "orphan");
		c->sockstat_tw = after_word(buf, "tw");
		c->sockstat_alloc = after_word(buf, "alloc");
	}
	if ((line = strstr(text, "TCP6: ")) && (line == text || line[-1] == '\n')) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line, "\n"), line);
		c->sockstat6_inuse = after_word(buf, "inuse");
	}
}

/* netstat and snmp: a header line "Prefix: Name Name ..." followed by a
 * value line "Prefix: 1 2 ...": match by field name, never by position. */
static long long field(const char *text, const char *prefix, const char *name)
{
	size_t plen = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n'), *vals, *veol;

		if (!eol)
			break;
		vals = eol + 1;
		veol = strchr(vals, '\n');
		if (!veol)
			veol = vals + strlen(vals);
		if (strncmp(p, prefix, plen) == 0 && strncmp(vals, prefix, plen) == 0) {
			const char *h = p + plen, *v = vals + plen;

			while (h < eol && v < veol) {
				size_t hn, vn;

				while (*h == ' ')
					h++;
				while (*v == ' ')
					v++;
				hn = strcspn(h, " \n");
				vn = strcspn(v, " \n");
				if (hn == strlen(name) && strncmp(h, name, hn) == 0) {
					char num[24];
					long long x;

					if (vn == 0 || vn >= sizeof(num))
						return -1;
					memcpy(num, v, vn);
					num[vn] = '\0';
					return parse_ll(num, -(1LL << 62), 1LL << 62, &x) == 0 ? x : -1;
				}
				h += hn;
				v += vn;
			}
			return -1;
		}
		p = eol + 1;
	}
	return -1;
}

void procnet_parse_netstat(const char *text, struct sock_counters *c)
{
	c->tw = field(text, "TcpExt:", "TW");
	c->tw_recycled = field(text, "TcpExt:", "TWRecycled");
	c->tw_killed = field(text, "TcpExt:", "TWKilled");
	c->tw_overflow = field(text, "TcpExt:", "TCPTimeWaitOverflow");
}

void procnet_parse_snmp(const char *text, struct sock_counters *c)
{
	c->curr_estab = field(text, "Tcp:", "CurrEstab");
	c->active_opens = field(text, "Tcp:", "ActiveOpens");
}

int procnet_counters(const char *proc_net, struct sock_counters *c)
{
	char *t;
	int got = 0;

	memset(c, 0xff, sizeof(*c)); /* every field -1 */
	if ((t = slurp(proc_net, "sockstat"))) {
		procnet_parse_sockstat(t, c);
		free(t);
		got++;
	}
	if ((t = slurp(proc_net, "sockstat6"))) {
		procnet_parse_sockstat(t, c);
		free(t);
		got++;
	}
	if ((t = slurp(proc_net, "netstat"))) {
		procnet_parse_netstat(t, c);
		free(t);
		got++;
	}
	if ((t = slurp(proc_net, "snmp"))) {
		procnet_parse_snmp(t, c);
		free(t);
		got++;
	}
	return got ? 0 : -ENOENT;
}

/* n hex digits into a number; -1 when any is not hex. */
static long long hexnum(const char *p, int n)
{
	long long v = 0;

	for (int i = 0; i < n; i++) {
		int h = hex_digit(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* "0100007F:1F90": the address words as the kernel printed them (%08X of
 * each 32-bit word as it lies in memory), then the port in host order. */
static const char *parse_endpoint(const char *p, int words, uint8_t *addr, uint16_t *port)
{
	for (int i = 0; i < words; i++) {
		long long w = hexnum(p, 8);
		uint32_t w32;

		if (w < 0)
			return NULL;
		w32 = (uint32_t)w;
		memcpy(addr + 4 * i, &w32, 4);
		p += 8;
	}
	if (*p != ':')
		return NULL;
	{
		long long v = hexnum(p + 1, 4);

		if (v < 0)
			return NULL;
		*port = (uint16_t)v;
	}
	return p + 5;
}

int procnet_parse_tcp_line(struct sock_snapshot *s, int family, const char *line)
{
	int words = family == AF_INET ? 1 : 4;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	const char *p = line;
	long long st;

	while (*p == ' ')
		p++;
	if (strncmp(p, "sl", 2) == 0)
		return 0; /* the header */
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != ':')
		return -EINVAL;
	while (*p == ' ')
		p++;
	p = parse_endpoint(p, words, src, &sport);
	if (!p || *p++ != ' ')
		return -EINVAL;
	p = parse_endpoint(p, words, dst, &dport);
	if (!p || *p++ != ' ')
		return -EINVAL;
	st = hexnum(p, 2);
	if (st < 0 || p[2] != ' ')
		return -EINVAL;
	/* then "tx:rx tr:when retrnsmt uid timeout inode": the owner, when
	 * the line has it (0 for TIME_WAIT) */
	{
		unsigned long long ino = 0;
		unsigned uid = 0;
		struct sock_ref ref = { 0, 0 };

		if (sscanf(p + 2, " %*x:%*x %*x:%*x %*x %u %*d %llu", &uid, &ino) == 2) {
			ref.inode = ino;
			ref.uid = uid;
		}
		return sockets_account_ref(s, (uint8_t)family, src, dst, sport, dport, (uint8_t)st,
					   ref);
	}
}

int procnet_parse_tcp_file(struct sock_snapshot *s, int family, FILE *f)
{
	char line[512];
	bool partial = false;
	int r = 0;

	while (fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') != NULL;

		/* a line longer than the buffer: skip its rest */
		if (!partial) {
			r = procnet_parse_tcp_line(s, family, line);
			if (r == -ENOMEM)
				return r;
			r = 0;
		}
		partial = !whole;
	}
	return ferror(f) ? -EIO : 0;
}

static int stream(struct sock_snapshot *s, const char *proc_net, const char *name, int family)
{
	char path[4096];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", proc_net, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	r = procnet_parse_tcp_file(s, family, f);
	fclose(f);
	return r;
}

int procnet_sockets(struct sock_snapshot *s, const char *proc_net)
{
	int r = stream(s, proc_net, "tcp", AF_INET);

	if (r < 0)
		return r;
	r = stream(s, proc_net, "tcp6", AF_INET6);
	return r == -ENOENT ? 0 : r;
}
