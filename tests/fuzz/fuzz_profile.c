// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_profile.c: profile loading (iniparser, validation, includes) on
 * arbitrary files.
 *
 * Input: up to four files separated by NUL bytes, written to a private
 * temporary directory as main.ini, b.ini, c.ini and d.ini, which is the
 * only directory searched, so "include = b" and include loops resolve
 * there. main is loaded by path and by name, then every profile of the
 * directory is listed as `twtune profiles` does. A load either succeeds
 * with sane values or fails with one line naming what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "profile.h"

#define NFILES 4
static const char *const names[NFILES] = { "main", "b", "c", "d" };
static char dir[PATH_MAX];

static void cleanup(void)
{
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s.ini", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/twtune-fuzz-profile-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup);
	return 0;
}

static void write_file(const char *name, const uint8_t *data, size_t size)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FUZZ_CHECK(fd >= 0);
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		FUZZ_CHECK(n > 0);
		data += n;
		size -= (size_t)n;
	}
	close(fd);
}

/* One line, and it names something. */
static void check_error(const char *err)
{
	FUZZ_CHECK(err[0] != '\0');
	FUZZ_CHECK(strchr(err, '\n') == NULL);
}

static void check_loaded(const struct profile *p)
{
	FUZZ_CHECK(p->name && p->path);
	FUZZ_CHECK(p->nincludes >= 1 && p->nincludes <= PROFILE_MAX_DEPTH + 1);
	for (size_t i = 0; i < THR_COUNT_; i++) {
		if (threshold_table[i].kind == THR_RATIO)
			FUZZ_CHECK(p->thresholds[i] >= 0 && p->thresholds[i] <= 1);
		else
			FUZZ_CHECK(p->thresholds[i] >= 0 && p->thresholds[i] <= 100000000);
	}
	for (enum sysctl_id id = 0; id < SYSCTL_COUNT; id++) {
		const struct profile_setting *s = &p->sysctl[id];

		if (!s->set) {
			FUZZ_CHECK(s->val.text == NULL && s->from == NULL);
			continue;
		}
		FUZZ_CHECK(!(sysctl_table[id].flags & SYSCTL_READONLY));
		FUZZ_CHECK(s->from != NULL);
		FUZZ_CHECK(s->use_default ? s->val.text == NULL : s->val.text != NULL);
	}
}

static void load(const char *arg, const struct profile_search *sp)
{
	struct profile p;
	char err[1024] = "";
	int r = profile_load(arg, sp, &p, err, sizeof(err));

	if (r == 0) {
		check_loaded(&p);
		profile_free(&p);
		return;
	}
	FUZZ_CHECK(r == -ENOENT || r == -EINVAL || r == -ELOOP || r == -EFBIG || r == -EACCES ||
		   r == -EISDIR || r == -ENOMEM);
	if (r != -ENOMEM)
		check_error(err);
}

static void visit(const char *name, const char *path, const struct profile *p, const char *error,
		  void *ctx)
{
	(void)path;
	(*(int *)ctx)++;
	FUZZ_CHECK(name && *name);
	FUZZ_CHECK((p == NULL) != (error == NULL));
	if (p)
		check_loaded(p);
	else
		check_error(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct profile_search sp = { .ndirs = 1 };
	char path[PATH_MAX + 16];
	size_t nfiles = 0;
	int seen = 0;

	if (!ready)
		ready = !setup();
	sp.dirs[0] = dir;
	while (nfiles < NFILES) {
		const uint8_t *nul = memchr(data, '\0', size);
		size_t n = nul ? (size_t)(nul - data) : size;

		write_file(names[nfiles++], data, n);
		if (!nul)
			break;
		data += n + 1;
		size -= n + 1;
	}
	for (size_t i = nfiles; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s.ini", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/main.ini", dir);
	load(path, &sp);
	load("main", &sp);
	profile_foreach(&sp, visit, &seen);
	FUZZ_CHECK(seen == (int)nfiles);
	return 0;
}
