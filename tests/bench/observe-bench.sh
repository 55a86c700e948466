#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# observe-bench.sh: the observe part of `make bench` (issue 13 item 5). In a
# private network namespace, tests/bench/connrate makes COUNT loopback
# connections (connect, then close, the client first, over 16 destination
# ports), paced at RATE per second ("-20k") and as fast as it goes ("-max"),
# with and without `twtune observe` running in that namespace. Rounds
# interleave the two (the order swaps every round, so that the namespace
# filling with TIME_WAIT favours neither); each observed run starts observe,
# waits until it has attached, runs connrate at both paces, then ends it
# with SIGINT. Prints medians, minima and maxima of connections/s and of CPU
# per connection, and the medians of the per-round ratios.
#
#   TWTUNE=./twtune BENCH=build/bench bash tests/bench/observe-bench.sh [COUNT]
#
# COUNT defaults to 40000; ROUNDS (default 7), RATE (default 20000), NICE
# (default -10). Exits 1 when a run fails or a connection fails.
set -euo pipefail

TWTUNE=${TWTUNE:-./twtune}
BENCH=${BENCH:-build/bench}
ROUNDS=${ROUNDS:-7}
RATE=${RATE:-20000}
NICE=${NICE:--10}
PORTS=5101-5116
export TWTUNE BENCH ROUNDS RATE

die() {
	echo "observe-bench: $*" >&2
	exit 1
}

# connrate at both paces; prints "R label round rate cpu_us" lines.
runs() {
	local mode=$1 round=$2 count=$3 pace out
	for pace in 20k max; do
		if [ $pace = 20k ]; then
			out=$("$BENCH/connrate" --count "$count" --rate "$RATE" --ports $PORTS) ||
				die "connrate ($mode, $pace) failed: $out"
		else
			out=$("$BENCH/connrate" --count "$count" --ports $PORTS) ||
				die "connrate ($mode, $pace) failed: $out"
		fi
		echo "$out" | awk -v l="$mode-$pace" -v r="$round" '{ print "R", l, r, $6, $8 }'
	done
}

# One observed slot: observe attached for the whole of runs().
observed() {
	local round=$1 count=$2 err obs i
	err=$(mktemp)
	"$TWTUNE" observe --seconds 600 >/dev/null 2>"$err" &
	obs=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^twtune: observe: attached' "$err" && break
		kill -0 "$obs" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q '^twtune: observe: attached' "$err"; then
		kill "$obs" 2>/dev/null || true
		die "observe did not attach: $(cat "$err")"
	fi
	runs observe "$round" "$count"
	kill -INT "$obs"
	wait "$obs" || die "observe exited $?: $(cat "$err")"
	rm -f "$err"
}

one() {
	local count=$1 round
	ip link set lo up
	# A wide range and 16 ports: the client's TIME_WAIT (made at up to
	# 30,000/s for the whole run) never exhausts the 4-tuples; tw_reuse=1
	# lets connect() take one over after 1 s should it come close, and
	# tcp_max_tw_buckets is high enough that every close enters TIME_WAIT.
	sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1 \
		net.ipv4.tcp_max_tw_buckets=2000000 net.core.somaxconn=4096
	runs warmup 0 "$count" >/dev/null
	for ((round = 1; round <= ROUNDS; round++)); do
		if ((round % 2)); then
			runs plain "$round" "$count"
			observed "$round" "$count"
		else
			observed "$round" "$count"
			runs plain "$round" "$count"
		fi
	done
	echo "I tw_end $(awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat)"
}

table() {
	awk -v count="$1" -v rate="$RATE" '
	function median(a, k,   i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	function ratio(v, x, y,   r, k, a) {
		k = 0
		for (r = 1; r <= rounds; r++)
			if ((x, r) in v && (y, r) in v)
				a[++k] = v[x, r] / v[y, r]
		return k ? median(a, k) : 0
	}
	$1 == "I" { info[$2] = $3 }
	$1 == "R" {
		if (!($2 in seen)) { seen[$2] = 1; order[++nl] = $2 }
		c[$2, $3] = $4; u[$2, $3] = $5; if ($3 > rounds) rounds = $3
	}
	END {
		printf "\n### twtune observe overhead: %d connections per run, %d rounds (%s TIME_WAIT at the end)\n\n", \
			count, rounds, info["tw_end"]
		printf "| run | median conn/s | min conn/s | max conn/s | median CPU us/conn |\n"
		printf "|---|---:|---:|---:|---:|\n"
		for (i = 1; i <= nl; i++) {
			l = order[i]; k = 0; lo = 1e12; hi = 0
			for (r = 1; r <= rounds; r++)
				if ((l, r) in c) {
					k++; a[k] = c[l, r]; b[k] = u[l, r]
					if (c[l, r] < lo) lo = c[l, r]
					if (c[l, r] > hi) hi = c[l, r]
				}
			printf "| %s | %.0f | %.0f | %.0f | %.2f |\n", l, median(a, k), lo, hi, median(b, k)
			delete a; delete b
		}
		printf "\nPairs (median of per-round ratios):\n"
		printf "- observe / plain, conn/s paced at %d/s: %.3f (target at least 0.95)\n", rate, \
			ratio(c, "observe-20k", "plain-20k")
		printf "- observe / plain, conn/s as fast as it goes: %.3f\n", ratio(c, "observe-max", "plain-max")
		printf "- observe / plain, CPU per connection at %d/s: %.3f\n", rate, ratio(u, "observe-20k", "plain-20k")
		printf "- observe / plain, CPU per connection as fast as it goes: %.3f\n", \
			ratio(u, "observe-max", "plain-max")
	}'
}

if [ "${1:-}" = "--one" ]; then
	one "$2"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it makes a network namespace and loads BPF)"
[ -x "$TWTUNE" ] || die "no '$TWTUNE': run make first"
[ -x "$BENCH/connrate" ] || die "no '$BENCH/connrate': run make bench-tools"
count=${1:-40000}
case $count in
'' | *[!0-9]* | 0) die "COUNT '$count': use a number of connections" ;;
esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "observe-bench: $count connections per run, $ROUNDS rounds ..." >&2
nice -n "$NICE" unshare -n bash "$0" --one "$count" >"$out"
table "$count" <"$out"
