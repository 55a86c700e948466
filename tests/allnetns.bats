#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune --all-netns against the real kernel: twelve namespaces made here
# (ip netns, CNI-like held by "pause", held only by an unshare -n process,
# one in a Docker-like cgroup, one in a kubepods pod's when cgroup v2
# allows), client-side TIME_WAIT pressure in two with settings of their
# own, the rest idle. Other tests' namespaces may exist meanwhile: every
# assertion is about our own, by inode.

bats_require_minimum_version 1.5.0

# The twelve namespaces (tests/test_helper/twelve.bash), two of them under
# port pressure.
setup_file() {
	load 'test_helper/common-setup'
	load 'test_helper/twelve'
	_common_setup
	export SG="$BUILD/tests/sockgen"
	twelve_setup 300
	# pressure A in $T-1: 900 client TIME_WAIT in a 1000-port range, no reuse
	pressure "$T-1" "net.ipv4.ip_local_port_range=40000 40999" 900 \
		net.ipv4.tcp_tw_reuse=0
	# pressure B in cni-$T-7 (the pod, where cgroups allow): 950 TIME_WAIT
	# against 1000 buckets, a 2000-port range
	pressure "cni-$T-7" "net.ipv4.ip_local_port_range=50000 51999" 950 \
		net.ipv4.tcp_tw_reuse=0 net.ipv4.tcp_max_tw_buckets=1000
}

# pressure NETNS RANGE N SYSCTL...: N client TIME_WAIT towards 127.0.0.1:8080.
pressure() {
	local ns=$1 range=$2 n=$3
	shift 3
	ip netns exec "$ns" sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1 "$@"' \
		sh "$range" "$@"
	ip netns exec "$ns" "$SG" --port 8080 --tw-client "$n" >/dev/null
}

teardown_file() {
	twelve_teardown
}

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/twelve'
	_common_setup
}

teardown() {
	[ -z "${HOLD:-}" ] || kill "$HOLD" 2>/dev/null || true
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

# row INODE: the summary table's line of INODE in $output.
row() {
	awk -v i="$1" '$0 !~ /^==/ && ($2 == i || $3 == i) && !seen++' <<<"$output"
}

@test "audit --json: all twelve found exactly once, with their labels, the host first" {
	run -1 "$TWTUNE" --all-netns audit --json
	j=$BATS_TEST_TMPDIR/a.json
	echo "$output" >"$j"
	mapfile -t ino < <(our_inodes)
	mapfile -t lab < <(our_labels)
	[ "$(printf '%s\n' "${ino[@]}" | sort -u | wc -l)" -eq 12 ]
	for k in "${!ino[@]}"; do
		run -0 jq -r --argjson i "${ino[k]}" '[.namespaces[] | select(.netns.inode == $i)] | length' "$j"
		assert_output 1
		run -0 jq -r --argjson i "${ino[k]}" '.namespaces[] | select(.netns.inode == $i) | .netns.label' "$j"
		assert_output "${lab[k]}"
	done
	run -0 jq -r '.namespaces[0].netns | "\(.inode) \(.label)"' "$j"
	assert_output "$HOSTINO host"
	run -0 jq -r '[.namespaces[].netns.inode] | length == (unique | length)' "$j"
	assert_output true
}

@test "audit --json: the shape, and the audit object is audit --json's" {
	run -1 "$TWTUNE" --all-netns audit --json
	j=$BATS_TEST_TMPDIR/a.json
	echo "$output" >"$j"
	run -0 jq -c 'keys' "$j"; assert_output '["namespaces","schema_version"]'
	run -0 jq -c '[.namespaces[] | keys] | unique' "$j"
	assert_output '[["audit","judged_from_counters","netns","reason","status"]]'
	run -0 jq -c '[.namespaces[].netns | keys] | unique' "$j"
	assert_output '[["inode","label","owner","paths"]]'
	run -0 jq -c '[.namespaces[].netns.owner | keys] | unique' "$j"
	assert_output '[["container","pod_uid","process_count","processes"]]'
	p=$(holder_pid "twh-$TAG-9")
	nsi=$(stat -Lc %i "/proc/$p/ns/net")
	run -0 jq -c --argjson i "$nsi" '.namespaces[] | select(.netns.inode == $i) | .netns |
		[.paths, .owner.processes, .owner.process_count]' "$j"
	assert_output "[[\"/proc/$p/ns/net\"],[{\"pid\":$p,\"comm\":\"twh-$TAG-9\"}],1]"
	nsi=$(stat -Lc %i "/run/netns/$T-1")
	run -0 "$TWTUNE" --netns "$T-1" audit --json --fail-on never
	one=$(jq -c 'keys' <<<"$output")
	run -0 jq -c --argjson i "$nsi" '.namespaces[] | select(.netns.inode == $i) | .audit | keys' "$j"
	assert_output "$one"
}

@test "audit: the two at risk with their own settings and findings; idle ones from counters" {
	run -1 "$TWTUNE" --all-netns audit --json
	j=$BATS_TEST_TMPDIR/a.json
	echo "$output" >"$j"
	mapfile -t ino < <(our_inodes)
	a=${ino[0]} b=${ino[6]}
	q() { jq -r --argjson i "$1" ".namespaces[] | select(.netns.inode == \$i) | $2" "$j"; }
	run -0 q "$a" '.audit | "\(.risk) \(.sysctl["net.ipv4.ip_local_port_range"]) \(.sysctl["net.ipv4.tcp_tw_reuse"])"'
	assert_output "crit 40000 40999 0"
	run -0 q "$a" '.audit.findings[] | select(.id == "port-exhaustion") | "\(.severity) \(.evidence.worst_pressure)"'
	assert_output "crit 0.9"
	run -0 q "$a" '.audit.sockets.states.TIME_WAIT'; assert_output 900
	run -0 q "$b" '.audit | "\(.risk) \(.sysctl["net.ipv4.ip_local_port_range"]) \(.sysctl["net.ipv4.tcp_max_tw_buckets"])"'
	assert_output "crit 50000 51999 1000"
	run -0 q "$b" '.audit.findings[] | select(.id == "tw-bucket-pressure") | .severity'
	assert_output crit
	run -0 q "$b" '.audit.findings[] | select(.id == "port-exhaustion") | .severity'
	assert_output ok
	run -0 q "$b" '.audit.sockets.states.TIME_WAIT'; assert_output 950
	for k in 0 6; do
		run -0 q "${ino[k]}" '.judged_from_counters'; assert_output false
	done
	for k in 1 2 3 4 5 7 8 9 10 11; do
		run -0 q "${ino[k]}" '"\(.status) \(.judged_from_counters) \(.audit.risk)"'
		assert_output "read true ok"
	done
}

@test "audit text: the summary table, the full reports of the two at risk only, exit 1" {
	mapfile -t ino < <(our_inodes)
	mapfile -t lab < <(our_labels)
	run -1 "$TWTUNE" --all-netns audit
	assert_line --partial "LABEL                INODE"
	[[ "$(row "${ino[0]}")" =~ ^"$T-1".*" 900 ".*" 90% crit   dump     port-exhaustion: " ]] ||
		fail "row A: $(row "${ino[0]}")"
	[[ "$(row "${ino[6]}")" =~ " 950 ".*" crit   dump     tw-bucket-pressure: " ]] ||
		fail "row B: $(row "${ino[6]}")"
	for k in 1 2 3 4 5 7 8 9 10 11; do
		[[ "$(row "${ino[k]}")" =~ ^"${lab[k]:0:20}".*" ok     counters -"$ ]] ||
			fail "row $k: $(row "${ino[k]}")"
	done
	assert_line --partial "judged from counters: "
	assert_line "== $T-1 (netns ${ino[0]}) =="
	assert_line "== ${lab[6]} (netns ${ino[6]}) =="
	refute_line "== $T-2 (netns ${ino[1]}) =="
	# -v: every namespace's report
	run -1 "$TWTUNE" -v --all-netns audit
	assert_line "== $T-2 (netns ${ino[1]}) =="
	# the exit code is the highest risk against --fail-on
	run -0 "$TWTUNE" --all-netns audit --fail-on never
}

@test "audit: the pod at risk gets its securityContext.sysctls; --format k8s for any namespace" {
	mapfile -t ino < <(our_inodes)
	run -1 "$TWTUNE" --all-netns audit --format k8s
	# pressure A: tcp_tw_reuse is not safe in Kubernetes
	a=$(awk -v h="# netns $T-1 (inode ${ino[0]})" '$0 == h { on = 1; next } /^---$/ { on = 0 } on' <<<"$output")
	grep -qx '#   --allowed-unsafe-sysctls=net.ipv4.tcp_tw_reuse' <<<"$a" || fail "$a"
	# pressure B: the wider range is safe, tcp_max_tw_buckets is not
	b=$(awk -v h="(inode ${ino[6]})" 'index($0, h) { on = 1; next } /^---$/ { on = 0 } on' <<<"$output")
	grep -qx '      - name: net.ipv4.ip_local_port_range' <<<"$b" || fail "$b"
	grep -q -- '--allowed-unsafe-sysctls=.*net.ipv4.tcp_max_tw_buckets' <<<"$b" || fail "$b"
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	[ -n "$uid" ] || skip "cgroup v2: no fake pod here"
	run -1 "$TWTUNE" --all-netns audit
	assert_line "the change for pod $uid:"
	assert_line "    sysctls:"
}

@test "audit --format prometheus: netns and netns_label on every sample, promtool clean" {
	mapfile -t ino < <(our_inodes)
	run -1 "$TWTUNE" --all-netns audit --format prometheus
	echo "$output" >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -c '^# HELP twtune_risk_level ' "$BATS_TEST_TMPDIR/m.prom"; assert_output 1
	run -1 grep -vc '^#\|{netns="[0-9]*",netns_label="' "$BATS_TEST_TMPDIR/m.prom"
	assert_output 0
	run -0 grep -F "twtune_risk_level{netns=\"${ino[0]}\",netns_label=\"$T-1\"} 3" "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -F "twtune_finding_severity{netns=\"${ino[6]}\"," "$BATS_TEST_TMPDIR/m.prom"
	assert_output --partial 'rule="tw-bucket-pressure"} 3'
	run -0 grep -F "twtune_netns_judged_from_counters{netns=\"${ino[3]}\",netns_label=\"$T-4\"} 1" \
		"$BATS_TEST_TMPDIR/m.prom"
}

@test "a namespace whose last process exits during the scan is reported as gone" {
	cp /bin/sleep "$BATS_TEST_TMPDIR/twgone"
	unshare -n -- "$BATS_TEST_TMPDIR/twgone" 60 </dev/null >/dev/null 2>&1 3>&- &
	HOLD=$!
	for ((k = 0; k < 50; k++)); do
		nsi=$(stat -Lc %i "/proc/$HOLD/ns/net")
		[ "$nsi" != "$HOSTINO" ] && break
		sleep 0.1
	done
	[ "$nsi" != "$HOSTINO" ]
	out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	TWTUNE_TEST_NETNS_PAUSE=3 "$TWTUNE" --all-netns audit --json --fail-on never \
		>"$out" 2>"$err" 3>&- &
	tw=$!
	for ((k = 0; k < 100; k++)); do
		grep -q 'test hook: pausing' "$err" && break
		sleep 0.05
	done
	grep -q 'test hook: pausing 3 s after the first namespace' "$err"
	kill "$HOLD"
	wait "$HOLD" || true
	HOLD=
	rc=0
	wait "$tw" || rc=$?
	[ "$rc" -eq 0 ] || fail "exit $rc: $(cat "$err")"
	run -0 jq -r --argjson i "$nsi" '.namespaces[] | select(.netns.inode == $i) |
		"\(.status) \(.audit) \(.reason)"' "$out"
	assert_output "gone null network namespace $nsi is gone"
	# the others were read all the same
	p=$(holder_pid "twh-$TAG-8")
	run -0 jq -r --argjson i "$(stat -Lc %i "/proc/$p/ns/net")" \
		'.namespaces[] | select(.netns.inode == $i) | .status' "$out"
	assert_output read
}

@test "as nobody: every namespace denied with the reason, exit 4" {
	NB=$(mktemp -d /tmp/twtune-nobody.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$TWTUNE" "$NB/twtune"
	nsi=$(stat -Lc %i "/run/netns/$T-2")
	run -4 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/twtune" --all-netns audit
	[[ "$(row "$nsi")" =~ ^"$T-2".*" denied "+"- "+"setns /run/netns/$T-2: Operation not permitted"$ ]] ||
		fail "$(row "$nsi")"
	assert_line --partial "no network namespace could be read"
}

@test "sockets and get --all-netns: the namespaces array with each command's object" {
	mapfile -t ino < <(our_inodes)
	run -0 "$TWTUNE" --all-netns sockets --json
	j=$BATS_TEST_TMPDIR/s.json
	echo "$output" >"$j"
	run -0 jq -c '[.namespaces[] | keys] | unique' "$j"
	assert_output '[["netns","reason","sockets","status"]]'
	run -0 jq -r --argjson i "${ino[0]}" '.namespaces[] | select(.netns.inode == $i) | .sockets.states.TIME_WAIT' "$j"
	assert_output 900
	run -0 "$TWTUNE" --netns "$T-1" sockets --json
	one=$(jq -c 'keys' <<<"$output")
	run -0 jq -c --argjson i "${ino[0]}" '.namespaces[] | select(.netns.inode == $i) | .sockets | keys' "$j"
	assert_output "$one"
	run -0 "$TWTUNE" --all-netns get --json tcp_max_tw_buckets ip_local_port_range
	j=$BATS_TEST_TMPDIR/g.json
	echo "$output" >"$j"
	run -0 jq -c --argjson i "${ino[6]}" '.namespaces[] | select(.netns.inode == $i) | .get' "$j"
	assert_output '{"net.ipv4.tcp_max_tw_buckets":1000,"net.ipv4.ip_local_port_range":"50000 51999"}'
	run -0 "$TWTUNE" --all-netns get ip_local_port_range
	assert_line "== $T-1 (netns ${ino[0]}) =="
	assert_line "net.ipv4.ip_local_port_range = 40000 40999"
}

@test "sockets --no-processes with --all-netns, before or after the command: no process named" {
	mapfile -t ino < <(our_inodes)
	run -0 "$TWTUNE" --all-netns sockets --no-processes --json
	j=$BATS_TEST_TMPDIR/s.json
	echo "$output" >"$j"
	run -0 jq -c '[.namespaces[] | select(.status == "read") | .sockets.process_scan.asked] | unique' "$j"
	assert_output '[false]'
	run -0 jq -r '[.namespaces[].sockets | .. | objects | select(has("processes")) | .processes | select(. != null) | length] | add // 0' "$j"
	assert_output 0
	# without it, processes are asked for (the holders of our namespaces)
	run -0 "$TWTUNE" sockets --all-netns --json
	run -0 jq -c '[.namespaces[] | select(.status == "read") | .sockets.process_scan.asked] | unique' <<<"$output"
	assert_output '[true]'
	# text, and --top as sockets takes it
	run -0 "$TWTUNE" sockets --no-processes --all-netns --top 1
	assert_line "== $T-1 (netns ${ino[0]}) =="
}

@test "audit --observe --no-processes with --all-netns: both taken, observed per namespace" {
	# (0 or 1: the TIME_WAIT of setup_file may have expired by now)
	run --separate-stderr "$TWTUNE" --all-netns audit --observe 1 --no-processes --json
	[[ $status == [01] ]]
	j=$BATS_TEST_TMPDIR/a.json
	echo "$output" >"$j"
	run -0 jq -c '[.namespaces[] | select(.status == "read") | .audit.sockets.process_scan.asked] | unique' "$j"
	assert_output '[false]'
	if "$TWTUNE" observe --seconds 1 >/dev/null 2>&1; then
		# eBPF runs here: each namespace's window, of its own inode only
		run -0 jq -r '[.namespaces[] | select(.status == "read") | .audit.observed | select(. == null)] | length' "$j"
		assert_output 0
		run -0 jq -r '[.namespaces[] | select(.status == "read") |
			(.netns.inode as $i | .audit.observed.namespaces == [$i])] | all' "$j"
		assert_output true
		run -0 jq -r '[.namespaces[] | select(.status == "read") | .audit.observed_skipped] | unique | .[]' "$j"
		assert_output null
	else
		# no eBPF: skipped in every namespace, saying why
		run -0 jq -r '[.namespaces[] | select(.status == "read") | .audit.observed_skipped | select(. == null)] | length' "$j"
		assert_output 0
	fi
}

@test "usage: apply refuses --all-netns, rollback takes it (rollback_allnetns.bats), so do --netns and other commands" {
	run -2 "$TWTUNE" --all-netns apply --check "$TOP/profiles/web-server.ini"
	assert_output --partial "apply works on one namespace: use --netns"
	run -0 "$TWTUNE" --all-netns rollback --check --state-dir "$BATS_TEST_TMPDIR/none"
	assert_output "nothing to roll back: no journal in $BATS_TEST_TMPDIR/none or $BATS_TEST_TMPDIR/none/ns"
	run -2 "$TWTUNE" --all-netns --sysctl-root "$BATS_TEST_TMPDIR" rollback --check
	assert_output --partial "not with --sysctl-root"
	run -2 "$TWTUNE" --all-netns --netns "$T-1" audit
	assert_output --partial "exclude each other"
	run -2 "$TWTUNE" --all-netns profiles
	run -2 "$TWTUNE" --all-netns observe
	assert_output --partial "twtune observe --all-netns"
	run -2 "$TWTUNE" --all-netns audit --format yaml
}
