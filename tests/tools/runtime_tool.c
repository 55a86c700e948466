// SPDX-License-Identifier: GPL-2.0-or-later
/* runtime_tool: what the library reads about a process's program
 * (src/kernel/runtime_probe.c), for tests/advice.bats.
 *
 *   runtime_tool PID...      one line per pid: PID RUNTIME VERSION FLAGS
 *   runtime_tool -e FILE     the Go version of an ELF file, or "none"
 *
 * FLAGS: keepalive (ab -k), http.server (python -m http.server),
 * closes=OPTION (HAProxy's configuration), or "-". Exit 0, 1 when a pid
 * cannot be read, 2 on bad usage. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime_probe.h"

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc == 3 && !strcmp(argv[1], "-e")) {
		char v[64];
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return 1;
		printf("%s\n", runtime_go_version_fd(fd, v, sizeof(v)) == 0 ? v : "none");
		close(fd);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: runtime_tool PID... | -e FILE\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct runtime r;
		int pid = atoi(argv[i]);

		if (runtime_probe_pid(NULL, pid, &r) < 0 && r.id == RT_UNKNOWN) {
			rc = 1;
			continue;
		}
		printf("%d %s %s %s%s%s%s\n", pid, runtime_name(r.id), r.version[0] ? r.version : "-",
		       r.keepalive_flag ? "keepalive" : "", r.server_module ? "http.server" : "",
		       r.config_read ? "closes=" : "",
		       r.config_read ? (r.closes_option[0] ? r.closes_option : "none") : "");
	}
	return rc;
}
