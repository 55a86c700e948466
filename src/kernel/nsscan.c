// SPDX-License-Identifier: GPL-2.0-or-later
/* nsscan.c: every network namespace of the host */
#include "nsscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "readfile.h"

const char *const nsscan_default_dirs[] = { "/run/netns", "/var/run/docker/netns", NULL };

static size_t hash(unsigned long long ino, unsigned long long dev, size_t nslots)
{
	unsigned long long h = (ino ^ (dev << 17)) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (nslots - 1);
}

/* Index of the namespace (dev, ino), or -1. */
static long find(const struct nsscan *s, unsigned long long ino, unsigned long long dev)
{
	if (!s->nslots)
		return -1;
	for (size_t h = hash(ino, dev, s->nslots);; h = (h + 1) & (s->nslots - 1)) {
		size_t v = s->slot[h];

		if (!v)
			return -1;
		if (s->ns[v - 1].inode == ino && s->ns[v - 1].dev == dev)
			return (long)(v - 1);
	}
}

static int rehash(struct nsscan *s, size_t nslots)
{
	size_t *slot = calloc(nslots, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	free(s->slot);
	s->slot = slot;
	s->nslots = nslots;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = hash(s->ns[i].inode, s->ns[i].dev, nslots);

		while (slot[h])
			h = (h + 1) & (nslots - 1);
		slot[h] = i + 1;
	}
	return 0;
}

/* Adds a namespace; returns its index or -ENOMEM. */
static long add(struct nsscan *s, unsigned long long ino, unsigned long long dev)
{
	struct netns_info *ns;
	int r;

	if (grow((void **)&s->ns, &s->cap, s->n + 1, sizeof(*s->ns)) < 0)
		return -ENOMEM;
	ns = &s->ns[s->n++];
	memset(ns, 0, sizeof(*ns));
	ns->inode = ino;
	ns->dev = dev;
	ns->name_dir = -1;
	if (s->n * 2 > s->nslots) {
		r = rehash(s, s->nslots ? s->nslots * 2 : 64);
		if (r < 0) {
			s->n--;
			return r;
		}
	} else {
		size_t h = hash(ino, dev, s->nslots);

		while (s->slot[h])
			h = (h + 1) & (s->nslots - 1);
		s->slot[h] = s->n;
	}
	return (long)(s->n - 1);
}

/* Counts an error of a /proc entry or a bind mount. */
static void count_error(struct nsscan *s, int err)
{
	if (err == ENOENT || err == ESRCH)
		s->vanished++;
	else if (err == EACCES || err == EPERM)
		s->denied++;
	else
		s->failed++;
}

/* True when pid would be kept among the first processes of ns. */
static bool wants_proc(const struct netns_info *ns, int pid)
{
	return ns->nprocs < NSSCAN_PROCS || pid < ns->procs[ns->nprocs - 1].pid;
}

static void keep_proc(struct netns_info *ns, int pid, const char *comm)
{
	unsigned i;

	if (!wants_proc(ns, pid))
		return;
	if (ns->nprocs < NSSCAN_PROCS)
		ns->nprocs++;
	for (i = ns->nprocs - 1; i > 0 && ns->procs[i - 1].pid > pid; i--)
		ns->procs[i] = ns->procs[i - 1];
	ns->procs[i].pid = pid;
	snprintf(ns->procs[i].comm, sizeof(ns->procs[i].comm), "%s", comm);
}

/* What one process tells: read before anything is changed, so that a
 * process that exits half-way leaves no trace. */
struct proc_seen {
	char comm[16];
	bool has_comm, has_owner;
	struct ns_owner owner;
};

static int read_proc(const struct nsscan *s, const char *pid, bool comm, bool cgroup,
		     struct proc_seen *p)
{
	char path[512], buf[4096];
	int r;

	memset(p, 0, sizeof(*p));
	if (comm) {
		snprintf(path, sizeof(path), "%s/%s/comm", s->proc_root, pid);
		r = readfile_at(AT_FDCWD, path, p->comm, sizeof(p->comm), NULL);
		if (r < 0)
			return r;
		p->comm[strcspn(p->comm, "\n")] = '\0';
		p->has_comm = true;
	}
	if (cgroup) {
		snprintf(path, sizeof(path), "%s/%s/cgroup", s->proc_root, pid);
		r = readfile_at(AT_FDCWD, path, buf, sizeof(buf), NULL);
		if (r < 0)
			return r;
		nsowner_parse(buf, &p->owner);
		p->has_owner = p->owner.pod_uid[0] || p->owner.runtime != NS_RUNTIME_NONE;
	}
	return 0;
}

/* The owner of the lowest pid that names one; a pod wins over a container. */
static void keep_owner(struct netns_info *ns, int pid, const struct ns_owner *o)
{
	bool pod = o->pod_uid[0], had_pod = ns->owner.pod_uid[0];

	if (ns->owner_pid && (had_pod > pod || (had_pod == pod && ns->owner_pid < pid)))
		return;
	ns->owner = *o;
	ns->owner_pid = pid;
}

static int scan_one_proc(struct nsscan *s, const char *name)
{
	char path[512];
	struct proc_seen seen;
	struct stat st;
	long i;
	int pid = (int)strtol(name, NULL, 10), r; /* is_pid: at most 9 digits */
	bool host;

	snprintf(path, sizeof(path), "%s/%s/ns/net", s->proc_root, name);
	if (stat(path, &st) < 0) {
		count_error(s, errno);
		return 0;
	}
	i = find(s, st.st_ino, st.st_dev);
	host = i >= 0 && s->ns[i].host;
	r = read_proc(s, name, i < 0 || wants_proc(&s->ns[i], pid), !host, &seen);
	if (r < 0) {
		count_error(s, -r);
		return 0;
	}
	if (i < 0) {
		i = add(s, st.st_ino, st.st_dev);
		if (i < 0)
			return (int)i;
	}
	s->ns[i].process_count++;
	if (seen.has_comm)
		keep_proc(&s->ns[i], pid, seen.comm);
	if (seen.has_owner)
		keep_owner(&s->ns[i], pid, &seen.owner);
	return 0;
}

/* A directory name of /proc that is a pid: 1 to 9 digits, no leading 0
 * (pid_max is at most 2^22). */
static bool is_pid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 9 || s[0] == '0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int scan_procs(struct nsscan *s)
{
	DIR *d = opendir(s->proc_root);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!is_pid(e->d_name))
			continue;
		r = scan_one_proc(s, e->d_name);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* The host's namespace: PROC/1/ns/net, else PROC/self/ns/net. */
static int add_host(struct nsscan *s, unsigned long long *nsfs_dev)
{
	char path[512];
	struct stat st;
	long i;

	snprintf(path, sizeof(path), "%s/1/ns/net", s->proc_root);
	if (stat(path, &st) < 0) {
		s->host_from_self = true;
		snprintf(path, sizeof(path), "%s/self/ns/net", s->proc_root);
		if (stat(path, &st) < 0)
			return -errno;
	}
	i = add(s, st.st_ino, st.st_dev);
	if (i < 0)
		return (int)i;
	s->ns[i].host = true;
	*nsfs_dev = st.st_dev;
	return 0;
}

/* A bind mount not held by any process: is it a network namespace? */
static bool is_netns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), t;

	if (fd < 0)
		return false;
	t = ioctl(fd, NS_GET_NSTYPE);
	close(fd);
	return t == CLONE_NEWNET;
}

static int add_path(struct netns_info *ns, const char *path)
{
	ns->paths_found++;
	if (ns->npaths == NSSCAN_PATHS)
		return 0;
	ns->paths[ns->npaths] = strdup(path);
	if (!ns->paths[ns->npaths])
		return -ENOMEM;
	ns->npaths++;
	return 0;
}

static int scan_mount(struct nsscan *s, int dir, const char *dpath, const char *name,
		      unsigned long long nsfs_dev)
{
	char path[4096];
	struct stat st;
	long i;

	if (snprintf(path, sizeof(path), "%s/%s", dpath, name) >= (int)sizeof(path))
		return 0;
	if (stat(path, &st) < 0) {
		count_error(s, errno);
		return 0;
	}
	/* A file left behind by a namespace that was not unmounted is on
	 * the directory's file system, not on nsfs. */
	if ((unsigned long long)st.st_dev != nsfs_dev)
		return 0;
	i = find(s, st.st_ino, st.st_dev);
	if (i < 0) {
		if (!is_netns(path))
			return 0;
		i = add(s, st.st_ino, st.st_dev);
		if (i < 0)
			return (int)i;
	}
	if (!s->ns[i].name[0]) {
		snprintf(s->ns[i].name, sizeof(s->ns[i].name), "%s", name);
		s->ns[i].name_dir = dir;
	}
	return add_path(&s->ns[i], path);
}

static int scan_dir(struct nsscan *s, int dir, const char *dpath, unsigned long long nsfs_dev)
{
	DIR *d = opendir(dpath);
	struct dirent *e;
	int r = 0;

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			count_error(s, errno);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = scan_mount(s, dir, dpath, e->d_name, nsfs_dev);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* True when an earlier entry of dirs names the same directory. */
static bool seen_before(const char *const *dirs, int i)
{
	struct stat a, b;

	if (stat(dirs[i], &a) < 0)
		return false;
	for (int j = 0; j < i; j++)
		if (stat(dirs[j], &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return true;
	return false;
}

/* Each directory once, also when two names reach it (/var/run -> /run). */
static int scan_dirs(struct nsscan *s, const char *const *dirs, unsigned long long nsfs_dev)
{
	int r;

	for (int i = 0; dirs && dirs[i]; i++) {
		if (seen_before(dirs, i))
			continue;
		r = scan_dir(s, i, dirs[i], nsfs_dev);
		if (r < 0)
			return r;
	}
	return 0;
}

static int by_host_inode(const void *a, const void *b)
{
	const struct netns_info *x = a, *y = b;

	if (x->host != y->host)
		return x->host ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

void nsscan_label(const struct netns_info *ns, char *buf, size_t len)
{
	if (ns->host)
		snprintf(buf, len, "host");
	else if (ns->name[0] && ns->name_dir == 0 && strncmp(ns->name, "cni-", 4) != 0)
		snprintf(buf, len, "%s", ns->name);
	else if (ns->owner.pod_uid[0])
		snprintf(buf, len, "pod %.8s", ns->owner.pod_uid);
	else if (ns->owner.container[0])
		snprintf(buf, len, "container %.12s", ns->owner.container);
	else if (ns->nprocs)
		snprintf(buf, len, "%s", ns->procs[0].comm);
	else if (ns->name[0])
		snprintf(buf, len, "%s", ns->name);
	else
		snprintf(buf, len, "inode %llu", ns->inode);
}

/* The process path after the bind mounts, the order, the labels. */
static int finish(struct nsscan *s)
{
	char path[512];
	int r;

	for (size_t i = 0; i < s->n; i++) {
		struct netns_info *ns = &s->ns[i];

		if (ns->nprocs) {
			snprintf(path, sizeof(path), "%s/%d/ns/net", s->proc_root, ns->procs[0].pid);
			r = add_path(ns, path);
			if (r < 0)
				return r;
		}
		nsscan_label(ns, ns->label, sizeof(ns->label));
	}
	free(s->slot);
	s->slot = NULL;
	s->nslots = 0;
	if (s->n > 1)
		qsort(s->ns, s->n, sizeof(*s->ns), by_host_inode);
	return 0;
}

int nsscan_run(struct nsscan *s, const char *proc_root, const char *const *dirs)
{
	unsigned long long nsfs_dev = 0;
	int r;

	memset(s, 0, sizeof(*s));
	s->proc_root = strdup(proc_root);
	if (!s->proc_root)
		return -ENOMEM;
	r = add_host(s, &nsfs_dev);
	if (r >= 0)
		r = scan_procs(s);
	if (r >= 0)
		r = scan_dirs(s, dirs, nsfs_dev);
	if (r >= 0)
		r = finish(s);
	return r;
}

void nsscan_free(struct nsscan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		for (unsigned j = 0; j < s->ns[i].npaths; j++)
			free(s->ns[i].paths[j]);
	free(s->ns);
	free(s->slot);
	free(s->proc_root);
	memset(s, 0, sizeof(*s));
}
