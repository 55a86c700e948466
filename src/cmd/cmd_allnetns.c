// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_allnetns.c: --all-netns: get, sockets, audit and diff once per
 * network namespace of the host, reported together.
 *
 * The namespaces come from nsscan (the host's first); each is entered with
 * nsenter through one of its paths, read, and left before the next. This
 * is the main thread, so /proc/net follows setns like /proc/sys/net and
 * netlink sockets do, when opened after it (src/nsenter.h). A namespace
 * that went away since the scan is reported as gone, one that cannot be
 * entered with the reason; neither stops the others.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cmd_allnetns.h"
#include "collect.h"
#include "commands.h"
#include "nsenter.h"
#include "report.h"
#include "settings.h"
#include "sockets_render.h"
#include "sysctl.h"
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
		v->rc = -1;
}

int all_netns_each(const char *cmd, ns_visit_fn fn, void *arg)
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
	for (size_t i = 0; i < s.n; i++) {
		struct ns_visit v;

		visit(&s, i, fn, arg, home, &v);
		if (v.rc < 0) {
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
	fprintf(f, "== %s (netns %llu) ==\n", v->ns->label, v->ns->inode);
	if (v->status != NS_READ)
		fprintf(f, "%s: %s\n", ns_status_name(v->status), v->why);
}

/* ---- get ---- */

struct get_all {
	bool json;
	char **keys; /* NULL-terminated, or NULL for every key */
	struct json j;
	bool first;
};

static void get_visit(struct ns_visit *v, void *arg)
{
	struct get_all *g = arg;
	size_t n = 0;
	char name[96];

	while (g->keys && g->keys[n])
		n++;
	if (g->json)
		all_netns_json_entry(&g->j, v);
	else
		printf("%s", g->first ? "" : "\n");
	g->first = false;
	if (!g->json)
		all_netns_text_header(stdout, v);
	if (g->json && v->status != NS_READ)
		json_null(&g->j, "get");
	if (g->json && v->status == NS_READ)
		json_obj_begin(&g->j, "get");
	for (size_t i = 0; v->status == NS_READ && i < (g->keys ? n : SYSCTL_COUNT); i++) {
		const struct sysctl_def *d = g->keys ? sysctl_lookup(g->keys[i]) : &sysctl_table[i];
		struct sysval val;
		int r = sysctl_read(G.sysctl_root, d, &val);

		sysctl_fullname(d, name, sizeof(name));
		if (r < 0 && (g->keys || r != -ENOENT)) {
			errorf("get: %s: %s: %s", v->ns->label, name,
			       r == -ENOENT ? "not supported by this kernel" : strerror(-r));
			v->rc = EXIT_SYSTEM;
		}
		if (g->json)
			json_sysval(&g->j, name, r == 0 ? &val : NULL);
		else if (r == 0)
			printf("%s = %s\n", name, val.text);
		if (r == 0)
			sysval_free(&val);
	}
	if (g->json && v->status == NS_READ)
		json_obj_end(&g->j);
	if (g->json)
		json_obj_end(&g->j);
}

int all_netns_get(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "list-keys", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct get_all g = { .first = true };
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, opts, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'l')
			return usage_error("get", "--list-keys reads no namespace: not with --all-netns");
		g.json = true;
	}
	for (int i = optind; i < argc; i++)
		if (!sysctl_lookup(argv[i]))
			return usage_error("get", "unknown key '%s'", argv[i]);
	g.keys = optind < argc ? argv + optind : NULL;
	if (g.json)
		all_netns_json_begin(&g.j);
	rc = all_netns_each("get", get_visit, &g);
	if (g.json)
		all_netns_json_end(&g.j);
	return rc;
}

/* ---- sockets ---- */

struct sockets_all {
	bool json;
	size_t top;
	struct json j;
	bool first;
};

static void sockets_visit(struct ns_visit *v, void *arg)
{
	struct sockets_all *sa = arg;
	struct settings cur; /* its reserved ports are the snapshot's: freed last */
	struct ephemeral eph;
	struct collect_opts co;
	struct collect_result res;
	struct sock_snapshot s;
	struct sockets_view sv;
	char err[512];
	bool have_cur = false;
	int r = -1;

	if (v->status == NS_READ && settings_read(&cur, G.sysctl_root, err, sizeof(err)) == 0) {
		have_cur = true;
		eph = settings_ephemeral(&cur);
		cmd_collect_opts(&co);
		r = collect_sockets(&s, &eph, &co, &res);
		if (r < 0)
			sockets_failure(&res, r, err, sizeof(err));
		else if ((r = sockets_view_build(&sv, &s, &res, sa->top, -1)) < 0) {
			sockets_free(&s);
			snprintf(err, sizeof(err), "%s", strerror(-r));
		}
	}
	if (v->status == NS_READ && r < 0) {
		v->status = NS_FAILED;
		snprintf(v->why, sizeof(v->why), "cannot list sockets: %s", err);
		v->rc = EXIT_SYSTEM;
	}
	if (sa->json) {
		all_netns_json_entry(&sa->j, v);
		if (r == 0)
			sockets_json(&sa->j, "sockets", &sv);
		else
			json_null(&sa->j, "sockets");
		json_obj_end(&sa->j);
	} else {
		printf("%s", sa->first ? "" : "\n");
		all_netns_text_header(stdout, v);
		if (r == 0)
			sockets_text(stdout, &sv);
	}
	sa->first = false;
	if (r == 0) {
		sockets_view_free(&sv);
		sockets_free(&s);
	}
	if (have_cur)
		settings_free(&cur);
}

int all_netns_sockets(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockets_all sa = { .top = 10, .first = true };
	long long top;
	int opt, rc = EXIT_OK;

	while ((opt = cmd_next_opt(argc, argv, opts, &rc)) != -1) {
		if (opt == CMD_DONE)
			return rc;
		if (opt == 'j')
			sa.json = true;
		else if (parse_ll(optarg, 0, 100000, &top) < 0)
			return usage_error("sockets", "--top '%s': use a number 0..100000", optarg);
		else
			sa.top = (size_t)top;
	}
	if (optind < argc)
		return usage_error("sockets", "unexpected argument '%s'", argv[optind]);
	if (sa.json)
		all_netns_json_begin(&sa.j);
	rc = all_netns_each("sockets", sockets_visit, &sa);
	if (sa.json)
		all_netns_json_end(&sa.j);
	return rc;
}
