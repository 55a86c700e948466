// SPDX-License-Identifier: GPL-2.0-or-later
/* test_procscan.c: socket inodes to processes, on a fake /proc tree made of
 * real files and "socket:[N]" symbolic links, and live on the test's own
 * sockets (in a private network namespace when root) */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procscan.h"
#include "tap.h"

static char root[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(p);
		exit(2);
	}
}

static void dir(const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (mkdir(p, 0755) && errno != EEXIST) {
		perror(p);
		exit(2);
	}
}

static void link_to(const char *target, const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (symlink(target, p)) {
		perror(p);
		exit(2);
	}
}

/* A fake process: comm, cgroup file text, exe target, net ns inode, fds. */
static const struct fake {
	const char *pid, *comm, *cgroup, *exe, *netns;
	const char *fds[6][2]; /* fd number, link target */
} fakes[] = {
	{ "100", "nginx\n", "0::/system.slice/nginx.service\n", "/usr/sbin/nginx", "net:[4026531840]",
	  { { "0", "/dev/null" }, { "3", "socket:[1001]" }, { "4", "socket:[1002]" },
	    { "5", "socket:[1001]" }, { "6", "pipe:[77]" } } },
	{ "101", "nginx\n", "0::/system.slice/nginx.service\n", "/usr/sbin/nginx", "net:[4026531840]",
	  { { "3", "socket:[1001]" }, { "7", "socket:[1003]" } } },
	{ "200", "churn\n", "12:pids:/old\n1:name=systemd:/x\n0::/user.slice/x.scope\n",
	  "/tmp/build/churn (deleted)", "net:[4026532000]", { { "7", "socket:[2001]" } } },
	{ "300", "locked\n", "", "/usr/bin/locked", "net:[4026531840]", { { "3", "socket:[3001]" } } },
	{ "301", "odd\n", "", "/usr/bin/odd", "net:[4026531840]",
	  { { "3", "socket:[]" }, { "4", "socket:[12x]" }, { "5", "socket:[99999999999999999999999]" },
	    { "6", "anon_inode:[eventfd]" } } },
};

static void make_fake_root(void)
{
	char rel[128];

	snprintf(root, sizeof(root), "/tmp/twtune-procscan.XXXXXX");
	if (!mkdtemp(root) || chmod(root, 0755)) {
		perror("mkdtemp");
		exit(2);
	}
	for (size_t i = 0; i < sizeof(fakes) / sizeof(fakes[0]); i++) {
		const struct fake *f = &fakes[i];

		dir(f->pid);
		snprintf(rel, sizeof(rel), "%s/fd", f->pid), dir(rel);
		snprintf(rel, sizeof(rel), "%s/ns", f->pid), dir(rel);
		snprintf(rel, sizeof(rel), "%s/comm", f->pid), put(rel, f->comm);
		snprintf(rel, sizeof(rel), "%s/cgroup", f->pid), put(rel, f->cgroup);
		snprintf(rel, sizeof(rel), "%s/exe", f->pid), link_to(f->exe, rel);
		snprintf(rel, sizeof(rel), "%s/ns/net", f->pid), link_to(f->netns, rel);
		for (size_t j = 0; j < 6 && f->fds[j][0]; j++) {
			snprintf(rel, sizeof(rel), "%s/fd/%s", f->pid, f->fds[j][0]);
			link_to(f->fds[j][1], rel);
		}
	}
	/* Entries that are not processes are stepped over. */
	dir("self");
	dir("sys");
	dir("12ab");
	put("400", "a file, not a process directory\n");
	/* Process 300's fds are only root's (like another user's /proc/PID/fd). */
	{
		char p[PATH_MAX + 16];

		snprintf(p, sizeof(p), "%s/300/fd", root);
		chmod(p, 0700);
	}
}

static struct procscan *scan(const uint64_t *inos, const uint32_t *uids, size_t n,
			     const struct procscan_opts *o, int *r)
{
	struct procscan *ps;

	if (procscan_new(&ps, 2))
		exit(2);
	for (size_t i = 0; i < n; i++)
		if (procscan_add(ps, inos[i], uids ? uids[i] : 0))
			exit(2);
	*r = procscan_run(ps, o);
	return ps;
}

static int has_pid(const struct procscan *ps, const struct procscan_sock *s, int pid)
{
	for (unsigned i = 0; s && i < s->nprocs; i++)
		if (ps->procs[s->procs[i]].pid == pid)
			return 1;
	return 0;
}

/* Expected owners per inode, in the fake tree, with no netns filter. */
static const struct {
	uint64_t ino;
	unsigned holders;
	int pid;
	const char *comm, *exe, *cgroup;
} owners[] = {
	{ 1001, 2, 100, "nginx", "nginx", "/system.slice/nginx.service" },
	{ 1002, 1, 100, "nginx", "nginx", "/system.slice/nginx.service" },
	{ 1003, 1, 101, "nginx", "nginx", "/system.slice/nginx.service" },
	{ 2001, 1, 200, "churn", "churn", "/user.slice/x.scope" },
	{ 3001, 1, 300, "locked", "locked", NULL },
	{ 9999, 0, 0, NULL, NULL, NULL },
};

static void test_fake(void)
{
	const uint64_t inos[] = { 2001, 1001, 9999, 0, 1003, 1001, 1002, 3001 };
	const uint32_t uids[] = { 4000000, 0, 65534, 0, 0, 0, 0, 0 };
	struct procscan_opts o = { .proc_root = root };
	const struct procscan_sock *s;
	struct procscan *ps;
	int r;

	ps = scan(inos, uids, 8, &o, &r);
	TAP_OK(r == 0, "fake root: scan ran (%d)", r);
	TAP_OK(ps->res.inodes == 6 && ps->res.resolved == 5 && ps->res.unresolved == 1,
	       "fake root: 6 distinct inodes, 5 resolved (%zu %zu %zu)", ps->res.inodes,
	       ps->res.resolved, ps->res.unresolved);
	TAP_OK(!ps->res.complete && ps->res.why == PROCSCAN_WHY_NOTFOUND,
	       "fake root: incomplete because no process holds 9999 (%s)", procscan_why_str(ps->res.why));
	/* a file is not a process that exited (ENOTDIR, not ENOENT) */
	TAP_OK(ps->res.pids_seen == 6 && ps->res.pids_scanned == 5 && ps->res.pids_gone == 0 &&
		       ps->res.pids_failed == 1,
	       "fake root: 6 numeric entries, 5 scanned, the file counted as failed, not gone "
	       "(%lu %lu %lu %lu)",
	       ps->res.pids_seen, ps->res.pids_scanned, ps->res.pids_gone, ps->res.pids_failed);
	TAP_OK(ps->res.fds_read == 13, "fake root: 13 fd links read (%lu)", ps->res.fds_read);
	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		const struct procscan_proc *p;

		s = procscan_find(ps, owners[i].ino);
		TAP_OK(s && s->holders == owners[i].holders, "inode %llu: %u holders",
		       (unsigned long long)owners[i].ino, owners[i].holders);
		if (!s || !owners[i].pid || !s->nprocs)
			continue;
		p = &ps->procs[s->procs[0]];
		TAP_OK(has_pid(ps, s, owners[i].pid) && !strcmp(p->comm, owners[i].comm) &&
			       !strcmp(p->exe, owners[i].exe),
		       "inode %llu: pid %d comm '%s' exe '%s'", (unsigned long long)owners[i].ino,
		       p->pid, p->comm, p->exe);
		TAP_OK(owners[i].cgroup ? p->cgroup && !strcmp(p->cgroup, owners[i].cgroup) : !p->cgroup,
		       "inode %llu: cgroup '%s'", (unsigned long long)owners[i].ino,
		       p->cgroup ? p->cgroup : "(none)");
	}
	s = procscan_find(ps, 1001);
	TAP_OK(s && has_pid(ps, s, 100) && has_pid(ps, s, 101) && s->nprocs == 2,
	       "inode 1001: both nginx processes, pid 100 counted once for its two fds");
	TAP_OK(ps->nprocs == 4, "one record per process that holds an inode asked for (%zu)",
	       ps->nprocs);
	TAP_OK(!strcmp(procscan_find(ps, 1001)->user, "root") &&
		       !strcmp(procscan_find(ps, 9999)->user, "nobody") &&
		       !strcmp(procscan_find(ps, 2001)->user, "4000000"),
	       "socket uids to names: root, nobody, unknown as the number");
	TAP_OK(procscan_find(ps, 0) == NULL && procscan_find(ps, 5) == NULL,
	       "inode 0 and inodes not asked for are not found");
	TAP_OK(procscan_add(ps, 7, 0) == -EBUSY && procscan_run(ps, &o) == -EBUSY,
	       "a procscan runs once");
	procscan_free(ps);
}

static void test_filters(void)
{
	const uint64_t inos[] = { 1001, 1002, 1003, 2001, 3001 };
	struct procscan_opts o = { .proc_root = root, .netns_ino = 4026531840ULL };
	struct procscan *ps;
	int r;

	ps = scan(inos, NULL, 5, &o, &r);
	TAP_OK(r == 0 && ps->res.pids_other_netns == 1 && !procscan_find(ps, 2001)->holders &&
		       procscan_find(ps, 1001)->holders == 2,
	       "netns filter: the process in net:[4026532000] is skipped (%lu)",
	       ps->res.pids_other_netns);
	procscan_free(ps);

	o = (struct procscan_opts){ .proc_root = root, .fd_budget = 2 };
	ps = scan(inos, NULL, 5, &o, &r);
	TAP_OK(r == 0 && ps->res.stopped == PROCSCAN_STOP_FDS && ps->res.fds_read == 2 &&
		       ps->res.why == PROCSCAN_WHY_BUDGET,
	       "fd budget 2: stops after 2 links, unresolved because of the budget (%s, %s)",
	       procscan_stop_str(ps->res.stopped), procscan_why_str(ps->res.why));
	procscan_free(ps);

	o = (struct procscan_opts){ .proc_root = root, .stop_when_resolved = true };
	ps = scan((const uint64_t[]){ 1002, 2001 }, NULL, 2, &o, &r);
	TAP_OK(r == 0 && ps->res.complete && ps->res.stopped == PROCSCAN_STOP_RESOLVED &&
		       ps->res.why == PROCSCAN_WHY_NONE && procscan_find(ps, 1002)->holders == 1,
	       "stop when resolved: complete, stopped because '%s'", procscan_stop_str(ps->res.stopped));
	procscan_free(ps);
	ps = scan((const uint64_t[]){ 1002, 9999 }, NULL, 2, &o, &r);
	TAP_OK(r == 0 && !ps->res.complete && ps->res.stopped == PROCSCAN_STOP_NONE &&
		       ps->res.pids_scanned == 5,
	       "stop when resolved, with an inode nobody holds: reads to the end");
	procscan_free(ps);

	o = (struct procscan_opts){ .proc_root = root };
	ps = scan(inos, NULL, 0, &o, &r);
	TAP_OK(r == 0 && ps->res.complete && ps->res.pids_seen == 0,
	       "nothing asked: complete without reading /proc");
	procscan_free(ps);

	o = (struct procscan_opts){ .proc_root = "/nonexistent/proc" };
	ps = scan(inos, NULL, 1, &o, &r);
	TAP_OK(r == -ENOENT, "a missing proc root is -ENOENT (%d)", r);
	procscan_free(ps);
}

/* Many inodes asked, many held: the sorted lookup finds exactly the held ones. */
static void test_many(void)
{
	enum { N = 3000 };
	struct procscan_opts o = { .proc_root = root };
	struct procscan *ps;
	char rel[64], target[64];
	size_t hit = 0;
	int r;

	dir("500");
	dir("500/fd");
	put("500/comm", "many\n");
	for (int i = 0; i < N; i++) {
		snprintf(rel, sizeof(rel), "500/fd/%d", i + 3);
		snprintf(target, sizeof(target), "socket:[%d]", 100000 + 2 * i);
		link_to(target, rel);
	}
	if (procscan_new(&ps, 0))
		exit(2);
	for (int i = 2 * N - 1; i >= 0; i--) /* descending, every inode in the range */
		procscan_add(ps, 100000 + (uint64_t)((i * 7919) % (2 * N)), 0);
	r = procscan_run(ps, &o);
	for (int i = 0; i < 2 * N; i++) {
		const struct procscan_sock *s = procscan_find(ps, 100000 + (uint64_t)i);

		if (s && s->holders == (i % 2 == 0) && (i % 2 || ps->procs[s->procs[0]].pid == 500))
			hit++;
	}
	TAP_OK(r == 0 && hit == 2 * N && ps->res.resolved == N,
	       "%d of %d inodes held by pid 500, all found, none extra (%zu, %zu)", N, 2 * N, hit,
	       ps->res.resolved);
	procscan_free(ps);
}

static const struct {
	const char *super;
	unsigned want;
} hidepids[] = {
	{ "rw", 0 },
	{ "rw,nosuid,nodev,noexec,relatime,hidepid=invisible", 2 },
	{ "rw,hidepid=2", 2 },
	{ "rw,hidepid=noaccess,gid=5", 1 },
	{ "rw,hidepid=1", 1 },
	{ "rw,subset=pid,hidepid=ptraceable", 4 },
	{ "rw,hidepid=off", 0 },
	{ "rw,nohidepid=2", 0 },
};

static void test_hidepid(void)
{
	char line[PATH_MAX + 256];
	unsigned h = 99;

	for (size_t i = 0; i < sizeof(hidepids) / sizeof(hidepids[0]); i++) {
		snprintf(line, sizeof(line),
			 "22 27 0:21 / /proc rw,relatime - proc proc rw,hidepid=2\n"
			 "40 27 0:30 / %s rw,relatime shared:9 - proc proc %s\n"
			 "41 27 0:31 / /sys rw - sysfs sysfs rw\n",
			 root, hidepids[i].super);
		put("self/mountinfo", line);
		TAP_OK(procscan_hidepid(root, &h) == 0 && h == hidepids[i].want,
		       "hidepid of '%s' is %u (%u)", hidepids[i].super, hidepids[i].want, h);
	}
	put("self/mountinfo", "bad line\n");
	TAP_OK(procscan_hidepid(root, &h) == 0 && h == 0, "a mountinfo without our mount: 0");
	TAP_OK(procscan_hidepid("/nonexistent", &h) == -ENOENT, "no mountinfo: -ENOENT");
	TAP_OK(procscan_hidepid("/proc", &h) == 0, "the real /proc: hidepid=%u", h);
}

/* Our comm and executable basename, as the kernel shows them (not
 * "test_procscan" under valgrind). */
static void self_names(char *comm, char *exe)
{
	char link[PATH_MAX];
	ssize_t n;
	FILE *f = fopen("/proc/self/comm", "re");

	if (!f || !fgets(comm, 32, f))
		exit(2);
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	if (n <= 0)
		exit(2);
	link[n] = '\0';
	snprintf(exe, PATH_MAX, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
}

/* The test's own sockets, found in the real /proc, with and without the
 * network namespace filter. */
static void test_live(const char *what)
{
	struct procscan_opts o = { .proc_root = "/proc", .time_budget_ms = 5000 };
	char cg[4096] = "", comm[32], exe[PATH_MAX], *p;
	int fds[3], r;
	uint64_t inos[3], ns;
	struct stat st;
	struct procscan *ps;
	FILE *f;

	fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fds[0] < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds + 1))
		exit(2);
	for (int i = 0; i < 3; i++) {
		fstat(fds[i], &st);
		inos[i] = st.st_ino;
	}
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(cg, sizeof(cg), f) && strncmp(cg, "0::", 3))
		cg[0] = '\0';
	if (f)
		fclose(f);
	cg[strcspn(cg, "\n")] = '\0';
	self_names(comm, exe);
	r = procscan_netns_ino("/proc/self/ns/net", &ns);
	TAP_OK(r == 0 && ns, "%s: our netns inode %llu", what, (unsigned long long)ns);
	for (int pass = 0; pass < 2; pass++) {
		const struct procscan_sock *s;
		const struct procscan_proc *pr;

		o.netns_ino = pass ? ns : 0;
		ps = scan(inos, NULL, 3, &o, &r);
		s = procscan_find(ps, inos[0]);
		TAP_OK(r == 0 && ps->res.complete && s && s->holders == 1 && s->nprocs == 1,
		       "%s%s: our 3 sockets resolved (%zu of %zu, %.1f ms, %lu fds)", what,
		       pass ? ", this netns only" : "", ps->res.resolved, ps->res.inodes,
		       ps->res.elapsed_ms, ps->res.fds_read);
		if (!s || !s->nprocs) {
			procscan_free(ps);
			continue;
		}
		pr = &ps->procs[s->procs[0]];
		p = cg[0] ? cg + 3 : NULL;
		TAP_OK(pr->pid == getpid() && !strcmp(pr->comm, comm) && !strcmp(pr->exe, exe) &&
			       pr->uid == geteuid() &&
			       (p ? pr->cgroup && !strcmp(pr->cgroup, p) : !pr->cgroup),
		       "%s: pid %d comm '%s' exe '%s' user '%s' cgroup '%s'", what, pr->pid, pr->comm,
		       pr->exe, pr->user, pr->cgroup ? pr->cgroup : "(none)");
		procscan_free(ps);
	}
	for (int i = 0; i < 3; i++)
		close(fds[i]);
}

/* As user nobody: its own sockets resolve, root's fds (fake pid 300, and
 * the parent's socket in the real /proc) do not, and the reason says so. */
static void test_nobody(void)
{
	int pfd[2], sock, status;
	struct stat st;
	unsigned long got[6] = { 0 };
	pid_t pid;

	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || fstat(sock, &st) || pipe(pfd))
		exit(2);
	fflush(stdout); /* the child must not print our TAP lines again */
	pid = fork();
	if (pid == 0) {
		const uint64_t fake[] = { 1001, 3001 };
		uint64_t real[2];
		struct procscan_opts o = { .proc_root = root };
		struct procscan *ps;
		int own = socket(AF_INET, SOCK_STREAM, 0), r;
		struct stat ost;
		unsigned long out[6];

		close(sock); /* only the parent, root, holds it now */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(3);
		prctl(PR_SET_DUMPABLE, 1); /* as after an exec */
		ps = scan(fake, NULL, 2, &o, &r);
		out[0] = (unsigned long)ps->res.unresolved;
		out[1] = ps->res.pids_denied;
		out[2] = ps->res.why;
		procscan_free(ps);
		fstat(own, &ost);
		real[0] = st.st_ino;
		real[1] = ost.st_ino;
		o.proc_root = "/proc";
		ps = scan(real, NULL, 2, &o, &r);
		out[3] = procscan_find(ps, ost.st_ino)->holders;
		out[4] = procscan_find(ps, st.st_ino)->holders;
		out[5] = ps->res.why;
		procscan_free(ps);
		_exit(write(pfd[1], out, sizeof(out)) == sizeof(out) ? 0 : 4);
	}
	close(pfd[1]);
	if (read(pfd[0], got, sizeof(got)) != sizeof(got))
		got[0] = 99;
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "nobody: the child ran (%d)", status);
	TAP_OK(got[0] == 1 && got[1] >= 1 && got[2] == PROCSCAN_WHY_DENIED,
	       "nobody, fake root: 1 unresolved, %lu denied, why '%s'", got[1],
	       procscan_why_str((enum procscan_why)got[2]));
	TAP_OK(got[3] == 1 && got[4] == 0 && got[5] == PROCSCAN_WHY_DENIED,
	       "nobody, /proc: its own socket resolved, root's not, why '%s'",
	       procscan_why_str((enum procscan_why)got[5]));
	close(pfd[0]);
	close(sock);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

static void cleanup(void)
{
	TAP_OK(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "the fake proc tree is removed");
}

int main(void)
{
	make_fake_root();
	test_fake();
	test_filters();
	test_many();
	test_hidepid();
	test_live("live");
	if (geteuid() == 0) {
		test_nobody();
		if (unshare(CLONE_NEWNET) == 0)
			test_live("live, in a new network namespace");
		else
			TAP_OK(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	}
	cleanup();
	return tap_done();
}
