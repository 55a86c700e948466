#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --netns: get, sockets and audit read another network namespace.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	NS="twtune-test-$$-${BATS_TEST_NUMBER}"
}

teardown() {
	ip netns del "$NS" 2>/dev/null || true
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

@test "--netns NAME reads a namespace made with ip netns add" {
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
	# tcp_rfc1337=1: no RST kills a TIME_WAIT socket before it is counted
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_tw_reuse=0 net.ipv4.ip_local_port_range="40000 40999" \
		net.ipv4.tcp_rfc1337=1
	ip netns exec "$NS" "$BUILD/tests/sockgen" --port 8080 --tw-client 17
	run -0 ip netns exec "$NS" ss -tanH state time-wait
	assert_equal "${#lines[@]}" 17
	run -0 "$TWTUNE" --netns "$NS" get tcp_tw_reuse ip_local_port_range
	assert_output $'net.ipv4.tcp_tw_reuse = 0\nnet.ipv4.ip_local_port_range = 40000 40999'
	run -0 "$TWTUNE" --netns "$NS" sockets --json
	run -0 jq -c '[.states.TIME_WAIT, .destinations[0].used, .counters.sockstat_tw]' <<<"$output"
	assert_output '[17,17,17]'
	run -0 "$TWTUNE" --netns "/run/netns/$NS" audit --json
	run -0 jq -r '.netns.name, .sysctl["net.ipv4.tcp_tw_reuse"]' <<<"$output"
	assert_output $'/run/netns/'"$NS"$'\n0'
	# and the namespace of the caller is not the one read
	run -0 in_netns "$TWTUNE" get tcp_tw_reuse
	assert_output 'net.ipv4.tcp_tw_reuse = 2'
}

@test "--netns PATH of a process" {
	in_netns bash -c 'sysctl -qw net.ipv4.tcp_fin_timeout=33; sleep 20' &
	pid=$!
	for ((i = 0; i < 50; i++)); do
		child=$(pgrep -P "$pid" sleep) && break
		sleep 0.1
	done
	run -0 "$TWTUNE" --netns "/proc/$child/ns/net" get tcp_fin_timeout
	kill "$pid" "$child" 2>/dev/null || true
	assert_output 'net.ipv4.tcp_fin_timeout = 33'
}

@test "a missing namespace is one line and exit 4" {
	run -4 --separate-stderr "$TWTUNE" --netns "$NS" get
	assert_equal "$stderr" "twtune: --netns '$NS': cannot enter /run/netns/$NS: No such file or directory"
	assert_equal "$output" ""
}

@test "a malformed namespace name is a usage error" {
	run -2 --separate-stderr "$TWTUNE" --netns 'a b' get
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$TWTUNE" --netns '..' get
	assert_equal "${#stderr_lines[@]}" 1
}

@test "entering a namespace needs privilege" {
	ip netns add "$NS"
	nobody_copy
	run -4 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NB/twtune" --netns "$NS" get
	[[ $stderr == *"cannot enter /run/netns/$NS: Operation not permitted (needs CAP_SYS_ADMIN: run as root)" ]]
}
