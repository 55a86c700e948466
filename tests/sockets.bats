#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune sockets: exact counts against the real kernel, each test in its
# own network namespace, compared with ss and with the /proc/net fallback.
# A listener inside the ephemeral range starts before any client connects:
# connect()'s port choice slides through the range from run to run (its
# offset is a per-boot hash plus a host-wide counter), and a client's
# TIME_WAIT on that port would make the listener's bind() fail.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export SG="$BUILD/tests/sockgen"
}

@test "exact per-state and per-destination counts, IPv4 and IPv6" {
	run -0 scenario '
		sockgen_hold --port 9000 --established 5 --listen 45000 --hold 20
		"$SG" --port 8080 --tw-client 30
		"$SG" --addr ::1 --port 8081 --tw-client 20
		"$SG" --port 8082 --tw-server 10
		"$TWTUNE" sockets --json > "$BATS_TEST_TMPDIR/s.json"
		kernel_tw > "$BATS_TEST_TMPDIR/ktw"
		kill $SOCKGEN_PID'
	j="$BATS_TEST_TMPDIR/s.json"
	run -0 jq -r '.source' "$j"; assert_output sock_diag
	run -0 jq -r '.states.TIME_WAIT' "$j"; assert_output 60
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ktw")" 60
	run -0 jq -r '.states.ESTABLISHED' "$j"; assert_output 10
	run -0 jq -r '.states.LISTEN' "$j"; assert_output 2
	run -0 jq -r '.total' "$j"; assert_output 72
	run -0 jq -c '[.destinations[] | [.local, .remote, .port, .used, .time_wait]]' "$j"
	assert_output '[["127.0.0.1","127.0.0.1",8080,30,30],["::1","::1",8081,20,20],["127.0.0.1","127.0.0.1",9000,5,0]]'
	run -0 jq -r '.destinations[0].pressure' "$j"; assert_output 0.0011
	run -0 jq -c '.listeners_in_range' "$j"
	assert_output '[{"address":"127.0.0.1","port":45000,"reserved":false}]'
	run -0 jq -r '.counters.sockstat_tw' "$j"; assert_output 60
}

@test "totals equal ss -tanH in the same namespace" {
	run -0 scenario '
		"$SG" --port 8080-8083 --tw-client 40 --tw-server 8
		sockgen_hold --addr ::1 --port 9000 --established 3 --hold 20
		a=$("$TWTUNE" sockets --json | jq .total)
		b=$(ss -tanH | wc -l)
		tw=$("$TWTUNE" sockets --json | jq .states.TIME_WAIT)
		sstw=$(ss -tanH state time-wait | wc -l)
		kill $SOCKGEN_PID
		echo "$a $b $tw $sstw"'
	read -r a b tw sstw <<<"$output"
	assert_equal "$a" "$b"
	assert_equal "$tw" "$sstw"
	assert_equal "$tw" 48
}

@test "a listener inside the range is flagged, and its reservation seen" {
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_reserved_ports=45001
		sockgen_hold --listen 45000 --listen 45001 --listen 8080 --hold 20
		"$TWTUNE" sockets --json | jq -c .listeners_in_range
		kill $SOCKGEN_PID'
	assert_output '[{"address":"127.0.0.1","port":45000,"reserved":false},{"address":"127.0.0.1","port":45001,"reserved":true}]'
}

@test "the /proc/net fallback agrees with sock_diag" {
	run -0 scenario '
		sockgen_hold --port 9000 --established 4 --listen 45000 --hold 20
		"$SG" --port 8080-8081 --tw-client 25
		"$SG" --addr ::1 --port 8090 --tw-client 7 --tw-server 3
		"$TWTUNE" sockets --json > "$BATS_TEST_TMPDIR/n.json"
		TWTUNE_FORCE_PROCFS=1 "$TWTUNE" sockets --json > "$BATS_TEST_TMPDIR/p.json"
		kernel_tw > "$BATS_TEST_TMPDIR/ktw"
		kill $SOCKGEN_PID'
	run -0 jq -r .source "$BATS_TEST_TMPDIR/p.json"; assert_output procfs
	# not the processes that exited or could not be read during each
	# run's process scan (other tests' processes come and go meanwhile)
	local same='del(.source, .counters, .process_scan.processes_exited, .process_scan.processes_denied)'
	run -0 diff <(jq -S "$same" "$BATS_TEST_TMPDIR/n.json") <(jq -S "$same" "$BATS_TEST_TMPDIR/p.json")
	run -0 jq -r .states.TIME_WAIT "$BATS_TEST_TMPDIR/p.json"; assert_output 35
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ktw")" 35
}

@test "server-side TIME_WAIT holds no ephemeral port" {
	run -0 scenario '
		"$SG" --port 8080 --tw-server 50
		"$TWTUNE" sockets --json | jq -c "[.states.TIME_WAIT, .destinations]"'
	assert_output '[50,[]]'
}

@test "text output lists states, destinations and counters" {
	run -0 scenario '
		"$SG" --port 8080 --tw-client 12
		NO_COLOR=1 "$TWTUNE" sockets --top 1'
	assert_line --partial 'TIME_WAIT     12'
	assert_line --regexp '^127\.0\.0\.1 +127\.0\.0\.1:8080 +12 +12 +0\.0%$'
	assert_line --partial 'TCPTimeWaitOverflow 0'
}

@test "--top limits the destinations" {
	run -0 scenario '
		"$SG" --port 8080-8089 --tw-client 30
		"$TWTUNE" sockets --json --top 3 | jq -c "[.destinations_total, (.destinations | length)]"'
	assert_output '[10,3]'
}

@test "sockets rejects bad options with one line and exit 2" {
	run -2 --separate-stderr "$TWTUNE" sockets --top x
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$output" ""
	[[ $stderr == *"--top 'x'"* ]]
	run -2 --separate-stderr "$TWTUNE" sockets extra
	[[ $stderr == *"unexpected argument 'extra'"* ]]
}

# Nothing in the namespace may change between the two dumps: the held
# sockets outlive the test (--hold 120, killed at its end, also when it
# fails), and the dumps wait until the closes on loopback are over (under
# load the last ACKs can be handled after sockgen exits, by ksoftirqd:
# LAST_ACK and FIN_WAIT2 sockets then turn into nothing and TIME_WAIT
# between the dumps). The host-wide figures of /proc/net/sockstat (TCP
# alloc and orphan count every namespace's sockets, the whole host's) are
# no part of either dump and move with whatever else runs: left out.
@test "the one-walk dump and the per-family dumps count the same" {
	run -0 scenario '
		trap "kill \$SOCKGEN_PID 2>/dev/null || true" EXIT
		sockgen_hold --addr ::1 --port 9000 --established 3 --listen 45000 --hold 120
		"$SG" --port 8080-8081 --tw-client 30 --tw-server 4
		"$SG" --addr ::1 --port 8082 --tw-client 12
		# 3 pairs, 2 listeners, 46 TIME_WAIT and nothing else: at most 5 s
		for ((i = 0; i < 50; i++)); do
			[ "$(ss -tanH | wc -l) $(ss -tanH state time-wait | wc -l)" = "54 46" ] && break
			sleep 0.1
		done
		"$TWTUNE" sockets --json --no-processes > "$BATS_TEST_TMPDIR/one.json"
		TWTUNE_DIAG_PER_FAMILY=1 "$TWTUNE" sockets --json --no-processes > "$BATS_TEST_TMPDIR/two.json"
		kernel_tw > "$BATS_TEST_TMPDIR/ktw"
		ss -tanH state time-wait | wc -l > "$BATS_TEST_TMPDIR/sstw"'
	run -0 jq -r '.total' "$BATS_TEST_TMPDIR/one.json"
	assert_output 54
	# the generators' N, and the kernel's own count in the same namespace
	run -0 jq -r '.states.TIME_WAIT' "$BATS_TEST_TMPDIR/one.json"
	assert_output 46
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ktw")" 46
	assert_equal "$(cat "$BATS_TEST_TMPDIR/sstw")" 46
	# the dumps compared, not the process scan (bounded in time, it may
	# stop short on a busy machine in one run and not the other), nor the
	# host-wide counters
	local host='del(.counters.sockstat_alloc, .counters.sockstat_orphan)'
	run -0 jq -e '.counters | has("sockstat_alloc") and has("sockstat_orphan")' \
		"$BATS_TEST_TMPDIR/one.json"
	jq -S "$host" "$BATS_TEST_TMPDIR/one.json" >"$BATS_TEST_TMPDIR/one.ns"
	jq -S "$host" "$BATS_TEST_TMPDIR/two.json" >"$BATS_TEST_TMPDIR/two.ns"
	run -0 diff "$BATS_TEST_TMPDIR/one.ns" "$BATS_TEST_TMPDIR/two.ns"
}
