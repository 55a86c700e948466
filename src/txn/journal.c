// SPDX-License-Identifier: GPL-2.0-or-later
/* journal.c: the apply journal and the state directory lock.
 *
 *   # twtune journal 2
 *   profile four
 *   time 2026-11-24T11:00:00Z
 *   netns init
 *   root /proc/sys
 *   apply 2026-11-24T10:00:00Z proxy-profile
 *   key net.ipv4.tcp_tw_reuse 2
 *   key net.ipv4.ip_local_reserved_ports
 *   apply 2026-11-24T11:00:00Z four
 *   key net.ipv4.tcp_fin_timeout 60
 *   persist /etc/sysctl.d/90-twtune.conf absent
 *
 * A persisted file that was there ("saved") also has its mode, owner and
 * extended attributes (name and value in hex), for rollback to put back:
 *   persist /etc/sysctl.d/90-twtune.conf saved
 *   persist-meta 0640 0 4
 *   persist-xattr 757365722e6f726967696e 6f7073
 *
 * One record per line; a value is the rest of its line (maybe empty).
 * netns and root name the namespace (nsid.h) and sysctl root the values
 * are of: a rollback anywhere else refuses the journal.
 * profile and time name the last apply; each key holds the value from
 * before the first apply that changed it since the last rollback, and
 * follows the "apply" record of that apply (version 1 had no such records).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "number.h"
#include "registry.h"
#include "trust.h"
#include "value.h"

/* Version 2 names the apply each key dates from ("apply" records); a
 * version 1 journal, without them, is still read. */
#define JOURNAL_MAGIC "# twtune journal 2"
#define JOURNAL_MAGIC_V1 "# twtune journal 1"
/* Values are as long as the kernel makes them (ip_local_reserved_ports can
 * list tens of thousands of ports): the journal is bounded as a whole, as
 * a sysctl read is (sysctl.c's RAW_MAX), not per line. */
#define JOURNAL_MAX (4 * 1024 * 1024)

void journal_free(struct journal *j)
{
	free(j->profile);
	free(j->time);
	free(j->netns);
	free(j->root);
	free(j->persist_path);
	file_meta_free(&j->persist_meta);
	for (size_t i = 0; i < j->n; i++)
		free(j->e[i].value);
	for (size_t i = 0; i < j->norigin; i++) {
		free(j->origin[i].profile);
		free(j->origin[i].time);
	}
	memset(j, 0, sizeof(*j));
	j->current = -1;
}

int journal_retain(struct journal *j, const enum sysctl_id *keys, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < j->n; i++) {
		bool keep = false;

		for (size_t k = 0; k < n && !keep; k++)
			keep = keys[k] == j->e[i].key;
		if (keep)
			j->e[kept++] = j->e[i];
		else
			free(j->e[i].value);
	}
	j->n = kept;
	free(j->persist_path);
	j->persist_path = NULL;
	j->persist = PERSIST_NONE;
	file_meta_free(&j->persist_meta);
	return 0;
}

struct journal_entry *journal_find(struct journal *j, enum sysctl_id key)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->e[i].key == key)
			return &j->e[i];
	return NULL;
}

const struct journal_origin *journal_origin_of(const struct journal *j,
					       const struct journal_entry *e)
{
	return e->from >= 0 && (size_t)e->from < j->norigin ? &j->origin[e->from] : NULL;
}

static int origin_add(struct journal *j, const char *profile, const char *time)
{
	struct journal_origin *o = &j->origin[j->norigin];

	if (j->norigin == SYSCTL_COUNT)
		return -E2BIG;
	o->profile = strdup(profile ? profile : "?");
	o->time = strdup(time ? time : "?");
	if (!o->profile || !o->time) {
		free(o->profile);
		free(o->time);
		return -ENOMEM;
	}
	return (int)j->norigin++;
}

static int entry_add(struct journal *j, enum sysctl_id key, const char *value, int from)
{
	if (j->n == SYSCTL_COUNT)
		return -E2BIG;
	j->e[j->n].value = strdup(value);
	if (!j->e[j->n].value)
		return -ENOMEM;
	j->e[j->n].key = key;
	j->e[j->n++].from = from;
	return 0;
}

/* One record a line: a name with a control character would write a
 * record of its own. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Sets *a and *b to copies of x and y, both or neither: 0, -EINVAL for a
 * control character (one record a line), or -ENOMEM. */
static int set_pair(char **a, char **b, const char *x, const char *y)
{
	char *cx, *cy;

	if (has_control(x) || has_control(y))
		return -EINVAL;
	cx = strdup(x);
	cy = strdup(y);
	if (!cx || !cy) {
		free(cx);
		free(cy);
		return -ENOMEM;
	}
	free(*a);
	free(*b);
	*a = cx;
	*b = cy;
	return 0;
}

int journal_own(struct journal *j, const char *netns, const char *root)
{
	return set_pair(&j->netns, &j->root, netns, root);
}

bool journal_owned_by(const struct journal *j, const char *netns, const char *root)
{
	if (!j->netns && !j->root)
		return true; /* written before the records: no one can tell */
	return strcmp(j->netns ? j->netns : "init", netns) == 0 &&
	       strcmp(j->root ? j->root : "/proc/sys", root) == 0;
}

int journal_begin(struct journal *j, const char *profile, const char *time)
{
	int r = set_pair(&j->profile, &j->time, profile, time);

	if (r == 0)
		j->current = -1;
	return r;
}

int journal_add(struct journal *j, enum sysctl_id key, const char *value)
{
	if (journal_find(j, key))
		return 0; /* the oldest value is the one to go back to */
	if (j->n == SYSCTL_COUNT)
		return -E2BIG;
	if (j->current < 0) {
		int o = origin_add(j, j->profile, j->time);

		if (o < 0)
			return o;
		j->current = o;
	}
	return entry_add(j, key, value, j->current);
}

static int bad(char *err, size_t errlen, int line, const char *what)
{
	snprintf(err, errlen, "line %d: %s", line, what);
	return -EINVAL;
}

/* "key NAME [VALUE]", from the apply of the last "apply" record, if any. */
static int parse_key(struct journal *j, char *sp, int line, char *err, size_t errlen)
{
	char *v = strchr(sp, ' ');
	const struct sysctl_def *d;
	enum sysctl_id id;
	struct sysval val;
	char why[128];
	int r;

	if (v)
		*v++ = '\0';
	d = sysctl_lookup(sp);
	if (!d || (d->flags & SYSCTL_READONLY))
		return bad(err, errlen, line, "unknown key");
	id = (enum sysctl_id)(d - sysctl_table);
	if (journal_find(j, id))
		return bad(err, errlen, line, "key twice");
	if (sysval_parse(d, v ? v : "", &val, why, sizeof(why)) < 0)
		return bad(err, errlen, line, "bad value");
	r = entry_add(j, id, val.text, j->current);
	sysval_free(&val);
	return r;
}

/* "apply TIME PROFILE": the keys after it date from that apply. */
static int parse_apply(struct journal *j, char *sp, int line, char *err, size_t errlen)
{
	char *name = strchr(sp, ' ');
	int o;

	if (!name || name == sp || !name[1])
		return bad(err, errlen, line, "apply needs TIME PROFILE");
	*name++ = '\0';
	o = origin_add(j, name, sp);
	if (o == -E2BIG)
		return bad(err, errlen, line, "too many apply records");
	if (o >= 0)
		j->current = o;
	return o < 0 ? o : 0;
}

/* "persist PATH absent|saved" */
static int parse_persist(struct journal *j, char *sp, int line, char *err, size_t errlen)
{
	char *state = strrchr(sp, ' ');

	if (!state || state == sp || sp[0] != '/')
		return bad(err, errlen, line, "persist needs PATH absent|saved");
	*state++ = '\0';
	if (strcmp(state, "absent") == 0)
		j->persist = PERSIST_ABSENT;
	else if (strcmp(state, "saved") == 0)
		j->persist = PERSIST_SAVED;
	else
		return bad(err, errlen, line, "persist needs PATH absent|saved");
	j->persist_path = strdup(sp);
	return j->persist_path ? 0 : -ENOMEM;
}

/* "persist-meta MODE UID GID": mode in octal, the ids in decimal. */
static int parse_persist_meta(struct journal *j, char *sp, int line, char *err, size_t errlen)
{
	unsigned long v[3];
	char *p = sp, *end;

	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return bad(err, errlen, line, "persist-meta needs MODE UID GID");
		errno = 0;
		v[i] = strtoul(p, &end, i == 0 ? 8 : 10);
		if (errno || (i == 0 ? v[i] > 07777 : v[i] > 0xfffffffeUL) || *end != (i < 2 ? ' ' : '\0'))
			return bad(err, errlen, line, "persist-meta needs MODE UID GID");
		p = end + (i < 2);
	}
	j->persist_meta.mode = (unsigned)v[0];
	j->persist_meta.uid = (unsigned)v[1];
	j->persist_meta.gid = (unsigned)v[2];
	j->persist_meta.have = true;
	return 0;
}

/* Hex text into out (room for strlen(hex) / 2 bytes); the length, or -1. */
static long unhex(const char *hex, size_t n, unsigned char *out)
{
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi * 16 + lo);
	}
	return (long)(n / 2);
}

/* "persist-xattr NAME VALUE", both in hex (a name has no NUL). */
static int parse_persist_xattr(struct journal *j, char *sp, int line, char *err, size_t errlen)
{
	char *value = strchr(sp, ' ');
	unsigned char *name = NULL, *v = NULL;
	long nn, nv;
	int r;

	if (!value || !j->persist_meta.have)
		return bad(err, errlen, line, "persist-xattr needs NAME VALUE after persist-meta");
	*value++ = '\0';
	name = malloc(strlen(sp) / 2 + 1);
	v = malloc(strlen(value) / 2 + 1);
	if (!name || !v) {
		r = -ENOMEM;
		goto out;
	}
	nn = unhex(sp, strlen(sp), name);
	nv = unhex(value, strlen(value), v);
	if (nn <= 0 || nv < 0 || memchr(name, '\0', (size_t)nn)) {
		r = bad(err, errlen, line, "persist-xattr needs NAME VALUE in hex");
		goto out;
	}
	name[nn] = '\0';
	r = file_meta_add_xattr(&j->persist_meta, (char *)name, v, (size_t)nv);
	if (r == -E2BIG)
		r = bad(err, errlen, line, "too many or too large persist-xattr records");
out:
	free(name);
	free(v);
	return r;
}

static int parse_record(struct journal *j, char *buf, int version, int line, char *err,
			size_t errlen)
{
	char *sp = strchr(buf, ' ');

	if (!sp)
		return bad(err, errlen, line, "record without a value");
	*sp++ = '\0';
	if (strcmp(buf, "profile") == 0 && !j->profile)
		return (j->profile = strdup(sp)) ? 0 : -ENOMEM;
	if (strcmp(buf, "time") == 0 && !j->time)
		return (j->time = strdup(sp)) ? 0 : -ENOMEM;
	if (strcmp(buf, "netns") == 0 && !j->netns && version >= 2)
		return (j->netns = strdup(sp)) ? 0 : -ENOMEM;
	if (strcmp(buf, "root") == 0 && !j->root && version >= 2 && sp[0] == '/')
		return (j->root = strdup(sp)) ? 0 : -ENOMEM;
	if (strcmp(buf, "key") == 0)
		return parse_key(j, sp, line, err, errlen);
	if (strcmp(buf, "apply") == 0 && version >= 2)
		return parse_apply(j, sp, line, err, errlen);
	if (strcmp(buf, "persist") == 0 && !j->persist_path)
		return parse_persist(j, sp, line, err, errlen);
	if (strcmp(buf, "persist-meta") == 0 && j->persist == PERSIST_SAVED && !j->persist_meta.have)
		return parse_persist_meta(j, sp, line, err, errlen);
	if (strcmp(buf, "persist-xattr") == 0 && j->persist == PERSIST_SAVED)
		return parse_persist_xattr(j, sp, line, err, errlen);
	return bad(err, errlen, line, "unknown or repeated record");
}

int journal_parse(const char *text, size_t len, struct journal *j, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int line = 0, version = 0, r = 0;

	memset(j, 0, sizeof(*j));
	j->current = -1;
	while (p < end && !r) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *buf;

		line++;
		/* A NUL would end the record early: what follows it is lost. */
		if (memchr(p, '\0', n)) {
			r = bad(err, errlen, line, "NUL byte");
			break;
		}
		buf = strndup(p, n);
		if (!buf) {
			r = -ENOMEM;
			break;
		}
		p += n + (nl != NULL);
		if (line == 1) {
			version = strcmp(buf, JOURNAL_MAGIC) == 0 ? 2 : strcmp(buf, JOURNAL_MAGIC_V1) == 0;
			if (!version)
				r = bad(err, errlen, line, "not a twtune journal");
		} else if (buf[0]) {
			r = parse_record(j, buf, version, line, err, errlen);
		}
		free(buf);
	}
	if (!r && line == 0)
		r = bad(err, errlen, 1, "empty journal");
	if (r)
		journal_free(j);
	/* The keys a later journal_add adds date from a new apply. */
	j->current = -1;
	return r;
}

/* The key lines of the entries from origin `from`. */
static int format_keys(const struct journal *j, int from, char **s, size_t *len, size_t *cap)
{
	char name[96];

	for (size_t i = 0; i < j->n; i++) {
		const char *v = j->e[i].value;
		size_t need = strlen(v) + sizeof(name) + 8;
		int n;

		if (j->e[i].from != from)
			continue;
		if (*len + need > *cap) {
			char *t = realloc(*s, *cap + need + 4096);

			if (!t)
				return -ENOMEM;
			*s = t;
			*cap += need + 4096;
		}
		n = snprintf(*s + *len, *cap - *len, "key %s%s%s\n",
			     sysctl_fullname(&sysctl_table[j->e[i].key], name, sizeof(name)),
			     *v ? " " : "", v);
		*len += (size_t)n;
	}
	return 0;
}

/* Appends one formatted line; -ENOMEM when it does not fit in 4 KiB more. */
static int format_line(char **s, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int format_line(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*cap - *len < 8192) {
		char *t = realloc(*s, *cap + 8192);

		if (!t)
			return -ENOMEM;
		*s = t;
		*cap += 8192;
	}
	va_start(ap, fmt);
	n = vsnprintf(*s + *len, *cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= *cap - *len)
		return -ENOMEM;
	*len += (size_t)n;
	return 0;
}

/* Appends the hex of n bytes. */
static int format_hex(const unsigned char *b, size_t n, char **s, size_t *len, size_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		int r = format_line(s, len, cap, "%02x", b[i]);

		if (r)
			return r;
	}
	return 0;
}

/* The persist-meta and persist-xattr records (FILE_XATTR_VALUE_MAX keeps
 * a line within what journal_load reads). */
static int format_meta(const struct file_meta *m, char **s, size_t *len, size_t *cap)
{
	int r = format_line(s, len, cap, "persist-meta %04o %u %u\n", m->mode, m->uid, m->gid);

	for (size_t i = 0; i < m->nxattr && !r; i++) {
		r = format_line(s, len, cap, "persist-xattr ");
		if (!r)
			r = format_hex((const unsigned char *)m->xattr[i].name, strlen(m->xattr[i].name),
				       s, len, cap);
		if (!r)
			r = format_line(s, len, cap, " ");
		if (!r)
			r = format_hex(m->xattr[i].value, m->xattr[i].len, s, len, cap);
		if (!r)
			r = format_line(s, len, cap, "\n");
	}
	return r;
}

char *journal_format(const struct journal *j)
{
	size_t cap = 0, len = 0;
	char *s = NULL;
	int r = format_line(&s, &len, &cap, "%s\n", JOURNAL_MAGIC);

	if (!r && j->profile)
		r = format_line(&s, &len, &cap, "profile %s\n", j->profile);
	if (!r && j->time)
		r = format_line(&s, &len, &cap, "time %s\n", j->time);
	if (!r && j->netns)
		r = format_line(&s, &len, &cap, "netns %s\n", j->netns);
	if (!r && j->root)
		r = format_line(&s, &len, &cap, "root %s\n", j->root);
	if (!r)
		r = format_keys(j, -1, &s, &len, &cap);
	for (size_t o = 0; o < j->norigin && !r; o++) {
		r = format_line(&s, &len, &cap, "apply %s %s\n", j->origin[o].time,
				j->origin[o].profile);
		if (!r)
			r = format_keys(j, (int)o, &s, &len, &cap);
	}
	if (!r && j->persist_path && j->persist != PERSIST_NONE)
		r = format_line(&s, &len, &cap, "persist %s %s\n", j->persist_path,
				j->persist == PERSIST_ABSENT ? "absent" : "saved");
	if (!r && j->persist == PERSIST_SAVED && j->persist_meta.have)
		r = format_meta(&j->persist_meta, &s, &len, &cap);
	if (r) {
		free(s);
		return NULL;
	}
	return s;
}

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

int journal_load(const char *dir, struct journal *j, char *err, size_t errlen)
{
	char path[4096], *text;
	size_t len;
	int r;

	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	r = read_state_file(path, JOURNAL_MAX, &text, &len);
	if (r == -EINVAL)
		snprintf(err, errlen, "is not a regular file");
	if (r < 0)
		return r;
	r = journal_parse(text, len, j, err, errlen);
	free(text);
	return r;
}

int journal_save(const char *dir, const struct journal *j)
{
	char path[4096], *text = journal_format(j);
	int r;

	if (!text)
		return -ENOMEM;
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	r = atomic_write(path, text, strlen(text));
	free(text);
	return r;
}

int journal_remove(const char *dir)
{
	char path[4096];
	int r;

	/* The journal first: once it is gone, nothing refers to the copy. */
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	test_kill_point("journal:removed");
	r = journal_clean(dir);
	return r < 0 ? r : sync_parent(path);
}

int journal_clean_copy(const char *dir)
{
	char copy[4096];

	path_in(copy, sizeof(copy), dir, JOURNAL_PERSIST_COPY);
	if (unlink(copy) < 0 && errno != ENOENT)
		return -errno;
	return atomic_cleanup(copy);
}

int journal_clean(const char *dir)
{
	char path[4096], copy[4096];
	int r;

	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	path_in(copy, sizeof(copy), dir, JOURNAL_PERSIST_COPY);
	if (unlink(copy) < 0 && errno != ENOENT)
		return -errno;
	r = atomic_cleanup(path);
	return r < 0 ? r : atomic_cleanup(copy);
}

/* The generation number in the lock file's text; 0 when empty. */
static unsigned long long generation_parse(const char *text)
{
	long long n;
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(text, "\n"), text);
	return parse_ll(buf, 0, 1LL << 62, &n) == 0 ? (unsigned long long)n : 0;
}

/* Under the lock: reads the generation and writes the next one. */
static int generation_bump(int fd, unsigned long long *gen)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int len;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*gen = generation_parse(buf);
	len = snprintf(buf, sizeof(buf), "%llu\n", *gen + 1);
	if (pwrite(fd, buf, (size_t)len, 0) != len || ftruncate(fd, len) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static long long monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Tries every 100 ms for wait_s seconds, measured on the monotonic clock
 * to the millisecond (whole seconds of a clock gave up after 0.1 s). */
static int lock_wait(int fd, unsigned wait_s)
{
	long long deadline = monotonic_ms() + (long long)wait_s * 1000;

	for (;;) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		long long left;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		left = deadline - monotonic_ms();
		if (left <= 0)
			return -EWOULDBLOCK;
		if (left < 100)
			tick.tv_nsec = left * 1000000;
		nanosleep(&tick, NULL);
	}
}

int journal_lock(const char *dir, unsigned wait_s, unsigned long long *gen)
{
	char path[4096];
	struct stat st;
	int fd, r;

	path_in(path, sizeof(path), dir, JOURNAL_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* A lock someone else made or can write is theirs to hold or to
	 * empty: refuse it, as the journal is refused. */
	if (trust_check(&st, 0) != TRUST_OK) {
		close(fd);
		return -EPERM;
	}
	r = lock_wait(fd, wait_s);
	if (r == 0)
		r = generation_bump(fd, gen);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
