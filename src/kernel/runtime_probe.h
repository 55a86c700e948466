// SPDX-License-Identifier: GPL-2.0-or-later
/* runtime_probe.h: reads what program a process runs (model/runtime.h)
 * from its /proc/PID directory, read-only: the command line, and for a
 * program that its names do not identify, the Go build information of its
 * executable (/proc/PID/exe, the ELF section .go.buildinfo: a few reads of
 * headers, never the whole file); for nginx, its version string.
 *
 * Cost: one read of cmdline; for an unidentified program, the ELF header,
 * its section headers and their names (about 4-10 KiB); for nginx, at most
 * NGINX_SCAN bytes of its binary, once per executable file with a cache
 * (an nginx master and its workers run one). Nothing is executed. */
#ifndef TWTUNE_RUNTIME_PROBE_H
#define TWTUNE_RUNTIME_PROBE_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime.h"

/* What was read of an executable file, for the next process that runs
 * the same file (device and inode): the last RUNTIME_EXE_CACHE files. */
#define RUNTIME_EXE_CACHE 8
struct runtime_exe_cache {
	struct {
		dev_t dev;
		ino_t ino;
		bool nginx; /* read for nginx's version, else Go's */
		char version[RUNTIME_VERSION_LEN + 8];
	} e[RUNTIME_EXE_CACHE];
	size_t n, next;
};

/* Fills r for the process whose /proc/PID directory is pidfd, with comm
 * and the exe basename already read (either may be ""); cache (zeroed
 * before the first call, or NULL) saves reading one file again. 0, or
 * -errno when nothing could be read beyond the names (r is classified
 * from them anyway). */
int runtime_probe(int pidfd, const char *comm, const char *exe, struct runtime_exe_cache *cache,
		  struct runtime *r);

/* The same for process pid under proc_root ("/proc"; NULL: "/proc"),
 * reading comm and exe itself. 0 or -errno (-ENOENT: it exited). */
int runtime_probe_pid(const char *proc_root, int pid, struct runtime *r);

/* The Go version ("go1.19.8") of the ELF file open at fd, into out.
 * 0, -ENOENT (no Go build information), -ENOTSUP (an older Go), -errno. */
int runtime_go_version_fd(int fd, char *out, size_t len);

#endif
