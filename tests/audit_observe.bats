#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune audit --observe N on the real kernel: the eBPF window embedded in
# the report and the JSON, the connect-failures finding with the client's
# own counts, its predicted effect, the paths where eBPF cannot run (the
# snapshot report still comes, saying why), and an audit without --observe
# that makes no bpf() call at all.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	export T=$BATS_TEST_TMPDIR
	[ -x "$BUILD/tests/connclient" ] || fail "no $BUILD/tests/connclient: make test-tools"
}

teardown() {
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

# window_ns CMD...: in a new namespace (ip_local_port_range 40000 40009,
# tcp_tw_reuse 0) starts `twtune CMD...` (an observing command), waits
# until it says it is attached (30 s at most), runs two clients (25
# connections to 127.0.0.1:9000, 3 to 127.0.0.1:9001; their counts in
# $T/c9000 and $T/c9001, the first one's pid in $T/c9000.pid), then ends
# the window with SIGINT. stdout in $T/out, stderr in $T/err; status is
# the command's exit code.
window_ns() {
	run in_netns bash -c '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40009" net.ipv4.tcp_tw_reuse=0 \
			net.ipv4.tcp_rfc1337=1 || exit 90
		rm -f "$T/err" "$T/out"
		"$TWTUNE" "$@" >"$T/out" 2>"$T/err" &
		obs=$!
		for ((i = 0; i < 300; i++)); do
			grep -q "observe: attached" "$T/err" 2>/dev/null && break
			kill -0 "$obs" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -q "observe: attached" "$T/err"; then
			kill "$obs" 2>/dev/null; wait "$obs"
			echo "not attached after $i tenths of a second" >&2; cat "$T/err" >&2; exit 91
		fi
		"$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 25 --listen >"$T/c9000" &
		echo $! >"$T/c9000.pid"
		wait $! || { kill "$obs"; exit 92; }
		"$BUILD/tests/connclient" --to 127.0.0.1:9001 --count 3 --listen >"$T/c9001" ||
			{ kill "$obs"; exit 92; }
		kill -INT "$obs"
		wait "$obs"' _ "$@"
}

# finding ID: the finding of that id in the audit JSON in $T/out
finding() {
	jq -c --arg id "$1" '.findings[] | select(.id == $id)' "$T/out"
}

@test "audit --observe --json: connect-failures crit with the client's EADDRNOTAVAIL count and comm" {
	window_ns audit --observe 60 --json
	# crit findings: exit 1, as any audit at risk
	[ "$status" -eq 1 ] || { cat "$T/err"; fail "status $status"; }
	assert_equal "$(cat "$T/c9000")" "attempts 25 successes 10 EADDRNOTAVAIL 15 EADDRINUSE 0 other 0"
	# another destination may use the same ports
	assert_equal "$(cat "$T/c9001")" "attempts 3 successes 3 EADDRNOTAVAIL 0 EADDRINUSE 0 other 0"
	run -0 jq -r '.observed_skipped' "$T/out"
	assert_output null
	run -0 jq -c '[.severity, .evidence.EADDRNOTAVAIL, .evidence.EADDRINUSE, .evidence.other]' \
		<<<"$(finding connect-failures)"
	assert_output '["crit",15,0,0]'
	run -0 jq -r '.title' <<<"$(finding connect-failures)"
	assert_output --regexp '^15 connect\(\) to 127\.0\.0\.1:9000 failed with EADDRNOTAVAIL in [0-9.]+ s: no free local port \(connclient\)$'
	run -0 jq -r '.evidence.destination[]' <<<"$(finding connect-failures)"
	assert_output "127.0.0.1:9000: 15 of 25 connect() failed with EADDRNOTAVAIL; connclient[$(cat "$T/c9000.pid")] 15"
	# linked to port-exhaustion's fix, which the suggestion carries
	run -0 jq -r '.evidence.fix[0]' <<<"$(finding connect-failures)"
	assert_output "with port-exhaustion's fix"
	run -0 jq -r '.fix | keys | join(" ")' <<<"$(finding connect-failures)"
	assert_output 'net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse'
	run -0 jq -r '.suggested["net.ipv4.tcp_tw_reuse"]' "$T/out"
	assert_output 1
	# the predicted effect on the observed failures, in the ports the range adds
	local range added
	range=$(jq -r '.suggested["net.ipv4.ip_local_port_range"]' "$T/out")
	added=$(( ${range#* } - ${range% *} + 1 - 10 ))
	run -0 jq -r '.prediction[] | select(.id == "connect-failures") | "\(.before) \(.after) \(.effect)"' "$T/out"
	assert_output "crit ok the 15 failures towards 127.0.0.1:9000 needed up to 15 more ports; the proposed range adds $(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$added"): they would have found one"
	# the close rate is the measured one: TIME_WAIT entered over the window
	run -0 jq -r '.close_rate.measured' "$T/out"
	assert_output true
	run -0 jq -r '[.observed.destinations[].time_wait_entered] | add' "$T/out"
	assert_output 13
}

@test "audit --observe embeds the same object observe --json prints for the same run" {
	window_ns audit --observe 60 --json
	[ "$status" -eq 1 ] || { cat "$T/err"; fail "status $status"; }
	jq -S 'walk(if type == "object" then del(.netns, .pid, .window_seconds, .namespaces) else . end)' \
		<<<"$(jq .observed "$T/out")" >"$T/audit.obs"
	run -0 jq -r '.observed.namespaces | length' "$T/out"
	assert_output 1
	window_ns observe --seconds 60 --json --top 5
	assert_success
	jq -S 'walk(if type == "object" then del(.netns, .pid, .window_seconds, .namespaces) else . end)' \
		"$T/out" >"$T/observe.obs"
	run -0 jq -c '[.destinations[] | [.port, .attempts, .successes, .failures.EADDRNOTAVAIL]]' "$T/observe.obs"
	assert_output '[[9000,25,10,15],[9001,3,3,0]]'
	run -0 diff "$T/audit.obs" "$T/observe.obs"
}

@test "audit --observe text: the eBPF section, the finding and the effect in the prediction" {
	window_ns audit --observe 60
	[ "$status" -eq 1 ] || { cat "$T/err"; fail "status $status"; }
	run -0 cat "$T/out"
	assert_line --regexp '^eBPF observed [0-9.]+ s in network namespace [0-9]+$'
	assert_line --regexp '^  127\.0\.0\.1:9000 +127\.0\.0\.1 +25 +10 +15 +0 +0 +10$'
	assert_line --regexp "^      connclient\\[$(cat "$T/c9000.pid")\\]: 25 attempts, 15 failed"
	assert_line --regexp '^  crit  connect-failures: 15 connect\(\) to 127\.0\.0\.1:9000 failed with EADDRNOTAVAIL'
	assert_line --regexp '^  connect-failures +crit -> ok$'
	assert_line --regexp '^    the 15 failures towards 127\.0\.0\.1:9000 needed up to 15 more ports; the proposed range adds'
	refute_line --partial 'observation skipped'
}

@test "audit --observe without kernel BTF or privilege: the snapshot report, why, and a normal exit code" {
	local want
	# a fresh namespace is at no risk: exit 0 with or without --observe
	run -0 in_netns bash -c 'TWTUNE_TEST_BTF_PATH=$T/none "$TWTUNE" audit --observe 1 --json >"$T/out" 2>"$T/err"'
	assert_equal "$(cat "$T/err")" "twtune: warning: audit: observation skipped: no kernel BTF at $T/none (No such file or directory): the kernel needs CONFIG_DEBUG_INFO_BTF"
	run -0 jq -c '[.observed, .observed_skipped, .risk, (.findings[] | select(.id == "connect-failures") | .severity)]' "$T/out"
	assert_output "[null,\"no kernel BTF at $T/none (No such file or directory): the kernel needs CONFIG_DEBUG_INFO_BTF\",\"ok\",\"ok\"]"
	run -0 jq -r '.sockets.states | type' "$T/out"
	assert_output object
	run -0 in_netns env TWTUNE_TEST_BTF_PATH="$T/none" "$TWTUNE" audit --observe 1
	assert_line "note: observation skipped: no kernel BTF at $T/none (No such file or directory): the kernel needs CONFIG_DEBUG_INFO_BTF"
	assert_line 'no findings: all 12 checks ok'
	refute_line --partial 'eBPF observed'
	# at risk: the exit code an audit without --observe gives
	run in_netns bash -c 'sysctl -qw net.ipv4.ip_local_port_range="40000 40010" &&
		"$TWTUNE" -q audit --fail-on warn >/dev/null'
	want=$status
	[ "$want" -eq 1 ]
	run in_netns bash -c 'sysctl -qw net.ipv4.ip_local_port_range="40000 40010" &&
		TWTUNE_TEST_BTF_PATH=$T/none "$TWTUNE" -q audit --fail-on warn --observe 1 >/dev/null'
	assert_equal "$status" "$want"
	# not root
	nobody_copy
	run -0 --separate-stderr in_netns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$NB/twtune" audit --observe 1 --json
	assert_equal "$stderr" "twtune: warning: audit: observation skipped: loading eBPF needs root, or CAP_BPF and CAP_PERFMON"
	run -0 jq -c '[.observed, .observed_skipped]' <<<"$output"
	assert_output '[null,"loading eBPF needs root, or CAP_BPF and CAP_PERFMON"]'
}

@test "audit without --observe makes no bpf() call; with it, it does" {
	command -v strace >/dev/null || fail "strace is not installed: make deps DEPS='build test'"
	# LeakSanitizer cannot run under ptrace (a SANITIZE=address build)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	run -0 in_netns strace -f -qq -e trace=bpf -o "$T/trace" "$TWTUNE" audit --json
	run grep -c 'bpf(' "$T/trace"
	assert_output 0
	run -0 in_netns strace -f -qq -e trace=bpf -o "$T/trace" "$TWTUNE" audit
	run grep -c 'bpf(' "$T/trace"
	assert_output 0
	# the check can fail: an observing audit loads its program
	run -0 in_netns strace -f -qq -e trace=bpf -o "$T/trace" "$TWTUNE" -q audit --observe 1 --json
	run -0 grep -c 'bpf(BPF_PROG_LOAD' "$T/trace"
	[ "$output" -ge 1 ]
}

@test "audit --observe: a bad value is a usage error" {
	run -2 --separate-stderr "$TWTUNE" audit --observe 0
	assert_equal "$stderr" "twtune: audit: --observe '0': use whole seconds 1..86400; see 'twtune audit --help'"
	run -2 --separate-stderr "$TWTUNE" audit --observe soon
	assert_equal "$stderr" "twtune: audit: --observe 'soon': use whole seconds 1..86400; see 'twtune audit --help'"
}
