#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune watch in a real terminal: tmux, on a private server socket, runs
# watch in a pane whose shell has its own network namespace (TIME_WAIT
# from build/tests/sockgen, tcp_rfc1337=1); send-keys types, capture-pane
# reads the screen. More TIME_WAIT is made from outside the pane with
# nsenter into the pane's namespace. Every wait is a bounded poll.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/tmux'
	load 'test_helper/scenario'
	_common_setup
	export SG="$BUILD/tests/sockgen"
	SOCK="twtune-watch-$$-$BATS_TEST_NUMBER"
	NS=""
}

teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	[ -z "$NS" ] || ip netns del "$NS" 2>/dev/null || true
}

# start_watch [ENV=VALUE...] -- [WATCH ARGS...]: a 120x40 pane whose
# shell, in a new namespace, makes 300 TIME_WAIT towards 127.0.0.1:8080,
# prints a marker, runs watch, prints its exit code and stays. Sets PANE
# (the pane's shell, which holds the namespace) and waits for the first
# frame. The terminal's settings (stty -g) are saved before and after.
start_watch() {
	local envs=() script="$BATS_TEST_TMPDIR/pane.sh"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	{
		echo 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1 || exit 1'
		printf '%q --port 8080 --tw-client 300 || exit 1\n' "$SG"
		printf 'stty -g >%q\n' "$BATS_TEST_TMPDIR/stty.before"
		echo 'echo before-watch'
		printf 'env %s %q watch' "${envs[*]:-}" "$TWTUNE"
		[ $# -eq 0 ] || printf ' %q' "$@"
		printf '\nrc=$?; stty -g >%q; echo "watch-exit=$rc"\nexec sleep 600\n' \
			"$BATS_TEST_TMPDIR/stty.after"
	} >"$script"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 "exec unshare -n bash $script"
	PANE=$(tmux -L "$SOCK" display -p '#{pane_pid}')
	wait_screen 'twtune watch  risk'
}

# The terminal settings after watch are those before it.
same_stty() {
	[ -s "$BATS_TEST_TMPDIR/stty.before" ] || return 1
	run -0 cat "$BATS_TEST_TMPDIR/stty.after"
	assert_output "$(cat "$BATS_TEST_TMPDIR/stty.before")"
	rm -f "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
}

in_pane_ns() {
	nsenter --net="/proc/$PANE/ns/net" "$@"
}

@test "watch shows the namespace's destinations and follows a generator" {
	start_watch --
	wait_screen '127\.0\.0\.1 > 127\.0\.0\.1:8080 .* used +300 tw +300'
	run -0 screen
	assert_line --regexp "^twtune watch  risk .*netns current $(readlink "/proc/$PANE/ns/net" | sed 's/[][]/\\&/g')"
	assert_line --regexp '^TIME_WAIT +300 '
	assert_line --regexp '^destinations 1 by used, 28232 usable ports 32768-60999'
	refute_output --partial '8081'
	# more TIME_WAIT from outside the pane, in its namespace
	in_pane_ns "$SG" --port 8081 --tw-client 500
	wait_screen '^TIME_WAIT +800 '
	wait_screen '127\.0\.0\.1 > 127\.0\.0\.1:8081 .* used +500 tw +500 +\+[1-9][0-9]*/s'
	run -0 screen
	assert_line --regexp '^destinations 2 by used'
	# sorted by used: 8081 above 8080
	assert_regex "$(grep -n ' > ' <<<"$output" | head -1)" ':8081 '
}

@test "a resize to 80x24 redraws within 80 columns with the footer on the last row" {
	start_watch --
	run -0 widest < <(screen)
	[ "$output" -gt 80 ]
	tmux -L "$SOCK" resize-window -x 80 -y 24
	wait_screen '^sort used .*q quit'
	run -0 widest < <(screen)
	[ "$output" -le 80 ]
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | wc -l"
	assert_output 24
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | tail -1"
	assert_output --regexp '^sort used '
	run -0 screen
	assert_line --regexp '127\.0\.0\.1 > 127\.0\.0\.1:8080 .* used +300 tw +300'
}

@test "p pauses the sampling, s cycles the sort shown" {
	start_watch -- --interval 0.5
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort TIME_WAIT '
	wait_screen '^destinations 1 by TIME_WAIT'
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort rate '
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort used '
	tmux -L "$SOCK" send-keys p
	wait_screen '^PAUSED  sort used'
	in_pane_ns "$SG" --port 8081 --tw-client 200
	sleep 2
	run -0 screen
	assert_line --regexp '^TIME_WAIT +300 '
	refute_output --partial ':8081'
	tmux -L "$SOCK" send-keys p
	wait_screen '^TIME_WAIT +500 '
	run -0 screen
	refute_output --partial PAUSED
}

@test "+ and - change the interval shown" {
	start_watch --
	wait_screen ' every 1s '
	tmux -L "$SOCK" send-keys +
	wait_screen ' every 2s '
	tmux -L "$SOCK" send-keys - -
	wait_screen ' every 0\.5s '
}

@test "q exits 0 and restores the screen and the terminal settings" {
	start_watch --
	run -0 tmux -L "$SOCK" display -p '#{alternate_on} #{cursor_flag}'
	assert_output '1 0'
	tmux -L "$SOCK" send-keys q
	wait_screen '^watch-exit=0$'
	run -0 screen
	assert_line before-watch
	refute_output --partial 'twtune watch'
	run -0 tmux -L "$SOCK" display -p '#{alternate_on} #{cursor_flag}'
	assert_output '0 1'
	same_stty
}

@test "Ctrl-C exits 0 and SIGTERM dies of the signal, both restoring the screen" {
	start_watch --
	tmux -L "$SOCK" send-keys C-c
	wait_screen '^watch-exit=0$'
	run -0 tmux -L "$SOCK" display -p '#{alternate_on} #{cursor_flag}'
	assert_output '0 1'
	same_stty
	tmux -L "$SOCK" kill-server
	start_watch --
	pid=$(pgrep -P "$PANE" -x twtune)
	kill -TERM "$pid"
	wait_screen '^watch-exit=143$'
	run -0 screen
	assert_line before-watch
	refute_output --partial 'twtune watch'
	run -0 tmux -L "$SOCK" display -p '#{alternate_on} #{cursor_flag}'
	assert_output '0 1'
	same_stty
}

@test "colour carries nothing the symbols do not" {
	start_watch -u NO_COLOR LC_ALL=C -- --top 3
	run -0 screen -e
	assert_output --partial $'\033['
	plain=$(screen -e | sed 's/\x1b\[[0-9;]*m//g')
	assert_equal "$plain" "$(screen)"
}

@test "--once prints one frame as plain text within the width" {
	run -0 scenario '
		"$SG" --port 8080 --tw-client 300
		"$SG" --addr ::1 --port 8443 --tw-client 120
		LC_ALL=C "$TWTUNE" watch --once --interval 0.2 > "$BATS_TEST_TMPDIR/100"
		COLUMNS=60 "$TWTUNE" watch --once --interval 0.2 --top 1 > "$BATS_TEST_TMPDIR/60"
		LC_ALL=C.UTF-8 "$TWTUNE" watch --once --interval 0.2 > "$BATS_TEST_TMPDIR/utf8"
		TWTUNE_FORCE_PROCFS=1 "$TWTUNE" watch --once --interval 0.2 > "$BATS_TEST_TMPDIR/procfs"'
	f=$BATS_TEST_TMPDIR/100
	run -1 grep -c $'\033' "$f"
	assert_output 0
	run -0 widest <"$f"
	[ "$output" -le 100 ] && [ "$output" -gt 80 ]
	run -0 cat "$f"
	assert_line --index 0 --regexp '^twtune watch  risk .* netns current net:\[[0-9]+\]'
	assert_line --regexp '^TIME_WAIT +420 +0% of 131072 buckets'
	assert_line --regexp '^destinations 2 by used'
	assert_line --regexp '^ +127\.0\.0\.1 > 127\.0\.0\.1:8080 +\[[#=.]+\] +1\.1% used +300 tw +300'
	assert_line --regexp '^ +::1 > \[::1\]:8443 '
	assert_line --regexp '^findings '
	assert_line --regexp '^sort used  every 0\.2s '
	refute_output --partial 'q quit'
	# ASCII in the C locale, blocks in UTF-8
	run -1 grep -P '[^\x00-\x7f]' "$f"
	run -0 grep -c '█' "$BATS_TEST_TMPDIR/utf8"
	run -0 widest <"$BATS_TEST_TMPDIR/60"
	[ "$output" -le 60 ]
	run -0 grep -c ' > ' "$BATS_TEST_TMPDIR/60"
	assert_output 1
	# the /proc/net fallback says so, and counts the same
	run -0 grep -E '^destinations 2 by used, .*  from /proc/net/tcp' "$BATS_TEST_TMPDIR/procfs"
	run -0 grep -E '127\.0\.0\.1:8080 .* used +300 tw +300' "$BATS_TEST_TMPDIR/procfs"
}

@test "--once with --netns reads that namespace" {
	NS="twtune-watch-$$"
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_rfc1337=1
	ip netns exec "$NS" "$SG" --port 9090 --tw-client 77
	run -0 "$TWTUNE" --netns "$NS" watch --once --interval 0.2
	assert_line --index 0 --regexp "netns $NS net:\[[0-9]+\]"
	assert_line --regexp '^TIME_WAIT +77 '
	assert_line --regexp '127\.0\.0\.1 > 127\.0\.0\.1:9090 .* used +77 tw +77'
}

@test "not a terminal: exit 2 and one line, unless --once" {
	run -2 --separate-stderr "$TWTUNE" watch </dev/null
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "twtune: watch: needs a terminal on standard input and output (--once prints one frame as text)"
	run -2 --separate-stderr bash -c '"$TWTUNE" watch | cat; exit "${PIPESTATUS[0]}"'
	assert_equal "${#stderr_lines[@]}" 1
}

@test "bad options: one line each, with the exit code documented" {
	run -2 --separate-stderr "$TWTUNE" watch --interval 0
	assert_equal "$stderr" "twtune: watch: --interval '0': use seconds 0.1..3600; see 'twtune watch --help'"
	run -2 --separate-stderr "$TWTUNE" watch --interval 1x
	run -2 --separate-stderr "$TWTUNE" watch --top -1
	run -2 --separate-stderr "$TWTUNE" watch extra
	assert_equal "$stderr" "twtune: watch: unexpected argument 'extra'; see 'twtune watch --help'"
	run -2 --separate-stderr "$TWTUNE" watch --no-processes=1
}

@test "--observe without kernel BTF: exit 4 and one line naming it" {
	run -4 --separate-stderr env TWTUNE_TEST_BTF_PATH="$BATS_TEST_TMPDIR/none" \
		"$TWTUNE" watch --observe --once --interval 0.2
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "twtune: watch: --observe: no kernel BTF at $BATS_TEST_TMPDIR/none (No such file or directory): the kernel needs CONFIG_DEBUG_INFO_BTF"
}

@test "--once shows server-side TIME_WAIT per port and the processes behind both sides" {
	run -0 scenario '
		"$SG" --port 8080 --tw-server 50 --tw-client 30 --established 5 --hold 20 \
			>"$BATS_TEST_TMPDIR/sg" &
		for i in $(seq 100); do grep -q ready "$BATS_TEST_TMPDIR/sg" && break; sleep 0.1; done
		"$TWTUNE" watch --once --interval 0.2 >"$BATS_TEST_TMPDIR/on"
		"$TWTUNE" watch --once --interval 0.2 --no-processes >"$BATS_TEST_TMPDIR/off"
		kill %1'
	run -0 widest <"$BATS_TEST_TMPDIR/on"
	[ "$output" -le 100 ]
	run -0 cat "$BATS_TEST_TMPDIR/on"
	assert_line --regexp '^server side 50 TIME_WAIT on 1 port \(client 30, other 0\)$'
	assert_line --regexp '^ +port 8080 127\.0\.0\.1 +tw +50 +62\.5% +[-+][0-9]+/s  sockgen \(pid [0-9]+\)$'
	assert_line --regexp '^ +127\.0\.0\.1 > 127\.0\.0\.1:8080 .* used +35 tw +30 +[-+][0-9]+/s sockgen$'
	# without the process scan: the same counts, no names
	run -0 cat "$BATS_TEST_TMPDIR/off"
	assert_line --regexp '^ +port 8080 127\.0\.0\.1 +tw +50 +62\.5% +[-+][0-9]+/s$'
	assert_line --regexp '^ +127\.0\.0\.1 > 127\.0\.0\.1:8080 .* used +35 tw +30 +[-+][0-9]+/s$'
	refute_output --partial sockgen
}

@test "--once --observe shows connects/s and the failing destination, marked" {
	NS="twtune-watch-$$"
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_rfc1337=1 net.ipv4.tcp_tw_reuse=0 \
		net.ipv4.ip_local_port_range="40000 40009"
	f=$BATS_TEST_TMPDIR/obs
	"$TWTUNE" --netns "$NS" watch --once --observe --interval 4 >"$f" 2>"$f.err" &
	pid=$!
	for i in $(seq 100); do grep -q attached "$f.err" && break; sleep 0.1; done
	run -0 cat "$f.err"
	assert_output 'twtune: watch: observe: attached'
	# 10 ports, TIME_WAIT not reused: 10 connect()s succeed, 15 fail
	run -0 ip netns exec "$NS" "$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 25 --listen
	assert_output 'attempts 25 successes 10 EADDRNOTAVAIL 15 EADDRINUSE 0 other 0'
	wait "$pid"
	run -0 widest <"$f"
	[ "$output" -le 100 ]
	run -0 cat "$f"
	assert_line --regexp '^observed connect\(\) 1 destinations over [0-9.]+ s \(eBPF\)$'
	assert_line --regexp '^!! 127\.0\.0\.1 > 127\.0\.0\.1:9000 +connects/s +[1-9][0-9]* failures/s +[1-9][0-9]* FAILING  15/25 failed connclient( E[A-Z]*)?$'
	assert_line --regexp '^!! 127\.0\.0\.1 > 127\.0\.0\.1:9000 .* 100\.0% used +10 tw +10 '
	# the rules judge the eBPF counts too
	assert_line --regexp '^!! crit connect-failures  15 connect\(\) to 127\.0\.0\.1:9000 failed with EADDRNOTAVAIL '
}
