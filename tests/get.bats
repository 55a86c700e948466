#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune get

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
}

@test "get prints every managed key like sysctl" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys"
	run -0 "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get
	assert_line 'net.ipv4.ip_local_port_range = 32768 60999'
	assert_line 'net.ipv4.tcp_tw_reuse = 2'
	assert_line 'net.ipv4.ip_local_reserved_ports = '
	assert_line 'net.netfilter.nf_conntrack_max = 262144'
	assert_line 'net.netfilter.nf_conntrack_tcp_timeout_time_wait = 120'
	assert_equal "${#lines[@]}" 11
}

@test "get matches sysctl -n for every key in a private namespace" {
	run -0 in_netns bash -c '
		for k in ip_local_port_range ip_local_reserved_ports tcp_tw_reuse tcp_tw_reuse_delay \
			 tcp_fin_timeout tcp_max_tw_buckets tcp_timestamps ip_unprivileged_port_start; do
			want=$(sysctl -n net.ipv4.$k | tr "\t" " ")
			got=$("$1" -q get "$k" | sed "s/^[^=]*= //") || exit 1
			[ "$got" = "$want" ] || { echo "$k: twtune [$got] sysctl [$want]"; exit 1; }
		done
		sysctl -qw net.ipv4.ip_local_port_range="40000 50001" net.ipv4.ip_local_reserved_ports=40010,40011,40020-40030
		[ "$("$1" get ip_local_port_range)" = "net.ipv4.ip_local_port_range = 40000 50001" ] || exit 1
		[ "$("$1" get net.ipv4.ip_local_reserved_ports)" = "net.ipv4.ip_local_reserved_ports = 40010-40011,40020-40030" ]
	' _ "$TWTUNE"
}

@test "get prints a key as often as it is named, in the order named" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys"
	run -0 "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get tcp_fin_timeout \
		$(printf 'net.ipv4.tcp_tw_reuse %.0s' {1..20}) ip_local_port_range
	assert_equal "${#lines[@]}" 22
	assert_line --index 0 'net.ipv4.tcp_fin_timeout = 60'
	assert_line --index 20 'net.ipv4.tcp_tw_reuse = 2'
	assert_line --index 21 'net.ipv4.ip_local_port_range = 32768 60999'
}
