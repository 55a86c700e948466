#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Where TIME_WAIT comes from and who is behind it (issue 11), with Debian's
# real nginx as proxy (127.0.0.1:8080) and upstream (127.0.0.1:8081), ab,
# and our own client that closes first (churn), each test in a private
# network namespace held by a process of its own, tcp_rfc1337=1 there.
# Every count asserted is the kernel's (ss, /proc/net/sockstat) in the
# same namespace, and the sides add up to it.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	load 'test_helper/nginx'
	CHURN="$BUILD/tests/churn"
	netns_hold
}

teardown() {
	[ -n "${CHURN_PID:-}" ] && kill "$CHURN_PID" 2>/dev/null
	nginx_stop
	[ -n "${NB:-}" ] && rm -rf "$NB"
	return 0
}

# twtune in the test's namespace.
tw_ns() {
	in_ns "$TWTUNE" "$@"
}

# Starts churn in the namespace: N connect-and-close towards ADDR PORT,
# then K held open for 60 s; waits (5 s at most) until it holds them.
# CHURN_PID is its pid. usage: churn_start N K ADDR PORT [RUNNER...]
churn_start() {
	local n=$1 k=$2 addr=$3 port=$4 out i
	shift 4
	out=$BATS_TEST_TMPDIR/churn.out
	in_ns "$@" "$CHURN" -n "$n" -k "$k" -t 60 "$addr" "$port" >"$out" 3>&- &
	for ((i = 0; i < 50; i++)); do
		grep -q '^holding' "$out" 2>/dev/null && break
		sleep 0.1
	done
	grep -qx "closed $n failed 0" "$out" || { cat "$out" >&2; return 1; }
	CHURN_PID=$(awk '/^holding/ {print $4}' "$out")
	[ -n "$CHURN_PID" ]
}

# TIME_WAIT with an ephemeral local port: the client side.
tw_client() {
	tw_count '( sport >= :32768 and sport <= :60999 )'
}

# Waits (5 s at most) until the namespace's TIME_WAIT counts stay the same
# for half a second: the last connections of a load have finished closing.
tw_settle() {
	local a b i
	a="$(tw_count) $(tw_count '( sport = :8081 )') $(tw_client)"
	for ((i = 0; i < 10; i++)); do
		sleep 0.5
		b="$(tw_count) $(tw_count '( sport = :8081 )') $(tw_client)"
		[ "$a" = "$b" ] && return 0
		a=$b
	done
	echo "tw_settle: still changing: $b" >&2
	return 1
}

# The sides add up to the dump's TIME_WAIT, which is the kernel's.
assert_sides_add_up() {
	local j=$1 total
	total=$(jq '.sockets.states.TIME_WAIT' <<<"$j")
	[ "$total" -eq "$(tw_count)" ]
	[ "$total" -eq "$(sockstat_tw)" ]
	[ "$(jq '.sockets.time_wait_sides | .server + .client + .other' <<<"$j")" -eq "$total" ]
	[ "$(jq '.sockets.other_time_wait' <<<"$j")" -eq "$(jq '.sockets.time_wait_sides.other' <<<"$j")" ]
}

@test "no upstream keep-alive: the upstream port 8081 closes first, nginx is named, the fix is keepalive" {
	nginx_start no-keepalive.conf
	nginx_load 3000 20
	tw_settle
	upstream=$(tw_count '( sport = :8081 )')
	proxy_side=$(tw_count '( dport = :8081 )')
	client=$(tw_client)
	echo "total $(tw_count) on-8081 $upstream towards-8081 $proxy_side rps $AB_RPS"
	# The kernel facts (FACTS.md): most proxied requests leave their
	# TIME_WAIT on the upstream's port, a share on the proxy's side.
	[ "$upstream" -ge 1500 ] && [ "$upstream" -le 3001 ]
	[ "$((upstream * 2))" -gt "$(tw_count)" ]
	[ "$(tw_count '( sport = :8080 )')" -le 5 ] # ab -k: the proxy keeps its clients
	run -0 tw_ns audit --json --fail-on never
	j=$output
	assert_sides_add_up "$j"
	run -0 jq -r '.sockets.server_side[0] | "\(.local) \(.port) \(.time_wait)"' <<<"$j"
	assert_output "127.0.0.1 8081 $upstream"
	# server side: the upstream's port and the few ab -k left on the proxy's
	[ "$(jq '.sockets.time_wait_sides.server' <<<"$j")" -eq "$((upstream + $(tw_count '( sport = :8080 )')))" ]
	# the proxy's side is client side, per destination
	[ "$(jq '[.sockets.destinations[] | select(.remote == "127.0.0.1" and .port == 8081) | .time_wait] | add // 0' <<<"$j")" -eq "$proxy_side" ]
	# nginx's master and both workers hold the listener
	run -0 jq -r '.sockets.server_side[0].processes | map(.comm) | unique | join(",")' <<<"$j"
	assert_output nginx
	[ "$(jq '.sockets.server_side[0].processes | length' <<<"$j")" -eq 3 ]
	jq -e --arg pid "$(nginx_pid)" '.sockets.server_side[0].processes | any(.pid == ($pid | tonumber) and .user == "root")' <<<"$j"
	jq -e '.sockets.process_scan | .asked and .complete and .problem == null' <<<"$j"
	# the finding: info, the port, the process, the rate, keepalive first
	run -0 jq -r '.findings[] | select(.id == "server-closes-first") | .severity' <<<"$j"
	assert_output info
	run -0 jq -r '.findings[] | select(.id == "server-closes-first") | .title' <<<"$j"
	assert_output --regexp "^local 127\.0\.0\.1:8081 closes first: $upstream TIME_WAIT \([0-9]+%\), about [0-9]+ closes/s, nginx$"
	run -0 jq -r '.findings[] | select(.id == "server-closes-first") | .application_fix' <<<"$j"
	# no client connected when the audit ran: the proxy in front is named
	# as the likely one, as a condition, with its upstream keep-alive
	assert_output --regexp 'if the client is nginx \(pid [0-9]+ \+2\) itself, proxying to this port: '
	assert_output --partial 'keepalive 16;'
	assert_output --partial 'proxy_http_version 1.1;'
	assert_output --partial 'keepalive_timeout'
	assert_output --partial 'closes/s on local 127.0.0.1:8081 would become requests on kept-alive connections'
	assert_output --partial 'no sysctl removes these'
	share=$(jq '.sockets.server_side[0].time_wait / .sockets.states.TIME_WAIT' <<<"$j")
	jq -e --argjson s "$share" '.findings[] | select(.id == "server-closes-first") | (.evidence.share - $s | fabs) < 0.0001' <<<"$j"
	jq -e '.prediction[] | select(.id == "server-closes-first") | .application_fix_only and .before == .after' <<<"$j"
	# the text: the findings first, then where TIME_WAIT comes from, within 100 columns
	run -0 tw_ns audit --fail-on never
	assert_line --regexp "^where TIME_WAIT comes from: [0-9]+ \(server side $upstream, client side $client, other 0\)$"
	assert_line --regexp "^  server  local 127\.0\.0\.1:8081 +$upstream +[0-9.]+% +[0-9.]+  nginx \(pid [0-9]+ \+2\)$"
	[ "$(grep -n '^findings' <<<"$output" | cut -d: -f1)" -lt "$(grep -n '^where TIME_WAIT' <<<"$output" | cut -d: -f1)" ]
	[ "$(awk 'length > 100' <<<"$output" | wc -l)" -eq 0 ]
	# sockets shows the same section
	run -0 tw_ns sockets
	assert_line --regexp "^  server  local 127\.0\.0\.1:8081 +$upstream +[0-9.]+% +[0-9.]+  nginx \(pid [0-9]+ \+2\)$"
	# Prometheus: the sides, and the finding
	run -0 tw_ns audit --format prometheus --fail-on never
	assert_line "twtune_time_wait_by_side{side=\"server\"} $upstream"
	assert_line "twtune_time_wait_by_side{side=\"client\"} $client"
	assert_line 'twtune_time_wait_by_side{side="other"} 0'
	assert_line 'twtune_finding_severity{rule="server-closes-first"} 1'
	assert_line 'twtune_finding_severity{rule="client-churn"} 0'
	printf '%s\n' "$output" | promtool check metrics
}

@test "upstream keep-alive: far less TIME_WAIT, none on 8081, and server-closes-first goes away" {
	nginx_start keepalive.conf
	nginx_load 3000 20
	tw_settle
	total=$(tw_count)
	echo "total $total on-8081 $(tw_count '( sport = :8081 )') rps $AB_RPS"
	[ "$(tw_count '( sport = :8081 )')" -le 150 ]
	[ "$total" -le 1500 ]
	run -0 tw_ns audit --json --fail-on never
	j=$output
	assert_sides_add_up "$j"
	run -0 jq -r '.findings[] | select(.id == "server-closes-first") | .severity' <<<"$j"
	assert_output ok
	# The proxy keeps live connections towards the upstream: they name it.
	run -0 jq -r '.sockets.destinations[] | select(.port == 8081) | .processes | map(.comm) | unique | join(",")' <<<"$j"
	assert_output nginx
	[ "$(jq '[.sockets.destinations[] | select(.port == 8081) | .processes[].established] | add' <<<"$j")" -ge 1 ]
	run -0 tw_ns audit --fail-on never
	refute_line --regexp '^  (info|warn) +server-closes-first'
}

@test "churn: the client closes first, its TIME_WAIT is client side towards 8081, twtune-churn is named" {
	nginx_start no-keepalive.conf
	tw_settle
	before=$(tw_count '( dport = :8081 )')
	churn_start 500 5 127.0.0.1 8081
	tw_settle
	towards=$(tw_count '( dport = :8081 )')
	[ "$((towards - before))" -eq 500 ]
	run -0 tw_ns sockets --json
	j=$output
	[ "$(jq '.states.TIME_WAIT' <<<"$j")" -eq "$(sockstat_tw)" ]
	[ "$(jq '.time_wait_sides | .server + .client + .other' <<<"$j")" -eq "$(sockstat_tw)" ]
	[ "$(jq '.time_wait_sides.client' <<<"$j")" -eq "$(tw_client)" ]
	run -0 jq -c '.destinations[] | select(.remote == "127.0.0.1" and .port == 8081) | [.time_wait, .live, (.processes | map([.pid, .comm, .user, .established]))]' <<<"$j"
	assert_output "[$towards,5,[[$CHURN_PID,\"twtune-churn\",\"root\",5]]]"
	# the same from /proc/net/tcp (its uid and inode columns) and from
	# per-family dumps (IPv4 before IPv6 listeners)
	for hook in TWTUNE_FORCE_PROCFS TWTUNE_DIAG_PER_FAMILY; do
		run -0 in_ns env "$hook=1" "$TWTUNE" sockets --json
		[ "$(jq -c '.destinations[] | select(.remote == "127.0.0.1" and .port == 8081) | [.time_wait, .live, (.processes | map([.pid, .comm, .established]))]' <<<"$output")" = "[$towards,5,[[$CHURN_PID,\"twtune-churn\",5]]]" ]
		[ "$(jq -c '[.time_wait_sides.client, .time_wait_sides.server, .time_wait_sides.other]' <<<"$output")" = "$(jq -c '[.time_wait_sides.client, .time_wait_sides.server, .time_wait_sides.other]' <<<"$j")" ]
	done
	run -0 in_ns env TWTUNE_FORCE_PROCFS=1 "$TWTUNE" sockets --json
	[ "$(jq -r .source <<<"$output")" = procfs ]
	# below client_churn_info (50/s by default: 500 / 60 s is about 8/s)
	run -0 tw_ns audit --json --fail-on never
	run -0 jq -r '.findings[] | select(.id == "client-churn") | .severity' <<<"$output"
	assert_output ok
	# a profile lowering the threshold makes it a finding
	write_profile "$BATS_TEST_TMPDIR/p" churn5 <<-'EOF'
	[profile]
	description = report client churn from 5 closes/s
	[thresholds]
	client_churn_info = 5
	EOF
	run -0 tw_ns --profile-dir "$BATS_TEST_TMPDIR/p" audit --json --fail-on never churn5
	j=$output
	run -0 jq -r '.findings[] | select(.id == "client-churn") | "\(.severity) \(.title)"' <<<"$j"
	assert_output --regexp "^info 127\.0\.0\.1 -> 127\.0\.0\.1:8081: about [89] closes/s from this host \($towards TIME_WAIT\)$"
	run -0 jq -r '.findings[] | select(.id == "client-churn") | .evidence.process[0]' <<<"$j"
	assert_output "twtune-churn (pid $CHURN_PID)"
	run -0 jq -r '.findings[] | select(.id == "client-churn") | .application_fix' <<<"$j"
	assert_output --regexp "^twtune-churn \(pid $CHURN_PID\), in its configuration or HTTP client library: reuse connections"
	assert_output --partial 'towards 127.0.0.1:8081 would become connection reuse'
	run -0 jq -r '.findings[] | select(.id == "client-churn") | .advice' <<<"$j"
	assert_output --partial 'after the application fix: tcp_tw_reuse'
	run -0 tw_ns --profile-dir "$BATS_TEST_TMPDIR/p" audit --fail-on never churn5
	assert_line --regexp "^  client  127\.0\.0\.1 -> 127\.0\.0\.1:8081 +$towards +[0-9.]+% +[89]\.[0-9]  twtune-churn \(pid $CHURN_PID\)$"
	# --no-processes: no scan, no names, the counts as before
	run -0 tw_ns sockets --json --no-processes
	jq -e '.process_scan.asked == false and (.destinations | all(.processes == null))' <<<"$output"
	[ "$(jq '.time_wait_sides.client' <<<"$output")" -eq "$(tw_client)" ]
	run -0 tw_ns audit --no-processes --fail-on never
	assert_line --regexp '^  side +key +TIME_WAIT +share closes/s$'
}

@test "as user nobody: its own client is named, nginx's port is not, and it says why" {
	nginx_start no-keepalive.conf
	nginx_load 2000 20
	nobody_copy
	install -m 0755 "$CHURN" "$NB/churn"
	CHURN=$NB/churn
	churn_start 100 3 127.0.0.1 8081 setpriv --reuid=nobody --regid=nogroup --clear-groups
	tw_settle
	run -0 in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/twtune" audit --json --fail-on never
	j=$output
	assert_sides_add_up "$j"
	[ "$(jq '.sockets.server_side[0].port' <<<"$j")" -eq 8081 ]
	[ "$(jq '.sockets.server_side[0].time_wait' <<<"$j")" -eq "$(tw_count '( sport = :8081 )')" ]
	# what it can: its own user's process
	run -0 jq -c '.sockets.destinations[] | select(.port == 8081 and .live == 3) | .processes | map([.pid, .comm, .user, .established])' <<<"$j"
	assert_output "[[$CHURN_PID,\"twtune-churn\",\"nobody\",3]]"
	# what it cannot: root's nginx, and why
	jq -e '.sockets.server_side[0].processes == []' <<<"$j"
	run -0 jq -r '.sockets.process_scan | "\(.complete) \(.why)"' <<<"$j"
	assert_output "false other users' /proc/PID/fd are not readable without root"
	jq -e '.sockets.process_scan | .processes_denied >= 1 and .processes_exited >= 0' <<<"$j"
	run -0 in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/twtune" audit --fail-on never
	# with how many, and the processes that exited meanwhile apart (others' tests run beside)
	assert_line --regexp "^  not all processes resolved: [0-9]+ of [0-9]+ sockets have no owner found: other users' /proc/PID/fd are not readable without root( \([0-9]+ process(es)?\); [0-9]+ process(es)? exited before the scan)?$"
	assert_line --regexp "^  server  local 127\.0\.0\.1:8081 +[0-9]+ +[0-9.]+% +[0-9.]+  -$"
	# under hidepid=invisible (a private mount namespace with its own /proc)
	run -0 in_ns unshare -m --propagation private -- sh -c '
		mount -t proc -o hidepid=invisible proc /proc &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$1/twtune" sockets --json' sh "$NB"
	j=$output
	run -0 jq -r '.process_scan | "\(.complete) \(.why)"' <<<"$j"
	assert_output "false /proc hides other users' processes (hidepid)"
	run -0 jq -c '.destinations[] | select(.port == 8081 and .live == 3) | .processes | map([.pid, .comm])' <<<"$j"
	assert_output "[[$CHURN_PID,\"twtune-churn\"]]"
}

@test "TIME_WAIT on a fixed local port without a listener is other, and the sides still add up" {
	nginx_start no-keepalive.conf
	# curl binds local port 5000 (outside the range, no listener), closes first
	for i in 1 2 3; do
		in_ns curl -fsS -m 2 --local-port $((5000 + i)) -o /dev/null -H 'Connection: close' http://127.0.0.1:8081/
	done
	run -0 tw_ns sockets --json
	j=$output
	echo "$(jq -c .time_wait_sides <<<"$j") ss $(tw_count)"
	[ "$(jq '.time_wait_sides | .server + .client + .other' <<<"$j")" -eq "$(tw_count)" ]
	[ "$(jq '.states.TIME_WAIT' <<<"$j")" -eq "$(sockstat_tw)" ]
	[ "$(jq '.other_time_wait' <<<"$j")" -eq "$(tw_count '( sport >= :5001 and sport <= :5003 )')" ]
	[ "$(jq '.time_wait_sides.server' <<<"$j")" -eq "$(tw_count '( sport = :8081 )')" ]
}
