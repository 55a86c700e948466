/* apply.c: plan, write, verify and restore sysctl changes; persist them */
#include "apply.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "sysctl.h"

static int idx(const char *name)
{
	return settings_index(name);
}

void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->nall; i++) {
		sysval_free(&pl->all[i].before);
		sysval_free(&pl->all[i].after);
	}
	memset(pl, 0, sizeof(*pl));
}

static int add(struct plan *pl, const struct settings *cur, int key, struct sysval *after)
{
	struct change *c = &pl->all[pl->nall];
	int r = sysval_copy(&c->before, &cur->val[key]);

	if (r < 0) {
		sysval_free(after);
		return r;
	}
	c->key = key;
	c->after = *after;
	if (!sysval_equal(&c->before, &c->after))
		pl->diff[pl->ndiff++] = pl->nall;
	pl->nall++;
	return 0;
}

/* ip_local_port_range may not start below ip_unprivileged_port_start (the
 * kernel's EINVAL), and a reserved port 0 means nothing. */
static int cross_check(const struct plan *pl, const struct settings *cur, char *err, size_t errlen)
{
	int unpriv = idx("ip_unprivileged_port_start");

	for (size_t i = 0; i < pl->nall; i++) {
		const struct change *c = &pl->all[i];

		if (c->key == idx("ip_local_port_range") && cur->have[unpriv] &&
		    c->after.lo < cur->val[unpriv].num) {
			snprintf(err, errlen,
				 "net.ipv4.ip_local_port_range = %s starts below "
				 "net.ipv4.ip_unprivileged_port_start = %lld: the kernel refuses it",
				 c->after.text, cur->val[unpriv].num);
			return -EINVAL;
		}
		if (c->key == idx("ip_local_reserved_ports") && port_isset(c->after.ports, 0)) {
			snprintf(err, errlen,
				 "net.ipv4.ip_local_reserved_ports = %s: reserved ports are 1..65535",
				 c->after.text);
			return -EINVAL;
		}
	}
	return 0;
}

int plan_from_profile(const struct profile *p, const struct settings *cur, const char *root,
		      struct plan *pl, char *err, size_t errlen)
{
	int r = 0;

	memset(pl, 0, sizeof(*pl));
	for (size_t i = 0; i < sysctl_count && !r; i++) {
		const struct sysctl_def *d = &sysctl_table[i];
		struct sysval v;

		if (!p->sysctl[i].set)
			continue;
		if (!cur->have[i]) {
			/* The kernel behaves as the default anyway. */
			if (p->sysctl[i].use_default ||
			    (d->kernel_default && strcmp(p->sysctl[i].val.text, d->kernel_default) == 0)) {
				pl->skipped[pl->nskipped++] = d->name;
				continue;
			}
			snprintf(err, errlen,
				 "net.ipv4.%s is not supported by this kernel (it has it per namespace "
				 "since %s); remove it from the profile",
				 d->name, d->since);
			r = -EOPNOTSUPP;
			break;
		}
		r = profile_target(p, i, root, &v);
		if (r == -ENODATA) {
			snprintf(err, errlen, "net.ipv4.%s = default: the kernel default is unknown here",
				 d->name);
			r = -EOPNOTSUPP;
			break;
		}
		if (r == 0)
			r = add(pl, cur, (int)i, &v);
	}
	if (!r)
		r = cross_check(pl, cur, err, errlen);
	if (r)
		plan_free(pl);
	return r;
}

int plan_from_journal(const struct journal *j, const struct settings *cur, struct plan *pl,
		      char *err, size_t errlen)
{
	int r = 0;

	memset(pl, 0, sizeof(*pl));
	for (size_t i = 0; i < j->n && !r; i++) {
		const struct sysctl_def *d = &sysctl_table[j->e[i].key];
		struct sysval v;
		char why[128];

		if (!cur->have[j->e[i].key]) {
			snprintf(err, errlen, "net.ipv4.%s is in the journal but not in this kernel",
				 d->name);
			r = -EOPNOTSUPP;
			break;
		}
		r = sysval_parse(d, j->e[i].value, &v, why, sizeof(why));
		if (r == 0)
			r = add(pl, cur, j->e[i].key, &v);
	}
	if (r)
		plan_free(pl);
	return r;
}

int plan_check_writable(const struct plan *pl, const char *root, char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->ndiff; i++) {
		const struct sysctl_def *d = &sysctl_table[pl->all[pl->diff[i]].key];
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", root, d->path);
		if (access(path, W_OK) < 0) {
			int e = errno;

			if (e == EROFS)
				snprintf(err, errlen,
					 "%s is read-only (a container without write access to /proc/sys?): "
					 "nothing was changed",
					 root);
			else if (e == EACCES || e == EPERM)
				snprintf(err, errlen,
					 "writing net.ipv4.%s needs root (CAP_NET_ADMIN over the network "
					 "namespace): nothing was changed",
					 d->name);
			else
				snprintf(err, errlen, "cannot write net.ipv4.%s: %s", d->name, strerror(e));
			return -e;
		}
	}
	return 0;
}

/* Test hooks, for the failure and interruption tests only. */
static long test_number(const char *name)
{
	const char *v = getenv(name);
	long long n;

	return v && parse_ll(v, 0, 1000, &n) == 0 ? (long)n : 0;
}

static int write_verify(const char *root, const struct sysval *v, int key, char *readback,
			size_t len)
{
	const struct sysctl_def *d = &sysctl_table[key];
	struct sysval now;
	int r = sysctl_write(root, d, v);

	if (r < 0)
		return r;
	r = sysctl_read(root, d, &now);
	if (r < 0)
		return r;
	if (!sysval_equal(&now, v)) {
		snprintf(readback, len, "%s", now.text);
		r = -EIO;
	}
	sysval_free(&now);
	return r;
}

int plan_write(const struct plan *pl, const char *root, struct write_report *rep)
{
	long fail_at = test_number("TWTUNE_TEST_FAIL_AT");
	long pause_after = test_number("TWTUNE_TEST_PAUSE_AFTER");
	size_t i;
	int r = 0;

	memset(rep, 0, sizeof(*rep));
	rep->failed_key = rep->restore_failed_key = -1;
	for (i = 0; i < pl->ndiff; i++) {
		const struct change *c = &pl->all[pl->diff[i]];
		char point[48]; /* "write-" and any size_t */

		if (fail_at && (long)i + 1 == fail_at)
			r = -EIO; /* test hook: the kernel refuses this write */
		else
			r = write_verify(root, &c->after, c->key, rep->readback, sizeof(rep->readback));
		if (r < 0) {
			rep->failed_key = c->key;
			rep->failed_err = r;
			break;
		}
		rep->written++;
		snprintf(point, sizeof(point), "write-%zu", i + 1);
		test_kill_point(point);
		if (pause_after && (long)i + 1 == pause_after) {
			struct timespec ts = { 30, 0 };

			fprintf(stderr, "twtune: test hook: paused after write %zu\n", i + 1);
			nanosleep(&ts, NULL);
		}
	}
	if (r == 0)
		return 0;
	/* Put back what was written, newest first. */
	while (i-- > 0) {
		const struct change *c = &pl->all[pl->diff[i]];
		char ignored[128];
		int e = write_verify(root, &c->before, c->key, ignored, sizeof(ignored));

		if (e < 0 && rep->restore_failed_key < 0) {
			rep->restore_failed_key = c->key;
			rep->restore_err = e;
		} else if (e == 0) {
			rep->restored++;
		}
	}
	return r;
}

static char *conf_lines(const struct plan *pl, bool after, const char *header)
{
	size_t cap = 1024 + strlen(header), len = 0;
	char *s = malloc(cap), name[96];

	if (!s)
		return NULL;
	len = (size_t)snprintf(s, cap, "%s", header);
	for (size_t i = 0; i < pl->nall; i++) {
		const struct change *c = &pl->all[i];
		const char *v = after ? c->after.text : c->before.text;
		size_t need = strlen(v) + 128;

		if (len + need > cap) {
			char *t = realloc(s, cap + need * 2);

			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
			cap += need * 2;
		}
		len += (size_t)snprintf(s + len, cap - len, "%s =%s%s\n",
					sysctl_fullname(&sysctl_table[c->key], name, sizeof(name)),
					*v ? " " : "", v);
	}
	return s;
}

char *plan_conf_text(const struct plan *pl, bool after)
{
	return conf_lines(pl, after, "");
}

char *persist_text(const char *profile, const struct plan *pl)
{
	char header[512], stamp[32];
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	long long fixed;
	struct tm tm;

	/* The reproducible-builds convention: a fixed time, for files that
	 * must come out byte for byte the same (the interruption tests). */
	if (epoch && parse_ll(epoch, 0, 253402300799LL, &fixed) == 0)
		now = (time_t)fixed;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(header, sizeof(header),
		 "# Written by twtune apply --persist, profile %s, %s.\n"
		 "# 'twtune rollback' puts back what was here before. Loaded at boot by\n"
		 "# systemd-sysctl, or by hand with: sysctl -p THIS-FILE\n",
		 profile, stamp);
	return conf_lines(pl, true, header);
}

/* The text without comment lines, for comparing two versions. */
static char *settings_only(const char *text)
{
	size_t n = strlen(text), len = 0;
	char *s = malloc(n + 1);
	const char *p = text;

	if (!s)
		return NULL;
	while (*p) {
		size_t l = strcspn(p, "\n");

		if (*p != '#' && *p != ';' && l) {
			memcpy(s + len, p, l);
			len += l;
			s[len++] = '\n';
		}
		p += l + (p[l] == '\n');
	}
	s[len] = '\0';
	return s;
}

bool persist_up_to_date(const char *path, const char *text)
{
	char *old = NULL, *a, *b;
	bool same;

	if (read_small_file(path, 1 << 20, &old, NULL) < 0)
		return false;
	a = settings_only(old);
	b = settings_only(text);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	free(old);
	return same;
}

/* Does the file at path assign key (net.ipv4.x or net/ipv4/x)? */
static bool file_sets(const char *path, const char *key)
{
	char *text = NULL;
	bool found = false;

	if (read_small_file(path, 1 << 20, &text, NULL) < 0)
		return false;
	for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char *k = line;
		size_t n;

		while (*k == ' ' || *k == '\t' || *k == '-')
			k++;
		n = strcspn(k, " \t=");
		for (size_t i = 0; i < n; i++)
			if (k[i] == '/')
				k[i] = '.';
		found = n == strlen(key) && strncmp(k, key, n) == 0 && strchr(k + n, '=');
	}
	free(text);
	return found;
}

static int cmp_names(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x, y);
}

char *persist_overrides(const char *path, const struct plan *pl)
{
	const char *env = getenv("TWTUNE_SYSCTL_D_DIRS");
	char *dirs = strdup(env ? env
				: "/etc/sysctl.d:/run/sysctl.d:/usr/local/lib/sysctl.d:/usr/lib/sysctl.d:/lib/sysctl.d");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *files[512], *out = NULL, *save = NULL;
	size_t nfiles = 0, len = 0;

	if (!dirs)
		return NULL;
	/* systemd-sysctl: *.conf of all the directories, a name in an earlier
	 * directory hiding the same name in a later one, read in name order;
	 * the last assignment wins. */
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		DIR *dir = opendir(d);
		struct dirent *e;

		while (dir && (e = readdir(dir)) && nfiles < 512) {
			size_t n = strlen(e->d_name);
			bool dup = false;
			char full[4096];

			if (n < 6 || strcmp(e->d_name + n - 5, ".conf") != 0)
				continue;
			for (size_t i = 0; i < nfiles && !dup; i++)
				dup = strcmp(strrchr(files[i], '/') + 1, e->d_name) == 0;
			snprintf(full, sizeof(full), "%s/%s", d, e->d_name);
			if (!dup && (files[nfiles] = strdup(full)))
				nfiles++;
		}
		if (dir)
			closedir(dir);
	}
	qsort(files, nfiles, sizeof(files[0]), cmp_names);
	for (size_t i = 0; i < nfiles; i++) {
		if (strcmp(strrchr(files[i], '/') + 1, base) > 0)
			for (size_t k = 0; k < pl->nall; k++) {
				char name[96], line[4300];
				char *t;

				sysctl_fullname(&sysctl_table[pl->all[k].key], name, sizeof(name));
				if (!file_sets(files[i], name))
					continue;
				snprintf(line, sizeof(line), "%s sets %s and is read after %s\n", files[i],
					 name, base);
				t = realloc(out, len + strlen(line) + 1);
				if (!t)
					break;
				out = t;
				memcpy(out + len, line, strlen(line) + 1);
				len += strlen(line);
			}
		free(files[i]);
	}
	free(dirs);
	return out;
}
