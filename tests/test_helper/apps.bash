# SPDX-License-Identifier: GPL-2.0-or-later
# Real programs from Debian in the namespace of netns_hold (nginx.bash),
# for tests/advice.bats. Every wait is bounded; every program lives under
# $BATS_TEST_TMPDIR and is stopped by apps_stop.
#
#   app_nginx PORT [DIRECTIVE]   nginx serving a static answer on PORT
#                                (of NGINX_ADDR, default 127.0.0.1)
#   app_haproxy OPTION PORT      HAProxy on :8080 (of HAPROXY_ADDR, default
#                                127.0.0.1) in front of 127.0.0.1:PORT,
#                                OPTION a `defaults` line ("" for none)
#   app_pyserver PORT            python3 -m http.server on PORT
#   app_bg NAME CMD...           CMD in the namespace, in the background:
#                                its pid in $BATS_TEST_TMPDIR/NAME.pid (with
#                                `timeout` first, the program is its child)
#   wait_http PORT               until PORT answers 200 (5 s at most)
#   apps_stop                    stops all of them, then the holder

APPS_PIDS=()

wait_http() {
	local i
	for ((i = 0; i < 50; i++)); do
		in_ns curl -fsS -o /dev/null -m 1 "http://127.0.0.1:$1/" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "wait_http: nothing answers on port $1" >&2
	return 1
}

app_nginx() {
	local port=$1 directive=${2:-} prefix=$BATS_TEST_TMPDIR/nginx-$1
	mkdir -p "$prefix/tmp"
	sed -e "s/@ADDR@/${NGINX_ADDR:-127.0.0.1}/" -e "s/@PORT@/$port/" -e "s/@KEEPALIVE@/$directive/" \
		"$TOP/tests/fixtures/nginx/static.conf" >"$prefix/nginx.conf"
	in_ns /usr/sbin/nginx -p "$prefix/" -e "$prefix/error.log" -c "$prefix/nginx.conf" 3>&- ||
		{ cat "$prefix/error.log" >&2; return 1; }
	NGINX_PIDFILES+=("$prefix/nginx.pid")
	wait_http "$port"
}

app_haproxy() {
	local option=$1 port=$2 cfg=$BATS_TEST_TMPDIR/haproxy.cfg
	cat >"$cfg" <<-CFG
	global
	    maxconn 4096
	defaults
	    mode http
	    timeout connect 2s
	    timeout client 10s
	    timeout server 10s
	    $option
	frontend fe
	    bind ${HAPROXY_ADDR:-127.0.0.1}:8080
	    default_backend be
	backend be
	    server s1 127.0.0.1:$port
	CFG
	in_ns haproxy -D -f "$cfg" -p "$BATS_TEST_TMPDIR/haproxy.pid" 3>&- || return 1
	wait_http 8080
}

app_pyserver() {
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "ok from python" >"$BATS_TEST_TMPDIR/www/index.html"
	app_bg pyserver timeout 60 python3 -m http.server "$1" --bind 127.0.0.1 \
		--directory "$BATS_TEST_TMPDIR/www"
	wait_http "$1"
}

app_bg() {
	local name=$1
	shift
	nsenter --net="/proc/$NS_PID/ns/net" -- "$@" >"$BATS_TEST_TMPDIR/$name.out" 2>&1 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/$name.pid"
	APPS_PIDS+=($!)
}

apps_stop() {
	local p f i
	for p in "${APPS_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for f in "${NGINX_PIDFILES[@]}" "$BATS_TEST_TMPDIR/haproxy.pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	for ((i = 0; i < 50; i++)); do
		pgrep -f "$BATS_TEST_TMPDIR" >/dev/null || break
		sleep 0.1
	done
	[ -z "${NS_PID:-}" ] || kill "$NS_PID" 2>/dev/null || true
}

# A second namespace joined to the first over veth: the first has
# 10.21.0.1/24 (va), the second 10.21.0.2/24 (vb). Run in it with in_ns2.
netns2_veth() {
	local out=$BATS_TEST_TMPDIR/holder2.out i
	unshare -n -- sh -c 'ip link set lo up && echo ready && exec sleep 600' >"$out" 2>&1 3>&- &
	NS2_PID=$!
	APPS_PIDS+=("$NS2_PID")
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$out" 2>/dev/null && break
		sleep 0.05
	done
	in_ns ip link add va type veth peer name vb netns "$NS2_PID" &&
		in_ns ip addr add 10.21.0.1/24 dev va && in_ns ip link set va up &&
		in_ns2 ip addr add 10.21.0.2/24 dev vb && in_ns2 ip link set vb up
}

in_ns2() {
	nsenter --net="/proc/$NS2_PID/ns/net" -- "$@"
}
