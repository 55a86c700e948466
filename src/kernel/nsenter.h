// SPDX-License-Identifier: GPL-2.0-or-later
/* nsenter.h: entering a namespace found by nsscan, and going back.
 *
 * For the integrator (measured on kernel 6.18, tests/nsscan.bats "proc
 * facts"): after setns(CLONE_NEWNET) and without any remount,
 *  - a file of /proc/sys/net or /proc/net opened BEFORE setns keeps
 *    showing the old namespace, also when read again from offset 0;
 *  - opened AFTER setns, /proc/sys/net/... shows the namespace of the
 *    opening thread;
 *  - /proc/net and /proc/self/net show the namespace of the thread-group
 *    leader (the main thread), /proc/thread-self/net that of the opening
 *    thread. A worker thread that setns()es reads /proc/thread-self/net.
 * Netlink sockets belong to the namespace of the thread that creates them.
 */
#ifndef TWTUNE_NSENTER_H
#define TWTUNE_NSENTER_H

#include <stddef.h>

#include "nsscan.h"

/* Opens the namespace NS through one of its paths, then through the
 * PROC/PID/ns/net of its kept processes, and checks that the opened file
 * is the same inode (inode numbers are reused after a namespace dies, the
 * lowest free one first). /proc is not searched again for another
 * process: one found there by inode alone could be a new namespace that
 * got the number; the lowest pids (a pod's pause, a container's init) are
 * the ones that live as long as the namespace. Returns the fd
 * (O_CLOEXEC), or -ENOENT when it is gone (every way failed with ENOENT or
 * ESRCH, or led to another inode), or -EACCES/-EPERM (or another -errno)
 * when a way exists but may not be opened; why gets one line:
 * "/run/netns/x: Permission denied". */
int nsenter_open(const struct nsscan *s, const struct netns_info *ns, char *why, size_t len);

/* nsenter_open, then setns(fd, CLONE_NEWNET) for the calling thread.
 * 0 or -errno as above; setns refused is -EPERM ("setns PATH: ..."). */
int nsenter_enter(const struct nsscan *s, const struct netns_info *ns, char *why, size_t len);

/* An fd of the calling thread's current network namespace
 * (PROC/thread-self/ns/net, else PROC/self/ns/net), to come back to. */
int nsenter_save(const char *proc_root);

/* Back to the namespace of nsenter_save's fd (kept open). 0 or -errno. */
int nsenter_return(int fd);

#endif
