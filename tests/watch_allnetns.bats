#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune --all-netns watch: the summary of every network namespace, in a
# real terminal (tmux on a private socket) and with --once. Two ip netns
# of our own (300 client TIME_WAIT in A, B idle at first), one held only
# by a process; other tests' namespaces may exist meanwhile, so every
# assertion is about our rows, found by label. Every wait is a bounded
# poll.

bats_require_minimum_version 1.5.0

setup_file() {
	load 'test_helper/common-setup'
	_common_setup
	export SG="$BUILD/tests/sockgen" A="twwa-$$" B="twwb-$$" H="twwh-$$"
	export HOLD="$BATS_FILE_TMPDIR/$H"
	local n
	for n in "$A" "$B"; do
		ip netns add "$n"
		ip netns exec "$n" sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1'
	done
	ip netns exec "$A" "$SG" --port 8080 --tw-client 300 >/dev/null
	# a namespace held only by a process, labelled with its name
	cp /bin/sleep "$HOLD"
	unshare -n -- "$HOLD" 300 </dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/hold.pid"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/hold.pid")" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
}

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/tmux'
	_common_setup
	SOCK="twtune-wall-$$-$BATS_TEST_NUMBER"
}

teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	[ -z "${C:-}" ] || ip netns del "$C" 2>/dev/null || true
}

# start_watch [WATCH ARGS...]: twtune --all-netns watch in a 120x40 pane,
# its exit code printed after it; waits for the first frame. The
# terminal's settings (stty -g) are saved before and after.
start_watch() {
	local script="$BATS_TEST_TMPDIR/pane.sh"
	{
		printf 'stty -g >%q\n' "$BATS_TEST_TMPDIR/stty.before"
		printf '%q --all-netns watch' "$TWTUNE"
		[ $# -eq 0 ] || printf ' %q' "$@"
		printf '\nrc=$?; stty -g >%q; echo "watch-exit=$rc"\nexec sleep 600\n' \
			"$BATS_TEST_TMPDIR/stty.after"
	} >"$script"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 "exec bash $script"
	wait_screen '^twtune watch  risk .* all network namespaces: '
}

# The row of namespace LABEL (the selection marker and risk before it).
row_re() {
	printf '^[> ] +(i |! |!!)?(ok|info|warn|crit) +%s ' "$1"
}

# select LABEL: moves the selection down from the top until it is on
# LABEL's row (at most 60 keys).
select_row() {
	local i
	tmux -L "$SOCK" send-keys g
	for ((i = 0; i < 60; i++)); do
		screen | grep -qE "^> .* $1 " && return 0
		tmux -L "$SOCK" send-keys j
		sleep 0.1
	done
	echo "never selected $1:" >&2
	screen >&2
	return 1
}

@test "--once: a row per namespace with its TIME_WAIT, pool, processes; within the width" {
	run -0 env COLUMNS=160 "$TWTUNE" --all-netns watch --once --interval 0.2
	assert_line --regexp '^twtune watch  risk .*  all network namespaces: [0-9]+ \([0-9]+ read'
	assert_line --regexp '^TIME_WAIT [0-9]+ in all  closes/s [0-9]+ \(TcpExt TW over 0\.2 s\)'
	assert_line --regexp '^  RISK +NAMESPACE +TIME_WAIT +CLOSES/S +IN USE +POOL '
	# judged from the counters (idle: 300 of 28232 ports), the most it can be
	assert_line --regexp "$(row_re "$A") +300 +0 +0 +<1\.1% "
	assert_line --regexp "$(row_re "$B") +0 +0 +0 +0\.0% "
	assert_line --regexp "$(row_re "$H") +0 .* \| $H [0-9]+$"
	assert_line --regexp "$(row_re host) "
	# no selection marker without a terminal, no footer keys
	refute_line --regexp '^> '
	refute_output --partial 'Enter open'
	run -0 bash -c "COLUMNS=80 '$TWTUNE' --all-netns watch --once --interval 0.2 | LC_ALL=C.UTF-8 wc -L"
	[ "$output" -le 80 ]
}

@test "3500 TIME_WAIT towards one destination: dumped, not judged idle (audit: client-churn)" {
	C="twwd-$$"
	ip netns add "$C"
	ip netns exec "$C" sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1'
	ip netns exec "$C" "$SG" --port 8080 --tw-client 3500 >/dev/null
	run -0 env COLUMNS=160 "$TWTUNE" --all-netns watch --once --interval 0.2
	# 3500 of 28232 ports is no pressure, but could be 58 closes/s of churn:
	# dumped (the exact share, not "<"); watch measures 0 closes/s now
	assert_line --regexp "$(row_re "$C") +3500 +0 +[0-9]+ +12\.4% "
	# audit, which estimates the rate from the TIME_WAIT held, reports it
	run -0 "$TWTUNE" --all-netns audit --json --fail-on never
	run -0 jq -r --argjson i "$(stat -Lc %i "/run/netns/$C")" \
		'.namespaces[] | select(.netns.inode == $i) | [.judged_from_counters, (.audit.findings | map(.id) | index("client-churn") != null)] | @tsv' <<<"$output"
	assert_output "$(printf 'false\ttrue')"
}

@test "the summary follows a generator; Enter opens a namespace, Esc comes back, q restores" {
	start_watch --interval 0.5
	wait_screen "$(row_re "$A") +300 "
	ip netns exec "$B" "$SG" --port 8081 --tw-client 500 >/dev/null
	wait_screen "$(row_re "$B") +500 "
	run -0 screen
	assert_line --regexp '^TIME_WAIT [0-9]+ in all'
	assert_line --regexp '^sort risk .*up/down select  Enter open  q quit'
	select_row "$B"
	tmux -L "$SOCK" send-keys Enter
	wait_screen "^twtune watch  risk .*netns $B net:\[$(stat -Lc %i "/run/netns/$B")\]"
	wait_screen '127\.0\.0\.1 > 127\.0\.0\.1:8081 .* used +500 tw +500'
	run -0 screen
	refute_output --partial ':8080'
	assert_line --regexp '^sort used .*Esc back  q quit'
	tmux -L "$SOCK" send-keys Escape
	wait_screen "^> .* $B +500 "
	wait_screen '^sort risk '
	tmux -L "$SOCK" send-keys q
	wait_screen '^watch-exit=0$'
	run -0 cat "$BATS_TEST_TMPDIR/stty.after"
	assert_output "$(cat "$BATS_TEST_TMPDIR/stty.before")"
	run -0 screen
	refute_output --partial 'all network namespaces'
}

@test "q in an opened namespace exits 0; SIGTERM there dies of it; both restore the terminal" {
	start_watch --interval 0.5
	select_row "$A"
	tmux -L "$SOCK" send-keys Enter
	wait_screen "netns $A net:"
	tmux -L "$SOCK" send-keys q
	wait_screen '^watch-exit=0$'
	run -0 cat "$BATS_TEST_TMPDIR/stty.after"
	assert_output "$(cat "$BATS_TEST_TMPDIR/stty.before")"
	tmux -L "$SOCK" kill-server
	start_watch --interval 0.5
	select_row "$A"
	tmux -L "$SOCK" send-keys Enter
	wait_screen "netns $A net:"
	pid=$(pgrep -P "$(tmux -L "$SOCK" display -p '#{pane_pid}')" -x twtune)
	kill -TERM "$pid"
	wait_screen '^watch-exit=143$'
	run -0 tmux -L "$SOCK" display -p '#{alternate_on} #{cursor_flag}'
	assert_output '0 1'
	run -0 cat "$BATS_TEST_TMPDIR/stty.after"
	assert_output "$(cat "$BATS_TEST_TMPDIR/stty.before")"
	run -0 screen
	refute_output --partial "netns $A"
}

@test "s cycles the summary's sort: risk, TIME_WAIT, rate, name" {
	start_watch --interval 0.5
	wait_screen "$(row_re "$A") +300 "
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort TIME_WAIT '
	# more TIME_WAIT sorts first: A (300) above the idle holder
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | grep -nE ' ($A|$H) ' | cut -d: -f1"
	[ "${lines[0]}" -lt "${lines[1]}" ]
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | grep -nE ' ($A|$H) ' | head -1"
	assert_output --partial " $A "
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort rate '
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort name '
	# by name, the host first: A above B
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | grep -nE ' ($A|$B) ' | head -1"
	assert_output --partial " $A "
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | grep -nE '^[> ] .* host ' | cut -d: -f1"
	[ "$output" -eq 4 ]
	tmux -L "$SOCK" send-keys s
	wait_screen '^sort risk '
}

@test "a resize to 80x24 keeps the summary and an opened namespace within 80 columns" {
	start_watch --interval 0.5
	tmux -L "$SOCK" resize-window -x 80 -y 24
	wait_screen '^sort risk .*q quit'
	run -0 widest < <(screen)
	[ "$output" -le 80 ]
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | wc -l"
	assert_output 24
	run -0 bash -c "tmux -L '$SOCK' capture-pane -p -J | tail -1"
	assert_output --regexp '^sort risk '
	select_row "$A"
	tmux -L "$SOCK" send-keys Enter
	wait_screen '^sort used .*Esc back'
	run -0 widest < <(screen)
	[ "$output" -le 80 ]
}

@test "a namespace made meanwhile appears, one deleted leaves, at the next scan" {
	C="twwc-$$"
	start_watch --interval 0.5
	ip netns add "$C"
	wait_screen "$(row_re "$C") " 150
	ip netns del "$C"
	for ((i = 0; i < 150; i++)); do
		screen | grep -qE " $C " || break
		sleep 0.1
	done
	run -0 screen
	refute_output --partial " $C "
	C=""
}

@test "--observe: connects/s and failures/s per namespace, and in the one opened" {
	C="twwo-$$"
	ip netns add "$C"
	ip netns exec "$C" sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1 \
		net.ipv4.tcp_tw_reuse=0 net.ipv4.ip_local_port_range="40000 40009"'
	f=$BATS_TEST_TMPDIR/obs
	COLUMNS=160 "$TWTUNE" --all-netns watch --once --observe --interval 4 >"$f" 2>"$f.err" &
	pid=$!
	for i in $(seq 100); do grep -q attached "$f.err" && break; sleep 0.1; done
	run -0 cat "$f.err"
	assert_output 'twtune: watch: observe: attached'
	# 10 ports, TIME_WAIT not reused: 10 connect()s succeed, 15 fail
	run -0 ip netns exec "$C" "$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 25 --listen
	assert_output 'attempts 25 successes 10 EADDRNOTAVAIL 15 EADDRINUSE 0 other 0'
	wait "$pid"
	run -0 cat "$f"
	assert_line --regexp '^TIME_WAIT [0-9]+ in all  closes/s [0-9]+ .*  connects/s [1-9][0-9]* failures/s [1-9][0-9]* \(eBPF, [0-9.]+ s\)$'
	assert_line --regexp '^  RISK +NAMESPACE +TIME_WAIT +CLOSES/S +CONN/S +FAIL/S +IN USE +POOL '
	# 25 and 15 over the 4 s or so since attaching; the rules judge them
	assert_line --regexp "^  !!crit  $C +10 +[0-9]+ +[1-9][0-9]* +[1-9][0-9]* +[0-9]+ +100\.0% "
	# our other namespaces made no connect()
	assert_line --regexp "$(row_re "$A") +300 +[0-9]+ +0 +0 "
	# opened in the live view: the observed section of that namespace only
	start_watch --observe --interval 0.5
	select_row "$C"
	tmux -L "$SOCK" send-keys Enter
	wait_screen "netns $C net:"
	# its 10 ports still in TIME_WAIT towards 9000: 5 more fail for want of one
	run -0 ip netns exec "$C" "$BUILD/tests/connclient" --to 127.0.0.1:9000 --count 5
	assert_output 'attempts 5 successes 0 EADDRNOTAVAIL 5 EADDRINUSE 0 other 0'
	wait_screen '^observed connect\(\) 1 destinations over '
	wait_screen '^!! 127\.0\.0\.1 > 127\.0\.0\.1:9000 +connects/s .* FAILING  5/5 failed connclient'
	wait_screen '^!! crit connect-failures '
	tmux -L "$SOCK" send-keys q
	wait_screen '^watch-exit=0$'
}

@test "--all-netns watch: not a terminal, --netns: exit 2 and one line" {
	run -2 --separate-stderr "$TWTUNE" --all-netns watch </dev/null
	assert_equal "$stderr" "twtune: watch: needs a terminal on standard input and output (--once prints one frame as text)"
	run -2 --separate-stderr "$TWTUNE" --all-netns --netns "$A" watch --once
	assert_equal "$stderr" "twtune: --all-netns and --netns exclude each other; see 'twtune help'"
	assert_equal "$output" ""
}

@test "as nobody: no namespace can be entered, exit 4 and one line" {
	NB=$(mktemp -d /tmp/twtune-nobody.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$TWTUNE" "$NB/twtune"
	run -4 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$NB/twtune" --all-netns watch --once --interval 0.1
	rm -rf "$NB"
	assert_equal "$stderr" "twtune: watch: --all-netns: no network namespace could be read"
	assert_equal "$output" ""
}
