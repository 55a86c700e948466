// SPDX-License-Identifier: GPL-2.0-or-later
/* runtime_probe.c: the program behind a process, from /proc/PID (ELF
 * layout: elf(5); Go build information: debug/buildinfo) */
#include "runtime_probe.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"

#define CMDLINE_MAX 4096
#define ARGV_MAX 32
#define SHNUM_MAX 512
#define SHSTR_MAX (64 * 1024)
#define NGINX_SCAN (8u << 20)
#define CHUNK (64 * 1024)

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EINVAL;
}

int runtime_go_version_fd(int fd, char *out, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL;
	char *names = NULL;
	unsigned char info[64];
	int r;

	r = pread_all(fd, &eh, sizeof(eh), 0);
	if (r)
		return r;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh.e_shnum || eh.e_shnum > SHNUM_MAX || eh.e_shstrndx >= eh.e_shnum)
		return -ENOENT;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh)
		return -ENOMEM;
	r = pread_all(fd, sh, eh.e_shnum * sizeof(*sh), (off_t)eh.e_shoff);
	if (r)
		goto out;
	r = -ENOENT;
	if (sh[eh.e_shstrndx].sh_size == 0 || sh[eh.e_shstrndx].sh_size > SHSTR_MAX)
		goto out;
	names = calloc(1, sh[eh.e_shstrndx].sh_size + 1);
	if (!names) {
		r = -ENOMEM;
		goto out;
	}
	r = pread_all(fd, names, sh[eh.e_shstrndx].sh_size, (off_t)sh[eh.e_shstrndx].sh_offset);
	if (r)
		goto out;
	r = -ENOENT;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_name >= sh[eh.e_shstrndx].sh_size ||
		    strcmp(names + sh[i].sh_name, ".go.buildinfo") || sh[i].sh_size < 33)
			continue;
		size_t want = sh[i].sh_size < sizeof(info) ? sh[i].sh_size : sizeof(info);

		r = pread_all(fd, info, want, (off_t)sh[i].sh_offset);
		if (!r)
			r = runtime_go_buildinfo(info, want, out, len);
		break;
	}
out:
	free(names);
	free(sh);
	return r;
}

/* "1.22.1" after the first "nginx/" followed by a digit in the binary. */
static void nginx_version(int fd, char *out, size_t len)
{
	static const char needle[] = "nginx/";
	char *buf = malloc(CHUNK + 32);
	off_t off = 0;

	if (!buf)
		return;
	while (off < (off_t)NGINX_SCAN) {
		ssize_t n = pread(fd, buf, CHUNK + 32, off);

		if (n <= (ssize_t)sizeof(needle))
			break;
		for (ssize_t i = 0; i + (ssize_t)sizeof(needle) + 1 < n; i++) {
			if (buf[i] != 'n' || memcmp(buf + i, needle, sizeof(needle) - 1))
				continue;
			const char *v = buf + i + sizeof(needle) - 1;
			size_t k = 0;

			if (*v < '0' || *v > '9')
				continue;
			while (k + 1 < len && i + (ssize_t)(sizeof(needle) - 1 + k) < n &&
			       ((v[k] >= '0' && v[k] <= '9') || v[k] == '.'))
				k++;
			memcpy(out, v, k);
			out[k] = '\0';
			goto out;
		}
		off += CHUNK;
	}
out:
	free(buf);
}

#define CFG_MAX (1u << 20)

/* HAProxy's `-f FILE` arguments (files, not directories): which closing
 * option they set; "" when read and none, NULL when none could be read. */
static const char *haproxy_closes(int pidfd, const char *const *argv)
{
	const char *found = NULL;
	struct stat st;
	int fd;

	for (size_t i = 1; argv && argv[i]; i++) {
		const char *path = NULL;
		char *text = NULL;

		if (!strcmp(argv[i], "-f") && argv[i + 1])
			path = argv[++i];
		else if (!strncmp(argv[i], "-f", 2) && argv[i][2])
			path = argv[i] + 2;
		if (!path || path[0] != '/' || strstr(path, "/../") ||
		    (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")))
			continue; /* only absolute paths, never out of its root */
		/* the file as the process sees it: through its root */
		fd = openat(pidfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		int ffd = openat(fd, path + 1, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

		close(fd);
		if (ffd < 0)
			continue;
		if (fstat(ffd, &st) == 0 && S_ISREG(st.st_mode) &&
		    readfile_fd(ffd, CFG_MAX, &text, NULL) == 0) {
			const char *c = runtime_haproxy_closes(text);

			if (!found || *c)
				found = c;
		}
		free(text);
		close(ffd);
	}
	return found;
}

/* nginx's version (nginx) or the Go version of the file open at fd, from
 * the cache when it read the same file before. */
static void exe_versions(int fd, bool nginx, struct runtime_exe_cache *c, char *ver, size_t vlen,
			 char *gov, size_t glen)
{
	struct stat st;
	char *out = nginx ? ver : gov;
	size_t len = nginx ? vlen : glen;
	bool key = c && fstat(fd, &st) == 0;

	for (size_t i = 0; key && i < c->n; i++)
		if (c->e[i].dev == st.st_dev && c->e[i].ino == st.st_ino && c->e[i].nginx == nginx) {
			snprintf(out, len, "%s", c->e[i].version);
			return;
		}
	if (nginx)
		nginx_version(fd, ver, vlen);
	else if (runtime_go_version_fd(fd, gov, glen) < 0)
		gov[0] = '\0';
	if (key) {
		size_t at = c->n < RUNTIME_EXE_CACHE ? c->n++ : c->next++ % RUNTIME_EXE_CACHE;

		c->e[at].dev = st.st_dev;
		c->e[at].ino = st.st_ino;
		c->e[at].nginx = nginx;
		snprintf(c->e[at].version, sizeof(c->e[at].version), "%s", out);
	}
}

int runtime_probe(int pidfd, const char *comm, const char *exe, struct runtime_exe_cache *cache,
		  struct runtime *r)
{
	char cmd[CMDLINE_MAX], gov[RUNTIME_VERSION_LEN + 8] = "", ver[RUNTIME_VERSION_LEN] = "";
	const char *argv[ARGV_MAX + 1];
	struct runtime_facts f = { .comm = comm, .exe = exe };
	size_t got = 0, argc = 0;
	int fd, ret = 0;

	if (readfile_at(pidfd, "cmdline", cmd, sizeof(cmd), &got) == 0) {
		for (size_t i = 0; i < got && argc < ARGV_MAX; i += strlen(cmd + i) + 1)
			argv[argc++] = cmd + i;
		argv[argc] = NULL;
		f.argv = argv;
	} else {
		ret = -EACCES;
	}
	runtime_classify(&f, r);
	if (r->id == RT_HAPROXY) {
		f.closes_option = haproxy_closes(pidfd, f.argv);
		runtime_classify(&f, r);
	}
	if (r->id != RT_UNKNOWN && r->id != RT_NGINX)
		return ret;
	fd = openat(pidfd, "exe", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	exe_versions(fd, r->id == RT_NGINX, cache, ver, sizeof(ver), gov, sizeof(gov));
	close(fd);
	if (r->id == RT_NGINX)
		f.version = ver;
	else if (gov[0])
		f.go_version = gov;
	runtime_classify(&f, r);
	return ret;
}

int runtime_probe_pid(const char *proc_root, int pid, struct runtime *r)
{
	char path[4096], comm[16] = "", link[4096], *base;
	size_t n = 0;
	ssize_t l;
	int dfd, ret;

	memset(r, 0, sizeof(*r));
	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%d", proc_root ? proc_root : "/proc", pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (readfile_at(dfd, "comm", comm, sizeof(comm), &n) == 0 && n && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	l = readlinkat(dfd, "exe", link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = '\0';
	if (l > 10 && !strcmp(link + l - 10, " (deleted)"))
		link[l - 10] = '\0';
	base = strrchr(link, '/');
	ret = runtime_probe(dfd, comm, base ? base + 1 : link, NULL, r);
	close(dfd);
	return ret;
}
