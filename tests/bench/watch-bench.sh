#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# watch-bench.sh: the watch part of `make bench` (issue 14 item 3). The CPU
# share of `twtune watch` while the kernel holds N (default 400000)
# client-side TIME_WAIT sockets towards 20 destinations. Each slot has a
# private network namespace of its own (unshare -n; lo up, tcp_rfc1337=1,
# ip_local_port_range 1024 65535): tests/bench/twgen makes the N sockets,
# then `twtune watch` (with the processes, "processes") or `twtune watch
# --no-processes` ("no-processes") runs in tmux (100x32, a private server
# with -L), and utime+stime of the twtune process is read from
# /proc/PID/stat at WATCH_WARMUP (default 2) s after it started and WATCH_WINDOW
# (default 30) s later, while the N are still held (the kernel's count is
# checked at both ends). The dumps that ran in the window and the CPU of
# the last one come from watch's footer ("dump X ms xN"). Slots alternate
# the modes (A B C A B C ...), WATCH_ROUNDS (default 3) of each. The third,
# "all-netns", runs `twtune --all-netns watch` in the slot's namespace with
# WATCH_IDLE_NS (default 50) idle ip netns beside it: the summary of them
# all. Prints the minimum and median share of one core per mode.
#
#   TWTUNE=./twtune BENCH=build/bench bash tests/bench/watch-bench.sh [N]
#
# WATCH_N in bench.sh sets N; NICE (default -10). Exits 1 when a slot
# fails twice.
set -euo pipefail

TWTUNE=${TWTUNE:-./twtune}
BENCH=${BENCH:-build/bench}
WATCH_ROUNDS=${WATCH_ROUNDS:-3}
WINDOW=${WATCH_WINDOW:-30}
WARMUP=${WATCH_WARMUP:-2}
NICE=${NICE:--10}
IDLE_NS=${WATCH_IDLE_NS:-50}
IDLE_MADE=0
export TWTUNE BENCH WINDOW WARMUP IDLE_NS

die() {
	echo "watch-bench: $*" >&2
	exit 1
}

tw_count() {
	awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat
}

# utime + stime of PID in clock ticks (the fields after the command name).
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# "ms count" from watch's footer, "dump 211 ms x4".
footer_dumps() {
	tmux -L "$SOCK" capture-pane -p -t wb |
		awk '{ for (i = 1; i < NF; i++) if ($i == "dump" && $(i + 2) == "ms") { sub(/^x/, "", $(i + 3)); print $(i + 1), $(i + 3) } }' |
		tail -n 1
}

cleanup() {
	local i
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	for ((i = 1; i <= IDLE_MADE; i++)); do
		ip netns del "twwb-$$-$i" 2>/dev/null || true
	done
}

# One slot, inside its namespace: prints "S mode round ticks seconds dumps
# dump_ms tw0 tw1 made_s".
slot() {
	local n=$1 mode=$2 round=$3 start made tw0 tw1 pid k c0 c1 t0 t1 d0 d1 args=
	SOCK=twwb$$
	trap cleanup EXIT
	ip link set lo up
	sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_max_tw_buckets=$((2 * n + 10000)) net.ipv4.tcp_tw_reuse=0 \
		net.ipv4.tcp_rfc1337=1
	start=$EPOCHREALTIME
	"$BENCH/twgen" --count "$n" --v4 4 --v6 --ports 5001-5004 --workers 4 >/dev/null ||
		die "twgen failed"
	for ((k = 0; k < 50; k++)); do
		tw0=$(tw_count)
		[ "$tw0" -ge "$n" ] && break
		sleep 0.1
	done
	[ "$tw0" -ge "$n" ] || die "made $n TIME_WAIT sockets, the kernel holds $tw0"
	made=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	case $mode in
	processes) args=watch ;;
	no-processes) args="watch --no-processes" ;;
	all-netns) # this namespace and WATCH_IDLE_NS idle ones, in one summary
		args="--all-netns watch"
		for ((k = 1; k <= IDLE_NS; k++)); do
			ip netns add "twwb-$$-$k" || die "ip netns add failed"
			IDLE_MADE=$k
			ip -n "twwb-$$-$k" link set lo up
		done ;;
	esac
	tmux -L "$SOCK" -f /dev/null new-session -d -s wb -x 100 -y 32 "exec $TWTUNE $args"
	pid=$(tmux -L "$SOCK" list-panes -t wb -F '#{pane_pid}')
	for ((k = 0; k < 50; k++)); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = twtune ] && break
		sleep 0.05
	done
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = twtune ] || die "twtune watch did not start"
	sleep "$WARMUP"
	# The window must end before the oldest socket's 60 s are up.
	awk -v s="$start" -v t="$EPOCHREALTIME" -v w="$WINDOW" 'BEGIN { exit !(t + w < s + 58) }' ||
		die "no room for a $WINDOW s window after $made s making the sockets"
	d0=$(footer_dumps)
	[ "$mode" != all-netns ] || d0="0 0" # the summary's footer has no dump count
	t0=$EPOCHREALTIME
	c0=$(cpu_ticks "$pid")
	sleep "$WINDOW"
	c1=$(cpu_ticks "$pid")
	t1=$EPOCHREALTIME
	d1=$(footer_dumps)
	[ "$mode" != all-netns ] || d1="0 0"
	tw1=$(tw_count)
	kill -0 "$pid" 2>/dev/null || die "twtune watch exited"
	[ "$tw1" -ge "$n" ] || die "the kernel held $tw1 TIME_WAIT sockets at the window's end, not $n"
	[ -n "$d0" ] && [ -n "$d1" ] || die "no dump count in watch's footer"
	echo "S $mode $round $((c1 - c0)) $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
		"$((${d1#* } - ${d0#* }))" "${d1% *}" "$tw0" "$tw1" "$made"
}

table() {
	awk -v n="$1" -v hz="$2" -v idle="$IDLE_NS" '
	function median(a, k,   i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	$1 == "S" {
		if (!($2 in seen)) { seen[$2] = 1; order[++nm] = $2 }
		k = ++cnt[$2]
		share[$2, k] = 100 * $4 / hz / $5
		dumps[$2, k] = $6; ms[$2, k] = $7; ticks[$2, k] = $4; secs = $5
		made[$2, k] = $10
	}
	END {
		printf "\n### twtune watch CPU at %d TIME_WAIT (%d destinations; tmux 100x32; %.0f s windows; %d slots)\n\n", \
			n, 20, secs, NR
		printf "| watch | min %% of one core | median %% | max %% | ticks per window | dumps per window | last dump ms CPU | made in s |\n"
		printf "|---|---:|---:|---:|---|---|---|---|\n"
		for (i = 1; i <= nm; i++) {
			m = order[i]; lo = 1e9; hi = 0; t = d = c = s = ""
			for (k = 1; k <= cnt[m]; k++) {
				a[k] = share[m, k]
				if (a[k] < lo) lo = a[k]
				if (a[k] > hi) hi = a[k]
				t = t (k > 1 ? " " : "") ticks[m, k]
				d = d (k > 1 ? " " : "") dumps[m, k]
				c = c (k > 1 ? " " : "") ms[m, k]
				s = s (k > 1 ? " " : "") made[m, k]
			}
			printf "| %s | %.2f | %.2f | %.2f | %s | %s | %s | %s |\n", \
				m == "processes" ? "watch" : m == "no-processes" ? "watch --no-processes" : \
				sprintf("--all-netns watch (%d idle namespaces more)", idle), lo, median(a, cnt[m]), hi, t, \
				m == "all-netns" ? "-" : d, m == "all-netns" ? "-" : c, s
			delete a
		}
		printf "\n(clock ticks of 1/%d s; target: a few %% of one core, the dumps within 2%%)\n", hz
	}'
}

if [ "${1:-}" = "--slot" ]; then
	slot "$2" "$3" "$4"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it makes network namespaces)"
[ -x "$TWTUNE" ] || die "no '$TWTUNE': run make first"
[ -x "$BENCH/twgen" ] || die "no '$BENCH/twgen': run make bench-tools"
command -v tmux >/dev/null || die "no tmux: make deps"
n=${1:-400000}
case $n in
'' | *[!0-9]* | 0) die "N '$n': use a number of sockets" ;;
esac
case $WATCH_ROUNDS in
'' | *[!0-9]* | 0) die "WATCH_ROUNDS '$WATCH_ROUNDS': use a number of rounds" ;;
esac
TWTUNE=$(realpath "$TWTUNE")
export TWTUNE
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((round = 1; round <= WATCH_ROUNDS; round++)); do
	for mode in processes no-processes all-netns; do
		echo "watch-bench: $n TIME_WAIT, watch ($mode), round $round of $WATCH_ROUNDS ..." >&2
		echo "watch-bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
		# Once more in a new namespace when a slot fails (twgen short of
		# N on a busy machine, or no room left for the window).
		if ! nice -n "$NICE" unshare -n bash "$0" --slot "$n" "$mode" "$round" >>"$out"; then
			echo "watch-bench: the slot ($mode, round $round) failed; once more" >&2
			nice -n "$NICE" unshare -n bash "$0" --slot "$n" "$mode" "$round" >>"$out" ||
				die "the slot ($mode, round $round) failed twice"
		fi
	done
done
echo "watch-bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
table "$n" "$(getconf CLK_TCK)" <"$out"
