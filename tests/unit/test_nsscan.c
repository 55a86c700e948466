// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nsscan.c: owners from cgroup paths, the label of a namespace, and a
 * scan of a made-up proc tree whose ns/net links point at real nsfs files */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nsscan.h"
#include "tap.h"

#define HEX_A "3f2a1c9b0e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c"
#define HEX_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID_S "7d1e4f2a_1b2c_4d5e_8f90_a1b2c3d4e5f6"
#define UID_D "7d1e4f2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"

static const struct {
	const char *what, *text;
	enum ns_runtime runtime;
	const char *container, *pod;
} cgroups[] = {
	{ "docker, systemd driver", "0::/system.slice/docker-" HEX_A ".scope\n", NS_RUNTIME_DOCKER, HEX_A, "" },
	{ "docker, cgroupfs driver, v1 and v2 lines",
	  "12:memory:/docker/" HEX_A "\n1:name=systemd:/docker/" HEX_A "\n0::/docker/" HEX_A "\n",
	  NS_RUNTIME_DOCKER, HEX_A, "" },
	{ "docker in docker: the inner one", "0::/docker/" HEX_A "/docker/" HEX_B, NS_RUNTIME_DOCKER, HEX_B, "" },
	{ "containerd pod, burstable, systemd",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_S
	  ".slice/cri-containerd-" HEX_A ".scope\n",
	  NS_RUNTIME_CONTAINERD, HEX_A, UID_D },
	{ "cri-o pod, besteffort, systemd",
	  "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_S
	  ".slice/crio-" HEX_B ".scope",
	  NS_RUNTIME_CRIO, HEX_B, UID_D },
	{ "guaranteed pod, systemd", "0::/kubepods.slice/kubepods-pod" UID_S ".slice/cri-containerd-" HEX_A ".scope",
	  NS_RUNTIME_CONTAINERD, HEX_A, UID_D },
	{ "dockershim pod, systemd",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_S ".slice/docker-" HEX_A ".scope",
	  NS_RUNTIME_DOCKER, HEX_A, UID_D },
	{ "pod, cgroupfs driver", "0::/kubepods/burstable/pod" UID_D "/" HEX_A "\n", NS_RUNTIME_CRI, HEX_A, UID_D },
	{ "guaranteed pod, cgroupfs driver", "0::/kubepods/pod" UID_D "/" HEX_B, NS_RUNTIME_CRI, HEX_B, UID_D },
	{ "pod on a v1 line, v2 at the root",
	  "11:memory:/kubepods/besteffort/pod" UID_D "/" HEX_A "\n0::/\n", NS_RUNTIME_CRI, HEX_A, UID_D },
	{ "pod line wins over a container line", "5:cpu:/docker/" HEX_B "\n0::/kubepods/pod" UID_D "/" HEX_A,
	  NS_RUNTIME_CRI, HEX_A, UID_D },
	{ "static pod: 32 hex digits",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0123456789abcdef0123456789abcdef.slice/"
	  "cri-containerd-" HEX_A ".scope",
	  NS_RUNTIME_CONTAINERD, HEX_A, "0123456789abcdef0123456789abcdef" },
	{ "cri-o conmon: the pod, no container",
	  "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_S ".slice/crio-conmon-" HEX_A ".scope",
	  NS_RUNTIME_NONE, "", UID_D },
	{ "podman", "0::/machine.slice/libpod-" HEX_A ".scope/container", NS_RUNTIME_PODMAN, HEX_A, "" },
	{ "podman conmon", "0::/machine.slice/libpod-conmon-" HEX_A ".scope", NS_RUNTIME_NONE, "", "" },
	{ "rootless podman",
	  "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" HEX_B ".scope/container",
	  NS_RUNTIME_PODMAN, HEX_B, "" },
	{ "login session", "0::/user.slice/user-0.slice/session-3.scope\n", NS_RUNTIME_NONE, "", "" },
	{ "a job cgroup with a 32-hex name",
	  "4:memory:/process_api/218535abc7052994067e5aa4ca942032\n0::/\n", NS_RUNTIME_NONE, "", "" },
	{ "id too short", "0::/system.slice/docker-3f2a1c.scope", NS_RUNTIME_NONE, "", "" },
	{ "upper-case id", "0::/system.slice/docker-3F2A1C9B0E4D5F6A7B8C.scope", NS_RUNTIME_NONE, "", "" },
	{ "64 hex not under docker or a pod", "0::/other/" HEX_A, NS_RUNTIME_NONE, "", "" },
	{ "pod word outside kubepods", "0::/system.slice/pod" UID_D "/" HEX_A, NS_RUNTIME_NONE, "", "" },
	{ "bad pod UID", "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podxyz.slice",
	  NS_RUNTIME_NONE, "", "" },
	{ "docker.service itself", "0::/system.slice/docker.service", NS_RUNTIME_NONE, "", "" },
	{ "empty", "", NS_RUNTIME_NONE, "", "" },
	{ "no colons", "garbage\n", NS_RUNTIME_NONE, "", "" },
};

static void test_cgroups(void)
{
	for (size_t i = 0; i < sizeof(cgroups) / sizeof(cgroups[0]); i++) {
		struct ns_owner o;

		nsowner_parse(cgroups[i].text, &o);
		TAP_OK(o.runtime == cgroups[i].runtime && !strcmp(o.container, cgroups[i].container) &&
			       !strcmp(o.pod_uid, cgroups[i].pod),
		       "cgroup: %s -> %s %.12s pod %s", cgroups[i].what,
		       nsowner_runtime_name(cgroups[i].runtime), cgroups[i].container, cgroups[i].pod);
	}
}

static void test_labels(void)
{
	struct netns_info ns;
	char b[NSSCAN_LABEL];

	memset(&ns, 0, sizeof(ns));
	ns.inode = 4026532999ULL;
	ns.name_dir = -1;
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "inode 4026532999"), "label: nothing known: %s", b);
	snprintf(ns.name, sizeof(ns.name), "cni-1b2c3d4e");
	ns.name_dir = 0;
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "cni-1b2c3d4e"), "label: a CNI mount with no process: %s", b);
	ns.nprocs = 1;
	ns.procs[0].pid = 4711;
	snprintf(ns.procs[0].comm, sizeof(ns.procs[0].comm), "pause");
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "pause"), "label: a CNI namespace held by pause: %s", b);
	snprintf(ns.owner.container, sizeof(ns.owner.container), HEX_A);
	ns.owner.runtime = NS_RUNTIME_CONTAINERD;
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "container 3f2a1c9b0e4d"), "label: a container: %s", b);
	snprintf(ns.owner.pod_uid, sizeof(ns.owner.pod_uid), UID_D);
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "pod 7d1e4f2a"), "label: a pod beats its container: %s", b);
	snprintf(ns.name, sizeof(ns.name), "blue");
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "blue"), "label: an ip netns name beats the pod: %s", b);
	ns.name_dir = 1;
	memset(&ns.owner, 0, sizeof(ns.owner));
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "pause"), "label: a docker sandbox name is not an ip netns name: %s", b);
	ns.host = true;
	nsscan_label(&ns, b, sizeof(b));
	TAP_OK(!strcmp(b, "host"), "label: the host beats everything: %s", b);
}

/* The made-up tree: ROOT/PID/{comm,cgroup,ns/net}, ns/net a symlink to a
 * real nsfs file of this process (net = the host, uts and ipc stand in
 * for two other namespaces; the scan stats, it does not check the type of
 * a process's link). */
static int put(const char *root, const char *pid, const char *file, const char *text)
{
	char p[700];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/ns", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/%s", root, pid, file);
	if (!strcmp(file, "ns/net"))
		return symlink(text, p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void proc(const char *root, const char *pid, const char *ns, const char *comm, const char *cg)
{
	put(root, pid, "ns/net", ns);
	if (comm)
		put(root, pid, "comm", comm);
	if (cg)
		put(root, pid, "cgroup", cg);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static unsigned long long ino(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static void build_tree(const char *root, const char *dir)
{
	char p[700];
	int fd;

	proc(root, "1", "/proc/self/ns/net", "init\n", "0::/system.slice/docker-" HEX_B ".scope\n");
	for (int pid = 105; pid >= 100; pid--) {
		char s[16];

		snprintf(s, sizeof(s), "%d", pid);
		proc(root, s, "/proc/self/ns/uts", "nginx\n",
		     pid == 103 ? "0::/system.slice/docker-" HEX_A ".scope\n" : "0::/\n");
	}
	proc(root, "200", "/proc/self/ns/ipc", "pause\n", "0::/system.slice/docker-" HEX_B ".scope\n");
	proc(root, "201", "/proc/self/ns/ipc", "app\n",
	     "0::/kubepods/burstable/pod" UID_D "/" HEX_A "\n");
	proc(root, "300", "/nonexistent/ns/net", "gone\n", "0::/\n");  /* exited before the stat */
	proc(root, "400", "/proc/self/ns/uts", NULL, NULL);            /* exited after it */
	proc(root, "notapid", "/proc/self/ns/uts", "x\n", "0::/\n");
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/blue", dir);
	TAP_OK(symlink("/proc/self/ns/net", p) == 0, "tree: a name for the host's namespace");
	snprintf(p, sizeof(p), "%s/mnt", dir);
	TAP_OK(symlink("/proc/self/ns/mnt", p) == 0, "tree: on nsfs, not a network namespace");
	snprintf(p, sizeof(p), "%s/stale", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644); /* left behind, not mounted */
	if (fd >= 0)
		close(fd);
}

static void test_scan(void)
{
	char tmp[] = "/tmp/test_nsscan.XXXXXX", root[600], dir[600], want[700];
	const char *dirs[3];
	struct nsscan s;
	const struct netns_info *h, *a, *b;
	int r;

	if (!mkdtemp(tmp)) {
		TAP_OK(0, "scan: mkdtemp");
		return;
	}
	snprintf(root, sizeof(root), "%s/proc", tmp);
	snprintf(dir, sizeof(dir), "%s/netns", tmp);
	mkdir(root, 0755);
	build_tree(root, dir);
	dirs[0] = dir;
	dirs[1] = dir; /* the same directory twice is read once */
	dirs[2] = NULL;
	r = nsscan_run(&s, root, dirs);
	TAP_OK(r == 0 && s.n == 3, "scan: three namespaces (r=%d n=%zu)", r, s.n);
	if (r != 0 || s.n != 3)
		goto out;
	h = &s.ns[0];
	a = ino("/proc/self/ns/uts") < ino("/proc/self/ns/ipc") ? &s.ns[1] : &s.ns[2];
	b = a == &s.ns[1] ? &s.ns[2] : &s.ns[1];
	TAP_OK(s.ns[1].inode < s.ns[2].inode, "scan: the others by inode");
	TAP_OK(h->host && h->inode == ino("/proc/self/ns/net") && !strcmp(h->label, "host") &&
		       !s.host_from_self,
	       "scan: the host first, from PID 1");
	snprintf(want, sizeof(want), "%s/blue", dir);
	TAP_OK(h->npaths == 2 && h->paths_found == 2 && !strcmp(h->paths[0], want) &&
		       !strcmp(h->name, "blue"),
	       "scan: the host's bind mount first, once");
	snprintf(want, sizeof(want), "%s/1/ns/net", root);
	TAP_OK(h->npaths == 2 && !strcmp(h->paths[1], want), "scan: then its first process");
	TAP_OK(h->process_count == 1 && !h->owner.container[0], "scan: no owner read in the host");
	TAP_OK(a->inode == ino("/proc/self/ns/uts") && a->process_count == 6 && a->nprocs == NSSCAN_PROCS &&
		       a->procs[0].pid == 100 && a->procs[3].pid == 103 && !strcmp(a->procs[0].comm, "nginx"),
	       "scan: six processes counted, the four lowest kept");
	TAP_OK(a->owner_pid == 103 && a->owner.runtime == NS_RUNTIME_DOCKER &&
		       !strcmp(a->label, "container 3f2a1c9b0e4d"),
	       "scan: %s", a->label);
	snprintf(want, sizeof(want), "%s/100/ns/net", root);
	TAP_OK(a->npaths == 1 && !strcmp(a->paths[0], want), "scan: the path of the first process");
	TAP_OK(b->process_count == 2 && b->owner_pid == 201 && !strcmp(b->owner.pod_uid, UID_D) &&
		       !strcmp(b->label, "pod 7d1e4f2a"),
	       "scan: a pod beats a lower pid's container: %s", b->label);
	TAP_OK(s.vanished == 2 && s.denied == 0, "scan: two processes gone mid-scan (%lu), skipped",
	       s.vanished);
	nsscan_free(&s);
	snprintf(want, sizeof(want), "%s/1/ns/net", root);
	unlink(want);
	put(root, "self", "ns/net", "/proc/self/ns/net");
	r = nsscan_run(&s, root, NULL);
	TAP_OK(r == 0 && s.host_from_self && s.ns[0].host && s.ns[0].inode == ino("/proc/self/ns/net"),
	       "scan: without PID 1 the caller's namespace is the host");
	nsscan_free(&s);
	r = nsscan_run(&s, "/nonexistent", NULL);
	TAP_OK(r == -ENOENT, "scan: a missing proc root is an error (%d)", r);
out:
	nsscan_free(&s);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	test_cgroups();
	test_labels();
	test_scan();
	return tap_done();
}
