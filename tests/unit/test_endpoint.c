// SPDX-License-Identifier: GPL-2.0-or-later
/* test_endpoint.c: the one address and address:port formatter, and the
 * destination key built on it */
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "sockets.h"
#include "tap.h"

int main(void)
{
	unsigned char v4[4] = { 192, 0, 2, 1 }, v6[16];
	char buf[ENDPOINT_STR_LEN], tiny[6];
	struct dest d;

	inet_pton(AF_INET6, "2001:db8::1", v6);
	TAP_OK(!strcmp(ip_str(AF_INET, v4, buf, sizeof(buf)), "192.0.2.1"), "ip_str v4: %s", buf);
	TAP_OK(!strcmp(ip_str(AF_INET6, v6, buf, sizeof(buf)), "2001:db8::1"), "ip_str v6: %s", buf);
	TAP_OK(!strcmp(endpoint_str(AF_INET, v4, 80, buf, sizeof(buf)), "192.0.2.1:80"),
	       "endpoint_str v4: %s", buf);
	TAP_OK(!strcmp(endpoint_str(AF_INET6, v6, 65535, buf, sizeof(buf)), "[2001:db8::1]:65535"),
	       "endpoint_str v6 in brackets: %s", buf);
	memset(v6, 0xff, sizeof(v6));
	TAP_OK(endpoint_str(AF_INET6, v6, 65535, buf, sizeof(buf)) == buf &&
		       !strcmp(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"),
	       "the widest endpoint fits ENDPOINT_STR_LEN (%zu of %d)", strlen(buf),
	       ENDPOINT_STR_LEN);
	TAP_OK(!strcmp(ip_str(AF_INET6, v6, tiny, sizeof(tiny)), "?"),
	       "ip_str: \"?\" when the buffer cannot hold the address");
	TAP_OK(!strcmp(endpoint_str(AF_INET, v4, 8080, tiny, sizeof(tiny)), "192.0"),
	       "endpoint_str cut to the buffer: %s", tiny);
	memset(&d, 0, sizeof(d));
	d.local.family = d.remote.family = AF_INET;
	memcpy(d.local.bytes, v4, 4);
	memcpy(d.remote.bytes, v4, 4);
	d.remote.bytes[3] = 2;
	d.rport = 443;
	TAP_OK(!strcmp(dest_key_str(&d, buf, sizeof(buf)), "192.0.2.1 -> 192.0.2.2:443"),
	       "dest_key_str v4: %s", buf);
	d.local.family = d.remote.family = AF_INET6;
	inet_pton(AF_INET6, "::1", d.local.bytes);
	inet_pton(AF_INET6, "::1", d.remote.bytes);
	TAP_OK(!strcmp(dest_key_str(&d, buf, sizeof(buf)), "::1 -> [::1]:443"),
	       "dest_key_str v6: %s", buf);
	return tap_done();
}
