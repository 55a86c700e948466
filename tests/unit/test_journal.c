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
	{ "other version", "# twtune journal 2\n", "line 1: not a twtune journal" },
	{ "empty", "", "line 1: empty journal" },
	{ "unknown key", "# twtune journal 1\nkey net.ipv4.tcp_tw_recycle 1\n", "line 2: unknown key" },
	{ "read-only key", "# twtune journal 1\nkey ip_unprivileged_port_start 1024\n", "line 2: unknown key" },
	{ "bad value", "# twtune journal 1\nkey tcp_tw_reuse 7\n", "line 2: bad value" },
	{ "key twice", "# twtune journal 1\nkey tcp_tw_reuse 1\nkey tcp_tw_reuse 2\n", "line 3: key twice" },
	{ "unknown record", "# twtune journal 1\nfrobnicate yes\n", "line 2: unknown or repeated record" },
	{ "record alone", "# twtune journal 1\nprofile\n", "line 2: record without a value" },
	{ "persist state", "# twtune journal 1\npersist /x maybe\n", "line 2: persist needs PATH absent|saved" },
	{ "relative persist", "# twtune journal 1\npersist x absent\n", "line 2: persist needs PATH absent|saved" },
	{ "repeated profile", "# twtune journal 1\nprofile a\nprofile b\n", "line 3: unknown or repeated record" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal j;
		char err[256] = "";
		int r = journal_parse(cases[i].text, &j, err, sizeof(err));

		if (!cases[i].error) {
			char *again;
			struct journal k;

			TAP_OK(r == 0, "%s parses (%s)", cases[i].name, err);
			if (r)
				continue;
			again = journal_format(&j);
			TAP_OK(again && journal_parse(again, &k, err, sizeof(err)) == 0, "%s: round trip",
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
		int reuse = (int)(sysctl_lookup("tcp_tw_reuse") - sysctl_table);

		journal_parse(cases[0].text, &j, err, sizeof(err));
		TAP_OK(j.n == 3 && strcmp(journal_find(&j, reuse)->value, "2") == 0, "values kept");
		TAP_OK(journal_add(&j, reuse, "1") == 0 && strcmp(journal_find(&j, reuse)->value, "2") == 0,
		       "the oldest value wins on a second apply");
		TAP_OK(j.persist == PERSIST_ABSENT && strcmp(j.persist_path, "/etc/sysctl.d/90-twtune.conf") == 0,
		       "persist record");
		TAP_OK(strcmp(journal_find(&j, (int)(sysctl_lookup("ip_local_reserved_ports") - sysctl_table))->value, "") == 0,
		       "an empty value survives");
		journal_free(&j);
	}
	return tap_done();
}
