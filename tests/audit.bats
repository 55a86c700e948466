#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune audit and diff: every rule triggered by real sockets and sysctls in
# a private namespace, scenarios that must stay ok, the JSON field by field,
# the prediction checked against reality, Prometheus output, and a
# deterministic text report replayed from a recorded dump.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export SG="$BUILD/tests/sockgen"
}

# severity of one rule in the audit JSON file $1
sev() {
	jq -r --arg id "$2" '.findings[] | select(.id == $id) | .severity' "$1"
}

@test "a fresh namespace with kernel defaults is ok and exits 0" {
	run -0 scenario '"$TWTUNE" audit --json' 
	echo "$output" >"$BATS_TEST_TMPDIR/a.json"
	run -0 jq -r .risk "$BATS_TEST_TMPDIR/a.json"; assert_output ok
	run -0 jq -r '[.findings[] | select(.severity != "ok")] | length' "$BATS_TEST_TMPDIR/a.json"
	assert_output 0
	run -0 scenario 'NO_COLOR=1 "$TWTUNE" audit'
	assert_line --index 1 'no findings: all 12 checks ok'
	refute_line --partial 'suggested'
	# a quiet host: the answer first, at most 15 lines, no sysctl table
	[ "${#lines[@]}" -le 15 ]
	refute_line --partial 'kernel default'
	# -v: the table, after the findings
	run -0 scenario 'NO_COLOR=1 "$TWTUNE" -v audit'
	assert_line --regexp '^sysctl +value +kernel default$'
	[ "$(grep -n '^no findings' <<<"$output" | cut -d: -f1)" -lt "$(grep -n '^sysctl ' <<<"$output" | cut -d: -f1)" ]
}

@test "port-exhaustion: 1000-port range, 900 client TIME_WAIT, crit and exit 1" {
	run -1 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40999" net.ipv4.tcp_tw_reuse=0
		"$SG" --port 8080 --tw-client 900
		rc=0; "$TWTUNE" audit --json || rc=$?
		kernel_tw > "$BATS_TEST_TMPDIR/ktw"; exit $rc'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ktw")" 900
	assert_equal "$(sev "$j" port-exhaustion)" crit
	run -0 jq -r '.risk' "$j"; assert_output crit
	run -0 jq -r '.findings[] | select(.id=="port-exhaustion") | .evidence.worst_pressure' "$j"
	assert_output 0.9
	run -0 jq -r '.findings[] | select(.id=="port-exhaustion") | .evidence.usable_ports' "$j"
	assert_output 1000
	run -0 jq -r '.findings[] | select(.id=="port-exhaustion") | .evidence.destination[0]' "$j"
	assert_output '127.0.0.1 -> 127.0.0.1:8080 used 900, TIME_WAIT 900'
	run -0 jq -r '.findings[] | select(.id=="port-exhaustion") | .advice' "$j"
	assert_output --partial IP_BIND_ADDRESS_NO_PORT
	run -0 jq -r '.suggested["net.ipv4.tcp_tw_reuse"]' "$j"; assert_output 1
	run -0 jq -r '.ephemeral | "\(.low) \(.high) \(.usable) \(.reserved_in_range)"' "$j"
	assert_output '40000 40999 1000 0'
	run -0 jq -r '.sockets.states.TIME_WAIT' "$j"; assert_output 900
}

@test "reuse that applies: loopback TIME_WAIT with tcp_tw_reuse=2 is not exhaustion" {
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40999"
		"$SG" --port 8080 --tw-client 900
		"$TWTUNE" audit --json'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	assert_equal "$(sev "$j" port-exhaustion)" ok
	assert_equal "$(sev "$j" port-range-narrow)" warn
}

@test "server-side TIME_WAIT only stays ok" {
	run -0 scenario '
		"$SG" --port 8080 --tw-server 300
		"$TWTUNE" audit --json'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	run -0 jq -r .risk "$j"; assert_output ok
	run -0 jq -r .sockets.states.TIME_WAIT "$j"; assert_output 300
}

@test "tw-bucket-pressure: 100 buckets and 200 closes is crit with the overflow counter" {
	run -1 scenario '
		sysctl -qw net.ipv4.tcp_max_tw_buckets=100
		"$SG" --port 8080 --tw-client 200
		"$TWTUNE" audit --json'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	assert_equal "$(sev "$j" tw-bucket-pressure)" crit
	assert_equal "$(sev "$j" tw-buckets-lowered)" warn
	run -0 jq -r '.findings[] | select(.id=="tw-bucket-pressure") | .evidence.TCPTimeWaitOverflow > 0' "$j"
	assert_output true
	# at the cap: inet_twsk_alloc() checks the count, then takes a bucket,
	# so closes on other CPUs at the same moment may pass it by one each
	run -0 jq -r '.findings[] | select(.id=="tw-bucket-pressure") | .evidence.time_wait' "$j"
	((output >= 100 && output <= 100 + $(nproc) - 1)) || fail "time_wait $output, not at the cap of 100"
}

@test "tw-reuse-needs-timestamps" {
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.tcp_timestamps=0
		"$TWTUNE" audit --json'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	assert_equal "$(sev "$j" tw-reuse-needs-timestamps)" warn
	run -0 jq -r '.findings[] | select(.id=="tw-reuse-needs-timestamps") | .fix["net.ipv4.tcp_timestamps"]' "$j"
	assert_output 1
}

@test "port-range-parity and fin-timeout-myth" {
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="32768 60998" net.ipv4.tcp_fin_timeout=3
		"$TWTUNE" audit --json'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	assert_equal "$(sev "$j" port-range-parity)" warn
	assert_equal "$(sev "$j" fin-timeout-myth)" warn
	run -0 scenario 'sysctl -qw net.ipv4.tcp_fin_timeout=30; "$TWTUNE" audit --json'
	echo "$output" >"$j"
	assert_equal "$(sev "$j" fin-timeout-myth)" info
}

@test "listener-in-ephemeral-range: warn, exit 1 only with --fail-on warn" {
	run -0 scenario '
		sockgen_hold --listen 45000 --hold 20
		"$TWTUNE" audit --json > "$BATS_TEST_TMPDIR/a.json"
		rc=0; "$TWTUNE" audit --fail-on warn >/dev/null || rc=$?
		kill $SOCKGEN_PID; echo "rc=$rc"'
	assert_output 'rc=1'
	j="$BATS_TEST_TMPDIR/a.json"
	assert_equal "$(sev "$j" listener-in-ephemeral-range)" warn
	run -0 jq -r '.suggested["net.ipv4.ip_local_reserved_ports"]' "$j"; assert_output 45000
}

@test "port-range-narrow and close-wait-leak" {
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="60000 60999"
		sockgen_hold --port 8080 --close-wait 120 --hold 20
		rc=0; "$TWTUNE" audit --json > "$BATS_TEST_TMPDIR/a.json" || rc=$?
		"$TWTUNE" audit --fail-on never > /dev/null
		kill $SOCKGEN_PID; exit $rc'
	j="$BATS_TEST_TMPDIR/a.json"
	assert_equal "$(sev "$j" port-range-narrow)" warn
	assert_equal "$(sev "$j" close-wait-leak)" warn
	run -0 jq -r '.sockets.states.CLOSE_WAIT' "$j"; assert_output 120
}

@test "the prediction agrees with reality once the suggestion is applied" {
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40999" net.ipv4.tcp_tw_reuse=0 \
			net.ipv4.tcp_max_tw_buckets=1000
		"$SG" --port 8080 --tw-client 900
		"$TWTUNE" audit --json > "$BATS_TEST_TMPDIR/before.json" || true
		jq -r ".suggested | to_entries[] | \"\(.key)=\(.value)\"" "$BATS_TEST_TMPDIR/before.json" |
			while IFS= read -r kv; do sysctl -qw "$kv"; done
		"$TWTUNE" audit --json > "$BATS_TEST_TMPDIR/after.json" || true'
	b="$BATS_TEST_TMPDIR/before.json" a="$BATS_TEST_TMPDIR/after.json"
	run -0 jq -r .risk "$b"; assert_output crit
	run -0 jq -r '.suggested | length > 0' "$b"; assert_output true
	# every rule's predicted severity is what the audit finds afterwards
	run -0 jq -r '[.prediction[] | "\(.id)=\(.after)"] | sort | join(" ")' "$b"
	predicted=$output
	run -0 jq -r '[.findings[] | "\(.id)=\(.severity)"] | sort | join(" ")' "$a"
	assert_equal "$output" "$predicted"
	run -0 jq -r .predicted_risk "$b"; pr=$output
	run -0 jq -r .risk "$a"; assert_output "$pr"
	run -0 jq -r '.suggested | length' "$a"; assert_output 0
}

@test "audit PROFILE: the diff to the profile and its predicted risk" {
	run -0 scenario '"$TWTUNE" --profile-dir "$TOP/profiles" audit --json proxy-profile'
	j="$BATS_TEST_TMPDIR/a.json"; echo "$output" >"$j"
	run -0 jq -r .profile "$j"; assert_output proxy-profile
	run -0 jq -c '[.diff[] | [.key, .current, .target]]' "$j"
	assert_output '[["net.ipv4.ip_local_port_range","32768 60999","16384 65535"],["net.ipv4.tcp_tw_reuse","2","1"]]'
	run -0 jq -r .predicted_risk "$j"; assert_output ok
	run -0 jq -r .schema_version "$j"; assert_output 2
	run -0 jq -r '.sysctl["net.ipv4.tcp_tw_reuse"]' "$j"; assert_output 2
	run -0 jq -r '.netns.name' "$j"; assert_output current
	run -0 jq -r '.kernel' "$j"; assert_output "$(uname -r)"
}

@test "diff prints only the diff and the prediction" {
	run -0 scenario 'NO_COLOR=1 "$TWTUNE" --profile-dir "$TOP/profiles" diff proxy-profile'
	assert_line '# proxy-profile: 2 changes'
	assert_line '- net.ipv4.tcp_tw_reuse = 2'
	assert_line '+ net.ipv4.tcp_tw_reuse = 1'
	assert_line '+ net.ipv4.ip_local_port_range = 16384 65535'
	assert_line --regexp '^  risk +ok -> ok$'
	refute_line --partial 'findings'
	run -0 scenario '"$TWTUNE" --profile-dir "$TOP/profiles" diff --json kernel-default'
	run -0 jq -c '[.profile, .diff, .predicted_risk]' <<<"$output"
	assert_output '["kernel-default",[],"ok"]'
}

@test "diff without PROFILE is a usage error" {
	run -2 --separate-stderr "$TWTUNE" diff
	assert_equal "$stderr" "twtune: diff: missing PROFILE; see 'twtune diff --help'"
}

@test "prometheus output passes promtool and carries the numbers" {
	run -0 scenario '
		"$SG" --port 8080 --tw-client 40
		"$TWTUNE" audit --format prometheus'
	echo "$output" >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_time_wait 40' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_sockets{state="TIME_WAIT"} 40' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_risk_level 0' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -c '^# HELP twtune_' "$BATS_TEST_TMPDIR/m.prom"
	[ "$output" -ge 10 ]
	# the total and its split are two families: sum() of either is right
	run -0 grep -x 'twtune_time_wait_by_side{side="client"} 40' "$BATS_TEST_TMPDIR/m.prom"
	run -1 grep '^twtune_time_wait{' "$BATS_TEST_TMPDIR/m.prom"
	# the run, the units, the kernel's counters for rate(), the fullest pool
	run -0 grep -x "twtune_build_info{version=\"$("$TWTUNE" --version | awk '{ print $NF }')\"} 1" \
		"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_last_run_success 1' "$BATS_TEST_TMPDIR/m.prom"
	run -0 awk -v now="$(date +%s)" '$1 == "twtune_last_run_timestamp_seconds" &&
		$2 > now - 60 && $2 <= now + 1 { ok = 1 } END { exit !ok }' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x '# TYPE twtune_time_wait_created_total counter' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_time_wait_created_total 40' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x '# TYPE twtune_tcp_active_opens_total counter' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep '^twtune_port_pressure_max_ratio ' "$BATS_TEST_TMPDIR/m.prom"
	run -1 grep '^twtune_port_pressure_max ' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_pool_time_wait{local="127.0.0.1",remote="127.0.0.1:8080"} 40' \
		"$BATS_TEST_TMPDIR/m.prom"
	run -1 grep -i 'nan' "$BATS_TEST_TMPDIR/m.prom"
}

@test "prometheus: sockets that cannot be listed make last_run_success 0 and leave the dump's series out" {
	run -0 --separate-stderr in_netns env TWTUNE_FORCE_PROCFS=1 TWTUNE_PROC_NET="$BATS_TEST_TMPDIR/none" \
		"$TWTUNE" audit --format prometheus --fail-on never
	echo "$output" >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_last_run_success 0' "$BATS_TEST_TMPDIR/m.prom"
	run -0 grep -x 'twtune_risk_level 0' "$BATS_TEST_TMPDIR/m.prom"
	run -1 grep -E '^twtune_(sockets|destinations|time_wait|pool_|port_pressure)' "$BATS_TEST_TMPDIR/m.prom"
}

@test "text report replayed from a recorded dump is deterministic" {
	f="$TOP/tests/fixtures/replay"
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" ip_local_port_range="40000 40999" tcp_tw_reuse=0
	run -1 env TWTUNE_DIAG_REPLAY="$f/dump.bin" TWTUNE_PROC_NET="$f/proc_net" \
		"$TWTUNE" --no-color --sysctl-root "$BATS_TEST_TMPDIR/sys" audit --fail-on warn
	# the header names this kernel and namespace; the rest is fixed
	diff -u "$f/audit.txt" <(sed 1d <<<"$output")
	# -v: the evidence, and the sysctl table after the findings
	run -1 env TWTUNE_DIAG_REPLAY="$f/dump.bin" TWTUNE_PROC_NET="$f/proc_net" \
		"$TWTUNE" --no-color --sysctl-root "$BATS_TEST_TMPDIR/sys" -v audit --fail-on warn
	diff -u "$f/audit-v.txt" <(sed 1d <<<"$output")
}

@test "audit rejects bad options with one line" {
	run -2 --separate-stderr "$TWTUNE" audit --format xml
	assert_equal "$stderr" "twtune: audit: --format 'xml': use text, json, prometheus, k8s or docker; see 'twtune audit --help'"
	run -2 --separate-stderr "$TWTUNE" diff --format prometheus "$TOP/profiles/web-server.ini"
	assert_equal "$stderr" "twtune: diff: --format 'prometheus': use text, json, k8s or docker; see 'twtune diff --help'"
	run -2 --separate-stderr "$TWTUNE" audit --fail-on sometimes
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$TWTUNE" audit --interval -1
	assert_equal "${#stderr_lines[@]}" 1
	run -3 --separate-stderr "$TWTUNE" audit no-such-profile
	[[ $stderr == "twtune: audit: profile 'no-such-profile' not found (looked in "* ]]
}

@test "--format k8s and docker: the suggestion and a profile's diff as pod sysctls and docker flags" {
	run -1 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40999" net.ipv4.tcp_tw_reuse=0
		"$SG" --port 8080 --tw-client 900
		"$TWTUNE" audit --format k8s || echo "exit $?"
		"$TWTUNE" audit --format docker --fail-on never
		"$TWTUNE" diff --format k8s "$TOP/profiles/web-server.ini"
		"$TWTUNE" diff --format docker "$TOP/profiles/web-server.ini"
		exit 1'
	# the suggestion: a wider range (safe, a string), tcp_tw_reuse (unsafe)
	assert_line '        value: "40000 65535"'
	assert_line '#   --allowed-unsafe-sysctls=net.ipv4.tcp_tw_reuse'
	assert_line '#        value: "1"'
	assert_line 'exit 1'
	assert_line "--sysctl 'net.ipv4.ip_local_port_range=40000 65535' --sysctl net.ipv4.tcp_tw_reuse=1"
	# web-server: the range back to the default; tcp_tw_reuse and the buckets unsafe
	assert_line '        value: "32768 60999"'
	assert_line '#   --allowed-unsafe-sysctls=net.ipv4.tcp_tw_reuse,net.ipv4.tcp_max_tw_buckets'
	assert_line '#        value: "524288"'
	assert_line "--sysctl 'net.ipv4.ip_local_port_range=32768 60999' --sysctl net.ipv4.tcp_tw_reuse=2 --sysctl net.ipv4.tcp_max_tw_buckets=524288"
	[ "$(grep -c '^spec:$' <<<"$output")" -eq 2 ]
}

@test "text output fits 100 columns: long IPv6 destinations, reserved lists, profile" {
	local a=fd00:1234:5678:9abc:def0:1234:5678:9abc
	run -0 scenario "
		ip addr add $a/128 dev lo nodad
		sysctl -qw net.ipv4.ip_local_port_range='40000 40999' net.ipv4.tcp_tw_reuse=0
		sysctl -qw net.ipv4.ip_local_reserved_ports=40100-40200,40300,40302,40304,40306,40308,40310,40312,40314,40316,40318,40320,40322,40324,40326
		\"\$SG\" --addr $a --port 65000 --tw-client 30 --listen 40500 --hold 5 >/dev/null &
		for i in \$(seq 50); do ss -tlnH | grep -q ':40500 ' && break; sleep 0.1; done
		\"\$TWTUNE\" --profile-dir \"\$TOP/profiles\" -v audit --fail-on never proxy-profile >\"$BATS_TEST_TMPDIR/a.txt\"
		\"\$TWTUNE\" sockets >\"$BATS_TEST_TMPDIR/s.txt\"
		\"\$TWTUNE\" --profile-dir \"\$TOP/profiles\" apply --check --state-dir \"$BATS_TEST_TMPDIR/st\" \
			proxy-profile >\"$BATS_TEST_TMPDIR/c.txt\"
		kill %1; wait"
	for f in a s c; do
		run -0 awk 'length($0) > 100 { print FILENAME ": " length($0) ": " $0 }' "$BATS_TEST_TMPDIR/$f.txt"
		assert_output ''
	done
	# the long destination is there, its remote end on a line of its own
	run -0 cat "$BATS_TEST_TMPDIR/a.txt"
	assert_line --regexp "^$a +30 +30 "
	assert_line "  -> [$a]:65000"
	assert_line --regexp '^net\.ipv4\.ip_local_reserved_ports +40100-40200,40300,'
	assert_line --regexp '^ {56}\(empty\)$'
	assert_line --partial "listener: $a port 40500"
}
