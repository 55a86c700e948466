// SPDX-License-Identifier: GPL-2.0-or-later
/* procscan.h: which processes hold the given sockets (like `ss -p`)
 *
 * The caller collects the socket inodes it wants explained (idiag_inode of
 * listeners and of live sockets towards the top destinations; TIME_WAIT
 * sockets have inode 0 and no owner), adds them with procscan_add(), and
 * calls procscan_run() once: it looks at every /proc/PID/fd/N, once (a
 * stat() that follows the link to the socket; the link text
 * "socket:[INODE]" when the link leads nowhere, as in a fake tree), and
 * fills in, for each inode it was asked about, the processes whose
 * descriptors point at "socket:[INODE]": pid, comm, executable's basename,
 * cgroup v2 path and user. Memory grows with the inodes asked for (and at
 * most PROCSCAN_OWNERS processes kept per inode), never with the number of
 * descriptors scanned.
 *
 * Cost (2 vCPU, kernel 6.18, warm): about 1.5-2.5 us per descriptor looked
 * at, 32-48 ms for 20,500 descriptors in one namespace (ss -tlnp: 60-120
 * ms); with netns_ino set, a process of another namespace costs one
 * readlink of ns/net: 5-7 ms with 20,000 descriptors held elsewhere.
 *
 * Socket inodes are global to the host, so the scan works after setns()
 * into another network namespace (--netns); opts.netns_ino restricts it to
 * the processes in one network namespace. No function prints. */
#ifndef TWTUNE_PROCSCAN_H
#define TWTUNE_PROCSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime_probe.h"

/* Processes kept per socket; further holders are only counted. */
#define PROCSCAN_OWNERS 4
#define PROCSCAN_COMM_LEN 16 /* TASK_COMM_LEN */
#define PROCSCAN_EXE_LEN 64

struct procscan_opts {
	const char *proc_root;  /* "/proc", or a fake tree for tests */
	uint64_t netns_ino;     /* only processes whose ns/net is this inode; 0: any */
	unsigned time_budget_ms; /* stop after this long; 0: no limit */
	unsigned long fd_budget; /* stop after reading this many fd links; 0: no limit */
	bool stop_when_resolved; /* stop once every inode has one owner (holders and
				  * procs[] are then lower bounds: later processes
				  * sharing a socket, like forked workers, are not seen) */
};

struct procscan_proc {
	int pid;
	uint32_t uid;                  /* owner of /proc/PID: the process's euid */
	const char *user;              /* name of uid, or the number */
	char comm[PROCSCAN_COMM_LEN];  /* /proc/PID/comm */
	char exe[PROCSCAN_EXE_LEN];    /* basename of /proc/PID/exe; "" if unreadable */
	char *cgroup;                  /* the "0::" line of /proc/PID/cgroup; NULL if none */
	struct runtime rt;             /* what it runs (runtime_probe.h) */
};

struct procscan_sock {
	uint64_t inode;
	uint32_t uid;                  /* idiag_uid, as given to procscan_add() */
	const char *user;              /* its name, or the number */
	unsigned holders;              /* processes holding a descriptor to it */
	unsigned nprocs;               /* how many of them are in procs[] */
	int procs[PROCSCAN_OWNERS];    /* indices into procscan.procs */
	int last_pid;                  /* internal: dedupes fds of one process */
};

/* Why the scan stopped before the end of /proc. */
enum procscan_stop {
	PROCSCAN_STOP_NONE,   /* it read every process it could */
	PROCSCAN_STOP_TIME,   /* time_budget_ms reached */
	PROCSCAN_STOP_FDS,    /* fd_budget reached */
	PROCSCAN_STOP_RESOLVED, /* stop_when_resolved: every inode has an owner */
};

/* Why some inodes were not resolved: the most telling reason first. */
enum procscan_why {
	PROCSCAN_WHY_NONE,     /* complete: every inode has an owner */
	PROCSCAN_WHY_BUDGET,   /* the scan stopped at its time or fd budget */
	PROCSCAN_WHY_HIDEPID,  /* /proc is mounted hidepid=: others' processes are hidden */
	PROCSCAN_WHY_DENIED,   /* not root: /proc/PID/fd of other users' processes denied */
	PROCSCAN_WHY_EXITED,   /* processes exited while the scan ran (ENOENT, ESRCH) */
	PROCSCAN_WHY_PERMISSION, /* as root, some processes not readable (EACCES, EPERM:
				  * another user namespace, a security module), none exited */
	PROCSCAN_WHY_NOTFOUND, /* no visible process holds them (gone, or another pid namespace) */
};

struct procscan_result {
	bool complete;             /* every inode asked for has at least one owner */
	size_t inodes;             /* distinct inodes asked for */
	size_t resolved, unresolved;
	enum procscan_stop stopped;
	enum procscan_why why;     /* for the unresolved ones */
	unsigned hidepid;          /* hidepid= of the proc mount (0 off, 1 noaccess, 2 invisible, 4 ptraceable) */
	unsigned long pids_seen;   /* numeric entries of proc_root */
	unsigned long pids_scanned;/* whose fd directory was read */
	unsigned long pids_denied; /* EACCES/EPERM on fd (or ns/net) */
	unsigned long pids_gone;   /* exited while scanned: ENOENT or ESRCH */
	unsigned long pids_failed; /* any other error (not counted in either) */
	unsigned long pids_other_netns; /* skipped: another network namespace */
	unsigned long fds_read;    /* fd links read */
	double elapsed_ms;
};

struct procscan_user {
	uint32_t uid;
	char *name;
};

struct procscan {
	struct procscan_sock *socks; /* sorted by inode after procscan_run() */
	size_t nsocks, capsocks;
	struct procscan_proc *procs;
	size_t nprocs, capprocs;
	struct procscan_user *users;
	size_t nusers, capusers;
	struct runtime_exe_cache exes; /* executables read once (runtime_probe) */
	bool sorted;
	struct procscan_result res;
};

/* A new, empty scan; hint is the expected number of inodes (0 is fine).
 * 0 or -ENOMEM. */
int procscan_new(struct procscan **out, size_t hint);
void procscan_free(struct procscan *ps);

/* Asks about one socket inode with its idiag_uid. Inode 0 (TIME_WAIT,
 * orphaned sockets) is ignored; an inode given twice is kept once.
 * 0, -ENOMEM, or -EBUSY after procscan_run(). */
int procscan_add(struct procscan *ps, uint64_t inode, uint32_t uid);

/* Scans opts->proc_root once and fills the owners of the inodes added.
 * 0 when the scan ran (even if incomplete: see ps->res), or -errno when
 * proc_root itself cannot be read (-ENOENT, -EACCES, ...) or on -ENOMEM.
 * May be called once per procscan. */
int procscan_run(struct procscan *ps, const struct procscan_opts *opts);

/* The entry of inode after procscan_run(), or NULL if it was never added. */
const struct procscan_sock *procscan_find(const struct procscan *ps, uint64_t inode);

/* The network namespace inode of path (e.g. "/proc/self/ns/net" after
 * setns, or "/run/netns/NAME"), for opts.netns_ino. 0 or -errno. */
int procscan_netns_ino(const char *path, uint64_t *ino);

/* hidepid= of the proc mount at proc_root, from PROC_ROOT/self/mountinfo:
 * 0 (off), 1 (noaccess), 2 (invisible), 4 (ptraceable). 0 or -errno. */
int procscan_hidepid(const char *proc_root, unsigned *hidepid);

/* Short English phrases for the report ("not all processes resolved: ...") */
const char *procscan_why_str(enum procscan_why why);
const char *procscan_stop_str(enum procscan_stop stop);
/* The reason with its counts, into buf: "3 processes exited before the
 * scan, 1 not readable: permission"; returns buf. */
const char *procscan_why_text(const struct procscan_result *r, char *buf, size_t len);

#endif
