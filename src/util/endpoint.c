// SPDX-License-Identifier: GPL-2.0-or-later
/* endpoint.c: the one way an address and a port are written (endpoint.h) */
#include "endpoint.h"

#include <stdio.h>

#include <arpa/inet.h>
#include <sys/socket.h>

const char *ip_str(int family, const void *bytes, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (!inet_ntop(family == AF_INET ? AF_INET : AF_INET6, bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *endpoint_str(int family, const void *bytes, unsigned port, char *buf, size_t len)
{
	char a[IP_STR_LEN];

	ip_str(family, bytes, a, sizeof(a));
	if (len)
		snprintf(buf, len, family == AF_INET ? "%s:%u" : "[%s]:%u", a, port);
	return buf;
}
