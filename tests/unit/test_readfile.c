// SPDX-License-Identifier: GPL-2.0-or-later
/* test_readfile.c: the bounded file reader and the trust policy, on files
 * in a temporary directory and on crafted stat results */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"
#include "tap.h"
#include "trust.h"

static char dir[] = "/tmp/twtune-test-readfile-XXXXXX";
static char path[512];

static const char *at(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void put(const char *name, const char *text, size_t len, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		perror(name);
	close(fd);
	chmod(at(name), mode);
}

/* readfile(name) returns want; on success the text is expect. */
static void check(const char *name, size_t max, unsigned flags, int want, const char *expect,
		  const char *what)
{
	char *out = (char *)1;
	size_t len = 12345;
	int r = readfile(at(name), max, flags, &out, &len);

	if (want == 0)
		TAP_OK(r == 0 && len == strlen(expect) && memcmp(out, expect, len) == 0 &&
			       out[len] == '\0',
		       "%s (r=%d)", what, r);
	else
		TAP_OK(r == want && out == NULL, "%s (r=%d, want %d)", what, r, want);
	free(r == 0 ? out : NULL);
}

static void test_files(void)
{
	static char big[20000];
	char *out;
	size_t len;

	memset(big, 'x', sizeof(big) - 1);
	put("small", "abc\n", 4, 0644);
	put("empty", "", 0, 0644);
	put("big", big, sizeof(big) - 1, 0644);
	put("open", "w\n", 2, 0666);
	put("grp", "g\n", 2, 0664);
	TAP_OK(symlink("small", at("link")) == 0, "a link");
	TAP_OK(mkfifo(at("fifo"), 0644) == 0, "a FIFO");
	TAP_OK(mkdir(at("dir"), 0755) == 0, "a directory");

	check("small", 100, 0, 0, "abc\n", "a small file");
	check("small", 4, 0, 0, "abc\n", "exactly max bytes");
	check("small", 3, 0, -EFBIG, NULL, "one byte over max");
	check("empty", 0, 0, 0, "", "an empty file, max 0");
	check("big", sizeof(big) - 1, 0, 0, big, "a file past the first chunk, exactly max");
	check("big", sizeof(big) - 2, 0, -EFBIG, NULL, "a file past the first chunk, one over");
	/* READ_ONCE reads at offset 0 again with a larger buffer while it
	 * comes back full (as /proc/sys needs), up to max */
	check("big", sizeof(big) - 1, READ_ONCE, 0, big, "READ_ONCE: a value of several pages, exactly max");
	check("big", sizeof(big) - 2, READ_ONCE, -EFBIG, NULL, "READ_ONCE: one byte over max");
	check("small", 100, READ_ONCE, 0, "abc\n", "READ_ONCE: a small value");
	check("empty", 0, READ_ONCE, 0, "", "READ_ONCE: an empty value, max 0");
	check("absent", 100, 0, -ENOENT, NULL, "a missing file");
	check("link", 100, 0, 0, "abc\n", "a link is followed");
	check("link", 100, READ_NOFOLLOW, -ELOOP, NULL, "READ_NOFOLLOW refuses a link");
	check("dir", 100, READ_REGULAR, -EINVAL, NULL, "READ_REGULAR refuses a directory");
	check("fifo", 100, READ_REGULAR, -EINVAL, NULL, "READ_REGULAR refuses a FIFO, without blocking");
	check("fifo", 100, 0, 0, "", "a FIFO without a writer reads empty, without blocking");
	check("small", 100, READ_TRUSTED, 0, "abc\n", "READ_TRUSTED: our own 0644 file");
	check("open", 100, READ_TRUSTED, -EPERM, NULL, "READ_TRUSTED: writable by others");
	check("grp", 100, READ_TRUSTED, -EPERM, NULL, "READ_TRUSTED: writable by its group");
	/* procfs: stat says 0 bytes; the reader reads to the end anyway */
	TAP_OK(readfile("/proc/self/status", 1 << 20, 0, &out, &len) == 0 && len > 100 &&
		       strncmp(out, "Name:", 5) == 0 && strlen(out) == len,
	       "a procfs file, whose size stat does not know");
	free(out);
	TAP_OK(readfile("/proc/self/status", 10, 0, &out, &len) == -EFBIG, "a procfs file over max");
	{
		int fd = open(at("small"), O_RDONLY);

		TAP_OK(fd >= 0 && lseek(fd, 1, SEEK_SET) == 1 &&
			       readfile_fd(fd, 100, &out, &len) == 0 && len == 3 && !strcmp(out, "bc\n"),
		       "readfile_fd reads from the offset to the end");
		free(out);
		close(fd);
	}
	{
		char buf[8], big8[8];
		size_t got = 99;
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);

		TAP_OK(readfile_at(AT_FDCWD, at("small"), buf, sizeof(buf), &got) == 0 && got == 4 &&
			       !strcmp(buf, "abc\n"),
		       "readfile_at: a small file whole");
		TAP_OK(dfd >= 0 && readfile_at(dfd, "small", buf, sizeof(buf), NULL) == 0 &&
			       !strcmp(buf, "abc\n"),
		       "readfile_at: relative to a directory fd");
		TAP_OK(readfile_at(dfd, "big", big8, sizeof(big8), &got) == 0 && got == 7 &&
			       !strcmp(big8, "xxxxxxx"),
		       "readfile_at: the head of a larger file, cut at len - 1 and NUL-terminated");
		TAP_OK(readfile_at(dfd, "empty", buf, sizeof(buf), &got) == 0 && got == 0 && !buf[0],
		       "readfile_at: an empty file");
		TAP_OK(readfile_at(dfd, "absent", buf, sizeof(buf), &got) == -ENOENT && got == 0 &&
			       !buf[0],
		       "readfile_at: a missing file is -ENOENT, buf empty");
		TAP_OK(readfile_at(dfd, "dir", buf, sizeof(buf), NULL) == -EISDIR,
		       "readfile_at: a directory fails on its first read");
		TAP_OK(readfile_at(dfd, "fifo", buf, sizeof(buf), &got) == 0 && got == 0,
		       "readfile_at: a FIFO without a writer reads empty, without blocking");
		TAP_OK(readfile_at(dfd, "small", buf, 0, NULL) == -EINVAL, "readfile_at: len 0");
		TAP_OK(readfile_at(AT_FDCWD, "/proc/self/comm", buf, sizeof(buf), &got) == 0 &&
			       got == 7 && !strcmp(buf, "test_re"),
		       "readfile_at: a procfs file, cut");
		if (dfd >= 0)
			close(dfd);
	}
	unlink(at("link"));
	unlink(at("fifo"));
	rmdir(at("dir"));
	unlink(at("small"));
	unlink(at("empty"));
	unlink(at("big"));
	unlink(at("open"));
	unlink(at("grp"));
}

static void test_trust(void)
{
	static const struct {
		mode_t mode;
		int other_owner; /* owned by uid 65534 (unless we are that) */
		gid_t gid;
		unsigned flags;
		enum trust_fault want;
	} cases[] = {
		{ S_IFREG | 0644, 0, 0, 0, TRUST_OK },
		{ S_IFREG | 0644, 1, 0, 0, TRUST_OWNER },
		{ S_IFREG | 0646, 0, 0, 0, TRUST_OTHERS },
		{ S_IFREG | 0666, 0, 0, 0, TRUST_OTHERS },
		{ S_IFREG | 0664, 0, 0, 0, TRUST_GROUP },
		{ S_IFREG | 0664, 0, 0, TRUST_GROUP_ROOT, TRUST_OK },
		{ S_IFREG | 0664, 0, 1000, TRUST_GROUP_ROOT, TRUST_GROUP },
		{ S_IFREG | 01666, 0, 0, 0, TRUST_OTHERS },      /* sticky excuses directories only */
		{ S_IFDIR | 0777, 0, 0, TRUST_DIR, TRUST_OTHERS },
		{ S_IFDIR | 01777, 0, 0, TRUST_DIR, TRUST_OK },
		{ S_IFDIR | 01777, 1, 0, TRUST_DIR, TRUST_OWNER }, /* the owner first */
		{ S_IFDIR | 0775, 0, 0, TRUST_DIR, TRUST_GROUP },
		{ S_IFDIR | 0775, 0, 0, TRUST_DIR | TRUST_GROUP_ROOT, TRUST_OK },
		{ S_IFLNK | 0777, 0, 0, 0, TRUST_OK },           /* a link by its owner alone */
		{ S_IFLNK | 0777, 1, 0, 0, TRUST_OWNER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stat st = { .st_mode = cases[i].mode, .st_gid = cases[i].gid };

		st.st_uid = cases[i].other_owner ? (geteuid() == 65534 ? 65533 : 65534) : geteuid();
		TAP_OK(trust_check(&st, cases[i].flags) == cases[i].want,
		       "trust_check case %zu: mode %06o flags %u", i, (unsigned)cases[i].mode,
		       cases[i].flags);
	}
	{
		struct stat st = { .st_mode = S_IFREG | 0644, .st_uid = 0 };

		TAP_OK(trust_check(&st, 0) == TRUST_OK, "root's file is trusted");
	}
}

int main(void)
{
	umask(022);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_files();
	test_trust();
	rmdir(dir);
	return tap_done();
}
