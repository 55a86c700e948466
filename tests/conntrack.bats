#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The conntrack reader (src/kernel/conntrack.c) against the real parts: a
# container node in namespaces of the test's own (test_helper/nat.bash:
# pods behind a node that masquerades with Debian's nftables, towards a
# server), read with build/tests/ct_tool and compared with Debian's
# conntrack(8) in the same namespace. Recorded dumps are replayed and
# broken on purpose (test_helper/nlcraft.py). Nothing host-wide is
# written: nf_conntrack_max and nf_conntrack_buckets are only read.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/nat'
	_common_setup
	CT="$BUILD/tests/ct_tool" PAIR="$BUILD/tests/ctpair"
	CRAFT="$TOP/tests/test_helper/nlcraft.py"
	D="$BATS_TEST_TMPDIR"
}

teardown() {
	nat_down
}

# traffic ORDER N1 N2: pod1 makes N1 connections, pod2 N2, towards the
# server's port 8080, closed first by ORDER (client or server); the
# clients' "connected" counts are summed into $CONNECTED.
traffic() {
	local order=$1 n1=$2 n2=$3 out
	nat_exec srv timeout 30 "$PAIR" serve 10.78.0.2 8080 $((n1 + n2)) "$order" 25 >"$D/srv.out" &
	for _ in $(seq 50); do
		nat_exec srv ss -Hltn 'sport = :8080' | grep -q LISTEN && break
		sleep 0.1
	done
	out=$(nat_exec pod1 timeout 30 "$PAIR" connect 10.78.0.2 8080 "$n1" "$order")
	CONNECTED=$(awk '{print $2}' <<<"$out")
	out=$(nat_exec pod2 timeout 30 "$PAIR" connect 10.78.0.2 8080 "$n2" "$order")
	CONNECTED=$((CONNECTED + $(awk '{print $2}' <<<"$out")))
	wait
}

# settle NAME: waits (at most 5 s) until the $CONNECTED connections all
# stand in conntrack's TIME_WAIT in namespace NAME: the last ACKs of the
# client's closes may still be crossing the node when traffic returns.
settle() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(ctl "$1" -p tcp --state TIME_WAIT | wc -l)" -ge "$CONNECTED" ] && return 0
		sleep 0.1
	done
}

# field KEY...: the last word of ct_tool's line starting with KEY... in $D/ct
field() {
	grep "^$* " "$D/ct" | awk '{print $NF}'
}

# conntrack -L in namespace NAME, both families, ARGS added; one entry a line
ctl() {
	local name=$1
	shift
	{ nat_exec "$name" conntrack -L -f ipv4 "$@"; nat_exec "$name" conntrack -L -f ipv6 "$@"; } 2>/dev/null
}

# same_as_conntrack NAME: ct_tool's counts in namespace NAME equal conntrack(8)'s
same_as_conntrack() {
	local name=$1 st n
	nat_exec "$name" "$CT" >"$D/ct"
	[ "$(field entries)" -eq "$(nat_exec "$name" conntrack -C)" ]
	[ "$(field entries)" -eq "$(ctl "$name" | wc -l)" ]
	[ "$(field count)" -eq "$(nat_exec "$name" conntrack -C)" ]
	[ "$(field proto tcp)" -eq "$(ctl "$name" -p tcp | wc -l)" ]
	[ "$(field nat)" -eq "$(ctl "$name" --src-nat | wc -l)" ]
	for st in SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE; do
		n=$(ctl "$name" -p tcp | awk -v s="$st" '$4 == s' | wc -l)
		[ "$(field state "$st")" -eq "$n" ] || { echo "state $st: $(field state "$st") vs $n"; return 1; }
	done
}

@test "client closes first: every count equals conntrack -L and -C in the node" {
	nat_up 2
	traffic client 120 80
	[ "$CONNECTED" -eq 200 ]
	settle node
	same_as_conntrack node
	# every connection left one TIME_WAIT entry, source-NATed to the node
	[ "$(field state TIME_WAIT)" -eq "$CONNECTED" ]
	run grep '^map ' "$D/ct"
	[ "${#lines[@]}" -eq 1 ]
	read -r _ proto nat dst dport _ used _ tw _ <<<"${lines[0]}"
	[ "$proto $nat $dst $dport" = "6 10.78.0.1 10.78.0.2 8080" ]
	[ "$used" -eq "$(ctl node --src-nat -p tcp --dst 10.78.0.2 --dport 8080 | wc -l)" ]
	[ "$tw" -eq "$(ctl node --src-nat -p tcp --state TIME_WAIT | wc -l)" ]
	# the pods, by their own address
	[ "$(grep '^src 10.77.1.2 ' "$D/ct" | awk '{print $4}')" -eq "$(ctl node -s 10.77.1.2 | wc -l)" ]
	[ "$(grep '^src 10.77.2.2 ' "$D/ct" | awk '{print $4}')" -eq "$(ctl node -s 10.77.2.2 | wc -l)" ]
	[ "$(grep -c '^src ' "$D/ct")" -eq 2 ]
}

@test "server closes first: the states still equal conntrack -L, and the server holds the TIME_WAIT" {
	nat_up 2
	traffic server 60 40
	[ "$CONNECTED" -eq 100 ]
	same_as_conntrack node
	[ "$(field nat)" -eq "$CONNECTED" ]
	# the server closed first: its sockets hold the TIME_WAIT, not the pods'
	[ "$(nat_exec srv ss -Htan state time-wait | wc -l)" -eq "$CONNECTED" ]
	[ "$(nat_exec pod1 ss -Htan state time-wait | wc -l)" -eq 0 ]
}

@test "a namespace with conntrack but no NAT: entries, no mapping" {
	nat_up 2
	# conntrack runs in pod1 once a rule there needs it
	nat_exec pod1 nft -f - <<'NFT'
table ip twct {
	chain out {
		type filter hook output priority 0;
		ct state new,established accept
	}
}
NFT
	traffic client 30 10
	same_as_conntrack pod1
	[ "$(field entries)" -eq 30 ]
	[ "$(field nat)" -eq 0 ]
	run grep -c '^map ' "$D/ct"
	[ "$output" = 0 ]
	# pod2 has no rule: no conntrack at all, so no dump either
	nat_exec pod2 "$CT" >"$D/ct"
	[ "$(field count)" -eq 0 ]
	grep -qx skipped "$D/ct"
	run grep '^entries' "$D/ct"
	[ "$status" -ne 0 ]
}

@test "count 0: no dump unless asked; asked, it is empty" {
	run unshare -n "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nskipped\n'* ]]
	[[ "$output" != *entries* ]]
	run unshare -n "$CT" --always
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nentries 0\n'* ]]
	[[ "$output" != *skipped* ]]
}

@test "a recorded dump replays to the same counts; broken ones are refused" {
	nat_up 2
	traffic client 50 25
	nat_exec node "$CT" --record "$D/rec.bin" >"$D/live"
	"$CT" --replay "$D/rec.bin" >"$D/replay"
	diff <(grep -Ev '^(count|max|buckets|tw_timeout|stat) ' "$D/live") \
		<(grep -Ev '^(count|max|buckets|tw_timeout|stat) ' "$D/replay")
	read -r replies dones entries < <(python3 "$CRAFT" "$D/rec.bin" - count)
	[ "$dones" -eq 1 ]
	[ "$entries" -eq 75 ]
	grep -qx 'entries 75' "$D/replay"
	# interrupted twice, then whole: the counts of one attempt
	python3 "$CRAFT" "$D/rec.bin" "$D/intr.bin" intr 2
	"$CT" --replay "$D/intr.bin" >"$D/intr"
	diff <(grep -v '^stat' "$D/replay") <(grep -v '^stat' "$D/intr")
	python3 "$CRAFT" "$D/rec.bin" "$D/intr6.bin" intr 6
	run "$CT" --replay "$D/intr6.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault interrupted 11"* ]]
	python3 "$CRAFT" "$D/rec.bin" "$D/nodone.bin" no-last-done
	run "$CT" --replay "$D/nodone.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault truncated 61"* ]]
	python3 "$CRAFT" "$D/rec.bin" "$D/cut.bin" cut $(($(stat -c %s "$D/rec.bin") / 2 + 3))
	run "$CT" --replay "$D/cut.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault malformed"* ]]
	python3 "$CRAFT" "$D/rec.bin" "$D/err.bin" error-after 5 12
	run "$CT" --replay "$D/err.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault kernel 12"* ]]
}

@test "conntrack unavailable: a recorded refusal is one fault, and the files are still read" {
	# An empty namespace's dump, recorded, then the kernel's refusal of the
	# request put in its reply's place (EOPNOTSUPP: no ctnetlink subsystem)
	unshare -n "$CT" --always --record "$D/empty.bin" >/dev/null
	python3 "$CRAFT" "$D/empty.bin" "$D/unavail.bin" error-after 1 95
	run "$CT" --replay "$D/unavail.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault unavailable 95"* ]]
	[[ "$output" == *"max $(cat /proc/sys/net/netfilter/nf_conntrack_max)"* ]]
	[[ "$output" != *entries* ]]
	# and the committed recording of one
	run "$CT" --replay "$TOP/tests/fixtures/conntrack/unavailable.bin"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fault unavailable 95"* ]]
}

@test "a committed node dump replays to what conntrack -L showed when it was recorded" {
	# tests/fixtures/conntrack/README.md: how it was made and what conntrack -L said
	"$CT" --replay "$TOP/tests/fixtures/conntrack/node.bin" >"$D/ct"
	F="$TOP/tests/fixtures/conntrack"
	[ "$(field entries)" -eq "$(wc -l <"$F/node.conntrack-L")" ]
	[ "$(field nat)" -eq "$(wc -l <"$F/node.conntrack-L-src-nat")" ]
	[ "$(grep -c '^map ' "$D/ct")" -eq "$(grep -c . "$F/node.maps")" ]
	while read -r proto nat dst dport used; do
		grep -q "^map $proto $nat $dst $dport used $used " "$D/ct"
	done <"$F/node.maps"
	[ "$(field state TIME_WAIT)" -eq "$(awk '$4 == "TIME_WAIT"' "$F/node.conntrack-L" | wc -l)" ]
	[ "$(field state ESTABLISHED)" -eq "$(awk '$4 == "ESTABLISHED"' "$F/node.conntrack-L" | wc -l)" ]
	[ "$(field proto udp)" -eq "$(awk '$1 == "udp"' "$F/node.conntrack-L" | wc -l)" ]
}

# hexsum FILE COLUMN: the column's hex values of every CPU line, summed
hexsum() {
	local col s=0 v
	col=$(head -1 "$1" | tr -s ' ' '\n' | grep -nx "$2" | cut -d: -f1)
	[ -n "$col" ] || return 1
	while read -r v; do s=$((s + 16#$v)); done < <(tail -n +2 "$1" | tr -s ' ' | cut -d' ' -f"$col")
	echo "$s"
}

@test "per-CPU statistics: the sums of /proc/net/stat/nf_conntrack, read in the node" {
	nat_up 2
	traffic client 40 1
	nat_exec node cat /proc/net/stat/nf_conntrack >"$D/stat.before"
	nat_exec node "$CT" >"$D/ct"
	nat_exec node cat /proc/net/stat/nf_conntrack >"$D/stat.after"
	# nothing runs in the node now: the counters stand still
	cmp "$D/stat.before" "$D/stat.after"
	[ "$(field stat cpus)" -eq "$(($(wc -l <"$D/stat.after") - 1))" ]
	for c in found insert insert_failed drop early_drop search_restart; do
		[ "$(field stat "$c")" -eq "$(hexsum "$D/stat.after" "$c")" ]
	done
	[ "$(field stat clash_resolve)" -eq "$(hexsum "$D/stat.after" clashres)" ]
	# an older kernel's file without clashres: that column is absent, not 0
	mkdir -p "$D/pn/stat"
	printf 'entries  found new invalid insert insert_failed drop early_drop\n%s\n%s\n' \
		'00000002  00000003 00000000 00000000 0000000a 00000001 00000000 00000000' \
		'00000002  00000004 00000000 00000000 00000010 00000002 00000000 00000000' \
		>"$D/pn/stat/nf_conntrack"
	run unshare -n "$CT" --proc-net "$D/pn"
	[[ "$output" == *$'stat found 7\n'* ]]
	[[ "$output" == *$'stat insert 26\n'* ]]
	[[ "$output" == *$'stat insert_failed 3\n'* ]]
	[[ "$output" != *clash_resolve* ]]
	[[ "$output" != *search_restart* ]]
}

# --- twtune audit: the "NAT and conntrack" section (src/rules/nat.c,
# src/render/conntrack_render.c) ---

@test "audit in the node: the NAT and conntrack section and its JSON equal conntrack -L and -C" {
	nat_up 2
	traffic client 120 80
	settle node
	nat_exec node "$TWTUNE" audit --no-processes --json >"$D/a.json"
	[ "$(jq .conntrack.count "$D/a.json")" -eq "$(nat_exec node conntrack -C)" ]
	[ "$(jq .conntrack.entries "$D/a.json")" -eq "$(ctl node | wc -l)" ]
	[ "$(jq .conntrack.tcp_states.TIME_WAIT "$D/a.json")" -eq "$(ctl node -p tcp --state TIME_WAIT | wc -l)" ]
	[ "$(jq .conntrack.source_nat "$D/a.json")" -eq "$(ctl node --src-nat | wc -l)" ]
	[ "$(jq -r '.conntrack.top_mappings[0] | "\(.nat_source) \(.destination) \(.port) \(.ports_used)"' "$D/a.json")" = \
		"10.78.0.1 10.78.0.2 8080 $(ctl node --src-nat -p tcp --dport 8080 | wc -l)" ]
	[ "$(jq -r '.conntrack.top_sources[0].address' "$D/a.json")" = 10.77.1.2 ]
	[ "$(jq .conntrack.max "$D/a.json")" -eq "$(cat /proc/sys/net/netfilter/nf_conntrack_max)" ]
	# 200 of 64512 ports: no finding
	[ "$(jq '.conntrack.findings | length' "$D/a.json")" -eq 0 ]
	run -0 nat_exec node "$TWTUNE" audit --no-processes
	assert_line "NAT and conntrack"
	assert_line --regexp "^10\.78\.0\.1 +10\.78\.0\.2:8080 +tcp +$CONNECTED +$CONNECTED +0\.3%$"
	assert_line "no NAT or conntrack findings"
	# Prometheus: valid, and the same numbers
	nat_exec node "$TWTUNE" audit --no-processes --format prometheus --fail-on never >"$D/a.prom"
	run -0 promtool check metrics <"$D/a.prom"
	grep -qx "twtune_conntrack_entries $(ctl node | wc -l)" "$D/a.prom"
	grep -qx "twtune_conntrack_entries_by_state{state=\"TIME_WAIT\"} $(ctl node -p tcp --state TIME_WAIT | wc -l)" "$D/a.prom"
	grep -qx "twtune_snat_ports_used{nat_source=\"10.78.0.1\",destination=\"10.78.0.2\",port=\"8080\",protocol=\"tcp\"} $(ctl node --src-nat -p tcp --dport 8080 | wc -l)" "$D/a.prom"
	grep -qx "twtune_conntrack_max $(cat /proc/sys/net/netfilter/nf_conntrack_max)" "$D/a.prom"
	# every series and label printed here is in twtune-metrics(7) (allnetns.bats
	# checks the rest both ways; these need a NAT mapping)
	local n
	for n in $(grep -v '^#' "$D/a.prom" | sed -E 's/[{ ].*//' | sort -u) \
		$(grep -v '^#' "$D/a.prom" | grep -oE '[{,][a-z_]+="' | tr -d '{,="' | sort -u); do
		grep -qx "\.B $n" "$TOP/man/twtune-metrics.7" || fail "$n is not in twtune-metrics(7)"
	done
	# a pod without conntrack: nothing dumped, no section
	nat_exec pod1 "$TWTUNE" audit --no-processes --json >"$D/p.json"
	[ "$(jq .conntrack.dumped "$D/p.json")" = false ]
	[ "$(jq .conntrack.count "$D/p.json")" -eq 0 ]
	run -0 nat_exec pod1 "$TWTUNE" audit --no-processes
	refute_output --partial "NAT and conntrack"
}

@test "snat-port-pressure from real traffic: a quarter of the NAT ports held, the pods named" {
	nat_up 4
	local k
	# one server port: the four pods' connections share one NAT mapping
	# (10.78.0.1 -> 10.78.0.2:8080), 16400 of its 64512 ports (25.4%)
	nat_exec srv timeout 60 "$PAIR" serve 10.78.0.2 8080 16400 client 55 >/dev/null &
	for _ in $(seq 50); do
		nat_exec srv ss -Hltn 'sport = :8080' | grep -q LISTEN && break
		sleep 0.1
	done
	for k in 1 2 3 4; do
		nat_exec "pod$k" timeout 60 "$PAIR" connect 10.78.0.2 8080 4100 client >"$D/c$k" &
	done
	wait
	total=$(cat "$D"/c? | awk '{ s += $2 } END { print s }')
	[ "$total" -eq 16400 ]
	nat_exec node "$TWTUNE" audit --no-processes --json >"$D/a.json"
	used=$(ctl node --src-nat -p tcp --dport 8080 | wc -l)
	[ "$(jq '.conntrack.top_mappings[0].ports_used' "$D/a.json")" -eq "$used" ]
	jq -e '.conntrack.findings[] | select(.rule == "snat-port-pressure" and .severity == "info")' "$D/a.json"
	# the advice starts with the programs of the pods, by address
	jq -r '.conntrack.findings[] | select(.rule == "snat-port-pressure") | .advice[0]' "$D/a.json" >"$D/adv"
	grep -q '^keep connections alive in the programs behind 10\.77\.[1-4]\.2 (4100 NAT entries)' "$D/adv"
	jq -r '.conntrack.findings[] | select(.rule == "snat-port-pressure") | .advice[2]' "$D/a.json" | grep -q 'add SNAT source addresses'
}

@test "conntrack-table-full: each namespace's count against the host's max, through --sysctl-root" {
	make_sysctl_root "$D/sys" nf_conntrack_max=1000
	printf '950\n' >"$D/sys/net/netfilter/nf_conntrack_count"
	run -0 unshare -n "$TWTUNE" --sysctl-root "$D/sys" audit --no-processes --json --fail-on never
	jq -e '.conntrack | .count == 950 and .max == 1000 and .fill_ratio == 0.95' <<<"$output"
	jq -e '.conntrack.findings[] | select(.rule == "conntrack-table-full" and .severity == "crit")' <<<"$output"
	# the advice: the programs, then nf_conntrack_max at twice the count, from the initial namespace
	run -0 jq -r '.conntrack.findings[] | select(.rule == "conntrack-table-full") | .advice[1]' <<<"$output"
	assert_output --partial "nf_conntrack_max to at least 1900"
	assert_output --partial "initial namespace"
	# at 400 of 1000 (40%): no finding
	printf '400\n' >"$D/sys/net/netfilter/nf_conntrack_count"
	run -0 unshare -n "$TWTUNE" --sysctl-root "$D/sys" audit --no-processes --json --fail-on never
	jq -e '.conntrack.findings | length == 0' <<<"$output"
}

@test "conntrack-insert-failed from the per-CPU statistics (a /proc/net fixture)" {
	mkdir -p "$D/pn/stat"
	cp /proc/net/sockstat /proc/net/netstat /proc/net/snmp "$D/pn/" 2>/dev/null || true
	printf 'entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n%s\n%s\n' \
		'00000000  00000004 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002 00000000 00000000 00000000  00000000 00000000 00000000 00000000' \
		'00000000  00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000005 00000000 00000000 00000000  00000000 00000000 00000000 00000000' \
		>"$D/pn/stat/nf_conntrack"
	run -0 unshare -n env TWTUNE_PROC_NET="$D/pn" "$TWTUNE" audit --no-processes --json --fail-on never
	jq -e '.conntrack.statistics | .insert_failed == 7 and .clash_resolve == 5 and .cpus == 2' <<<"$output"
	jq -e '.conntrack.findings[] | select(.rule == "conntrack-insert-failed" and .severity == "warn")' <<<"$output"
	run -0 jq -r '.conntrack.findings[] | select(.rule == "conntrack-insert-failed") | .advice[0]' <<<"$output"
	assert_output --partial "masquerade fully-random"
	assert_output --partial "--random-fully"
}

@test "audit: conntrack unavailable (a recorded refusal) is one line, and the audit goes on" {
	run -0 unshare -n env TWTUNE_CT_REPLAY="$TOP/tests/fixtures/conntrack/unavailable.bin" \
		"$TWTUNE" audit --no-processes --fail-on never
	assert_line --regexp "^conntrack unavailable here \(.*\): no NAT or conntrack checks$"
	# that line and the sysctl rows, nothing more about conntrack
	[ "$(grep conntrack <<<"$output" | grep -vc '^net\.netfilter\.nf_conntrack_')" -eq 1 ]
	refute_output --partial "NAT and conntrack"
	assert_output --partial "ephemeral ports"
	run -0 unshare -n env TWTUNE_CT_REPLAY="$TOP/tests/fixtures/conntrack/unavailable.bin" \
		"$TWTUNE" audit --no-processes --json --fail-on never
	jq -e '.conntrack.available == false and (.conntrack.note | test("unavailable"))' <<<"$output"
	# not measured: the conntrack series are absent, not 0
	run -0 unshare -n env TWTUNE_CT_REPLAY="$TOP/tests/fixtures/conntrack/unavailable.bin" \
		"$TWTUNE" audit --no-processes --format prometheus --fail-on never
	refute_output --partial "twtune_conntrack_"
	refute_output --partial "twtune_snat_"
}

@test "audit replays the committed node dump: its counts are conntrack -L's" {
	F="$TOP/tests/fixtures/conntrack"
	run -0 unshare -n env TWTUNE_CT_REPLAY="$F/node.bin" "$TWTUNE" audit --no-processes --json --fail-on never
	[ "$(jq .conntrack.entries <<<"$output")" -eq "$(wc -l <"$F/node.conntrack-L")" ]
	[ "$(jq .conntrack.nat_mappings <<<"$output")" -eq "$(wc -l <"$F/node.maps")" ]
	[ "$(jq .conntrack.top_mappings[0].ports_used <<<"$output")" -eq "$(sort -k5,5nr "$F/node.maps" | head -1 | awk '{print $5}')" ]
	[ "$(jq .conntrack.by_protocol.udp <<<"$output")" -eq "$(awk '$1 == "udp"' "$F/node.conntrack-L" | wc -l)" ]
}
