# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's nginx as a reverse proxy (127.0.0.1:8080) and its upstream
# (127.0.0.1:8081) in a private network namespace, driven by ab.
#
#   netns_hold            new namespace kept by a holder process: NS_PID
#   in_ns CMD...          runs CMD in that namespace
#   nginx_start CONF      starts nginx with tests/fixtures/nginx/CONF
#   nginx_load [N] [C]    ab -k -c C -n N through the proxy (3000, 20)
#   nginx_stop            stops nginx (bounded), then the holder
#   tw_count [FILTER]     TIME_WAIT sockets in the namespace, ss filter
#   sockstat_tw           the namespace's /proc/net/sockstat "tw"
#
# The namespace is held by a process of its own (sleep), never by the
# last command of a `bash -c`, which bash execs: see FACTS.md. Every wait
# is bounded; nginx's pid, logs and temp files live under NGINX_PREFIX.

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}

netns_hold() {
	local out i
	out=$BATS_TEST_TMPDIR/holder.out
	unshare -n -- sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1 &&
		echo ready && exec sleep 600' >"$out" 2>&1 3>&- &
	NS_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$out" 2>/dev/null && return 0
		kill -0 "$NS_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$out" >&2
	echo "netns_hold: the namespace did not get ready" >&2
	return 1
}

in_ns() {
	nsenter --net="/proc/$NS_PID/ns/net" -- "$@"
}

# nginx_start CONF: copies the fixture into a fresh prefix and starts it;
# returns once the proxy answers through the upstream (at most 5 s).
nginx_start() {
	local i
	NGINX_PREFIX=$BATS_TEST_TMPDIR/nginx
	rm -rf "$NGINX_PREFIX"
	mkdir -p "$NGINX_PREFIX/tmp"
	cp "$TOP/tests/fixtures/nginx/$1" "$NGINX_PREFIX/nginx.conf"
	in_ns "$NGINX_BIN" -p "$NGINX_PREFIX/" -e "$NGINX_PREFIX/error.log" \
		-c "$NGINX_PREFIX/nginx.conf" 3>&- || { cat "$NGINX_PREFIX/error.log" >&2; return 1; }
	for ((i = 0; i < 50; i++)); do
		[ -s "$NGINX_PREFIX/nginx.pid" ] &&
			in_ns curl -fsS -m 2 http://127.0.0.1:8080/ 2>/dev/null | grep -q 'ok from the upstream' &&
			return 0
		sleep 0.1
	done
	echo "nginx_start: the proxy did not answer" >&2
	cat "$NGINX_PREFIX/error.log" >&2
	return 1
}

# nginx_load [N] [C]: N requests, C at a time, with keep-alive towards the
# proxy (ab -k); fails unless every request succeeded. At most 60 s.
nginx_load() {
	local n=${1:-3000} c=${2:-20} out
	out=$(in_ns timeout 60 ab -q -k -c "$c" -n "$n" http://127.0.0.1:8080/ 2>&1) || {
		echo "$out" >&2
		return 1
	}
	grep -q "^Complete requests: *$n\$" <<<"$out" && grep -q '^Failed requests: *0$' <<<"$out" || {
		echo "$out" >&2
		return 1
	}
	AB_RPS=$(awk '/^Requests per second:/ {print $4}' <<<"$out")
	export AB_RPS
}

# The nginx master's pid.
nginx_pid() {
	cat "$NGINX_PREFIX/nginx.pid" 2>/dev/null
}

nginx_stop() {
	local pid i
	pid=$(nginx_pid)
	if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
	fi
	if [ -n "${NS_PID:-}" ]; then
		kill "$NS_PID" 2>/dev/null
		wait "$NS_PID" 2>/dev/null
	fi
	NS_PID=
	return 0
}

# tw_count [FILTER...]: TIME_WAIT sockets in the namespace (IPv4 and IPv6).
tw_count() {
	in_ns ss -tanH state time-wait "$@" | wc -l
}

sockstat_tw() {
	in_ns awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat
}

# Inodes of the listening sockets on PORT, from ss -e ("ino:N").
listener_inodes() {
	in_ns ss -tlnHe "( sport = :$1 )" | grep -o 'ino:[0-9]*' | cut -d: -f2
}
