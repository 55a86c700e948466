// SPDX-License-Identifier: GPL-2.0-or-later
/* nsscan_tool: drives src/kernel/nsscan.c and src/kernel/nsenter.c for tests/nsscan.bats.
 *
 *   nsscan_tool scan [DIR...]          one line per namespace (below), then a
 *                                      "# ..." line with the counters
 *   nsscan_tool enter INODE...         enters each, prints "entered INODE",
 *                                      "gone INODE: why" or "denied INODE: why"
 *   nsscan_tool enter-wait INODE READY GO
 *                                      scans, creates READY, waits (at most
 *                                      30 s) for GO to exist, then enters
 *   nsscan_tool procfacts NSPATH RANGE how /proc/sys/net and /proc/net follow
 *                                      setns; RANGE is ip_local_port_range there
 *
 * Without DIR arguments the default directories are scanned. A scan line
 * has tab-separated fields: inode, label, host (0/1), process count,
 * processes "pid:comm,...", paths ",", paths found, runtime, container,
 * pod UID (each "-" when empty).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nsenter.h"
#include "nsscan.h"

static const char *orempty(const char *s)
{
	return s && *s ? s : "-";
}

static void print_ns(const struct netns_info *ns)
{
	printf("%llu\t%s\t%d\t%lu\t", ns->inode, ns->label, ns->host, ns->process_count);
	for (unsigned i = 0; i < ns->nprocs; i++)
		printf("%s%d:%s", i ? "," : "", ns->procs[i].pid, ns->procs[i].comm);
	printf("%s\t", ns->nprocs ? "" : "-");
	for (unsigned i = 0; i < ns->npaths; i++)
		printf("%s%s", i ? "," : "", ns->paths[i]);
	printf("%s\t%u\t%s\t%s\t%s\n", ns->npaths ? "" : "-", ns->paths_found,
	       orempty(nsowner_runtime_name(ns->owner.runtime)), orempty(ns->owner.container),
	       orempty(ns->owner.pod_uid));
}

static int scan(struct nsscan *s, int argc, char **argv)
{
	const char **dirs = (const char **)nsscan_default_dirs;
	int r;

	if (argc > 0) {
		dirs = calloc((size_t)argc + 1, sizeof(*dirs));
		if (!dirs)
			return -ENOMEM;
		for (int i = 0; i < argc; i++)
			dirs[i] = argv[i];
	}
	r = nsscan_run(s, "/proc", dirs);
	if (dirs != (const char **)nsscan_default_dirs)
		free(dirs);
	if (r < 0)
		fprintf(stderr, "nsscan_tool: scan: %s\n", strerror(-r));
	return r;
}

static const struct netns_info *lookup(const struct nsscan *s, const char *inode)
{
	unsigned long long ino = strtoull(inode, NULL, 10);

	for (size_t i = 0; i < s->n; i++)
		if (s->ns[i].inode == ino)
			return &s->ns[i];
	return NULL;
}

/* Enters ns, checks where the thread is, and comes back. */
static int enter_one(const struct nsscan *s, const char *inode, int home)
{
	const struct netns_info *ns = lookup(s, inode);
	char why[600];
	struct stat st;
	int r;

	if (!ns) {
		printf("unknown %s\n", inode);
		return 1;
	}
	r = nsenter_enter(s, ns, why, sizeof(why));
	if (r == -ENOENT) {
		printf("gone %s: %s\n", inode, why);
		return 0;
	}
	if (r < 0) {
		printf("denied %s: %s\n", inode, why);
		return 0;
	}
	if (stat("/proc/thread-self/ns/net", &st) < 0 || (unsigned long long)st.st_ino != ns->inode) {
		printf("wrong %s\n", inode);
		return 1;
	}
	r = nsenter_return(home);
	if (r < 0 || stat("/proc/thread-self/ns/net", &st) < 0 ||
	    (unsigned long long)st.st_ino != s->ns[0].inode) {
		printf("no way back from %s\n", inode);
		return 1;
	}
	printf("entered %s\n", inode);
	return 0;
}

static int cmd_enter(int argc, char **argv, const char *ready, const char *go)
{
	struct nsscan s;
	int home, rc = 0;

	if (scan(&s, 0, NULL) < 0) {
		nsscan_free(&s);
		return 2;
	}
	home = nsenter_save("/proc");
	if (home < 0) {
		fprintf(stderr, "nsscan_tool: save: %s\n", strerror(-home));
		nsscan_free(&s);
		return 2;
	}
	if (ready) {
		struct timespec t = { 0, 50 * 1000 * 1000 };
		int fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
		for (int i = 0; i < 600 && access(go, F_OK) != 0; i++)
			nanosleep(&t, NULL);
	}
	for (int i = 0; i < argc; i++)
		rc |= enter_one(&s, argv[i], home);
	close(home);
	nsscan_free(&s);
	return rc;
}

/* procfacts: which namespace each way of reading shows after setns. */
struct facts {
	const char *ns, *range;
	int udp; /* bound UDP sockets made in the target namespace */
};

static int udp_inuse(int fd)
{
	char b[4096], *p;
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n < 0)
		return -1;
	b[n] = '\0';
	p = strstr(b, "UDP: inuse ");
	return p ? atoi(p + 11) : -1;
}

static const char *view_sockstat(const struct facts *f, int fd)
{
	return udp_inuse(fd) == f->udp ? "target" : "other";
}

static const char *view_sysctl(const struct facts *f, int fd)
{
	char b[128], *t;
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n < 0)
		return "unreadable";
	b[n] = '\0';
	b[strcspn(b, "\n")] = '\0';
	while ((t = strchr(b, '\t')) != NULL)
		*t = ' ';
	return strcmp(b, f->range) == 0 ? "target" : "other";
}

static void show(const char *what, const struct facts *f, const char *path, bool sockstat)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	printf("%s %s\n", what, fd < 0 ? "unreadable" : sockstat ? view_sockstat(f, fd) :
							     view_sysctl(f, fd));
	if (fd >= 0)
		close(fd);
}

static int enter_target(const struct facts *f, int udp)
{
	int fd = open(f->ns, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	for (int i = 0; r == 0 && i < udp; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			r = -errno;
	}
	return r;
}

#define SYSCTL_RANGE "/proc/sys/net/ipv4/ip_local_port_range"

static void *facts_thread(void *arg)
{
	const struct facts *f = arg;

	if (enter_target(f, f->udp) < 0) {
		printf("thread setns failed\n");
		return NULL;
	}
	show("thread sysctl-open-after", f, SYSCTL_RANGE, false);
	show("thread proc-net-sockstat", f, "/proc/net/sockstat", true);
	show("thread proc-self-net-sockstat", f, "/proc/self/net/sockstat", true);
	show("thread proc-thread-self-net-sockstat", f, "/proc/thread-self/net/sockstat", true);
	return NULL;
}

static int cmd_procfacts(const char *ns, const char *range)
{
	struct facts f = { ns, range, 37 };
	int sys0 = open(SYSCTL_RANGE, O_RDONLY | O_CLOEXEC);
	int ss0 = open("/proc/net/sockstat", O_RDONLY | O_CLOEXEC);
	pthread_t t;

	if (sys0 < 0 || ss0 < 0)
		return 2;
	if (udp_inuse(ss0) == f.udp) /* the host must not look like the target */
		f.udp = 41;
	/* The thread comes first: the sockets it makes stay, in the target. */
	if (pthread_create(&t, NULL, facts_thread, &f) != 0)
		return 2;
	pthread_join(t, NULL);
	if (enter_target(&f, 0) < 0) {
		printf("setns failed\n");
		return 2;
	}
	printf("sysctl-open-before %s\n", view_sysctl(&f, sys0));
	printf("sockstat-open-before %s\n", view_sockstat(&f, ss0));
	show("sysctl-open-after", &f, SYSCTL_RANGE, false);
	show("proc-net-sockstat", &f, "/proc/net/sockstat", true);
	show("proc-self-net-sockstat", &f, "/proc/self/net/sockstat", true);
	show("proc-thread-self-net-sockstat", &f, "/proc/thread-self/net/sockstat", true);
	close(sys0);
	close(ss0);
	return 0;
}

int main(int argc, char **argv)
{
	struct nsscan s;
	int rc = 0;

	if (argc >= 2 && !strcmp(argv[1], "scan")) {
		if (scan(&s, argc - 2, argv + 2) < 0)
			rc = 2;
		for (size_t i = 0; rc == 0 && i < s.n; i++)
			print_ns(&s.ns[i]);
		if (rc == 0)
			printf("# namespaces=%zu denied=%lu vanished=%lu failed=%lu host_from_self=%d\n",
			       s.n, s.denied, s.vanished, s.failed, s.host_from_self);
		nsscan_free(&s);
	} else if (argc >= 3 && !strcmp(argv[1], "enter")) {
		rc = cmd_enter(argc - 2, argv + 2, NULL, NULL);
	} else if (argc == 5 && !strcmp(argv[1], "enter-wait")) {
		rc = cmd_enter(1, argv + 2, argv[3], argv[4]);
	} else if (argc == 4 && !strcmp(argv[1], "procfacts")) {
		rc = cmd_procfacts(argv[2], argv[3]);
	} else {
		fprintf(stderr, "usage: nsscan_tool scan [DIR...] | enter INODE... | "
				"enter-wait INODE READY GO | procfacts NSPATH RANGE\n");
		rc = 2;
	}
	if (fflush(stdout) != 0)
		rc = 2;
	return rc;
}
