#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The conntrack dump, timed by hand (not yet a part of make bench): four
# pods behind a masquerading node (tests/test_helper/nat.bash) each make
# PER (default 10000) connections that they close first, to four server
# ports; then, interleaved ROUNDS (11) times, in the node's namespace:
# twtune's decoder (build/tests/ct_tool), libnl-nf-3's parser
# (build/bench/ctnf), conntrack -L, conntrack -C, and `true` (the cost of
# nsenter alone). Prints minimum and median of each, in ms.
# Run from the tree's root after make test-tools, as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
PER=${PER:-10000} ROUNDS=${ROUNDS:-11}
source tests/test_helper/nat.bash
trap nat_down EXIT
nat_up 4
B=build/tests
for k in 1 2 3 4; do
	nat_exec srv timeout 300 "$B/ctpair" serve 10.78.0.2 $((8079 + k)) "$PER" client 290 >/dev/null &
done
sleep 0.5
for k in 1 2 3 4; do
	nat_exec "pod$k" timeout 280 "$B/ctpair" connect 10.78.0.2 $((8079 + k)) "$PER" client &
done
wait
echo "entries $(nat_exec node conntrack -C)"
ns=/run/netns/$NAT-node
declare -A T
for ((r = 0; r < ROUNDS; r++)); do
	for t in ct_tool ctnf conntrack-L conntrack-C true; do
		case $t in
		ct_tool) cmd=("$B/ct_tool") ;;
		ctnf) cmd=(build/bench/ctnf) ;;
		conntrack-L) cmd=(conntrack -L) ;;
		conntrack-C) cmd=(conntrack -C) ;;
		true) cmd=(true) ;;
		esac
		s=$(date +%s%N)
		nsenter --net="$ns" "${cmd[@]}" >/dev/null 2>&1
		T[$t]+="$((($(date +%s%N) - s) / 1000)) "
	done
done
for t in ct_tool ctnf conntrack-L conntrack-C true; do
	tr ' ' '\n' <<<"${T[$t]}" | grep . | sort -n |
		awk -v t="$t" '{ v[NR] = $1 } END { printf "%-12s min %.1f ms median %.1f ms\n", t, v[1] / 1000, v[int((NR + 1) / 2)] / 1000 }'
done
