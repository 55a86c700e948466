// SPDX-License-Identifier: GPL-2.0-or-later
/* testhook.h: the test hooks, read from the environment once.
 *
 * For the test suite only, not a stable interface (the man page lists them
 * under ENVIRONMENT, "for testing only"). They exist only in the test
 * binary (build/test/twtune, testhook.c compiled with -DTWTUNE_TEST_HOOKS):
 * in ./twtune from make, make install and the package, testhook_init()
 * reads nothing, every hook is off and no TWTUNE_TEST_* name is in the
 * binary. main() calls testhook_init() first; without it every hook is
 * off. The environment variables, all of them:
 *
 *   TWTUNE_TEST_KILL_AT=POINT|N  test_kill_point() raises SIGKILL at the
 *                                point named POINT, or at the Nth point
 *   TWTUNE_TEST_KILL_TRACE       (set) test_kill_point() names every point
 *                                it reaches on stderr
 *   TWTUNE_TEST_FAIL_AT=N        apply: the Nth kernel write fails
 *   TWTUNE_TEST_PAUSE_AFTER=N    apply: a 30 s pause after the Nth write
 *   TWTUNE_TEST_CLAMP_AT=N       apply: the Nth write writes the key's
 *                                kernel default instead, as a kernel that
 *                                clamps (the read-back differs)
 *   TWTUNE_DIAG_REPLAY=FILE      decode a recorded sock_diag dump instead
 *                                of asking the kernel
 *   TWTUNE_DIAG_RECORD=FILE      record the live sock_diag dump to FILE
 *   TWTUNE_FORCE_PROCFS=1        read /proc/net/tcp{,6}, not sock_diag
 *                                (ignored with TWTUNE_DIAG_REPLAY)
 *   TWTUNE_DIAG_PER_FAMILY=1     one sock_diag dump per address family
 *   TWTUNE_TEST_NETNS_PAUSE=SEC  --all-netns: a pause of SEC seconds after
 *                                the first namespace (the host's), named
 *                                on stderr, so that a test can end one
 *   TWTUNE_TEST_INTERVAL=SEC     audit and diff: the default of --interval
 *                                (the suite sets 0: a snapshot, unless a
 *                                test measures rates and says so)
 *   TWTUNE_PROC_NET=DIR          read the counters (and tcp{,6}) under DIR
 *                                instead of /proc/net (cmd_options.c makes
 *                                it the default of the proc_net directory)
 *   TWTUNE_SYSCTL_D_DIRS=DIRS    apply --persist: the sysctl.d directories
 *                                checked for later files
 *   TWTUNE_TEST_BTF_PATH=FILE    observe: the kernel BTF file
 *
 * TWTUNE_DIAG_RECORD's file is created, never reused: a file or symbolic
 * link already there is refused (O_EXCL|O_NOFOLLOW in sockdiag.c).
 *
 * main.c and cmd_*.c turn them into options for library code (struct
 * collect_opts, the proc_net directory); only test_kill_point() is called
 * from library code itself.
 */
#ifndef TWTUNE_TESTHOOK_H
#define TWTUNE_TESTHOOK_H

#include <stdbool.h>

struct testhooks {
	const char *kill_at;    /* TWTUNE_TEST_KILL_AT, or NULL */
	bool kill_trace;        /* TWTUNE_TEST_KILL_TRACE is set */
	long fail_at;           /* TWTUNE_TEST_FAIL_AT, 0 when unset or bad */
	long pause_after;       /* TWTUNE_TEST_PAUSE_AFTER, 0 when unset or bad */
	long clamp_at;          /* TWTUNE_TEST_CLAMP_AT, 0 when unset or bad */
	const char *diag_replay; /* TWTUNE_DIAG_REPLAY, NULL when unset or empty */
	const char *diag_record; /* TWTUNE_DIAG_RECORD, NULL when unset or empty */
	const char *ct_replay;  /* TWTUNE_CT_REPLAY: a recorded ctnetlink dump, NULL when unset or empty */
	bool force_procfs;      /* TWTUNE_FORCE_PROCFS=1 */
	bool diag_per_family;   /* TWTUNE_DIAG_PER_FAMILY=1 */
	long netns_pause;       /* TWTUNE_TEST_NETNS_PAUSE, 0 when unset or bad */
	const char *proc_net;   /* TWTUNE_PROC_NET, NULL when unset or empty */
	const char *sysctl_d_dirs; /* TWTUNE_SYSCTL_D_DIRS, NULL when unset */
	const char *btf_path;   /* TWTUNE_TEST_BTF_PATH, NULL when unset or empty */
	long interval;          /* TWTUNE_TEST_INTERVAL, -1 when unset or bad */
};

/* True in the test binary (built with -DTWTUNE_TEST_HOOKS). */
bool testhook_built(void);

/* Reads every hook from the environment; once, at the start of main(). */
void testhook_init(void);

/* The hooks read by testhook_init() (all off before it). */
const struct testhooks *testhooks(void);

/* Test hook, for the interruption tests only (tests/interrupt.bats).
 *
 * apply and rollback call this at every point where being killed leaves a
 * different state on disk or in the kernel. When the environment variable
 * TWTUNE_TEST_KILL_AT names the point, or is a number N and this is the
 * N-th point the process reaches, the process sends SIGKILL to itself, as an
 * operator, a crash or the OOM killer might. With TWTUNE_TEST_KILL_TRACE set,
 * each point reached is written to stderr as "twtune: test hook: point N
 * NAME". It can do nothing else: no other process, file or setting.
 *
 * The points, in order (a point is reached only when its step happens):
 *   apply:    locked; persist.orig:STEP (copy of the old persisted file);
 *             journal:STEP; write-1 .. write-N (after each verified sysctl
 *             write); NAME:STEP (the persisted file NAME); done
 *   rollback: locked; write-1 .. write-N; NAME:STEP (persisted file put
 *             back) or NAME:removed (persisted file removed, before the
 *             directory fsync); journal:removed (before persist.orig goes);
 *             done
 * where STEP is, inside atomic_write: half-written (the temporary file holds
 * half the data), temp-written (all of it, synced, not yet renamed), renamed
 * (before the directory fsync), synced. */
void test_kill_point(const char *point);

#endif
