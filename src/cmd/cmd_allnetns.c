// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_allnetns.c: --all-netns: a command of the CMD_ALL_NETNS flag once
 * per network namespace of the host, reported together. Each command
 * parses its options once and runs its own code in each namespace
 * (cmd_get.c, cmd_sockets.c, cmd_audit.c); this is the loop they share,
 * and the frame of their merged JSON and text.
 *
 * The namespaces come from nsscan (the host's first); each is entered with
 * nsenter through one of its paths, read, and left before the next. This
 * is the main thread, so /proc/net follows setns like /proc/sys/net and
 * netlink sockets do, when opened after it (src/nsenter.h). A namespace
 * that went away since the scan is reported as gone, one that cannot be
 * entered with the reason; neither stops the others.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cmd_allnetns.h"
#include "commands.h"
#include "nsenter.h"
#include "report.h"
#include "sanitize.h"
#include "testhook.h"
#include "twtune.h"

const char *ns_status_name(enum ns_status s)
{
	static const char *const names[] = { "read", "gone", "denied", "failed" };

	return names[s];
}

/* The test hook TWTUNE_TEST_NETNS_PAUSE: after the first namespace. */
static void test_pause(void)
{
	long sec = testhooks()->netns_pause;
	struct timespec ts = { sec, 0 };

	if (!sec)
		return;
	fprintf(stderr, "twtune: test hook: pausing %ld s after the first namespace\n", sec);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void visit(const struct nsscan *s, size_t i, ns_visit_fn fn, void *arg, int home,
		  struct ns_visit *v)
{
	int r;

	*v = (struct ns_visit){ .scan = s, .ns = &s->ns[i] };
	r = nsenter_enter(s, v->ns, v->why, sizeof(v->why));
	v->status = r == 0 ? NS_READ : r == -ENOENT ? NS_GONE : NS_DENIED;
	fn(v, arg);
	if (r == 0 && nsenter_return(home) < 0)
		v->lost_home = true;
}

int all_netns_each(const char *cmd, ns_visit_fn fn, void *arg)
{
	return all_netns_each_window(cmd, NULL, 0, fn, arg);
}

int all_netns_each_window(const char *cmd, ns_visit_fn pre, double seconds, ns_visit_fn fn,
			  void *arg)
{
	struct nsscan s;
	size_t nread = 0;
	int home, r, rc = EXIT_OK;

	r = nsscan_run(&s, "/proc", nsscan_default_dirs);
	if (r < 0) {
		errorf("%s: --all-netns: cannot list the network namespaces: %s", cmd, strerror(-r));
		nsscan_free(&s);
		return EXIT_SYSTEM;
	}
	home = nsenter_save("/proc");
	if (home < 0) {
		errorf("%s: --all-netns: cannot open the current network namespace: %s", cmd,
		       strerror(-home));
		nsscan_free(&s);
		return EXIT_SYSTEM;
	}
	/* the window's first pass: quick, and silent about what it cannot read */
	if (pre) {
		double start = audit_clock();

		for (size_t i = 0; i < s.n; i++) {
			struct ns_visit v;

			visit(&s, i, pre, arg, home, &v);
			if (v.lost_home) {
				errorf("%s: --all-netns: cannot go back to the original network "
				       "namespace", cmd);
				close(home);
				nsscan_free(&s);
				return EXIT_SYSTEM;
			}
		}
		audit_sleep(start + seconds - audit_clock());
	}
	for (size_t i = 0; i < s.n; i++) {
		struct ns_visit v;

		visit(&s, i, fn, arg, home, &v);
		if (v.lost_home) {
			errorf("%s: --all-netns: cannot go back to the original network namespace",
			       cmd);
			rc = EXIT_SYSTEM;
			break;
		}
		if (v.status == NS_READ) {
			nread++;
			rc = v.rc > rc ? v.rc : rc;
		}
		if (i == 0)
			test_pause();
	}
	close(home);
	nsscan_free(&s);
	if (!nread && rc == EXIT_OK) {
		errorf("%s: --all-netns: no network namespace could be read", cmd);
		rc = EXIT_SYSTEM;
	}
	return rc;
}

void all_netns_json_begin(struct json *j)
{
	json_init(j, stdout);
	json_obj_begin(j, NULL);
	json_int(j, "schema_version", REPORT_SCHEMA_VERSION);
	json_arr_begin(j, "namespaces");
}

void all_netns_json_end(struct json *j)
{
	json_arr_end(j);
	json_obj_end(j);
	json_end(j);
}

void all_netns_json_entry(struct json *j, const struct ns_visit *v)
{
	const struct netns_info *ns = v->ns;

	json_obj_begin(j, NULL);
	json_obj_begin(j, "netns");
	json_uint(j, "inode", ns->inode);
	json_arr_begin(j, "paths");
	for (unsigned i = 0; i < ns->npaths; i++)
		json_str(j, NULL, ns->paths[i]);
	json_arr_end(j);
	json_str(j, "label", ns->label);
	json_obj_begin(j, "owner");
	json_str(j, "container", ns->owner.container[0] ? ns->owner.container : NULL);
	json_str(j, "pod_uid", ns->owner.pod_uid[0] ? ns->owner.pod_uid : NULL);
	json_arr_begin(j, "processes");
	for (unsigned i = 0; i < ns->nprocs; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "pid", ns->procs[i].pid);
		json_str(j, "comm", ns->procs[i].comm);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_uint(j, "process_count", ns->process_count);
	json_obj_end(j);
	json_obj_end(j);
	json_str(j, "status", ns_status_name(v->status));
	json_str(j, "reason", v->status == NS_READ ? NULL : v->why);
}

void all_netns_text_header(FILE *f, const struct ns_visit *v)
{
	char label[4 * NSSCAN_LABEL], why[4 * sizeof(v->why)];

	fprintf(f, "== %s (netns %llu) ==\n", san_str(label, sizeof(label), v->ns->label, SAN_TERM),
		v->ns->inode);
	if (v->status != NS_READ)
		fprintf(f, "%s: %s\n", ns_status_name(v->status),
			san_str(why, sizeof(why), v->why, SAN_TERM));
}
