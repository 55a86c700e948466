// SPDX-License-Identifier: GPL-2.0-or-later
/* procnet.h: /proc/net readers: the kernel's TCP counters, and
 * /proc/net/tcp{,6} as the fallback socket source */
#ifndef TWTUNE_PROCNET_H
#define TWTUNE_PROCNET_H

#include <stdio.h>

#include "sockets.h"

/* Reads sockstat, sockstat6, netstat (TcpExt) and snmp (Tcp) under
 * proc_net; fields it cannot find are -1. 0, or -errno when nothing at
 * all could be read. */
int procnet_counters(const char *proc_net, struct sock_counters *c);

/* Streams proc_net/tcp and proc_net/tcp6 into s. 0 or -errno (a missing
 * tcp6 is not an error: IPv6 may be off). */
int procnet_sockets(struct sock_snapshot *s, const char *proc_net);

/* Accounts one line of /proc/net/tcp (family AF_INET) or tcp6. 0 for a
 * socket or the header, -EINVAL for a malformed line, -ENOMEM. */
int procnet_parse_tcp_line(struct sock_snapshot *s, int family, const char *line);

/* Streams every line of /proc/net/tcp (family AF_INET) or tcp6 from f
 * into s; malformed lines and the rest of over-long lines are skipped.
 * 0, -ENOMEM or -EIO. */
int procnet_parse_tcp_file(struct sock_snapshot *s, int family, FILE *f);

/* Parsers of one counter file's text (sockstat or sockstat6, netstat,
 * snmp), for tests and fuzzing: they set the fields they find. */
void procnet_parse_sockstat(const char *text, struct sock_counters *c);
void procnet_parse_netstat(const char *text, struct sock_counters *c);
void procnet_parse_snmp(const char *text, struct sock_counters *c);

#endif
