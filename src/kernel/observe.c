// SPDX-License-Identifier: GPL-2.0-or-later
/* observe.c: loads observe.bpf.c through its skeleton, attaches it, and
 * reads its maps into a struct obs_window. Never prints. */
#include "observation.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#ifndef TWTUNE_HAVE_BPF

/* Built without clang, bpftool or libbpf-dev: nothing to load. */
int observe_start(const struct observe_opts *o, struct observe_session **out,
		  struct obs_failure *why)
{
	(void)o;
	*out = NULL;
	*why = (struct obs_failure){ .what = OBS_NOT_BUILT, .err = EOPNOTSUPP };
	snprintf(why->reason, sizeof(why->reason), "%s", strerror(EOPNOTSUPP));
	return -EOPNOTSUPP;
}

void observe_wait(struct observe_session *s, double seconds, volatile sig_atomic_t *stop)
{
	(void)s, (void)seconds, (void)stop;
}

int observe_collect(struct observe_session *s, struct obs_window *obs)
{
	(void)s;
	memset(obs, 0, sizeof(*obs));
	return -EOPNOTSUPP;
}

int observe_peek(struct observe_session *s, struct obs_window *obs)
{
	return observe_collect(s, obs);
}

void observe_stop(struct observe_session *s)
{
	(void)s;
}

#else

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "observe.h"
/* bpftool embeds the BPF object as one long string literal. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#pragma GCC diagnostic ignored "-Wpedantic"
#include "observe.skel.h"
#pragma GCC diagnostic pop

#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"
#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39
#define MAX_LINKS 8
#define CGROUP2_MAGIC 0x63677270
#define FILEID_KERNFS 0xfe

struct observe_session {
	struct observe_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	size_t nlinks;
	struct timespec t0;
	uint32_t netns; /* 0: every namespace */
	uint32_t pidns; /* the reader's PID namespace: pids as it sees them */
};

/* libbpf's first warning (it names the program and the cause; the later
 * ones only that loading failed): kept, not printed (only cmd_* print). */
static char libbpf_first[96];

__attribute__((format(printf, 2, 0)))
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[160];
	const char *p = line;
	size_t n;

	if (level != LIBBPF_WARN || libbpf_first[0])
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(p, "libbpf: ", 8))
		p += 8;
	n = strlen(p) < sizeof(libbpf_first) ? strlen(p) : sizeof(libbpf_first) - 1;
	memcpy(libbpf_first, p, n);
	libbpf_first[n] = '\0';
	return 0;
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Root, or CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN before 5.8), effective. */
static bool privileged(void)
{
	char line[256];
	unsigned long long eff = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	if (!found)
		return geteuid() == 0;
	if ((eff >> CAP_BPF_BIT & 1) && (eff >> CAP_PERFMON_BIT & 1))
		return true;
	return eff >> CAP_SYS_ADMIN_BIT & 1;
}

/* The kernel's lockdown mode "confidentiality" forbids reading kernel memory. */
static bool locked_down(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[confidentiality]") != NULL;
}

static int fail(struct obs_failure *why, enum obs_missing what, int err, const char *detail)
{
	why->what = what;
	why->err = err;
	/* libbpf's own error numbers (4000 and up) have their own texts */
	if (libbpf_strerror(err, why->reason, sizeof(why->reason)) < 0)
		snprintf(why->reason, sizeof(why->reason), "%s", strerror(err));
	snprintf(why->detail, sizeof(why->detail), "%s", detail ? detail : "");
	return -err;
}

static int attach_all(struct observe_session *s, struct obs_failure *why)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, s->skel->obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(prog))
			continue;
		if (s->nlinks == MAX_LINKS)
			return fail(why, OBS_ATTACH, E2BIG, bpf_program__name(prog));
		l = bpf_program__attach(prog);
		if (!l)
			return fail(why, OBS_ATTACH, errno ? errno : EINVAL,
				    bpf_program__section_name(prog));
		s->links[s->nlinks++] = l;
	}
	return 0;
}

static int load(struct observe_session *s, const struct observe_opts *o, struct obs_failure *why)
{
	struct bpf_object_open_opts oo = { .sz = sizeof(oo), .btf_custom_path = o->btf_path };
	int r;

	libbpf_first[0] = '\0';
	libbpf_set_print(libbpf_quiet);
	s->skel = observe_bpf__open_opts(&oo);
	if (!s->skel)
		return fail(why, OBS_OPEN, errno ? errno : EINVAL, libbpf_first);
	s->skel->rodata->target_netns = s->netns;
	s->skel->rodata->reader_pidns = s->pidns;
	r = observe_bpf__load(s->skel);
	if (r < 0)
		return fail(why, OBS_LOAD, -r, libbpf_first);
	return attach_all(s, why);
}

int observe_start(const struct observe_opts *o, struct observe_session **out,
		  struct obs_failure *why)
{
	const char *btf = o->btf_path ? o->btf_path : DEFAULT_BTF;
	struct observe_session *s;
	struct stat st, pidns;
	int r;

	*out = NULL;
	memset(why, 0, sizeof(*why));
	if (access(btf, R_OK) < 0)
		return fail(why, OBS_NO_BTF, errno, btf);
	if (!privileged())
		return fail(why, OBS_NO_PRIV, EPERM, NULL);
	if (locked_down())
		return fail(why, OBS_LOCKDOWN, EPERM, NULL);
	if (stat("/proc/self/ns/net", &st) < 0)
		return fail(why, OBS_NO_NETNS, errno, "/proc/self/ns/net");
	if (stat("/proc/self/ns/pid", &pidns) < 0)
		return fail(why, OBS_NO_PIDNS, errno, "/proc/self/ns/pid");
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(why, OBS_OPEN, ENOMEM, NULL);
	s->netns = o->all_netns ? 0 : (uint32_t)st.st_ino;
	s->pidns = (uint32_t)pidns.st_ino;
	r = load(s, o, why);
	if (r < 0) {
		observe_stop(s);
		return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	*out = s;
	return 0;
}

void observe_wait(struct observe_session *s, double seconds, volatile sig_atomic_t *stop)
{
	double left;

	while (!*stop && (left = seconds - since(&s->t0)) > 0) {
		double step = left < 0.1 ? left : 0.1;
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static void detach(struct observe_session *s)
{
	while (s->nlinks)
		bpf_link__destroy(s->links[--s->nlinks]);
}

void observe_stop(struct observe_session *s)
{
	if (!s)
		return;
	detach(s);
	observe_bpf__destroy(s->skel);
	free(s);
}

static void row_from_key(struct obs_row *r, const struct obs_key *k)
{
	static const uint8_t zero[16];

	memset(r, 0, sizeof(*r));
	r->netns = k->netns;
	r->family = k->family;
	r->port = k->port;
	memcpy(r->local, k->local, 16);
	memcpy(r->remote, k->remote, 16);
	r->has_local = memcmp(k->local, zero, 16) != 0;
}

static int row_push(struct obs_row **rows, size_t *n, size_t *cap, const struct obs_key *k)
{
	if (grow((void **)rows, cap, *n + 1, sizeof(**rows)) < 0)
		return -ENOMEM;
	row_from_key(&(*rows)[(*n)++], k);
	return 0;
}

enum { ROWS_DEST, ROWS_SERVER, ROWS_BIND };

/* Every key of a map of obs_key -> struct obs_dest (ROWS_DEST) or a count
 * (TIME_WAIT entered, bind failures), as rows. */
static int read_rows(int fd, int kind, struct obs_row **rows, size_t *n)
{
	bool dest = kind == ROWS_DEST;
	struct obs_key k, next, *prev = NULL;
	size_t cap = 0;
	int r;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct obs_dest d = { 0 };
		uint64_t count = 0;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, dest ? (void *)&d : (void *)&count) < 0)
			continue;
		if ((r = row_push(rows, n, &cap, &k)) < 0)
			return r;
		if (dest) {
			struct obs_row *row = &(*rows)[*n - 1];

			row->attempts = d.attempts;
			row->successes = d.successes;
			row->eaddrnotavail = d.eaddrnotavail;
			row->eaddrinuse = d.eaddrinuse;
			row->other = d.other;
			row->time_wait = d.time_wait;
		} else if (kind == ROWS_SERVER) {
			(*rows)[*n - 1].time_wait = count;
		} else {
			(*rows)[*n - 1].count = count;
		}
	}
	return 0;
}

static int cmp_row_key(const void *pa, const void *pb)
{
	const struct obs_row *a = pa, *b = pb;
	int c;

	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = memcmp(a->local, b->local, 16)) != 0)
		return c;
	return memcmp(a->remote, b->remote, 16);
}

/* The row of key k; the rows are sorted by cmp_row_key. */
static struct obs_row *row_find(struct obs_row *rows, size_t n, const struct obs_key *k)
{
	struct obs_row want;

	row_from_key(&want, k);
	return n ? bsearch(&want, rows, n, sizeof(*rows), cmp_row_key) : NULL;
}

/* The cgroup v2 path of id, from a handle on the cgroup2 mount. */
static char *cgroup_path(uint64_t id)
{
	static const char mnt[] = "/sys/fs/cgroup";
	char link[64], path[4096];
	struct file_handle *fh;
	struct statfs sf;
	int mfd, fd = -1;
	ssize_t len = -1;

	mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return NULL;
	fh = malloc(sizeof(*fh) + sizeof(id));
	if (fh && fstatfs(mfd, &sf) == 0 && sf.f_type == CGROUP2_MAGIC) {
		fh->handle_bytes = sizeof(id);
		fh->handle_type = FILEID_KERNFS;
		memcpy(fh->f_handle, &id, sizeof(id));
		fd = open_by_handle_at(mfd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, path, sizeof(path) - 1);
		close(fd);
	}
	free(fh);
	close(mfd);
	if (len < (ssize_t)sizeof(mnt) - 1 || strncmp(path, mnt, sizeof(mnt) - 1) != 0)
		return NULL;
	path[len] = '\0';
	return strdup(len == (ssize_t)sizeof(mnt) - 1 ? "/" : path + sizeof(mnt) - 1);
}

/* Every (key, process) of fd, added to the row of its key. */
static int read_procs(int fd, struct obs_row *rows, size_t n)
{
	struct obs_pkey k, next, *prev = NULL;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row_key);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct obs_process *p;
		struct obs_proc v;
		struct obs_row *row;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v) < 0 || !(row = row_find(rows, n, &k.key)))
			continue;
		p = realloc(row->procs, (row->nprocs + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		row->procs = p;
		p = &row->procs[row->nprocs++];
		*p = (struct obs_process){ .pid = v.visible ? v.pid : 0, .no_pid = !v.visible,
					   .cgroup_id = v.cgroup,
					   .attempts = v.attempts, .failures = v.failures,
					   .events = v.events };
		memcpy(p->comm, v.comm, sizeof(p->comm));
		p->comm[sizeof(p->comm) - 1] = '\0';
		p->cgroup = v.cgroup ? cgroup_path(v.cgroup) : NULL;
	}
	return 0;
}

static int add_ns(struct obs_window *obs, uint32_t ns)
{
	uint32_t *p;
	size_t i = 0;

	while (i < obs->nnamespaces && obs->namespaces[i] < ns)
		i++;
	if (i < obs->nnamespaces && obs->namespaces[i] == ns)
		return 0;
	p = realloc(obs->namespaces, (obs->nnamespaces + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	obs->namespaces = p;
	memmove(p + i + 1, p + i, (obs->nnamespaces - i) * sizeof(*p));
	p[i] = ns;
	obs->nnamespaces++;
	return 0;
}

static int namespaces(struct obs_window *obs, uint32_t only)
{
	const struct obs_row *sets[] = { obs->dests, obs->servers, obs->binds };
	size_t ns[] = { obs->ndests, obs->nservers, obs->nbinds };
	int r = 0;

	if (only)
		return add_ns(obs, only);
	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; i < ns[s] && r == 0; i++)
			r = add_ns(obs, sets[s][i].netns);
	return r;
}

/* The maps as they are now into obs; counting goes on unless detached. */
static int read_window(struct observe_session *s, struct obs_window *obs)
{
	struct observe_bpf *k = s->skel;
	int r;

	memset(obs, 0, sizeof(*obs));
	obs->window_seconds = since(&s->t0);
	if ((r = read_rows(bpf_map__fd(k->maps.dests), ROWS_DEST, &obs->dests, &obs->ndests)) < 0 ||
	    (r = read_rows(bpf_map__fd(k->maps.servers), ROWS_SERVER, &obs->servers, &obs->nservers)) < 0 ||
	    (r = read_rows(bpf_map__fd(k->maps.binds), ROWS_BIND, &obs->binds, &obs->nbinds)) < 0 ||
	    (r = read_procs(bpf_map__fd(k->maps.dest_procs), obs->dests, obs->ndests)) < 0 ||
	    (r = read_procs(bpf_map__fd(k->maps.server_procs), obs->servers, obs->nservers)) < 0 ||
	    (r = read_procs(bpf_map__fd(k->maps.bind_procs), obs->binds, obs->nbinds)) < 0 ||
	    (r = namespaces(obs, s->netns)) < 0) {
		observation_free(obs);
		return r;
	}
	obs->dropped = k->bss->dropped;
	observation_sort(obs);
	return 0;
}

int observe_collect(struct observe_session *s, struct obs_window *obs)
{
	detach(s); /* a consistent snapshot: counting stops here */
	return read_window(s, obs);
}

int observe_peek(struct observe_session *s, struct obs_window *obs)
{
	return read_window(s, obs);
}

#endif
