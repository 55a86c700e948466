// SPDX-License-Identifier: GPL-2.0-or-later
/* endpoint.h: the one way an address, and an address with a port, are
 * written */
#ifndef TWTUNE_ENDPOINT_H
#define TWTUNE_ENDPOINT_H

#include <stddef.h>

#define IP_STR_LEN 46                 /* INET6_ADDRSTRLEN */
#define ENDPOINT_STR_LEN (IP_STR_LEN + 8) /* brackets, ':' and five digits */

/* "192.0.2.1" (family AF_INET: 4 bytes) or "2001:db8::1" (any other
 * family: 16 bytes), "?" when inet_ntop cannot write it. Returns buf. */
const char *ip_str(int family, const void *bytes, char *buf, size_t len);

/* "192.0.2.1:80", or "[2001:db8::1]:80" with the IPv6 address in
 * brackets. Returns buf (cut short when len is too small). */
const char *endpoint_str(int family, const void *bytes, unsigned port, char *buf, size_t len);

#endif
