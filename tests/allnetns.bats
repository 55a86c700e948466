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

# The label netns of namespace i of ours (our_inodes order): what
# survives a restart, the inode only when nothing else names it.
ns_id() {
	local i=$1 n=$(($1 + 1)) uid hex
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	if ((n <= 5)); then
		echo "$T-$n"
	elif ((n == 7)) && [ -n "$uid" ]; then
		echo "pod/$uid"
	elif ((n == 12)) && [ -n "$hex" ]; then
		echo "container/$hex"
	else
		echo "inode/${ino[$i]}"
	fi
}

@test "audit --format prometheus: a netns label that survives restarts on every sample, promtool clean" {
	mapfile -t ino < <(our_inodes)
	run -1 "$TWTUNE" --all-netns audit --format prometheus
	echo "$output" >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -c '^# HELP twtune_risk_level ' "$BATS_TEST_TMPDIR/m.prom"; assert_output 1
	# every sample but the run's own four is a namespace's
	run -1 grep -vEc '^#|\{netns="|^twtune_(build_info|last_run_|netns_omitted)' "$BATS_TEST_TMPDIR/m.prom"
	assert_output 0
	run -0 grep -x 'twtune_netns_omitted 0' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -c '^twtune_last_run_success 1$' "$BATS_TEST_TMPDIR/m.prom"; assert_output 1
	run -0 grep -F "twtune_risk_level{netns=\"$T-1\",netns_name=\"$T-1\"} 3" "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -F "twtune_finding_severity{netns=\"$(ns_id 6)\"," "$BATS_TEST_TMPDIR/m.prom"
	assert_output --partial 'rule="tw-bucket-pressure"} 3'
	run -0 grep -F "twtune_netns_judged_from_counters{netns=\"$T-4\",netns_name=\"$T-4\"} 1" \
		"$BATS_TEST_TMPDIR/m.prom"
	# no inode where a name exists; the inode label is gone
	run -1 grep -E "netns=\"inode/(${ino[0]}|${ino[3]})\"|netns_label=" "$BATS_TEST_TMPDIR/m.prom"
	# judged from counters: TIME_WAIT from sockstat, nothing of the dump (absent, not 0)
	run -0 grep -F "twtune_time_wait{netns=\"$T-4\"," "$BATS_TEST_TMPDIR/m.prom"
	run -1 grep -E "^twtune_(time_wait_by_side|destinations|sockets|pool_[a-z_]+|port_pressure_max_ratio)\\{netns=\"$T-4\"" \
		"$BATS_TEST_TMPDIR/m.prom"
	# dumped in full: the split, and the fullest pool towards 127.0.0.1:8080
	run -0 grep -F "twtune_time_wait_by_side{netns=\"$T-1\",netns_name=\"$T-1\",side=\"client\"} 900" \
		"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -F "twtune_pool_ports_used{netns=\"$T-1\",netns_name=\"$T-1\",local=\"127.0.0.1\",remote=\"127.0.0.1:8080\"} 900" \
		"$BATS_TEST_TMPDIR/m.prom"
	# the container's and the pod's ids from their cgroups, where cgroups allow
	local hex uid
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	[ -z "$hex" ] || grep -qF "twtune_risk_level{netns=\"container/$hex\",container_id=\"$hex\"} " \
		"$BATS_TEST_TMPDIR/m.prom" || fail "no container/$hex"
	[ -z "$uid" ] || grep -qF "twtune_risk_level{netns=\"pod/$uid\",container_id=\"$hex\",pod_uid=\"$uid\"} " \
		"$BATS_TEST_TMPDIR/m.prom" || fail "no pod/$uid"
	# every label set is unique (node_exporter refuses a repeated one)
	run -0 bash -c "grep -v '^#' '$BATS_TEST_TMPDIR/m.prom' | sed 's/ [^ ]*\$//' | sort | uniq -d"
	assert_output ""
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

# Issue 22 item 13: a namespace named with a byte that is not UTF-8, an
# escape sequence, a quote and a backslash, held by a process named the
# same way; its name reaches every format through the one sanitizer.
@test "hostile namespace and process names: promtool, JSON and the terminal stay clean" {
	local name=$'tw\xff\x1b[2J"q\\'"-$TAG" comm=$'e\x1b[2J\xffx' pid
	ip netns add "$name"
	echo "netns $name" >>"$STATE"
	twelve_hold "unshare -n --" "$comm"
	pid=$(holder_pid "$comm")
	[ -n "$pid" ]
	run -1 "$TWTUNE" --all-netns audit --format prometheus
	echo "$output" >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	# the name, valid UTF-8 and escaped as the text format says
	run -0 grep -F "{netns=\"tw"$'\xef\xbf\xbd\xef\xbf\xbd'"[2J\\\"q\\\\-$TAG\",netns_name=" "$BATS_TEST_TMPDIR/m.prom"
	run -1 "$TWTUNE" --all-netns audit --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/a.json"
	run -0 python3 -m json.tool "$BATS_TEST_TMPDIR/a.json"
	run -0 jq -r --arg n "tw"$'\xef\xbf\xbd\x1b'"[2J\"q\\-$TAG" \
		'.namespaces[] | select(.netns.label == $n) | .netns.label' "$BATS_TEST_TMPDIR/a.json"
	[ -n "$output" ]
	# the terminal: no ESC, no byte that is not UTF-8; the names shown as ps shows them
	"$TWTUNE" --all-netns audit >"$BATS_TEST_TMPDIR/a.txt" || true
	run -1 grep -c $'\x1b' "$BATS_TEST_TMPDIR/a.txt"
	run -0 iconv -f UTF-8 -t UTF-8 "$BATS_TEST_TMPDIR/a.txt"
	run -0 grep -F "tw??[2J\"q\\-$TAG" "$BATS_TEST_TMPDIR/a.txt"
	run -0 grep -F 'e?[2J?x' "$BATS_TEST_TMPDIR/a.txt"
	kill "$pid"
	ip netns del "$name"
}

# with_fake_runtime CMD...: CMD in a private mount namespace whose /run is
# new but for the host's /run/netns, and holds the containerd sandbox
# metadata (config.json) of the fake pod's container: pod web-7d9f in
# namespace shop.
with_fake_runtime() {
	local hex
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	unshare -m --propagation private -- bash -c '
		set -e
		keep=$(mktemp -d)
		mount --rbind /run/netns "$keep"
		mount -t tmpfs tmpfs /run
		mkdir -p /run/netns
		mount --rbind "$keep" /run/netns
		d=/run/containerd/io.containerd.runtime.v2.task/k8s.io/$1
		mkdir -p "$d"
		printf "%s" "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\",\"io.kubernetes.cri.sandbox-name\":\"web-7d9f\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\"}}" >"$d/config.json"
		shift
		"$@"' _ "$hex" "$@"
}

# twtune-metrics(7) and the output agree both ways: every series and label
# printed is a .TP tag of the page, and every tag is printed by one of a
# namespace's audit with sockets (the pools) and the --all-netns audit of
# this file's namespaces (an ip netns name, a container's, a pod's, whose
# name and namespace come from faked containerd sandbox metadata).
@test "twtune-metrics(7) names exactly the series and labels twtune prints" {
	[ -n "$(awk '$1 == "pod" { print $2 }' "$STATE")" ] || skip "cgroup v2: no fake pod here"
	local tmp=$BATS_TEST_TMPDIR METRICS=$TOP/man/twtune-metrics.7
	# one namespace with a pool and a client connecting meanwhile, measured
	# over a window (the pools' demand series)
	in_netns bash -c '"$1" --port 8080 --tw-client 5 >/dev/null
		"$3" --to 127.0.0.1:8081 --listen --rate 100 --seconds 3 >/dev/null 2>&1 &
		sleep 0.5
		"$2" audit --interval 1 --format prometheus --fail-on never' \
		_ "$SG" "$TWTUNE" "$BUILD/tests/connrate" >"$tmp/one.prom"
	with_fake_runtime "$TWTUNE" --all-netns audit --format prometheus --fail-on never >"$tmp/all.prom"
	run -0 promtool check metrics <"$tmp/all.prom"
	local uid hex
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	run -0 grep -F "twtune_risk_level{netns=\"pod/$uid\",container_id=\"$hex\",pod_uid=\"$uid\",pod_namespace=\"shop\",pod_name=\"web-7d9f\"} " \
		"$tmp/all.prom"
	# the container outside a pod is not looked up as one
	run -0 grep -F "twtune_risk_level{netns=\"container/$hex\",container_id=\"$hex\"} " "$tmp/all.prom"
	cat "$tmp/one.prom" "$tmp/all.prom" | grep -v '^#' | sed -E 's/[{ ].*//' | sort -u >"$tmp/series"
	cat "$tmp/one.prom" "$tmp/all.prom" | grep -v '^#' | grep -oE '[{,][a-z_]+="' | tr -d '{,="' |
		sort -u >"$tmp/labels"
	tags() {
		awk -v s="$2" '/^\.SH/ { f = ($2 == s); next }
			f && /^\.TP/ { tag = 1; next }
			f && tag { tag = 0; print $2 }' "$1" | sort -u
	}
	# less what only a NAT mapping prints: tests/conntrack.bats checks those
	tags "$METRICS" SERIES | grep -v '^twtune_snat_' >"$tmp/man-series"
	tags "$METRICS" LABELS | grep -vx -e nat_source -e destination -e port >"$tmp/man-labels"
	run diff -u --label twtune --label twtune-metrics.7 "$tmp/series" "$tmp/man-series"
	assert_success
	run diff -u --label twtune --label twtune-metrics.7 "$tmp/labels" "$tmp/man-labels"
	assert_success
	# each family's TYPE as the page says it (counter or gauge)
	awk '/^\.SH/ { f = ($2 == "SERIES"); next }
		f && /^\.TP/ { tag = 1; next }
		f && tag == 1 { tag = 2; name = $2; next }
		f && tag == 2 { tag = 0; sub(/[.,]$/, "", $1); print name, $1 }' "$METRICS" |
		grep -v '^twtune_snat_' | sort -u >"$tmp/man-types"
	grep -h '^# TYPE ' "$tmp/one.prom" "$tmp/all.prom" | awk '{ print $3, $4 }' | sort -u >"$tmp/types"
	run diff -u --label twtune --label twtune-metrics.7 "$tmp/types" "$tmp/man-types"
	assert_success
}
