// SPDX-License-Identifier: GPL-2.0-or-later
/* test_journal.c: the apply journal: parse, format, round trip, and the
 * journals that must be refused */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "registry.h"
#include "tap.h"

static const struct {
	const char *name, *text, *error; /* error: NULL when it must parse */
} cases[] = {
	{ "full journal",
	  "# twtune journal 1\nprofile proxy-profile\ntime 2026-11-24T10:00:00Z\n"
	  "key net.ipv4.tcp_tw_reuse 2\nkey net.ipv4.ip_local_port_range 32768 60999\n"
	  "key net.ipv4.ip_local_reserved_ports\npersist /etc/sysctl.d/90-twtune.conf absent\n",
	  NULL },
	{ "short key names", "# twtune journal 1\nkey tcp_fin_timeout 60\n", NULL },
	{ "saved persist", "# twtune journal 1\npersist /a b/c.conf saved\n", NULL },
	{ "no magic", "profile x\n", "line 1: not a twtune journal" },
	{ "version 2 with the applies",
	  "# twtune journal 2\nprofile four\ntime 2026-11-24T11:00:00Z\n"
	  "apply 2026-11-24T10:00:00Z proxy-profile\nkey net.ipv4.tcp_tw_reuse 2\n"
	  "apply 2026-11-24T11:00:00Z /etc/twtune/profiles/my four.ini\nkey net.ipv4.tcp_fin_timeout 60\n",
	  NULL },
	{ "other version", "# twtune journal 3\n", "line 1: not a twtune journal" },
	{ "apply in version 1", "# twtune journal 1\napply 2026-11-24T10:00:00Z four\n",
	  "line 2: unknown or repeated record" },
	{ "apply without profile", "# twtune journal 2\napply 2026-11-24T10:00:00Z\n",
	  "line 2: apply needs TIME PROFILE" },
	{ "apply with empty profile", "# twtune journal 2\napply 2026-11-24T10:00:00Z \n",
	  "line 2: apply needs TIME PROFILE" },
	{ "empty", "", "line 1: empty journal" },
	{ "unknown key", "# twtune journal 1\nkey net.ipv4.tcp_tw_recycle 1\n", "line 2: unknown key" },
	{ "read-only key", "# twtune journal 1\nkey ip_unprivileged_port_start 1024\n", "line 2: unknown key" },
	{ "bad value", "# twtune journal 1\nkey tcp_tw_reuse 7\n", "line 2: bad value" },
	{ "key twice", "# twtune journal 1\nkey tcp_tw_reuse 1\nkey tcp_tw_reuse 2\n", "line 3: key twice" },
	{ "unknown record", "# twtune journal 1\nfrobnicate yes\n", "line 2: unknown or repeated record" },
	{ "record alone", "# twtune journal 1\nprofile\n", "line 2: record without a value" },
	{ "persist state", "# twtune journal 1\npersist /x maybe\n", "line 2: persist needs PATH absent|saved" },
	{ "relative persist", "# twtune journal 1\npersist x absent\n", "line 2: persist needs PATH absent|saved" },
	{ "persisted file's metadata",
	  "# twtune journal 2\npersist /a/b.conf saved\npersist-meta 0640 65534 4\n"
	  "persist-xattr 757365722e6f726967696e 6f707320207465616d\npersist-xattr 757365722e62696e 00ff0a\n",
	  NULL },
	{ "metadata of an absent file", "# twtune journal 2\npersist /a absent\npersist-meta 0640 0 0\n",
	  "line 3: unknown or repeated record" },
	{ "metadata twice",
	  "# twtune journal 2\npersist /a saved\npersist-meta 0640 0 0\npersist-meta 0600 0 0\n",
	  "line 4: unknown or repeated record" },
	{ "bad mode", "# twtune journal 2\npersist /a saved\npersist-meta 0800 0 0\n",
	  "line 3: persist-meta needs MODE UID GID" },
	{ "mode too large", "# twtune journal 2\npersist /a saved\npersist-meta 17777 0 0\n",
	  "line 3: persist-meta needs MODE UID GID" },
	{ "metadata short", "# twtune journal 2\npersist /a saved\npersist-meta 0640 0\n",
	  "line 3: persist-meta needs MODE UID GID" },
	{ "xattr before metadata", "# twtune journal 2\npersist /a saved\npersist-xattr 75 00\n",
	  "line 3: persist-xattr needs NAME VALUE after persist-meta" },
	{ "xattr not hex",
	  "# twtune journal 2\npersist /a saved\npersist-meta 0640 0 0\npersist-xattr 75 0g\n",
	  "line 4: persist-xattr needs NAME VALUE in hex" },
	{ "xattr name with NUL",
	  "# twtune journal 2\npersist /a saved\npersist-meta 0640 0 0\npersist-xattr 7500 00\n",
	  "line 4: persist-xattr needs NAME VALUE in hex" },
	{ "repeated profile", "# twtune journal 1\nprofile a\nprofile b\n", "line 3: unknown or repeated record" },
};

/* Two applies: each key keeps the value and the apply of its first change. */
static void test_origins(void)
{
	struct journal j, k;
	const struct journal_origin *o;
	char err[64], *text;

	memset(&j, 0, sizeof(j));
	j.current = -1;
	TAP_OK(journal_begin(&j, "web-server", "2026-11-24T10:00:00Z") == 0 &&
		       journal_add(&j, SYSCTL_TCP_MAX_TW_BUCKETS, "131072") == 0 &&
		       journal_begin(&j, "proxy-profile", "2026-11-24T11:00:00Z") == 0 &&
		       journal_add(&j, SYSCTL_TCP_MAX_TW_BUCKETS, "524288") == 0 &&
		       journal_add(&j, SYSCTL_TCP_TW_REUSE, "2") == 0,
	       "two applies journalled");
	text = journal_format(&j);
	TAP_OK(text && strcmp(text, "# twtune journal 2\nprofile proxy-profile\ntime 2026-11-24T11:00:00Z\n"
				    "apply 2026-11-24T10:00:00Z web-server\n"
				    "key net.ipv4.tcp_max_tw_buckets 131072\n"
				    "apply 2026-11-24T11:00:00Z proxy-profile\n"
				    "key net.ipv4.tcp_tw_reuse 2\n") == 0,
	       "the journal names the apply of each value");
	TAP_OK(text && journal_parse(text, strlen(text), &k, err, sizeof(err)) == 0, "and reads back (%s)", err);
	o = journal_origin_of(&k, journal_find(&k, SYSCTL_TCP_MAX_TW_BUCKETS));
	TAP_OK(o && strcmp(o->profile, "web-server") == 0 && strcmp(o->time, "2026-11-24T10:00:00Z") == 0 &&
		       strcmp(journal_find(&k, SYSCTL_TCP_MAX_TW_BUCKETS)->value, "131072") == 0,
	       "tcp_max_tw_buckets: the original, from before web-server");
	o = journal_origin_of(&k, journal_find(&k, SYSCTL_TCP_TW_REUSE));
	TAP_OK(o && strcmp(o->profile, "proxy-profile") == 0, "tcp_tw_reuse: from before proxy-profile");
	/* A third apply after reading: a new origin for new keys only. */
	TAP_OK(journal_begin(&k, "four", "2026-11-24T12:00:00Z") == 0 &&
		       journal_add(&k, SYSCTL_TCP_TW_REUSE, "1") == 0 &&
		       journal_add(&k, SYSCTL_TCP_FIN_TIMEOUT, "60") == 0 && k.norigin == 3 &&
		       strcmp(journal_origin_of(&k, journal_find(&k, SYSCTL_TCP_FIN_TIMEOUT))->profile, "four") == 0 &&
		       strcmp(journal_origin_of(&k, journal_find(&k, SYSCTL_TCP_TW_REUSE))->profile,
			      "proxy-profile") == 0,
	       "a third apply after reading the journal back");
	free(text);
	journal_free(&j);
	journal_free(&k);
}

/* Lines as long as the kernel makes them: every odd port reserved is a
 * list of about 190 KB, and it must come back as it went in. */
static void test_long_value(void)
{
	size_t cap = 65536 * 6 + 1, len = 0;
	char *list = malloc(cap), *text = NULL, err[64] = "";
	struct journal j, k;
	int r = -1;

	memset(&j, 0, sizeof(j));
	j.current = -1;
	for (unsigned p = 1025; list && p < 65536; p += 2)
		len += (size_t)snprintf(list + len, cap - len, "%s%u", len ? "," : "", p);
	if (list && journal_begin(&j, "wide", "2026-12-08T00:00:00Z") == 0 &&
	    journal_add(&j, SYSCTL_IP_LOCAL_RESERVED_PORTS, list) == 0)
		text = journal_format(&j);
	if (text)
		r = journal_parse(text, strlen(text), &k, err, sizeof(err));
	TAP_OK(len > 100000 && r == 0, "a %zu-byte value is written and read back (%s)", len, err);
	TAP_OK(r == 0 && strcmp(journal_find(&k, SYSCTL_IP_LOCAL_RESERVED_PORTS)->value, list) == 0,
	       "the same value");
	if (r == 0)
		journal_free(&k);
	journal_free(&j);
	free(text);
	free(list);
}

/* A NUL byte is an error on its line, not a silent end of the journal
 * (what follows it would be lost, and rollback would say "no changes"). */
static void test_nul(void)
{
	static const char text[] = "# twtune journal 2\napply 2026-12-08T00:00:00Z four\n"
				   "key tcp_tw_reuse 2\0\nkey tcp_fin_timeout 60\n";
	struct journal j;
	char err[64] = "";
	int r = journal_parse(text, sizeof(text) - 1, &j, err, sizeof(err));

	TAP_OK(r == -EINVAL && strcmp(err, "line 3: NUL byte") == 0, "a NUL byte is refused: '%s'", err);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal j;
		char err[256] = "";
		int r = journal_parse(cases[i].text, strlen(cases[i].text), &j, err, sizeof(err));

		if (!cases[i].error) {
			char *again;
			struct journal k;

			TAP_OK(r == 0, "%s parses (%s)", cases[i].name, err);
			if (r)
				continue;
			again = journal_format(&j);
			TAP_OK(again && journal_parse(again, strlen(again), &k, err, sizeof(err)) == 0, "%s: round trip",
			       cases[i].name);
			if (again) {
				char *twice = journal_format(&k);

				TAP_OK(twice && strcmp(again, twice) == 0, "%s: format is stable", cases[i].name);
				free(twice);
				journal_free(&k);
			}
			free(again);
			journal_free(&j);
		} else {
			TAP_OK(r == -EINVAL && strcmp(err, cases[i].error) == 0, "%s refused: '%s' (got '%s')",
			       cases[i].name, cases[i].error, err);
		}
	}
	{
		struct journal j;
		char err[64];

		journal_parse(cases[0].text, strlen(cases[0].text), &j, err, sizeof(err));
		TAP_OK(j.n == 3 && strcmp(journal_find(&j, SYSCTL_TCP_TW_REUSE)->value, "2") == 0,
		       "values kept");
		TAP_OK(journal_add(&j, SYSCTL_TCP_TW_REUSE, "1") == 0 &&
			       strcmp(journal_find(&j, SYSCTL_TCP_TW_REUSE)->value, "2") == 0,
		       "the oldest value wins on a second apply");
		TAP_OK(j.persist == PERSIST_ABSENT && strcmp(j.persist_path, "/etc/sysctl.d/90-twtune.conf") == 0,
		       "persist record");
		TAP_OK(strcmp(journal_find(&j, SYSCTL_IP_LOCAL_RESERVED_PORTS)->value, "") == 0,
		       "an empty value survives");
		TAP_OK(!journal_origin_of(&j, journal_find(&j, SYSCTL_TCP_TW_REUSE)),
		       "a version 1 journal does not say which apply a value dates from");
		journal_free(&j);
	}
	{
		const char *t = NULL;
		struct journal j;
		char err[64];

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (strcmp(cases[i].name, "persisted file's metadata") == 0)
				t = cases[i].text;

		TAP_OK(journal_parse(t, strlen(t), &j, err, sizeof(err)) == 0 && j.persist_meta.have &&
			       j.persist_meta.mode == 0640 && j.persist_meta.uid == 65534 &&
			       j.persist_meta.gid == 4 && j.persist_meta.nxattr == 2 &&
			       strcmp(j.persist_meta.xattr[0].name, "user.origin") == 0 &&
			       j.persist_meta.xattr[0].len == 9 &&
			       memcmp(j.persist_meta.xattr[0].value, "ops  team", 9) == 0 &&
			       j.persist_meta.xattr[1].len == 3 && j.persist_meta.xattr[1].value[1] == 0xff,
		       "metadata: mode, owner and two attributes, binary values kept");
		journal_free(&j);
	}
	test_origins();
	test_long_value();
	test_nul();
	return tap_done();
}
