#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune --all-netns on a container node made of namespaces of the test's
# own (test_helper/nat.bash): the node's view carries its NAT and conntrack
# counts, equal to conntrack -C and -L in the node; the pods have none.
# Serial (tests/run.sh): --all-netns reads every namespace of the host;
# every assertion is about our own, by inode.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/nat'
	_common_setup
	PAIR="$BUILD/tests/ctpair" D="$BATS_TEST_TMPDIR"
	nat_up 2
	nat_exec srv timeout 30 "$PAIR" serve 10.78.0.2 8080 90 client 25 >/dev/null &
	for _ in $(seq 50); do
		nat_exec srv ss -Hltn 'sport = :8080' | grep -q LISTEN && break
		sleep 0.1
	done
	nat_exec pod1 timeout 30 "$PAIR" connect 10.78.0.2 8080 60 client >/dev/null
	nat_exec pod2 timeout 30 "$PAIR" connect 10.78.0.2 8080 30 client >/dev/null
	wait
	NODE=$(nat_exec node stat -L -c %i /proc/self/ns/net)
	POD1=$(nat_exec pod1 stat -L -c %i /proc/self/ns/net)
}

teardown() {
	nat_down
}

@test "--all-netns: the node's conntrack equals conntrack -C and -L there; a pod has none" {
	run -0 "$TWTUNE" --all-netns audit --no-processes --json --fail-on never
	echo "$output" >"$D/all.json"
	node() { jq --argjson i "$NODE" '.namespaces[] | select(.netns.inode == $i) | .audit.conntrack' "$D/all.json"; }
	[ "$(node | jq .count)" -eq "$(nat_exec node conntrack -C)" ]
	[ "$(node | jq .entries)" -eq "$(nat_exec node conntrack -L 2>/dev/null | wc -l)" ]
	[ "$(node | jq .top_mappings[0].ports_used)" -eq "$(nat_exec node conntrack -L --src-nat 2>/dev/null | wc -l)" ]
	[ "$(node | jq -r '.top_sources | map(.address) | sort | join(" ")')" = "10.77.1.2 10.77.2.2" ]
	[ "$(jq --argjson i "$POD1" '.namespaces[] | select(.netns.inode == $i) | .audit.conntrack.dumped' "$D/all.json")" = false ]
	# the node's text, as -v shows every namespace's
	run -0 "$TWTUNE" -v --all-netns audit --no-processes --fail-on never
	assert_output --partial "NAT and conntrack"
	assert_output --regexp "10\.78\.0\.1 +10\.78\.0\.2:8080 +tcp +90 +90 "
}
