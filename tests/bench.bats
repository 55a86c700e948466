#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench's tools, on small numbers: the socket generator makes exactly
# what it says, the floor counts what ss lists, and the driver prints its
# tables. Timings are not checked here: `make bench` is not a timed test.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export BENCH="$BUILD/bench"
	# scenario (common-setup.bash): every port for the generators
	SCENARIO_SETUP="sysctl -qw net.ipv4.ip_local_port_range='1024 65535'"
}

@test "twgen makes exactly N client-side TIME_WAIT sockets over 20 destinations" {
	run -0 scenario '
		"$BENCH/twgen" --count 3001 --v4 4 --v6 --ports 5001-5004 --workers 3
		awk "/^TCP:/ { print \$7 }" /proc/net/sockstat
		ss -tanH state time-wait | wc -l
		ss -tanH state time-wait "( sport >= :5001 and sport <= :5004 )" | wc -l
		"$TWTUNE" sockets --json --top 100 | jq -c "[.states.TIME_WAIT, .destinations_total, ([.destinations[].time_wait] | add)]"'
	assert_output "$(printf '3001\n3001\n0\n[3001,20,3001]')"
}

@test "twgen refuses bad arguments" {
	run -2 "$BUILD/bench/twgen" --count 0
	assert_output --partial 'usage'
	run -2 "$BUILD/bench/twgen" --count 10 --ports 9-8
	run -2 "$BUILD/bench/twgen" --count x
	assert_output "twgen: bad number 'x' (0..10000000)"
}

@test "nlfloor counts what ss lists, in every mode" {
	run -0 scenario '
		# the listener first: 7000 lies in the range twgen connects from
		sockgen_hold --addr ::1 --port 7000 --established 3 --listen 80 --hold 20
		"$BENCH/twgen" --count 500 --v4 2 --v6 --ports 5001-5002
		ss -tanH | wc -l
		for m in "" --threads --compat; do "$BENCH/nlfloor" $m; done
		echo "sockets $(ss -tanH "( sport >= :1024 and sport <= :65535 )" | wc -l)"
		"$BENCH/nlfloor" --sport 1024-65535
		"$BENCH/nlfloor" --compat --sport 1024-65535
		kill $SOCKGEN_PID'
	assert_equal "${lines[0]}" 508
	assert_equal "${lines[1]}" "sockets 508"
	assert_equal "${lines[2]}" "sockets 508"
	assert_equal "${lines[3]}" "sockets 508"
	# The filter covers the whole ephemeral range and so drops only the
	# listener on port 80. (A narrower one depended on where connect()
	# happened to start each destination's ports: 1 run in 100 kept none.)
	assert_equal "${lines[4]}" "sockets 507"
	assert_equal "${lines[5]}" "${lines[4]}"
	assert_equal "${lines[6]}" "${lines[4]}"
}

@test "nlfloor refuses bad arguments" {
	run -2 "$BENCH/nlfloor" --sport 9-8
	assert_output --partial 'usage'
	run -2 "$BENCH/nlfloor" --bogus
}

@test "bench.sh prints every table for a small N" {
	run env BENCH_PARTS="sockets attribution allnetns" ROUNDS=3 ALLNETNS_N=2000 IDLE=3 HOLD_SOCKETS=32 FDS=400 TWTUNE="$TWTUNE" BENCH="$BENCH" \
		bash "$TOP/tests/bench/bench.sh" 2000
	assert_success # prints bench.sh's output when it fails
	assert_output --partial '### 2000 TIME_WAIT sockets, twtune against ss and the floor (20 destinations;'
	assert_output --partial '### 2000 TIME_WAIT sockets, beating the floor'
	assert_output --regexp '\| twtune \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \|'
	assert_output --regexp '\| floor-1walk-sport \| [0-9.]+ '
	assert_output --partial '3 rounds; 2000 still held'
	assert_output --partial '- ss -tanH state time-wait / twtune: '
	assert_output --partial '### 2000 TIME_WAIT sockets, --all-netns with 3 idle namespaces'
	assert_output --regexp '\| all-netns \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \|'
	assert_output --regexp '- --all-netns audit / --netns BUSY audit: [0-9.]+ \(target at most 1.5\)'
	assert_output --regexp '- per other namespace: -?[0-9.]+ ms \(\(all-netns - netns-busy\) / [0-9]+: the 3 idle ones'
	# audit with and without naming the processes, with the holders up
	assert_output --partial '### 2000 TIME_WAIT sockets, audit naming the processes, and not'
	assert_output --regexp '\| audit-no-processes \| [0-9.]+ '
	assert_output --partial '- 32 open sockets in 8 processes, 400 descriptors in 4 other processes'
	assert_output --regexp '- audit / audit --no-processes: [0-9.]+ \(target at most 1\.25\)'
	run -1 env TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/bench.sh" 12x
	assert_output "bench: N '12x': use a number of sockets"
	run -1 env BENCH_PARTS=bogus TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/bench.sh" 10
	assert_output "bench: BENCH_PARTS: unknown part 'bogus' (sockets, attribution, iter, allnetns, observe, watch)"
}

need_twiter() {
	[ -x "$BENCH/twiter" ] || skip "twiter not built (twtune built without eBPF)"
}

@test "twiter counts per destination exactly what twtune sockets counts" {
	need_twiter
	# a listener in the range (its accepted sockets do not count, its
	# clients do), one below it, and TIME_WAIT in both families: the port
	# filter and the listener bitmap of sockets_account, in the kernel
	run -0 scenario '
		sockgen_hold --addr ::1 --port 7000 --established 3 --listen 80 --hold 20
		"$BENCH/twgen" --count 700 --v4 2 --v6 --ports 5001-5002
		"$TWTUNE" sockets --json --top 1000 |
			jq -r ".destinations[] | \"\(.local) \(.remote) \(.port) \(.used) \(.time_wait)\"" | sort >"$BATS_TEST_TMPDIR/diag"
		"$BENCH/twiter" --list >"$BATS_TEST_TMPDIR/iter"
		grep -v "^sockets " "$BATS_TEST_TMPDIR/iter" | sort | diff "$BATS_TEST_TMPDIR/diag" - && echo same
		wc -l <"$BATS_TEST_TMPDIR/diag"
		awk "/^sockets /" "$BATS_TEST_TMPDIR/iter"
		"$BENCH/nlfloor"
		kill $SOCKGEN_PID'
	assert_line --index 0 same
	# 6 TIME_WAIT destinations and the 3 established clients' one
	assert_line --index 1 7
	[[ ${lines[2]} =~ ^sockets\ ([0-9]+)\ destinations\ 7\ used\ 703\ time_wait\ 700\ load_ms ]]
	assert_equal "${lines[3]}" "sockets ${BASH_REMATCH[1]}"
	run -2 "$BENCH/twiter" --bogus
	assert_output 'usage: twiter [--list]'
}

@test "bench.sh's iter part checks twiter and prints its table for a small N" {
	need_twiter
	run env BENCH_PARTS=iter ROUNDS=3 TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/bench.sh" 2000
	assert_success
	assert_output --partial '### 2000 TIME_WAIT sockets, the BPF iterator against sock_diag (20 destinations;'
	assert_output --regexp '\| twiter \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \|'
	assert_output --partial '- twiter counts exactly what twtune sockets counts, per destination: yes (20 destinations; sockets seen: iterator 2000, sock_diag 2000)'
	assert_output --regexp '- twiter split by itself \(least of 5 runs\): [0-9.]+ ms loading'
	refute_output --partial '### 2000 TIME_WAIT sockets, twtune against ss'
}

@test "connrate makes N connections, the client closing first" {
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_tw_reuse=0
		"$BENCH/connrate" --count 3000 --rate 20000 --ports 5101-5104
		# the last FINs may still be queued on loopback: 2 s at most
		for i in $(seq 20); do
			[ "$(ss -tanH state time-wait | wc -l)" = 3000 ] && break
			sleep 0.1
		done
		ss -tanH state time-wait "( dport >= :5101 and dport <= :5104 )" | wc -l
		ss -tanH state time-wait "( sport >= :5101 and sport <= :5104 )" | wc -l'
	assert_line --index 0 --regexp '^connections 3000 seconds [0-9.]+ rate [0-9]+ cpu_us_per_conn [0-9.]+ failures 0$'
	assert_line --index 1 3000
	assert_line --index 2 0
	run -2 "$BENCH/connrate" --count 10 --ports 9-8
	assert_output --partial usage
	run -2 "$BENCH/connrate" --count x
	assert_output "connrate: bad number 'x' (0..100000000)"
}

@test "observe-bench.sh prints its table for a small count" {
	run env ROUNDS=2 TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/observe-bench.sh" 4000
	assert_success
	assert_output --partial '### twtune observe overhead: 4000 connections per run, 2 rounds ('
	for l in plain-20k observe-20k plain-max observe-max; do
		assert_output --regexp "\| $l \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9.]+ \|"
	done
	assert_output --regexp '- observe / plain, conn/s paced at 20000/s: [0-9.]+ \(target at least 0.95\)'
	run -1 env TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/observe-bench.sh" 0
	assert_output "observe-bench: COUNT '0': use a number of connections"
}

@test "watch-bench.sh prints its table for a small count" {
	run env WATCH_ROUNDS=1 WATCH_WINDOW=3 WATCH_IDLE_NS=3 TWTUNE="$TWTUNE" BENCH="$BENCH" \
		bash "$TOP/tests/bench/watch-bench.sh" 4000
	assert_success
	assert_output --partial '### twtune watch CPU at 4000 TIME_WAIT (20 destinations; tmux 100x32; 3 s windows; 3 slots)'
	for l in 'watch' 'watch --no-processes'; do
		assert_output --regexp "\| $l \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9.]+ \|"
	done
	assert_output --regexp "\| --all-netns watch \(3 idle namespaces more\) \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| - \| - \| [0-9.]+ \|"
	# the idle namespaces are gone again
	run -0 bash -c "ip netns list | grep -c '^twwb-' || true"
	assert_output 0
	run -1 env TWTUNE="$TWTUNE" BENCH="$BENCH" bash "$TOP/tests/bench/watch-bench.sh" 0
	assert_output "watch-bench: N '0': use a number of sockets"
}
