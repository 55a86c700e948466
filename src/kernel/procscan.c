// SPDX-License-Identifier: GPL-2.0-or-later
/* procscan.c: which processes hold the given sockets, from /proc/PID/fd */
#include "procscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "readfile.h"
#include "runtime_probe.h"

/* How often, in fd links read, the clock is looked at. */
#define TIME_CHECK_EVERY 64

struct scan {
	struct procscan *ps;
	const struct procscan_opts *o;
	struct timespec start;
	size_t resolved;
	bool stop;
};

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int procscan_new(struct procscan **out, size_t hint)
{
	struct procscan *ps = calloc(1, sizeof(*ps));

	*out = NULL;
	if (!ps)
		return -ENOMEM;
	if (hint) {
		ps->socks = calloc(hint, sizeof(*ps->socks));
		if (!ps->socks) {
			free(ps);
			return -ENOMEM;
		}
		ps->capsocks = hint;
	}
	*out = ps;
	return 0;
}

void procscan_free(struct procscan *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->nprocs; i++)
		free(ps->procs[i].cgroup);
	for (size_t i = 0; i < ps->nusers; i++)
		free(ps->users[i].name);
	free(ps->socks);
	free(ps->procs);
	free(ps->users);
	free(ps);
}

int procscan_add(struct procscan *ps, uint64_t inode, uint32_t uid)
{
	struct procscan_sock *s;
	int r;

	if (ps->sorted)
		return -EBUSY;
	if (!inode)
		return 0;
	r = grow((void **)&ps->socks, &ps->capsocks, ps->nsocks + 1, sizeof(*ps->socks));
	if (r)
		return r;
	s = &ps->socks[ps->nsocks++];
	memset(s, 0, sizeof(*s));
	s->inode = inode;
	s->uid = uid;
	return 0;
}

static int cmp_sock(const void *a, const void *b)
{
	const struct procscan_sock *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

const struct procscan_sock *procscan_find(const struct procscan *ps, uint64_t inode)
{
	struct procscan_sock key = { .inode = inode };

	if (!ps->sorted || !ps->nsocks)
		return NULL;
	return bsearch(&key, ps->socks, ps->nsocks, sizeof(key), cmp_sock);
}

/* The user name of uid, looked up once per uid; the number when unknown. */
static const char *user_name(struct procscan *ps, uint32_t uid)
{
	char num[16], *buf = NULL, *name;
	struct passwd pw, *res = NULL;
	size_t len = 1024;
	int r;

	for (size_t i = 0; i < ps->nusers; i++)
		if (ps->users[i].uid == uid)
			return ps->users[i].name;
	if (grow((void **)&ps->users, &ps->capusers, ps->nusers + 1, sizeof(*ps->users)))
		return NULL;
	do {
		char *nb = realloc(buf, len);

		if (!nb)
			break;
		buf = nb;
		r = getpwuid_r((uid_t)uid, &pw, buf, len, &res);
		len *= 2;
	} while (r == ERANGE && len <= 65536);
	snprintf(num, sizeof(num), "%u", uid);
	name = strdup(res ? pw.pw_name : num);
	free(buf);
	if (!name)
		return NULL;
	ps->users[ps->nusers].uid = uid;
	ps->users[ps->nusers].name = name;
	return ps->users[ps->nusers++].name;
}

/* The cgroup v2 path: the line "0::PATH" of /proc/PID/cgroup. */
static char *read_cgroup(int pidfd)
{
	char buf[8192], *p, *end;
	size_t n;

	if (readfile_at(pidfd, "cgroup", buf, sizeof(buf), &n))
		return NULL;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, "0::", 3))
			continue;
		p += 3;
		end = strchr(p, '\n');
		return strndup(p, end ? (size_t)(end - p) : strlen(p));
	}
	return NULL;
}

static void read_exe(int pidfd, char *exe, size_t len)
{
	char link[PATH_MAX], *base;
	ssize_t n = readlinkat(pidfd, "exe", link, sizeof(link) - 1);
	size_t l;

	exe[0] = '\0';
	if (n <= 0)
		return;
	link[n] = '\0';
	l = (size_t)n;
	if (l > 10 && !strcmp(link + l - 10, " (deleted)"))
		link[l - 10] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	l = strnlen(base, len - 1);
	memcpy(exe, base, l);
	exe[l] = '\0';
}

/* Records process pid (its directory is pidfd); its index or -errno. */
static int add_proc(struct procscan *ps, int pidfd, int pid)
{
	struct procscan_proc *p;
	struct stat st;
	size_t n;
	int r;

	r = grow((void **)&ps->procs, &ps->capprocs, ps->nprocs + 1, sizeof(*ps->procs));
	if (r)
		return r;
	p = &ps->procs[ps->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (fstat(pidfd, &st) == 0)
		p->uid = (uint32_t)st.st_uid;
	p->user = user_name(ps, p->uid);
	if (readfile_at(pidfd, "comm", p->comm, sizeof(p->comm), &n) == 0 && n && p->comm[n - 1] == '\n')
		p->comm[n - 1] = '\0';
	read_exe(pidfd, p->exe, sizeof(p->exe));
	p->cgroup = read_cgroup(pidfd);
	runtime_probe(pidfd, p->comm, p->exe, &ps->exes, &p->rt);
	return (int)ps->nprocs++;
}

/* Parses "PREFIX[N]" with PREFIX "socket:" or "net:"; 0 when it does not match. */
static uint64_t bracket_ino(const char *link, const char *prefix)
{
	size_t pl = strlen(prefix);
	unsigned long long v = 0;
	const char *p;

	if (strncmp(link, prefix, pl) || link[pl] != '[')
		return 0;
	for (p = link + pl + 1; *p >= '0' && *p <= '9'; p++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return 0;
		v = v * 10 + (unsigned)(*p - '0');
	}
	return (*p == ']' && !p[1]) ? v : 0;
}

static bool over_budget(struct scan *sc)
{
	const struct procscan_opts *o = sc->o;
	struct procscan_result *res = &sc->ps->res;

	if (o->fd_budget && res->fds_read >= o->fd_budget) {
		res->stopped = PROCSCAN_STOP_FDS;
		return sc->stop = true;
	}
	if (o->time_budget_ms && res->fds_read % TIME_CHECK_EVERY == 0 &&
	    ms_since(&sc->start) >= o->time_budget_ms) {
		res->stopped = PROCSCAN_STOP_TIME;
		return sc->stop = true;
	}
	return false;
}

/* One fd link of process pid that names socket ino. */
static int found(struct scan *sc, int pidfd, int pid, uint64_t ino, int *cur)
{
	struct procscan_sock *s = (struct procscan_sock *)procscan_find(sc->ps, ino);

	if (!s || s->last_pid == pid)
		return 0;
	s->last_pid = pid;
	if (!s->holders++ && ++sc->resolved == sc->ps->nsocks && sc->o->stop_when_resolved) {
		sc->ps->res.stopped = PROCSCAN_STOP_RESOLVED;
		sc->stop = true;
	}
	if (s->nprocs >= PROCSCAN_OWNERS)
		return 0;
	if (*cur < 0)
		*cur = add_proc(sc->ps, pidfd, pid);
	if (*cur < 0)
		return *cur;
	s->procs[s->nprocs++] = *cur;
	return 0;
}

/* The socket inode fd link name points at, or 0. stat() follows the link
 * to the socket itself (cheaper than formatting and parsing the link
 * text); a link that leads nowhere (a fake tree for tests, or an fd just
 * closed) is read as text "socket:[N]". */
static uint64_t fd_socket_ino(int fdfd, const char *name, char *link, size_t len)
{
	struct stat st;
	ssize_t n;

	if (fstatat(fdfd, name, &st, 0) == 0)
		return S_ISSOCK(st.st_mode) ? (uint64_t)st.st_ino : 0;
	if (errno != ENOENT)
		return 0;
	n = readlinkat(fdfd, name, link, len - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return bracket_ino(link, "socket:");
}

/* A process whose entries could not be read: it exited meanwhile (ENOENT,
 * ESRCH), is not ours to read (EACCES, EPERM), or something else. */
static void count_error(struct procscan_result *res, int err)
{
	if (err == EACCES || err == EPERM)
		res->pids_denied++;
	else if (err == ENOENT || err == ESRCH)
		res->pids_gone++;
	else
		res->pids_failed++;
}

/* Reads the fd links of one process. 0 or -ENOMEM. */
static int scan_fds(struct scan *sc, int pidfd, int pid)
{
	struct procscan_result *res = &sc->ps->res;
	char link[64];
	struct dirent *e;
	int fdfd, cur = -1, r = 0;
	DIR *d;

	fdfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		count_error(res, errno);
		return 0;
	}
	d = fdopendir(fdfd);
	if (!d) {
		close(fdfd);
		return -ENOMEM;
	}
	res->pids_scanned++;
	while (!r && !sc->stop && (e = readdir(d))) {
		uint64_t ino;

		if (e->d_name[0] == '.')
			continue;
		if (over_budget(sc))
			break;
		res->fds_read++;
		ino = fd_socket_ino(fdfd, e->d_name, link, sizeof(link));
		if (ino)
			r = found(sc, pidfd, pid, ino, &cur);
	}
	closedir(d);
	return r;
}

/* Is the process in the network namespace asked for? 1 yes, 0 no or unknown. */
static int in_netns(struct scan *sc, int pidfd)
{
	struct procscan_result *res = &sc->ps->res;
	char link[64];
	ssize_t n = readlinkat(pidfd, "ns/net", link, sizeof(link) - 1);

	if (n <= 0) {
		count_error(res, errno);
		return 0;
	}
	link[n] = '\0';
	if (bracket_ino(link, "net:") != sc->o->netns_ino) {
		res->pids_other_netns++;
		return 0;
	}
	return 1;
}

static int pid_of(const char *name)
{
	long v = 0;

	if (!*name)
		return 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > INT_MAX / 10)
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v > 0 && v <= INT_MAX ? (int)v : 0;
}

static int scan_root(struct scan *sc, int rootfd)
{
	struct procscan_result *res = &sc->ps->res;
	struct dirent *e;
	int dfd, r = 0;
	DIR *d;

	dfd = dup(rootfd);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		r = -errno;
		close(dfd);
		return r;
	}
	while (!r && !sc->stop && (e = readdir(d))) {
		int pid = pid_of(e->d_name), pidfd;

		if (!pid)
			continue;
		res->pids_seen++;
		if (sc->o->time_budget_ms && ms_since(&sc->start) >= sc->o->time_budget_ms) {
			res->stopped = PROCSCAN_STOP_TIME;
			break;
		}
		pidfd = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pidfd < 0) {
			count_error(res, errno);
			continue;
		}
		if (!sc->o->netns_ino || in_netns(sc, pidfd))
			r = scan_fds(sc, pidfd, pid);
		close(pidfd);
	}
	closedir(d);
	return r;
}

/* Sorts and dedupes the inodes asked for. */
static void prepare(struct procscan *ps)
{
	size_t w = 0;

	qsort(ps->socks, ps->nsocks, sizeof(*ps->socks), cmp_sock);
	for (size_t i = 0; i < ps->nsocks; i++)
		if (!w || ps->socks[w - 1].inode != ps->socks[i].inode)
			ps->socks[w++] = ps->socks[i];
	ps->nsocks = w;
	ps->sorted = true;
}

static void summarise(struct procscan *ps)
{
	struct procscan_result *res = &ps->res;

	res->inodes = ps->nsocks;
	for (size_t i = 0; i < ps->nsocks; i++) {
		ps->socks[i].user = user_name(ps, ps->socks[i].uid);
		if (ps->socks[i].holders)
			res->resolved++;
	}
	res->unresolved = res->inodes - res->resolved;
	res->complete = res->unresolved == 0;
	if (res->complete)
		res->why = PROCSCAN_WHY_NONE;
	else if (res->stopped == PROCSCAN_STOP_TIME || res->stopped == PROCSCAN_STOP_FDS)
		res->why = PROCSCAN_WHY_BUDGET;
	else if (res->hidepid && geteuid() != 0)
		res->why = PROCSCAN_WHY_HIDEPID;
	else if (res->pids_denied && geteuid() != 0)
		res->why = PROCSCAN_WHY_DENIED;
	/* as root, an EACCES here and there (a process of another user
	 * namespace, a security module) is not what hid the owners when
	 * processes exited during the scan */
	else if (res->pids_gone)
		res->why = PROCSCAN_WHY_EXITED;
	else if (res->pids_denied)
		res->why = PROCSCAN_WHY_PERMISSION;
	else
		res->why = PROCSCAN_WHY_NOTFOUND;
}

int procscan_run(struct procscan *ps, const struct procscan_opts *o)
{
	struct scan sc = { .ps = ps, .o = o };
	int rootfd, r = 0;

	if (ps->sorted)
		return -EBUSY;
	clock_gettime(CLOCK_MONOTONIC, &sc.start);
	prepare(ps);
	if (procscan_hidepid(o->proc_root, &ps->res.hidepid))
		ps->res.hidepid = 0;
	if (ps->nsocks) {
		rootfd = open(o->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
		r = scan_root(&sc, rootfd);
		close(rootfd);
	}
	summarise(ps);
	ps->res.elapsed_ms = ms_since(&sc.start);
	return r;
}

int procscan_netns_ino(const char *path, uint64_t *ino)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static unsigned hidepid_value(const char *opts)
{
	static const struct {
		const char *name;
		unsigned v;
	} vals[] = { { "0", 0 }, { "off", 0 },       { "1", 1 },          { "noaccess", 1 },
		     { "2", 2 }, { "invisible", 2 }, { "4", 4 },          { "ptraceable", 4 } };
	const char *p = strstr(opts, "hidepid=");
	size_t n;

	if (!p || (p != opts && p[-1] != ','))
		return 0;
	p += 8;
	n = strcspn(p, ",");
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (strlen(vals[i].name) == n && !strncmp(p, vals[i].name, n))
			return vals[i].v;
	return 0;
}

int procscan_hidepid(const char *proc_root, unsigned *hidepid)
{
	char path[PATH_MAX], root[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;

	*hidepid = 0;
	if (!realpath(proc_root, root))
		snprintf(root, sizeof(root), "%s", proc_root);
	snprintf(path, sizeof(path), "%s/self/mountinfo", proc_root);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX], fstype[64], super[1024], *dash;

		dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		unescape(mnt);
		if (!strcmp(fstype, "proc") && !strcmp(mnt, root))
			*hidepid = hidepid_value(super); /* the last mount on top wins */
	}
	free(line);
	fclose(f);
	return 0;
}

const char *procscan_why_str(enum procscan_why why)
{
	switch (why) {
	case PROCSCAN_WHY_NONE:
		return "all processes resolved";
	case PROCSCAN_WHY_BUDGET:
		return "the process scan stopped at its budget";
	case PROCSCAN_WHY_HIDEPID:
		return "/proc hides other users' processes (hidepid)";
	case PROCSCAN_WHY_DENIED:
		return "other users' /proc/PID/fd are not readable without root";
	case PROCSCAN_WHY_EXITED:
		return "processes exited before the scan";
	case PROCSCAN_WHY_PERMISSION:
		return "processes not readable: permission";
	case PROCSCAN_WHY_NOTFOUND:
		return "no visible process holds them (closed before the scan, or in another pid "
		       "namespace)";
	}
	return "unknown";
}

static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "es";
}

const char *procscan_why_text(const struct procscan_result *r, char *buf, size_t len)
{
	char denied[64] = "";

	if (r->pids_denied)
		snprintf(denied, sizeof(denied), "%lu not readable: permission", r->pids_denied);
	switch (r->why) {
	case PROCSCAN_WHY_EXITED:
		snprintf(buf, len, "%lu process%s exited before the scan%s%s", r->pids_gone,
			 plural(r->pids_gone), *denied ? ", " : "", denied);
		break;
	case PROCSCAN_WHY_PERMISSION:
		snprintf(buf, len, "%lu process%s not readable: permission", r->pids_denied,
			 plural(r->pids_denied));
		break;
	case PROCSCAN_WHY_DENIED:
		if (r->pids_gone) {
			snprintf(buf, len, "%s (%lu process%s); %lu process%s exited before the scan",
				 procscan_why_str(r->why), r->pids_denied, plural(r->pids_denied),
				 r->pids_gone, plural(r->pids_gone));
			break;
		}
		/* fall through */
	default:
		snprintf(buf, len, "%s", procscan_why_str(r->why));
	}
	return buf;
}

const char *procscan_stop_str(enum procscan_stop stop)
{
	switch (stop) {
	case PROCSCAN_STOP_NONE:
		return "complete";
	case PROCSCAN_STOP_TIME:
		return "time budget";
	case PROCSCAN_STOP_FDS:
		return "fd budget";
	case PROCSCAN_STOP_RESOLVED:
		return "every socket resolved";
	}
	return "unknown";
}
