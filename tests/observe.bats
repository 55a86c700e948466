#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune observe on the real kernel: the BPF program is loaded (so it
# passes this kernel's verifier) and counts what tests/tools/connclient.c and
# sockgen do in private network namespaces, compared with the counts the
# clients print themselves. Also the paths where eBPF cannot run, and the
# user-space side under valgrind.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	export T=$BATS_TEST_TMPDIR OBS_WRAP= OBS_SIGNAL_CHILD=
	[ -x "$BUILD/tests/connclient" ] || fail "no $BUILD/tests/connclient: make test-tools"
	"$TWTUNE" observe --help >/dev/null
}

teardown() {
	[ -z "${NS:-}" ] || ip netns del "$NS" 2>/dev/null || true
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

# observe_ns SCENARIO [ARGS...]: in a new namespace (ip_local_port_range
# 40000 40009, tcp_tw_reuse 0; $OBS_NS_WRAP, e.g. unshare -p -f
# --mount-proc, runs it all in a new PID namespace too; $OBS_WRAP wraps
# observe alone, and with OBS_SIGNAL_CHILD=1 SIGINT goes to the wrapper's
# child: unshare -f blocks SIGINT while it waits for its child) starts
# `twtune observe --seconds 60 ARGS`,
# waits until it says it is attached (at most OBS_WAIT tenths of a second),
# runs the bash code SCENARIO, then ends the window with SIGINT. observe's
# stdout is in $T/out, its stderr in $T/err, the namespace's inode in $T/ns;
# status is observe's exit code.
observe_ns() {
	export SCENARIO=$1 OBS_WAIT=${OBS_WAIT:-300}
	shift
	run in_netns ${OBS_NS_WRAP:-} bash -c '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40009" net.ipv4.tcp_tw_reuse=0 \
			net.ipv4.tcp_rfc1337=1 || exit 90
		stat -L -c %i /proc/self/ns/net >"$T/ns"
		rm -f "$T/err" "$T/out" # not the last run'"'"'s "attached"
		$OBS_WRAP "$TWTUNE" observe --seconds 60 "$@" >"$T/out" 2>"$T/err" &
		obs=$!
		for ((i = 0; i < OBS_WAIT; i++)); do
			grep -q "^twtune: observe: attached" "$T/err" 2>/dev/null && break
			kill -0 "$obs" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -q "^twtune: observe: attached" "$T/err"; then
			alive=$(kill -0 "$obs" 2>/dev/null && echo running || echo exited)
			kill "$obs" 2>/dev/null; wait "$obs"; rc=$?
			echo "observe not attached after $i tenths of a second ($alive, status $rc)" >&2
			cat "$T/err" >&2; exit 91
		fi
		eval "$SCENARIO" || { kill "$obs"; wait "$obs"; exit 92; }
		if [ -n "$OBS_SIGNAL_CHILD" ]; then
			kill -INT $(pgrep -P "$obs") || { kill -9 "$obs"; exit 93; }
		else
			kill -INT "$obs"
		fi
		wait "$obs"' _ "$@"
}

# client NAME ARGS...: connclient ARGS, its counts in $T/NAME and its pid
# in $T/NAME.pid (for a scenario).
client='client() { local n=$1; shift; "$BUILD/tests/connclient" "$@" >"$T/$n" & echo $! >"$T/$n.pid"; wait $!; }'

# counts NAME: the client's own counts as "attempts successes
# EADDRNOTAVAIL EADDRINUSE other".
counts() {
	awk '{ print $2, $4, $6, $8, $10 }' "$T/$1"
}

# dest PORT [REMOTE]: the destination object of observe's JSON in the
# test's namespace.
dest() {
	jq -c --argjson ns "$(cat "$T/ns")" --argjson p "$1" --arg r "${2:-127.0.0.1}" \
		'[.destinations[] | select(.netns == $ns and .port == $p and .remote == $r)]' "$T/out"
}

@test "observe counts a client's successes and EADDRNOTAVAIL per destination, with its comm" {
	observe_ns "$client
		client c9000 --to 127.0.0.1:9000 --count 25 --listen
		client c9001 --to 127.0.0.1:9001 --count 3 --listen" --json
	assert_success
	# the client's own view: 10 ports, then no free one
	assert_equal "$(counts c9000)" "25 10 15 0 0"
	assert_equal "$(counts c9001)" "3 3 0 0 0"
	run -0 dest 9000
	run -0 jq -c '.[] | [.local, .attempts, .successes, .failures.EADDRNOTAVAIL,
		.failures.EADDRINUSE, .failures.other, .time_wait_entered]' <<<"$output"
	assert_output '["127.0.0.1",25,10,15,0,0,10]'
	# the second destination of the same namespace has its own counts
	run -0 dest 9001
	run -0 jq -c '.[] | [.attempts, .successes, .failures.EADDRNOTAVAIL, .failures.other,
		.time_wait_entered]' <<<"$output"
	assert_output '[3,3,0,0,3]'
	# attributed to the client process
	run -0 jq -c '.[] | .processes | map([.pid, .comm, .attempts, .failures])' <<<"$(dest 9000)"
	assert_output "[[$(cat "$T/c9000.pid"),\"connclient\",25,15]]"
	# sorted: most failures first
	run -0 jq -r '.destinations[0].port' "$T/out"
	assert_output 9000
}

@test "observe follows non-blocking connect()s to their outcome" {
	observe_ns "$client
		client n --to 127.0.0.1:9000 --count 12 --listen --nonblock
		client r --to 127.0.0.1:9999 --count 3 --nonblock" --json
	assert_success
	assert_equal "$(counts n)" "12 10 2 0 0"
	assert_equal "$(counts r)" "3 0 0 0 3"
	run -0 jq -c '.[] | [.attempts, .successes, .failures.EADDRNOTAVAIL, .failures.other,
		.time_wait_entered]' <<<"$(dest 9000)"
	assert_output '[12,10,2,0,10]'
	run -0 jq -c '.[] | [.attempts, .successes, .failures.other]' <<<"$(dest 9999)"
	assert_output '[3,0,3]'
}

@test "observe --json has the documented shape" {
	observe_ns "$client
		client c --to 127.0.0.1:9000 --count 12 --listen
		\"\$BUILD/tests/connclient\" --bind 127.0.0.1 --count 2 >/dev/null" --json
	assert_success
	run -0 jq -c 'keys' "$T/out"
	assert_output '["bind_failures","destinations","namespaces","server_side","window_seconds"]'
	run -0 jq -c '.namespaces' "$T/out"
	assert_output "[$(cat "$T/ns")]"
	run -0 jq -c '.destinations[0] | keys' "$T/out"
	assert_output '["attempts","failures","local","netns","port","processes","remote","successes","time_wait_entered"]'
	run -0 jq -c '.destinations[0].failures | keys' "$T/out"
	assert_output '["EADDRINUSE","EADDRNOTAVAIL","other"]'
	run -0 jq -c '.destinations[0].processes[0] | keys' "$T/out"
	assert_output '["attempts","cgroup","cgroup_id","comm","failures","pid"]'
	# the window ended at SIGINT, well before --seconds 60
	run -0 jq '.window_seconds > 0 and .window_seconds < 50' "$T/out"
	assert_output true
}

@test "observe: server-side TIME_WAIT, bind() failures on port 0, refused and unroutable connect()s" {
	observe_ns "$client
		client b --bind 127.0.0.1 --count 13
		\"\$BUILD/tests/sockgen\" --port 9100 --tw-server 4 >/dev/null
		client u --to 10.9.9.9:80 --count 2
		client r --to 127.0.0.1:9999 --count 2" --json
	assert_success
	# refused (nothing listens): a failure after SYN_SENT, errno from the socket
	assert_equal "$(counts r)" "2 0 0 0 2"
	run -0 jq -c '.[] | [.local, .attempts, .successes, .failures.other, .failures.EADDRNOTAVAIL]' \
		<<<"$(dest 9999)"
	assert_output '["127.0.0.1",2,0,2,0]'
	assert_equal "$(counts b)" "13 10 0 3 0"
	assert_equal "$(counts u)" "2 0 0 0 2"
	run -0 jq -c --argjson ns "$(cat "$T/ns")" '.bind_failures[] | select(.netns == $ns) |
		[.local, .count, (.processes | map([.comm, .count]))]' "$T/out"
	assert_output '["127.0.0.1",3,[["connclient",3]]]'
	run -0 jq -c --argjson ns "$(cat "$T/ns")" '.server_side[] | select(.netns == $ns) |
		[.local, .port, .time_wait_entered, (.processes | map([.comm, .time_wait_entered]))]' "$T/out"
	assert_output '["127.0.0.1",9100,4,[["sockgen",4]]]'
	# sockgen's clients: established, and the server closed first
	run -0 jq -c '.[] | [.attempts, .successes, .time_wait_entered]' <<<"$(dest 9100)"
	assert_output '[4,4,0]'
	# no route: the local address was never chosen
	run -0 jq -c '.[] | [.local, .attempts, .failures.other]' <<<"$(dest 80 10.9.9.9)"
	assert_output '[null,2,2]'
}

@test "observe counts TIME_WAIT entered when the peer's FIN comes after the ACK of ours" {
	# A busy server acks the client's FIN before it closes: the client's
	# orphaned socket goes FIN_WAIT2 -> CLOSE before the peer's FIN, into a
	# timewait socket that turns into TIME_WAIT with no tracepoint. Those
	# count too: observe's count is the kernel's (within 0.5 %, for
	# connections made while the hooks attach one by one).
	observe_ns 'sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
		"$BUILD/bench/connrate" --count 20000 --rate 20000 --ports 5101-5116 >"$T/rate"
		sleep 0.5
		awk "/^TCP:/ { for (i = 2; i < NF; i++) if (\$i == \"tw\") print \$(i + 1) }" \
			/proc/net/sockstat >"$T/tw"' --json --top 0
	assert_success
	kernel=$(cat "$T/tw")
	[ "$kernel" -ge 19900 ]
	seen=$(jq --argjson ns "$(cat "$T/ns")" \
		'[.destinations[] | select(.netns == $ns) | .time_wait_entered] | add' "$T/out")
	echo "kernel $kernel observed $seen"
	[ "$seen" -le "$kernel" ]
	[ "$((seen * 1000))" -ge "$((kernel * 995))" ]
}

@test "observe counts only the current namespace, and every one with --all-netns" {
	# Another namespace with a client; it stays (sleeping) until observe
	# has read its maps, since a namespace's inode is reused once it is gone.
	local other='unshare -n bash -c "ip link set lo up && stat -L -c %i /proc/self/ns/net >\"\$T/ns2\" &&
		\"\$BUILD/tests/connclient\" --to 127.0.0.1:9500 --count 5 --listen >\"\$T/c2\" &&
		exec sleep 120" >/dev/null 2>&1 </dev/null & echo $! >"$T/ns2.pid"
		for ((k = 0; k < 100; k++)); do [ -s "$T/c2" ] && break; sleep 0.1; done'
	observe_ns "$client
		$other
		client c --to 127.0.0.1:9000 --count 2 --listen" --json
	kill "$(cat "$T/ns2.pid")"
	assert_success
	assert_equal "$(counts c2)" "5 5 0 0 0"
	run -0 jq -c '[.destinations[] | [.port, .attempts]]' "$T/out"
	assert_output '[[9000,2]]'
	rm -f "$T/c2"
	observe_ns "$client
		$other" --json --all-netns --top 0
	kill "$(cat "$T/ns2.pid")"
	assert_success
	run -0 jq -c --argjson ns "$(cat "$T/ns2")" \
		'[.destinations[] | select(.netns == $ns) | [.port, .attempts, .successes]]' "$T/out"
	assert_output '[[9500,5,5]]'
	run -0 jq --argjson ns "$(cat "$T/ns2")" '.namespaces | index($ns) != null' "$T/out"
	assert_output true
}

@test "observe --netns counts the namespace it names" {
	NS="twtune-observe-$$-${BATS_TEST_NUMBER}"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="40000 40009" net.ipv4.tcp_tw_reuse=0
	"$TWTUNE" --netns "$NS" observe --seconds 60 --json >"$T/out" 2>"$T/err" &
	local obs=$! i
	for ((i = 0; i < 300; i++)); do
		grep -q "^twtune: observe: attached" "$T/err" && break
		kill -0 "$obs" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "^twtune: observe: attached" "$T/err" || { kill "$obs"; cat "$T/err"; fail "not attached"; }
	run -0 ip netns exec "$NS" "$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 12 --listen
	assert_output "attempts 12 successes 10 EADDRNOTAVAIL 2 EADDRINUSE 0 other 0"
	kill -INT "$obs"
	local rc=0
	wait "$obs" || rc=$?
	assert_equal "$rc" 0
	ip netns exec "$NS" stat -L -c %i /proc/self/ns/net >"$T/ns"
	run -0 jq -c '[.namespaces, [.destinations[] | [.port, .attempts, .successes, .failures.EADDRNOTAVAIL]]]' "$T/out"
	assert_output "[[$(cat "$T/ns")],[[9000,12,10,2]]]"
}

# PID namespaces: pids are shown as observe's own namespace numbers them
# (the kernel's bpf_get_current_pid_tgid() gives the initial namespace's:
# run inside a container these were another namespace's numbers).
@test "observe inside a new PID namespace shows the pids of that namespace" {
	OBS_NS_WRAP='unshare -p -f --mount-proc' observe_ns "$client
		client c --to 127.0.0.1:9000 --count 12 --listen
		echo \$\$ >\"\$T/shell.pid\"" --json
	assert_success
	assert_equal "$(counts c)" "12 10 2 0 0"
	# the scenario's shell is the namespace's first process: $! is its number there
	assert_equal "$(cat "$T/shell.pid")" 1
	run -0 jq -c '.[] | .processes | map([.pid, .comm, .attempts, .failures])' <<<"$(dest 9000)"
	assert_output "[[$(cat "$T/c.pid"),\"connclient\",12,2]]"
}

@test "observe shows a process of a child PID namespace by its pid in observe's namespace" {
	# the client in a new PID namespace (and this /proc, whose /proc/self
	# is numbered here): it writes its pid as observe sees it, then execs
	observe_ns 'unshare -p -f bash -c '"'"'read -r pid _ </proc/self/stat; echo "$pid" >"$T/c.pid"
		echo "$$" >"$T/c.inner"
		exec "$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 12 --listen >"$T/c"'"'"
	assert_success
	assert_equal "$(counts c)" "12 10 2 0 0"
	assert_equal "$(cat "$T/c.inner")" 1
	run -0 cat "$T/out"
	assert_line --regexp "^      connclient\\[$(cat "$T/c.pid")\\]: 12 attempts, 2 failed"
}

@test "observe inside a child PID namespace shows a process outside it as not visible" {
	OBS_WRAP='unshare -p -f --mount-proc' OBS_SIGNAL_CHILD=1 observe_ns "$client
		client c --to 127.0.0.1:9000 --count 12 --listen"
	assert_success
	assert_equal "$(counts c)" "12 10 2 0 0"
	run -0 cat "$T/out"
	# the window ended at SIGINT, not at --seconds 60
	assert_line --index 0 --regexp '^observed ([0-9]|[1-4][0-9])\.[0-9] s in network namespace '
	assert_line --regexp '^      connclient\[not visible\]: 12 attempts, 2 failed'
	refute_output --partial "connclient[$(cat "$T/c.pid")]"
}

@test "observe prints a table, and --seconds ends the window by itself" {
	observe_ns "$client
		client c --to 127.0.0.1:9000 --count 12 --listen"
	assert_success
	run -0 cat "$T/out"
	assert_line --index 0 --regexp "^observed [0-9.]+ s in network namespace $(cat "$T/ns")\$"
	assert_line --regexp '^  127\.0\.0\.1:9000 +127\.0\.0\.1 +12 +10 +2 +0 +0 +10$'
	assert_line --regexp "^      connclient\\[$(cat "$T/c.pid")\\]: 12 attempts, 2 failed"
	run -0 in_netns bash -c '"$TWTUNE" -q observe --seconds 1 --json'
	run -0 jq '.window_seconds >= 1 and .window_seconds < 10' <<<"$output"
	assert_output true
}

@test "observe: bad options are usage errors" {
	run -2 --separate-stderr "$TWTUNE" observe --seconds 0
	assert_equal "$stderr" "twtune: observe: --seconds '0': use a number 1..86400; see 'twtune observe --help'"
	run -2 --separate-stderr "$TWTUNE" observe --top many
	assert_equal "$stderr" "twtune: observe: --top 'many': use a number 0..100000; see 'twtune observe --help'"
	run -2 --separate-stderr "$TWTUNE" observe 5
	assert_equal "$stderr" "twtune: observe: unexpected argument '5'; see 'twtune observe --help'"
}

@test "observe without kernel BTF, or without privilege, exits 4 naming what is missing" {
	run -4 --separate-stderr env TWTUNE_TEST_BTF_PATH="$T/none" "$TWTUNE" observe --seconds 1
	assert_equal "$stderr" "twtune: observe: no kernel BTF at $T/none (No such file or directory): the kernel needs CONFIG_DEBUG_INFO_BTF"
	assert_output ""
	# a file that is not BTF: nothing can be relocated, nothing is loaded
	echo junk >"$T/junk"
	run -4 --separate-stderr env TWTUNE_TEST_BTF_PATH="$T/junk" "$TWTUNE" observe --seconds 1
	assert_equal "$stderr" "twtune: observe: cannot load the eBPF program: BPF object format invalid: failed to get EHDR from $T/junk"
	assert_output ""
	nobody_copy
	run -4 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$NB/twtune" observe --seconds 1
	assert_equal "$stderr" "twtune: observe: loading eBPF needs root, or CAP_BPF and CAP_PERFMON"
	assert_output ""
}

@test "a twtune built without eBPF says so: observe exits 4" {
	local copy=$BATS_TEST_TMPDIR/tree
	mkdir -p "$copy"
	cp -r "$TOP/src" "$TOP/Makefile" "$copy/"
	# bpftool missing: the Makefile says so and builds the rest
	run -0 make -C "$copy" BPFTOOL="$T/no-bpftool" BUILD=build-nobpf twtune
	assert_output --partial 'twtune: building without eBPF (observe): missing bpftool; make deps installs clang bpftool libbpf-dev'
	refute_output --partial 'BPF     src/kernel/observe.bpf.c'
	run -0 "$copy/twtune" observe --help
	run -4 --separate-stderr "$copy/twtune" observe --seconds 1
	assert_equal "$stderr" "twtune: observe: twtune was built without eBPF (clang, bpftool or libbpf-dev were missing): run 'make deps' and rebuild"
}

@test "memcheck: observe, with the counts still exact" {
	command -v valgrind >/dev/null || fail "valgrind is not installed: make deps DEPS='build test'"
	# valgrind cannot run an AddressSanitizer build: check a plain build
	local vg=$TWTUNE copy=$BATS_TEST_TMPDIR/vgtree
	if nm -D "$TWTUNE" 2>/dev/null | grep -q '__asan_init'; then
		mkdir -p "$copy"
		cp -r "$TOP/src" "$TOP/Makefile" "$copy/"
		make -C "$copy" -s SANITIZE= BUILD=build-vg twtune >/dev/null
		vg=$copy/twtune
	fi
	export OBS_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
		--show-leak-kinds=definite --track-origins=yes --suppressions=$TOP/tests/libbpf.supp
		--log-file=$T/vg.log" TWTUNE=$vg OBS_WAIT=1800
	observe_ns "$client
		client c --to 127.0.0.1:9000 --count 12 --listen" --json
	# valgrind's bpf() wrapper warns about commands it does not know
	grep -v 'WARNING: unhandled eBPF command' "$T/vg.log" >"$T/vg.errors" || true
	if [ "$status" -ne 0 ] || [ -s "$T/vg.errors" ]; then
		cat "$T/vg.errors" "$T/err"
		return 1
	fi
	run -0 jq -c '.[] | [.attempts, .successes, .failures.EADDRNOTAVAIL, .time_wait_entered]' <<<"$(dest 9000)"
	assert_output '[12,10,2,10]'
}
