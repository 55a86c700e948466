#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Who closed first and what to change, with the real programs from Debian
# (nginx, HAProxy, Go's net/http built here with golang-go, python3, ab,
# curl) in a private namespace, the client on the same host: the audit
# names the server and the client processes (the clients through eBPF,
# audit --observe, as they connect faster than a /proc scan can see) and
# gives the directive that fixes it, in the program's own terms, leading
# each finding (issue 21, cases 1-5). Serial: it loads the namespace for
# seconds and observes over eBPF.

bats_require_minimum_version 1.5.0

setup_file() {
	# one Go build per file, its cache here
	export GOCACHE=$BATS_FILE_TMPDIR/gocache GOPATH=$BATS_FILE_TMPDIR/gopath
	mkdir -p "$BATS_FILE_TMPDIR/go"
	cp "$BATS_TEST_DIRNAME/fixtures/go/client.go" "$BATS_FILE_TMPDIR/go/"
	(cd "$BATS_FILE_TMPDIR/go" && timeout 120 go build -o goclient client.go) ||
		echo "go build failed" >"$BATS_FILE_TMPDIR/go/failed"
}

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/nginx'
	load 'test_helper/apps'
	_common_setup
	NGINX_PIDFILES=()
	[ -x /usr/sbin/haproxy ] && command -v go >/dev/null && command -v ab >/dev/null ||
		fail "haproxy, golang-go or apache2-utils missing: make deps DEPS=test"
	netns_hold
}

teardown() {
	apps_stop
}

# audit_during SECONDS: the audit with an eBPF window of SECONDS while the
# load runs; skips where eBPF cannot run (not root, no BTF).
audit_during() {
	run -0 in_ns "$TWTUNE" audit --observe "$1" --fail-on never
	if grep -q "observation skipped" <<<"$output"; then
		skip "eBPF is not available here: $(grep -m1 'observation skipped' <<<"$output")"
	fi
	echo "$output" >"$BATS_TEST_TMPDIR/audit.txt"
	[ -z "${ADVICE_KEEP:-}" ] || cp "$BATS_TEST_TMPDIR/audit.txt" "$ADVICE_KEEP"
}

# (unfold is exported for `run bash -c`.)
# The report's lines as written before folding: a line that starts
# further in than the one before continues it.
unfold() {
	awk '
		{ match($0, /^ */); ind = RLENGTH }
		NR > 1 && ind >= 10 && ind > prev_ind && $0 !~ /^ +(fix|also[a-z ]*|why|evidence): / {
			line = line " " substr($0, ind + 1)
			next
		}
		NR > 1 { print line }
		{ line = $0; prev_ind = ind }
		/^ +(fix|also[a-z ]*|why|evidence): / { match($0, /^ +[a-z ]+: /); prev_ind = RLENGTH - 1 }
		END { if (NR) print line }' "$BATS_TEST_TMPDIR/audit.txt"
}
export -f unfold

# The group (headline and its fix lines, unfolded) whose headline holds
# KEY: a port ("8080": its server port) or a pool ("pool 127.0.0.1 -> ...").
group_of() {
	local key=$1
	[[ $key == pool* || $key == *:* ]] || key="127.0.0.1:$key"
	[[ $key == pool* ]] || key="is on $key "
	unfold | awk -v key="$key" '
		/^        [^ ]/ { on = index($0, key) > 0 }
		/^  [a-z]+ +[a-z-]+: / { on = 0 }
		on'
}

# The pid of a background app: the program under `timeout`.
pid_of() {
	pgrep -P "$(cat "$BATS_TEST_TMPDIR/$1.pid")" | head -1
}

@test "case 1: ab without -k against a static nginx: nginx and ab named, ab told to add -k, no upstream advice" {
	app_nginx 8080
	app_bg ab timeout 20 ab -q -c 6 -t 8 -n 10000000 http://127.0.0.1:8080/
	sleep 1.5
	audit_during 2
	# the findings lead the report; this one's first lines are its headline
	run -0 bash -c 'unfold | grep -m1 -A1 "server-closes-first: "'
	assert_line --index 0 --regexp '^  (info|warn|crit) +server-closes-first: local 127\.0\.0\.1:8080 closes first'
	assert_line --index 1 --regexp '^        [0-9]+% of TIME_WAIT is on 127\.0\.0\.1:8080 \(nginx'
	run -0 grep -n -m1 -e '^findings$' -e '^sysctl ' "$BATS_TEST_TMPDIR/audit.txt"
	assert_output --regexp '^[1-4]:findings$'
	run -0 group_of 8080
	assert_output --regexp "TIME_WAIT is on 127\.0\.0\.1:8080 \(nginx \(pid [0-9]+ \+2\)\)"
	assert_output --partial "clients: ab (pid $(pid_of ab)) on this host (one connection per request)"
	assert_output --regexp "fix: ab \(pid $(pid_of ab)\), in the ab command line: add \`-k\`"
	# the client's fix comes first: it asks for one connection per request
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --partial "ab (pid"
	run -0 cat "$BATS_TEST_TMPDIR/audit.txt"
	refute_output --partial "upstream"
	refute_output --partial "1.29.7"
	refute_output --partial "sysctl "
}

@test "case 2: nginx with keepalive_timeout 0, ab -k: nginx's keepalive_timeout first, nothing for ab" {
	app_nginx 8080 "keepalive_timeout 0;"
	app_bg ab timeout 20 ab -q -k -c 6 -t 8 -n 10000000 http://127.0.0.1:8080/
	sleep 1.5
	audit_during 2
	run -0 group_of 8080
	assert_output --partial "clients: ab (pid $(pid_of ab)) on this host (it keeps connections alive)"
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --regexp "fix: nginx \(pid [0-9]+ \+2\), in nginx.conf, the \`http\` or \`server\` block: keep \`keepalive_timeout\` above 0"
	run -0 cat "$BATS_TEST_TMPDIR/audit.txt"
	refute_output --partial "add \`-k\`"
	refute_output --partial "reuse connections"
	refute_output --partial "above\`"
	refute_output --partial "upstream"
}

@test "case 3: HAProxy with option httpclose in front of nginx: a group for each port, both programs told" {
	app_nginx 8081
	app_haproxy "option httpclose" 8081
	app_bg ab timeout 20 ab -q -k -c 6 -t 8 -n 10000000 http://127.0.0.1:8080/
	sleep 1.5
	audit_during 2
	# :8080, HAProxy closes towards ab (which keeps alive): HAProxy's frontend setting
	run -0 group_of 8080
	assert_output --regexp "TIME_WAIT is on 127\.0\.0\.1:8080 \(haproxy \(pid [0-9]+"
	assert_output --partial "clients: ab (pid $(pid_of ab)) on this host (it keeps connections alive)"
	assert_output --partial "no \`option httpclose\`"
	assert_output --partial "its configuration sets \`option httpclose\`"
	# :8081, nginx closes towards HAProxy: HAProxy (the client) sends Connection: close
	run -0 group_of 8081
	assert_output --regexp "TIME_WAIT is on 127\.0\.0\.1:8081 \(nginx \(pid [0-9]+ \+2\)\)"
	assert_output --regexp "clients: haproxy \(pid [0-9]+\) on this host \(one connection per request\)"
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --regexp "fix: haproxy \(pid [0-9]+\), in haproxy.cfg, the \`backend\` or \`defaults\` section and its \`server\` lines: remove \`option httpclose\`"
}

@test "case 3: HAProxy with option http-server-close: nginx's port, haproxy named as its client and told" {
	app_nginx 8081
	app_haproxy "option http-server-close" 8081
	app_bg ab timeout 20 ab -q -k -c 6 -t 8 -n 10000000 http://127.0.0.1:8080/
	sleep 1.5
	audit_during 2
	run -0 group_of 8081
	assert_output --regexp "clients: haproxy \(pid [0-9]+\) on this host"
	assert_output --partial "its configuration sets \`option http-server-close\`"
	refute_output --partial "none connected"
	refute_output --partial "if it is"
}

@test "case 3: HAProxy's default keep-alive over python3 -m http.server: the backend's protocol_version, not http-reuse" {
	app_pyserver 8081
	app_haproxy "" 8081
	app_bg ab timeout 50 ab -q -k -c 4 -t 40 -n 10000000 http://127.0.0.1:8080/
	# python3's server closes a few hundred connections a second, fewer on
	# a loaded machine: wait (at most 20 s, ab runs on for 40 s) until its
	# port holds the 1000 TIME_WAIT of the server_tw_info threshold, then
	# observe while ab still runs
	local i
	for ((i = 0; i < 100; i++)); do
		(($(in_ns ss -tanH state time-wait "( sport = :8081 )" | wc -l) >= 1100)) && break
		sleep 0.2
	done
	audit_during 2
	run -0 group_of 8081
	assert_output --regexp "TIME_WAIT is on 127\.0\.0\.1:8081 \(python3 \(pid $(pid_of pyserver)\)\)"
	assert_output --regexp "clients: haproxy \(pid [0-9]+\) on this host \(it keeps connections alive\)"
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --partial "protocol_version = \"HTTP/1.1\""
	run -0 cat "$BATS_TEST_TMPDIR/audit.txt"
	refute_output --partial "http-reuse"
}

@test "case 4: a Go net/http client with the default Transport: named as Go, MaxIdleConnsPerHost and the body" {
	[ ! -e "$BATS_FILE_TMPDIR/go/failed" ] || fail "go build failed"
	app_nginx 8080
	app_bg goclient timeout 20 "$BATS_FILE_TMPDIR/go/goclient" http://127.0.0.1:8080/ 8s
	sleep 1.5
	run -0 "$BUILD/tests/runtime_tool" "$(pid_of goclient)"
	assert_output --regexp "^[0-9]+ go 1\.[0-9]+"
	audit_during 2
	run -0 group_of "pool 127.0.0.1 -> 127.0.0.1:8080:"
	assert_output --partial "client goclient (pid $(pid_of goclient))"
	assert_output --partial "\`Transport.MaxIdleConnsPerHost\` (default 2)"
	assert_output --partial "read every response body to EOF and \`Close()\` it"
	refute_output --partial "one long-lived client object"
}

@test "case 5: python3 urllib.request against nginx: nginx named, python3 named, urllib's Connection: close the cause" {
	app_nginx 8080
	app_bg py timeout 20 python3 -c '
import time, urllib.request
end = time.time() + 8
while time.time() < end:
    urllib.request.urlopen("http://127.0.0.1:8080/").read()
'
	sleep 1.5
	audit_during 2
	run -0 group_of 8080
	assert_output --regexp "TIME_WAIT is on 127\.0\.0\.1:8080 \(nginx \(pid [0-9]+ \+2\)\)"
	assert_output --partial "clients: python3 (pid $(pid_of py)) on this host"
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --partial "python3 (pid $(pid_of py)), in the program's source, where it makes its requests: use one \`requests.Session\`"
	assert_output --partial "\`urllib.request\` closes every connection"
}

@test "case 5: a new http.client connection per request: the pool's client python3 named, one HTTPConnection reused" {
	app_nginx 8080
	app_bg py timeout 20 python3 -c '
import http.client, time
end = time.time() + 8
while time.time() < end:
    c = http.client.HTTPConnection("127.0.0.1", 8080)
    c.request("GET", "/")
    c.getresponse().read()
    c.close()
'
	sleep 1.5
	audit_during 2
	run -0 group_of "pool 127.0.0.1 -> 127.0.0.1:8080:"
	assert_output --partial "client python3 (pid $(pid_of py))"
	assert_output --partial "server nginx (pid"
	assert_output --partial "reuse one \`http.client.HTTPConnection\` per host"
	refute_output --partial "none found"
	# eBPF's server side by local port lists no client port (the
	# connections opened before the window: issue 21, item 7)
	run -0 sed -n '/^TIME_WAIT on the server side, by local port/,/^$/p' "$BATS_TEST_TMPDIR/audit.txt"
	assert_line --index 0 "TIME_WAIT on the server side, by local port"
	refute_output --regexp "127\.0\.0\.1:[0-9]+ +[0-9]+ entered TIME_WAIT"
}

# The same with the client in a second namespace over veth: the server's
# namespace sees the client by address, not by process.

@test "case 1 over veth: ab without -k from another namespace: its address and count, both fixes" {
	netns2_veth
	NGINX_ADDR=0.0.0.0 app_nginx 8080
	app_bg ab timeout 20 nsenter --net="/proc/$NS2_PID/ns/net" -- \
		ab -q -c 6 -t 8 -n 10000000 http://10.21.0.1:8080/
	sleep 1.5
	audit_during 2
	run -0 group_of 10.21.0.1:8080
	assert_output --regexp "TIME_WAIT is on 10\.21\.0\.1:8080 \(nginx \(pid [0-9]+ \+2\)\), [0-9.k]+ closes/s observed over eBPF; clients: 10\.21\.0\.2 \([0-9]+ TIME_WAIT\)"
	assert_output --partial "in nginx.conf, the \`http\` or \`server\` block: keep \`keepalive_timeout\` above 0"
	assert_output --partial "fix: clients at 10.21.0.2, in their HTTP client or its configuration: reuse connections"
	run -0 cat "$BATS_TEST_TMPDIR/audit.txt"
	refute_output --partial "upstream"
}

@test "case 2 over veth: nginx with keepalive_timeout 0, ab -k from another namespace: keepalive_timeout first" {
	netns2_veth
	NGINX_ADDR=0.0.0.0 app_nginx 8080 "keepalive_timeout 0;"
	app_bg ab timeout 20 nsenter --net="/proc/$NS2_PID/ns/net" -- \
		ab -q -k -c 6 -t 8 -n 10000000 http://10.21.0.1:8080/
	sleep 1.5
	audit_during 2
	run -0 group_of 10.21.0.1:8080
	assert_output --regexp "clients: 10\.21\.0\.2 \([0-9]+ TIME_WAIT\)"
	run -0 bash -c "grep -m1 'fix:' <<<\"\$0\"" "$output"
	assert_output --partial "keep \`keepalive_timeout\` above 0"
	run -0 cat "$BATS_TEST_TMPDIR/audit.txt"
	refute_output --partial "upstream"
	refute_output --partial "1.29.7"
}

@test "case 3 over veth: HAProxy with option httpclose, ab -k from another namespace: both ports, both told" {
	netns2_veth
	app_nginx 8081
	HAPROXY_ADDR=0.0.0.0 app_haproxy "option httpclose" 8081
	app_bg ab timeout 20 nsenter --net="/proc/$NS2_PID/ns/net" -- \
		ab -q -k -c 6 -t 8 -n 10000000 http://10.21.0.1:8080/
	sleep 1.5
	audit_during 2
	run -0 group_of 10.21.0.1:8080
	assert_output --regexp "TIME_WAIT is on 10\.21\.0\.1:8080 \(haproxy \(pid [0-9]+"
	assert_output --regexp "clients: 10\.21\.0\.2 \([0-9]+ TIME_WAIT\)"
	assert_output --partial "its configuration sets \`option httpclose\`"
	run -0 group_of 8081
	assert_output --regexp "clients: haproxy \(pid [0-9]+\) on this host \(one connection per request\)"
	assert_output --partial "remove \`option httpclose\`"
}
