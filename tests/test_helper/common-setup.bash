# SPDX-License-Identifier: GPL-2.0-or-later
# Shared set-up for every bats file: bats-support, bats-assert, the binary
# under test, and private network namespaces for anything that touches the
# kernel.

_common_setup() {
	load '/usr/lib/bats/bats-support/load'
	load '/usr/lib/bats/bats-assert/load'
	TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
	: "${BUILD:=$TOP/build}"
	# The test binary (make test-tools): ./twtune with the test hooks.
	: "${TWTUNE:=$BUILD/test/twtune}"
	export TWTUNE BUILD TOP
	export NO_COLOR=1
	# audit and diff take a snapshot (--interval 0) unless a test
	# measures rates: it passes --interval, or unsets this to test the
	# default window of 1 s
	export TWTUNE_TEST_INTERVAL=0
	# Only the profiles a test names, unless it adds them.
	unset TWTUNE_PROFILE_PATH
}

# twtune with the repository's profiles first in the search path.
tw() {
	"$TWTUNE" --profile-dir "$TOP/profiles" "$@"
}

# Runs "$@" in a new network namespace with loopback up. The host's own
# sysctls are never touched: a new namespace starts from kernel defaults.
in_netns() {
	unshare -n -- bash -c 'ip link set lo up && "$@"' in_netns "$@"
}

# In a namespace that counts TIME_WAIT: keep every TIME_WAIT socket. With
# net.ipv4.tcp_rfc1337=0 (the default) an RST that reaches a TIME_WAIT
# socket kills it at once, silently, and the generators' close pattern makes
# the kernel send a few: counts fell short of N now and then. With 1 the
# kernel holds exactly N (tcp_timewait_state_process() in
# net/ipv4/tcp_minisocks.c; see twtune-kernel(7)).
tw_keep() {
	sysctl -qw net.ipv4.tcp_rfc1337=1
}

# The kernel's own TIME_WAIT count in this namespace: "tw" in
# /proc/net/sockstat, what tcp_max_tw_buckets is checked against.
kernel_tw() {
	awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat
}

# A fake sysctl tree holding every registry key with the given values.
# usage: make_sysctl_root DIR [name=value...]
make_sysctl_root() {
	local dir=$1 kv
	shift
	mkdir -p "$dir/net/ipv4"
	printf '32768\t60999\n' >"$dir/net/ipv4/ip_local_port_range"
	printf '\n' >"$dir/net/ipv4/ip_local_reserved_ports"
	printf '2\n' >"$dir/net/ipv4/tcp_tw_reuse"
	printf '1000\n' >"$dir/net/ipv4/tcp_tw_reuse_delay"
	printf '60\n' >"$dir/net/ipv4/tcp_fin_timeout"
	printf '131072\n' >"$dir/net/ipv4/tcp_max_tw_buckets"
	printf '1\n' >"$dir/net/ipv4/tcp_timestamps"
	printf '1024\n' >"$dir/net/ipv4/ip_unprivileged_port_start"
	printf -- '-262144\n' >"$dir/net/ipv4/tcp_ehash_entries"
	# the conntrack keys (net/netfilter): the host's values on this kernel
	mkdir -p "$dir/net/netfilter"
	printf '262144\n' >"$dir/net/netfilter/nf_conntrack_max"
	printf '262144\n' >"$dir/net/netfilter/nf_conntrack_buckets"
	printf '120\n' >"$dir/net/netfilter/nf_conntrack_tcp_timeout_time_wait"
	printf '0\n' >"$dir/net/netfilter/nf_conntrack_count"
	for kv in "$@"; do
		local sub=ipv4
		[[ $kv == nf_conntrack_* ]] && sub=netfilter
		if [ "${kv#*=}" = "-" ]; then
			rm -f "$dir/net/$sub/${kv%%=*}"
		else
			printf '%s\n' "${kv#*=}" >"$dir/net/$sub/${kv%%=*}"
		fi
	done
}

# Writes a profile file: write_profile DIR NAME <<<'ini text'
write_profile() {
	mkdir -p "$1"
	cat >"$1/$2.ini"
}

# Writes DIR/four.ini: a profile that changes four values of a fresh
# namespace (the kernel defaults are 32768 60999, 2, 60 and 131072 here).
write_four() {
	write_profile "$1" four <<-'EOF'
	[profile]
	description = four changes
	[sysctl]
	ip_local_port_range = 20000 60001
	tcp_tw_reuse = 1
	tcp_fin_timeout = 30
	tcp_max_tw_buckets = 200000
	EOF
}

# A copy of the binary, and of the files named, in a directory that user
# nobody can reach (the checkout may lie under a 0700 directory, as
# mktemp -d makes them): sets NB. The test file's teardown removes it.
nobody_copy() {
	local f
	NB=$(mktemp -d /tmp/twtune-nobody.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$TWTUNE" "$NB/twtune"
	for f in "$@"; do install -m 0644 "$f" "$NB/"; done
	export NB
}

# Puts the binary under test on PATH as `twtune`, as a user would type it.
twtune_on_path() {
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	ln -s "$TWTUNE" "$BIN/twtune"
	export PATH="$BIN:$PATH" LC_ALL=C
}

# Inside a namespace: starts sockgen in the background with --hold and
# waits (at most 10 s) until it has made its sockets. Sets SOCKGEN_PID.
sockgen_hold() {
	local out i
	out=$(mktemp)
	"$BUILD/tests/sockgen" "$@" >"$out" &
	SOCKGEN_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$out" && { rm -f "$out"; return 0; }
		kill -0 "$SOCKGEN_PID" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$out"
	echo "sockgen did not get ready" >&2
	return 1
}
