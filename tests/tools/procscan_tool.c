// SPDX-License-Identifier: GPL-2.0-or-later
/* procscan_tool: runs the library's process scan (src/kernel/procscan.c) for the
 * socket inodes given, for tests/procscan.bats and manual timing.
 *
 *   procscan_tool [-p PROC] [-N NETNS_PATH] [-f FD_BUDGET] [-m MS_BUDGET] [-o] [-s] INODE[:UID]...
 *     -o  also open a TCP socket of its own (not bound) and ask for its inode
 *     -s  stop once every inode has an owner (stop_when_resolved)
 *
 * One line per inode:
 *   ino INODE user USER holders N procs PID/COMM/EXE[,...] cgroup PATH
 * ("own" instead of "ino" for the -o socket), then one summary line:
 *   complete 0|1 inodes N resolved N unresolved N why WORD stopped WORD
 *   hidepid N denied N other_netns N fds N ms X
 * and the reason as the report words it, with the processes that exited:
 *   gone N reason TEXT
 * Exit 0, 1 when the scan failed, 2 on bad usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procscan.h"

static const char *why_word(enum procscan_why w)
{
	static const char *words[] = { "none",	 "budget",     "hidepid", "denied",
				       "exited", "permission", "notfound" };

	return (unsigned)w < sizeof(words) / sizeof(words[0]) ? words[w] : "?";
}

static const char *stop_word(enum procscan_stop s)
{
	static const char *words[] = { "none", "time", "fds", "resolved" };

	return (unsigned)s < sizeof(words) / sizeof(words[0]) ? words[s] : "?";
}

static int parse(const char *arg, uint64_t *ino, uint32_t *uid)
{
	char *end;

	errno = 0;
	*ino = strtoull(arg, &end, 10);
	*uid = 0;
	if (errno || end == arg)
		return -1;
	if (*end == ':') {
		const char *u = end + 1;
		unsigned long v = strtoul(u, &end, 10);

		if (end == u || v > UINT32_MAX)
			return -1;
		*uid = (uint32_t)v;
	}
	return *end ? -1 : 0;
}

static void print_sock(const struct procscan *ps, const struct procscan_sock *s, const char *tag)
{
	printf("%s %" PRIu64 " user %s holders %u procs ", tag, s->inode, s->user ? s->user : "?",
	       s->holders);
	for (unsigned i = 0; i < s->nprocs; i++) {
		const struct procscan_proc *p = &ps->procs[s->procs[i]];

		printf("%s%d/%s/%s", i ? "," : "", p->pid, p->comm, p->exe[0] ? p->exe : "-");
	}
	if (!s->nprocs)
		printf("-");
	printf(" cgroup %s\n", s->nprocs && ps->procs[s->procs[0]].cgroup ?
				       ps->procs[s->procs[0]].cgroup : "-");
}

static void print_result(const struct procscan_result *r)
{
	char why[160];

	printf("complete %d inodes %zu resolved %zu unresolved %zu why %s stopped %s hidepid %u "
	       "denied %lu other_netns %lu fds %lu ms %.2f\n",
	       r->complete, r->inodes, r->resolved, r->unresolved, why_word(r->why),
	       stop_word(r->stopped), r->hidepid, r->pids_denied, r->pids_other_netns, r->fds_read,
	       r->elapsed_ms);
	printf("gone %lu reason %s\n", r->pids_gone, procscan_why_text(r, why, sizeof(why)));
}

int main(int argc, char **argv)
{
	struct procscan_opts o = { .proc_root = "/proc" };
	struct procscan *ps;
	uint64_t own = 0;
	int c, r, sock = -1;

	while ((c = getopt(argc, argv, "p:N:f:m:os")) != -1) {
		if (c == 'p') {
			o.proc_root = optarg;
		} else if (c == 'N') {
			if (procscan_netns_ino(optarg, &o.netns_ino)) {
				fprintf(stderr, "procscan_tool: '%s': %s\n", optarg, strerror(errno));
				return 2;
			}
		} else if (c == 'f') {
			o.fd_budget = strtoul(optarg, NULL, 10);
		} else if (c == 'm') {
			o.time_budget_ms = (unsigned)strtoul(optarg, NULL, 10);
		} else if (c == 's') {
			o.stop_when_resolved = true;
		} else if (c == 'o') {
			struct stat st;

			sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (sock < 0 || fstat(sock, &st))
				return 1;
			own = st.st_ino;
		} else {
			return 2;
		}
	}
	if (procscan_new(&ps, (size_t)(argc - optind) + 1))
		return 1;
	if (own && procscan_add(ps, own, (uint32_t)geteuid()))
		return 1;
	for (int i = optind; i < argc; i++) {
		uint64_t ino;
		uint32_t uid;

		if (parse(argv[i], &ino, &uid) || procscan_add(ps, ino, uid)) {
			fprintf(stderr, "procscan_tool: '%s' is not INODE[:UID]\n", argv[i]);
			return 2;
		}
	}
	r = procscan_run(ps, &o);
	if (r) {
		fprintf(stderr, "procscan_tool: scan of '%s': %s\n", o.proc_root, strerror(-r));
		procscan_free(ps);
		return 1;
	}
	for (size_t i = 0; i < ps->nsocks; i++)
		print_sock(ps, &ps->socks[i], ps->socks[i].inode == own ? "own" : "ino");
	print_result(&ps->res);
	procscan_free(ps);
	if (sock >= 0)
		close(sock);
	return 0;
}
