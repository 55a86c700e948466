// SPDX-License-Identifier: GPL-2.0-or-later
/* nsscan.h: every network namespace of the host, who holds it and how to
 * reach it.
 *
 * Sources: the inode of PROC/PID/ns/net of every process (deduplicated by
 * device and inode) and the bind mounts in the given directories (`ip
 * netns add` names, CNI's cni-<uuid>, Docker's sandboxes). Memory grows
 * with the number of namespaces, not of processes: per namespace only the
 * first few processes (by pid) are kept, and a count. Processes, not
 * threads: a thread that setns()ed alone is not seen.
 */
#ifndef TWTUNE_NSSCAN_H
#define TWTUNE_NSSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "nsowner.h"

#define NSSCAN_PATHS 4 /* paths kept per namespace */
#define NSSCAN_PROCS 4 /* processes kept per namespace */
#define NSSCAN_LABEL 64

struct ns_proc {
	int pid;
	char comm[16];
};

struct netns_info {
	unsigned long long inode, dev; /* of the nsfs file */
	bool host;                     /* the namespace of PID 1 (else of the caller) */
	/* Every path it was found by, capped: bind mounts first (in directory
	 * order), then PROC/PID/ns/net of its first process. */
	char *paths[NSSCAN_PATHS];
	unsigned npaths;
	unsigned paths_found;          /* all of them, also those not kept */
	char name[256];                /* file name of its first bind mount, or "" */
	int name_dir;                  /* index of that directory in dirs[], or -1 */
	struct ns_proc procs[NSSCAN_PROCS]; /* the lowest pids, ascending */
	unsigned nprocs;
	unsigned long process_count;
	struct ns_owner owner;         /* from the cgroup of its lowest-pid owned process */
	int owner_pid;                 /* that process, or 0 */
	char label[NSSCAN_LABEL];
};

struct nsscan {
	struct netns_info *ns; /* host first, then by inode */
	size_t n, cap;
	char *proc_root;
	unsigned long denied;   /* entries not readable: EACCES or EPERM */
	unsigned long vanished; /* processes that exited during the scan */
	unsigned long failed;   /* entries not readable for another reason */
	bool host_from_self;    /* PROC/1/ns/net was not readable */
	/* private: inode -> index while scanning */
	size_t *slot;
	size_t nslots;
};

/* { "/run/netns", "/var/run/docker/netns", NULL }: dirs[0] is the
 * directory whose names are `ip netns` names. */
extern const char *const nsscan_default_dirs[];

/* Scans PROC_ROOT ("/proc") and the bind-mount directories DIRS (NULL
 * terminated; a missing directory is skipped, one reached twice through a
 * symlink read once). A process that exits during the scan is skipped
 * (counted in vanished), an unreadable entry counted in denied. 0 or
 * -errno (-ENOMEM; or the error of PROC_ROOT itself). Free with
 * nsscan_free, also after an error. */
int nsscan_run(struct nsscan *s, const char *proc_root, const char *const *dirs);
void nsscan_free(struct nsscan *s);

/* The short label: "host"; the `ip netns` name (dirs[0], not cni-*);
 * "pod 7d1e4f2a" (first 8 of the UID); "container 3f2a1c9b0e4d" (12 hex);
 * the comm of the first process ("pause" of a CNI namespace); the file
 * name of a bind mount; else "inode N". */
void nsscan_label(const struct netns_info *ns, char *buf, size_t len);

#endif
