// SPDX-License-Identifier: GPL-2.0-or-later
/* observation.h: what twtune observe measured, as plain structs (filled by
 * observe.c from the BPF maps, rendered by observe_render.c; audit can
 * embed one), and the calls that measure it. */
#ifndef TWTUNE_OBSERVATION_H
#define TWTUNE_OBSERVATION_H

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime.h"

#define OBS_TOP_PROCS 5 /* processes rendered per row */

struct obs_process {
	uint32_t pid; /* thread group id in the reader's PID namespace */
	bool no_pid;  /* it has none there (a process outside it): pid is 0 */
	char comm[16];
	uint64_t cgroup_id; /* cgroup v2 id */
	char *cgroup;       /* its path under the cgroup2 mount, or NULL */
	uint64_t attempts;  /* destinations */
	uint64_t failures;  /* destinations */
	uint64_t events;    /* server side: TIME_WAIT entered; bind: failures */
	struct runtime rt;  /* what it runs, when read after the window (runtime_probe_pid) */
};

/* One destination, server port or bind address. */
struct obs_row {
	uint32_t netns;
	int family;        /* AF_INET or AF_INET6 */
	bool has_local;    /* false: no local address was chosen */
	uint8_t local[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t remote[16];
	uint16_t port; /* destination: remote port; server side: local port */
	uint64_t attempts, successes;
	uint64_t eaddrnotavail, eaddrinuse, other; /* failures by errno */
	uint64_t time_wait; /* TIME_WAIT entered */
	uint64_t count;     /* bind: failures */
	struct obs_process *procs; /* sorted, most failures or events first */
	size_t nprocs;
};

struct obs_window {
	double window_seconds;
	uint32_t *namespaces; /* inodes, ascending */
	size_t nnamespaces;
	struct obs_row *dests; /* most failures, then attempts, first */
	size_t ndests;
	struct obs_row *servers; /* most TIME_WAIT first */
	size_t nservers;
	struct obs_row *binds; /* most failures first */
	size_t nbinds;
	uint64_t dropped; /* events not counted: a kernel map was full */
};

/* The pid as text, or "not visible" for a process that has none in the
 * reader's PID namespace. */
static inline const char *obs_pid_text(const struct obs_process *p, char *buf, size_t len)
{
	if (p->no_pid)
		return "not visible";
	snprintf(buf, len, "%" PRIu32, p->pid);
	return buf;
}

static inline uint64_t obs_failures(const struct obs_row *r)
{
	return r->eaddrnotavail + r->eaddrinuse + r->other;
}

/* Why observation cannot run. */
enum obs_missing {
	OBS_NOT_BUILT = 1, /* twtune was built without the BPF parts */
	OBS_NO_BTF,        /* no kernel BTF file */
	OBS_NO_PRIV,       /* neither root nor CAP_BPF and CAP_PERFMON */
	OBS_LOCKDOWN,      /* kernel lockdown forbids reading kernel memory */
	OBS_NO_NETNS,      /* cannot tell the current network namespace */
	OBS_NO_PIDNS,      /* cannot tell the current PID namespace */
	OBS_OPEN,          /* the BPF object does not open */
	OBS_LOAD,          /* the kernel refuses to load it (verifier, BTF) */
	OBS_ATTACH,        /* a hook does not attach */
};

struct obs_failure {
	enum obs_missing what;
	int err;           /* errno (or libbpf's own error number) */
	char reason[64];   /* err as text */
	char detail[96];   /* the BTF path, the hook, or libbpf's first warning */
};

struct observe_opts {
	bool all_netns;       /* count every network namespace */
	const char *btf_path; /* NULL: /sys/kernel/btf/vmlinux */
};

struct observe_session;

/* Loads and attaches the BPF program: counting starts. Returns 0, or
 * -errno with *why saying what is missing. */
int observe_start(const struct observe_opts *o, struct observe_session **out,
		  struct obs_failure *why);
/* Sleeps until `seconds` have passed since observe_start or *stop is set. */
void observe_wait(struct observe_session *s, double seconds, volatile sig_atomic_t *stop);
/* Reads what was counted so far into obs (observation_free it). 0 or -errno. */
int observe_collect(struct observe_session *s, struct obs_window *obs);
/* Reads what was counted so far as observe_collect does, but stays
 * attached: the counts go on growing (watch reads them every frame and
 * takes the differences). 0 or -errno. */
int observe_peek(struct observe_session *s, struct obs_window *obs);
/* Detaches and unloads; accepts NULL. */
void observe_stop(struct observe_session *s);
void observation_free(struct obs_window *obs);

/* Keeps the server-side rows keep() says yes to, in their order. */
void observation_keep_servers(struct obs_window *obs,
			      bool (*keep)(const struct obs_row *r, void *ctx), void *ctx);

/* Sorts the rows and their processes as the fields above say. */
void observation_sort(struct obs_window *obs);

#endif
