// SPDX-License-Identifier: GPL-2.0-or-later
/* observe.bpf.c: the kernel side of twtune observe. Counts, per network
 * namespace and destination, connect() attempts and their outcome, the
 * TIME_WAIT sockets entered on the client and the server side, and bind()
 * failures on port 0, each also per process. Aggregates in hash maps that
 * user space reads once at the end: nothing is sent per event.
 *
 * Only BTF tracepoints (tp_btf): they need neither kprobes nor tracefs,
 * and fentry/fexit are refused on some kernels (EPERM on the CI machine).
 *   sys_enter, sys_exit      connect() and bind(): the caller's address and
 *                            the return value (-EADDRNOTAVAIL when no local
 *                            port is free: inet_hash_connect fails after
 *                            tcp_v4_connect set SYN_SENT)
 *   inet_sock_set_state      CLOSE -> SYN_SENT marks a client socket and
 *                            records the process (process context, local
 *                            address chosen, port not yet); -> ESTABLISHED
 *                            is a success; -> CLOSE after connect()
 *                            returned is a late failure (refused, timed
 *                            out), errno from sk_err; FIN_WAIT2 -> CLOSE
 *                            without an error, or CLOSING -> CLOSE with
 *                            the peer's FIN received (SOCK_DONE), is
 *                            tcp_time_wait(): TIME_WAIT entered (or its
 *                            FIN_WAIT2 substate, which turns into
 *                            TIME_WAIT when the peer's FIN comes)
 *
 * Client or server side: a socket whose connect() was seen is a client
 * socket. Any other socket entering TIME_WAIT is a client one when its
 * port was picked by connect() (its bind bucket has fastreuse -1: it
 * connected before the window began), else a server one, keyed by its
 * local address and port. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "observe.h"

#define AF_INET 2
#define AF_INET6 10
#define EINTR 4
#define EADDRINUSE 98
#define EADDRNOTAVAIL 99
#define ECONNABORTED 103
#define ECONNRESET 104
#define EISCONN 106
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EALREADY 114
#define EINPROGRESS 115
#define ERESTARTSYS 512
#define S_IFMT 0170000
#define S_IFSOCK 0140000

#if defined(__TARGET_ARCH_x86)
#define NR_BIND 49
#define NR_CONNECT 42
#elif defined(__TARGET_ARCH_arm64)
#define NR_BIND 200
#define NR_CONNECT 203
#else
#error "observe.bpf.c: add this architecture's numbers of bind and connect"
#endif

char LICENSE[] SEC("license") = "GPL";

/* Set before load: the namespace to count, 0 for all. */
const volatile __u32 target_netns = 0;

/* Set before load: the inode of the reader's PID namespace. Pids are shown
 * as the reader sees them (bpf_get_current_pid_tgid() gives the initial
 * namespace's, bpf_get_ns_current_pid_tgid() only a task's own). */
const volatile __u32 reader_pidns = 0;

/* include/linux/pid_namespace.h: namespaces nest at most 32 deep. */
#define MAX_PID_NS_LEVEL 32

/* Updates lost because a map was full; user space reports them. */
__u64 dropped = 0;

#define SK_CLIENT 0x1   /* CLOSE -> SYN_SENT seen: connect() */
#define SK_LAUNCHED 0x2 /* the connect returned 0: outcome comes later */
#define SK_DONE 0x4     /* the outcome is counted */
#define SK_CLOSER 0x8   /* not a client: the process that closed first */
#define SK_CLOSED 0x10  /* reached CLOSE inside connect(): err says why */

struct sk_info {
	struct obs_key key;
	__u32 tgid; /* the kernel's: tells processes apart */
	__u32 flags;
	__u64 cgroup;
	char comm[OBS_COMM_LEN];
	__s32 err; /* sk_err at SK_CLOSED */
	__u32 pid; /* in the reader's PID namespace */
	__u32 visible;
	__u32 pad;
};

/* A connect() or bind() between sys_enter and sys_exit, per thread. */
struct call {
	__u64 nr;
	__u64 fd;
	__u64 uaddr; /* the caller's sockaddr */
	__u64 sk;    /* the socket that went CLOSE -> SYN_SENT meanwhile */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct call);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct sk_info);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct obs_key);
	__type(value, struct obs_dest);
} dests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct obs_pkey);
	__type(value, struct obs_proc);
} dest_procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct obs_key);
	__type(value, __u64);
} servers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct obs_pkey);
	__type(value, struct obs_proc);
} server_procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct obs_key);
	__type(value, __u64);
} binds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct obs_pkey);
	__type(value, struct obs_proc);
} bind_procs SEC(".maps");

static __always_inline bool v4mapped(const struct in6_addr *a)
{
	return a->in6_u.u6_addr32[0] == 0 && a->in6_u.u6_addr32[1] == 0 &&
	       a->in6_u.u6_addr32[2] == bpf_htonl(0xffff);
}

/* The namespace, family and addresses of sk (remote port not included).
 * An IPv4-mapped IPv6 socket counts as IPv4. Returns false for sockets
 * of another namespace than the one watched, or of another family. */
static __always_inline bool sk_key(const struct sock *sk, struct obs_key *k)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	struct in6_addr d;
	__be32 v4;

	k->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (target_netns && k->netns != target_netns)
		return false;
	if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&d, sk, __sk_common.skc_v6_daddr);
		if (!v4mapped(&d)) {
			k->family = AF_INET6;
			__builtin_memcpy(k->remote, &d, 16);
			BPF_CORE_READ_INTO(&d, sk, __sk_common.skc_v6_rcv_saddr);
			__builtin_memcpy(k->local, &d, 16);
			return true;
		}
	} else if (family != AF_INET) {
		return false;
	}
	k->family = AF_INET;
	v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	__builtin_memcpy(k->local, &v4, 4);
	v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	__builtin_memcpy(k->remote, &v4, 4);
	return true;
}

/* The current thread group's id in the reader's PID namespace, into si.
 * A struct pid has one upid per level, numbers[0] (the initial namespace)
 * to numbers[pid->level] (the task's own); the reader sees the task when
 * its namespace is one of them: the task's own or an ancestor of it. The
 * reader's level is not taken from user space (/proc/self/status NSpid
 * counts from the level of the namespace /proc was mounted in, not from
 * the initial one): its namespace is looked for by inode. */
static __always_inline void set_reader_pid(struct sk_info *si)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pid *p = BPF_CORE_READ(t, group_leader, thread_pid);
	unsigned int level;
	struct upid u;

	si->pid = 0;
	si->visible = 0;
	if (!p)
		return;
	level = BPF_CORE_READ(p, level);
	for (unsigned int i = 0; i <= MAX_PID_NS_LEVEL; i++) {
		if (i > level)
			break;
		if (bpf_core_read(&u, sizeof(u), &p->numbers[i]) < 0)
			return;
		if (BPF_CORE_READ(u.ns, ns.inum) == reader_pidns) {
			si->pid = u.nr;
			si->visible = 1;
			return;
		}
	}
}

static __always_inline void set_current(struct sk_info *si)
{
	si->tgid = bpf_get_current_pid_tgid() >> 32;
	set_reader_pid(si);
	si->cgroup = bpf_get_current_cgroup_id();
	bpf_get_current_comm(si->comm, sizeof(si->comm));
}

static __always_inline void *get_or_zero(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		__sync_fetch_and_add(&dropped, 1);
	return v;
}

static __always_inline struct obs_dest *dest_get(const struct obs_key *k)
{
	struct obs_dest zero = {};

	return get_or_zero(&dests, k, &zero);
}

/* The per-process entry of key k in map, made with the process of si. */
static __always_inline struct obs_proc *proc_get(void *map, const struct obs_key *k,
						 const struct sk_info *si)
{
	struct obs_pkey pk = { .key = *k, .tgid = si->tgid };
	struct obs_proc zero = { .cgroup = si->cgroup, .pid = si->pid, .visible = si->visible };

	__builtin_memcpy(zero.comm, si->comm, OBS_COMM_LEN);
	return get_or_zero(map, &pk, &zero);
}

static __always_inline void count_failure(struct obs_dest *d, int err)
{
	if (err == EADDRNOTAVAIL)
		__sync_fetch_and_add(&d->eaddrnotavail, 1);
	else if (err == EADDRINUSE)
		__sync_fetch_and_add(&d->eaddrinuse, 1);
	else
		__sync_fetch_and_add(&d->other, 1);
}

static __always_inline void late_failure(struct sk_info *si, int err)
{
	struct obs_dest *d = dest_get(&si->key);
	struct obs_proc *p = proc_get(&dest_procs, &si->key, si);

	if (d)
		count_failure(d, err);
	if (p)
		__sync_fetch_and_add(&p->failures, 1);
}

static __always_inline void count_attempt(struct sk_info *si)
{
	struct obs_dest *d = dest_get(&si->key);
	struct obs_proc *p = proc_get(&dest_procs, &si->key, si);

	if (d)
		__sync_fetch_and_add(&d->attempts, 1);
	if (p)
		__sync_fetch_and_add(&p->attempts, 1);
}

/* tcp_v4_connect/tcp_v6_connect set SYN_SENT: a client socket. Inside
 * connect() the syscall's exit counts it; otherwise (io_uring, sendto
 * with MSG_FASTOPEN, the kernel) the attempt is counted here. */
static __always_inline void on_syn_sent(const struct sock *sk, __u64 id)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct sk_info si = {};
	struct call *c;

	if (!sk_key(sk, &si.key))
		return;
	si.key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	si.flags = SK_CLIENT;
	set_current(&si);
	c = bpf_map_lookup_elem(&calls, &tid);
	if (c && c->nr == NR_CONNECT) {
		c->sk = id;
	} else {
		si.flags |= SK_LAUNCHED;
		count_attempt(&si);
	}
	bpf_map_update_elem(&socks, &id, &si, BPF_ANY);
}

/* A socket not seen connecting: is its port one connect() picked? */
static __always_inline bool port_from_connect(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = (const struct inet_connection_sock *)sk;
	struct inet_bind_bucket *tb = BPF_CORE_READ(icsk, icsk_bind_hash);

	return tb && BPF_CORE_READ(tb, fastreuse) == -1;
}

/* tcp_time_wait() made sk's TIME_WAIT successor and closes sk. */
static __always_inline void time_wait_entered(const struct sock *sk, struct sk_info *si)
{
	struct obs_key k = {};
	struct obs_proc *p;
	struct obs_dest *d;
	__u64 *n, zero = 0;
	bool client;

	if (!sk_key(sk, &k))
		return;
	client = si && (si->flags & SK_CLIENT);
	if (client || port_from_connect(sk)) {
		k.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		d = dest_get(client ? &si->key : &k);
		if (d)
			__sync_fetch_and_add(&d->time_wait, 1);
		return;
	}
	/* The port as the socket had it when it closed (by now the kernel
	 * may have handed it to the TIME_WAIT socket). */
	if (si && (si->flags & SK_CLOSER))
		k = si->key;
	else
		k.port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	__builtin_memset(k.remote, 0, 16);
	n = get_or_zero(&servers, &k, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (!si || !(si->flags & SK_CLOSER))
		return;
	p = proc_get(&server_procs, &k, si);
	if (p)
		__sync_fetch_and_add(&p->events, 1);
}

/* An orphaned FIN_WAIT2 socket whose FIN was acked without the peer's
 * FIN (tcp_rcv_state_process, TCP_FIN_WAIT1: tcp_time_wait(sk,
 * TCP_FIN_WAIT2, tmo)) is replaced by a timewait socket too, in the
 * FIN_WAIT2 substate, which becomes TIME_WAIT when the peer's FIN comes,
 * with no tracepoint: so FIN_WAIT2 -> CLOSE without an error counts
 * whether or not the peer's FIN was in (SOCK_DONE); CLOSING -> CLOSE
 * only with it. */
static __always_inline bool is_time_wait(const struct sock *sk, int oldstate)
{
	if (BPF_CORE_READ(sk, sk_err))
		return false;
	if (oldstate == TCP_FIN_WAIT2)
		return true;
	return oldstate == TCP_CLOSING &&
	       (BPF_CORE_READ(sk, __sk_common.skc_flags) & (1UL << SOCK_DONE));
}

static __always_inline void on_close(const struct sock *sk, int oldstate, __u64 id)
{
	struct sk_info *si = bpf_map_lookup_elem(&socks, &id);

	if (is_time_wait(sk, oldstate))
		time_wait_entered(sk, si);
	if (!si)
		return;
	/* Inside connect(): its exit counts the failure with the errno. */
	if ((si->flags & (SK_CLIENT | SK_LAUNCHED)) == SK_CLIENT) {
		si->flags |= SK_CLOSED;
		si->err = BPF_CORE_READ(sk, sk_err);
		return;
	}
	if ((si->flags & (SK_CLIENT | SK_DONE)) == SK_CLIENT)
		late_failure(si, BPF_CORE_READ(sk, sk_err));
	bpf_map_delete_elem(&socks, &id);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 id = (__u64)sk;
	struct sk_info *si, closer = {};
	struct obs_dest *d;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		on_syn_sent(sk, id);
		return 0;
	}
	if (newstate == TCP_CLOSE) {
		on_close(sk, oldstate, id);
		return 0;
	}
	si = bpf_map_lookup_elem(&socks, &id);
	if (newstate == TCP_ESTABLISHED) {
		if (!si || (si->flags & (SK_CLIENT | SK_DONE)) != SK_CLIENT)
			return 0;
		si->flags |= SK_DONE;
		d = dest_get(&si->key);
		if (d)
			__sync_fetch_and_add(&d->successes, 1);
		return 0;
	}
	if (newstate == TCP_FIN_WAIT1 && !si) {
		/* A socket we did not see connect, closed first by this process. */
		if (!sk_key(sk, &closer.key))
			return 0;
		closer.key.port = BPF_CORE_READ(sk, __sk_common.skc_num);
		closer.flags = SK_CLOSER;
		set_current(&closer);
		bpf_map_update_elem(&socks, &id, &closer, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long nr)
{
	__u64 tid;
	struct call c = {};

	if (nr != NR_CONNECT && nr != NR_BIND)
		return 0;
	tid = bpf_get_current_pid_tgid();
	c.nr = nr;
	c.fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
	c.uaddr = PT_REGS_PARM2_CORE_SYSCALL(regs);
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

/* The TCP socket behind the caller's descriptor fd, or NULL. */
static __always_inline struct sock *fd_tcp_sock(__u64 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(t, files, fdt, max_fds);
	struct socket *sock;
	struct file *f = NULL;
	struct sock *sk;

	if (fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	return sk;
}

/* The caller's address into the key: remote (connect) or local (bind). */
static __always_inline bool user_addr(__u64 uaddr, struct obs_key *k, bool remote)
{
	struct sockaddr_in6 sa = {};
	__u8 *dst = remote ? k->remote : k->local;

	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr) < 0)
		return false;
	k->port = bpf_ntohs(sa.sin6_port);
	if (sa.sin6_family == AF_INET6 && !v4mapped(&sa.sin6_addr)) {
		k->family = AF_INET6;
		__builtin_memcpy(dst, &sa.sin6_addr, 16);
		return true;
	}
	if (k->family == AF_INET6)
		__builtin_memset(k->local, 0, 16);
	k->family = AF_INET;
	__builtin_memset(dst, 0, 16);
	if (sa.sin6_family == AF_INET6)
		__builtin_memcpy(dst, &sa.sin6_addr.in6_u.u6_addr32[3], 4);
	else if (sa.sin6_family == AF_INET)
		__builtin_memcpy(dst, &((struct sockaddr_in *)&sa)->sin_addr, 4);
	else
		return false;
	return true;
}

/* connect() failed before SYN_SENT (no route, bad address): the
 * destination from the caller's address, the local one as bound. */
static __always_inline void early_failure(const struct call *c, int err)
{
	struct sk_info cur = {};
	struct sock *sk;
	struct obs_dest *d;
	struct obs_proc *p;

	/* Not a new attempt: in progress, or the outcome of an earlier one
	 * (counted when its socket closed) that connect() reports again. */
	if (err == EINPROGRESS || err == EALREADY || err == EISCONN || err == EINTR ||
	    err == ERESTARTSYS || err == ECONNREFUSED || err == ETIMEDOUT ||
	    err == ECONNRESET || err == ECONNABORTED)
		return;
	sk = fd_tcp_sock(c->fd);
	if (!sk || !sk_key(sk, &cur.key) || !user_addr(c->uaddr, &cur.key, true))
		return;
	set_current(&cur);
	count_attempt(&cur);
	d = dest_get(&cur.key);
	p = proc_get(&dest_procs, &cur.key, &cur);
	if (d)
		count_failure(d, err);
	if (p)
		__sync_fetch_and_add(&p->failures, 1);
}

static __always_inline void connect_exit(const struct call *c, long ret)
{
	__u64 id = c->sk;
	struct sk_info *si = id ? bpf_map_lookup_elem(&socks, &id) : NULL;
	int err = (int)-ret;

	if (!si) {
		if (!id && ret < 0)
			early_failure(c, err);
		return;
	}
	if ((si->flags & (SK_CLIENT | SK_LAUNCHED)) != SK_CLIENT)
		return;
	count_attempt(si);
	if (si->flags & SK_CLOSED) {
		/* failed inside connect(): its errno, else the socket's */
		if (ret == 0 || err == EINPROGRESS || err == EINTR || err == ERESTARTSYS)
			err = si->err;
		late_failure(si, err);
		bpf_map_delete_elem(&socks, &id);
		return;
	}
	si->flags |= SK_LAUNCHED; /* success or late failure: by state */
}

/* bind() asked for any port (0) and none was free. */
static __always_inline void bind_exit(const struct call *c)
{
	struct sk_info cur = {};
	struct obs_proc *p;
	struct sock *sk = fd_tcp_sock(c->fd);
	__u64 *n, zero = 0;

	if (!sk)
		return;
	cur.key.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (target_netns && cur.key.netns != target_netns)
		return;
	if (!user_addr(c->uaddr, &cur.key, false) || cur.key.port != 0)
		return;
	set_current(&cur);
	n = get_or_zero(&binds, &cur.key, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	p = proc_get(&bind_procs, &cur.key, &cur);
	if (p)
		__sync_fetch_and_add(&p->events, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 tid;
	struct call *c, copy;

#if defined(__TARGET_ARCH_x86)
	long nr = BPF_CORE_READ(regs, orig_ax);

	if (nr != NR_CONNECT && nr != NR_BIND)
		return 0;
#endif
	tid = bpf_get_current_pid_tgid();
	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0;
	copy = *c;
	bpf_map_delete_elem(&calls, &tid);
	if (copy.nr == NR_CONNECT)
		connect_exit(&copy, ret);
	else if (ret == -EADDRINUSE)
		bind_exit(&copy);
	return 0;
}
