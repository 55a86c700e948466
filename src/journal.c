/* journal.c: the apply journal and the state directory lock.
 *
 *   # twtune journal 1
 *   profile proxy-profile
 *   time 2026-11-24T10:00:00Z
 *   key net.ipv4.tcp_tw_reuse 2
 *   key net.ipv4.ip_local_reserved_ports
 *   persist /etc/sysctl.d/90-twtune.conf absent
 *
 * One record per line; a value is the rest of its line (maybe empty).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "registry.h"
#include "value.h"

#define JOURNAL_MAGIC "# twtune journal 1"
#define JOURNAL_MAX (64 * 1024)

void journal_free(struct journal *j)
{
	free(j->profile);
	free(j->time);
	free(j->persist_path);
	for (size_t i = 0; i < j->n; i++)
		free(j->e[i].value);
	memset(j, 0, sizeof(*j));
}

struct journal_entry *journal_find(struct journal *j, int key)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->e[i].key == key)
			return &j->e[i];
	return NULL;
}

int journal_add(struct journal *j, int key, const char *value)
{
	if (journal_find(j, key))
		return 0; /* the oldest value is the one to go back to */
	if (j->n == sizeof(j->e) / sizeof(j->e[0]))
		return -E2BIG;
	j->e[j->n].value = strdup(value);
	if (!j->e[j->n].value)
		return -ENOMEM;
	j->e[j->n++].key = key;
	return 0;
}

static int bad(char *err, size_t errlen, int line, const char *what)
{
	snprintf(err, errlen, "line %d: %s", line, what);
	return -EINVAL;
}

int journal_parse(const char *text, struct journal *j, char *err, size_t errlen)
{
	const char *p = text;
	int line = 0, r = 0;

	memset(j, 0, sizeof(*j));
	while (*p && !r) {
		size_t n = strcspn(p, "\n");
		char buf[1024], *sp;

		line++;
		if (n >= sizeof(buf)) {
			r = bad(err, errlen, line, "line too long");
			break;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (p[n] == '\n');
		if (line == 1) {
			if (strcmp(buf, JOURNAL_MAGIC) != 0)
				r = bad(err, errlen, line, "not a twtune journal");
			continue;
		}
		if (buf[0] == '\0')
			continue;
		sp = strchr(buf, ' ');
		if (!sp) {
			r = bad(err, errlen, line, "record without a value");
			break;
		}
		*sp++ = '\0';
		if (strcmp(buf, "profile") == 0 && !j->profile) {
			j->profile = strdup(sp);
		} else if (strcmp(buf, "time") == 0 && !j->time) {
			j->time = strdup(sp);
		} else if (strcmp(buf, "key") == 0) {
			char *v = strchr(sp, ' ');
			const struct sysctl_def *d;
			struct sysval val;
			char why[128];

			if (v)
				*v++ = '\0';
			d = sysctl_lookup(sp);
			if (!d || (d->flags & SYSCTL_READONLY)) {
				r = bad(err, errlen, line, "unknown key");
				break;
			}
			if (journal_find(j, (int)(d - sysctl_table))) {
				r = bad(err, errlen, line, "key twice");
				break;
			}
			if (sysval_parse(d, v ? v : "", &val, why, sizeof(why)) < 0) {
				r = bad(err, errlen, line, "bad value");
				break;
			}
			r = journal_add(j, (int)(d - sysctl_table), val.text);
			sysval_free(&val);
		} else if (strcmp(buf, "persist") == 0 && !j->persist_path) {
			char *state = strrchr(sp, ' ');

			if (!state || state == sp || sp[0] != '/') {
				r = bad(err, errlen, line, "persist needs PATH absent|saved");
				break;
			}
			*state++ = '\0';
			if (strcmp(state, "absent") == 0)
				j->persist = PERSIST_ABSENT;
			else if (strcmp(state, "saved") == 0)
				j->persist = PERSIST_SAVED;
			else {
				r = bad(err, errlen, line, "persist needs PATH absent|saved");
				break;
			}
			j->persist_path = strdup(sp);
		} else {
			r = bad(err, errlen, line, "unknown or repeated record");
		}
	}
	if (!r && line == 0)
		r = bad(err, errlen, 1, "empty journal");
	if (r)
		journal_free(j);
	return r;
}

char *journal_format(const struct journal *j)
{
	size_t cap = 4096, len = 0;
	char *s = malloc(cap), name[96];

	if (!s)
		return NULL;
#define ADD(...)                                                                             \
	do {                                                                                 \
		int n_ = snprintf(s + len, cap - len, __VA_ARGS__);                          \
		if (n_ < 0 || (size_t)n_ >= cap - len) {                                     \
			free(s);                                                             \
			return NULL;                                                         \
		}                                                                            \
		len += (size_t)n_;                                                           \
	} while (0)
	ADD("%s\n", JOURNAL_MAGIC);
	if (j->profile)
		ADD("profile %s\n", j->profile);
	if (j->time)
		ADD("time %s\n", j->time);
	for (size_t i = 0; i < j->n; i++) {
		const char *v = j->e[i].value;

		ADD("key %s%s%s\n", sysctl_fullname(&sysctl_table[j->e[i].key], name, sizeof(name)),
		    *v ? " " : "", v);
	}
	if (j->persist_path && j->persist != PERSIST_NONE)
		ADD("persist %s %s\n", j->persist_path, j->persist == PERSIST_ABSENT ? "absent" : "saved");
#undef ADD
	return s;
}

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

int journal_load(const char *dir, struct journal *j, char *err, size_t errlen)
{
	char path[4096], *text;
	int r;

	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	r = read_state_file(path, JOURNAL_MAX, &text, NULL);
	if (r == -EINVAL)
		snprintf(err, errlen, "is not a regular file");
	if (r < 0)
		return r;
	r = journal_parse(text, j, err, errlen);
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

int journal_lock(const char *dir, unsigned wait_s)
{
	char path[4096];
	struct timespec start, now;
	struct stat st;
	int fd;

	path_in(path, sizeof(path), dir, JOURNAL_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;

			close(fd);
			return -e;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)wait_s) {
			close(fd);
			return -EWOULDBLOCK;
		}
		nanosleep(&tick, NULL);
	}
}
