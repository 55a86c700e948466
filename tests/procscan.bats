#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process scan (src/kernel/procscan.c, through tests/tools/procscan_tool.c) against
# Debian's real nginx and ss -p, as root, as nobody, under hidepid and with
# a budget, each test in a private network namespace held by a process of
# its own. The kernel facts about where TIME_WAIT lands, and the attribution
# twtune builds on this scan, are in explain.bats.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	load 'test_helper/nginx'
	PST="$BUILD/tests/procscan_tool"
	netns_hold
}

teardown() {
	nginx_stop
	[ -n "${NB:-}" ] && rm -rf "$NB"
	return 0
}

# The pids ss -p names for the listener on PORT, sorted, one per line.
ss_pids() {
	in_ns ss -tlnpH "( sport = :$1 )" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un
}

# The pids procscan_tool names on its "ino" lines, sorted.
scan_pids() {
	grep '^ino ' <<<"$1" | awk '{print $8}' | tr ',' '\n' | cut -d/ -f1 | sort -un
}

@test "procscan names nginx as the owner of the 8080 and 8081 listeners, as ss -p does" {
	nginx_start no-keepalive.conf
	master=$(nginx_pid)
	inos=$(listener_inodes 8080; listener_inodes 8081)
	[ "$(wc -w <<<"$inos")" -eq 2 ]
	# shellcheck disable=SC2086
	run -0 in_ns "$PST" -N "/proc/$NS_PID/ns/net" $inos
	echo "$output"
	assert_line --regexp '^complete 1 inodes 2 resolved 2 unresolved 0 why none stopped none '
	for ino in $inos; do
		assert_line --regexp "^ino $ino user root holders 3 procs .*$master/nginx/nginx.* cgroup /"
	done
	[ "$(grep -c '^ino .*holders 3 procs [0-9]*/nginx/nginx,[0-9]*/nginx/nginx,[0-9]*/nginx/nginx ' <<<"$output")" -eq 2 ]
	[ "$(scan_pids "$output")" = "$(ss_pids 8080)" ]
}

@test "procscan from the host namespace still finds nginx in its namespace; the netns filter skips it" {
	nginx_start keepalive.conf
	inos=$(listener_inodes 8081)
	# Socket inodes are global: no setns needed to name their owners.
	run -0 "$PST" "$inos"
	assert_line --regexp "^ino $inos user root holders 3 procs [0-9]+/nginx/nginx,"
	# Restricted to the host's namespace: nginx's processes are skipped (a
	# process whose ns/net even root may not read makes the reason "permission").
	run -0 "$PST" -N /proc/self/ns/net "$inos"
	assert_line --regexp '^complete 0 inodes 1 resolved 0 unresolved 1 why (notfound|permission|exited) '
	other=$(awk '/^complete/ {for (i = 1; i < NF; i++) if ($i == "other_netns") print $(i + 1)}' <<<"$output")
	[ "$other" -ge 3 ]
}

@test "as user nobody: its own socket resolves, nginx's do not, and it says why" {
	nginx_start no-keepalive.conf
	NB=$(mktemp -d /tmp/twtune-explain.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$PST" "$NB/procscan_tool"
	inos=$(listener_inodes 8080; listener_inodes 8081)
	# shellcheck disable=SC2086
	run -0 in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/procscan_tool" -o $inos
	echo "$output"
	assert_line --regexp '^own [0-9]+ user nobody holders 1 procs [0-9]+/procscan_tool/procscan_tool '
	for ino in $inos; do
		assert_line "ino $ino user root holders 0 procs - cgroup -"
	done
	assert_line --regexp '^complete 0 inodes 3 resolved 1 unresolved 2 why denied stopped none hidepid 0 denied [1-9]'
}

@test "as user nobody under hidepid=invisible: the reason is that /proc hides other users' processes" {
	nginx_start no-keepalive.conf
	NB=$(mktemp -d /tmp/twtune-explain.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$PST" "$NB/procscan_tool"
	inos=$(listener_inodes 8080)
	# A private mount namespace with its own /proc, mounted hidepid=invisible.
	run -0 in_ns unshare -m --propagation private -- sh -c '
		mount -t proc -o hidepid=invisible proc /proc &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$1/procscan_tool" -o "$2"' sh "$NB" "$inos"
	echo "$output"
	assert_line --regexp '^own [0-9]+ user nobody holders 1 '
	assert_line "ino $inos user root holders 0 procs - cgroup -"
	assert_line --regexp '^complete 0 inodes 2 resolved 1 unresolved 1 why hidepid stopped none hidepid 2 denied 0 '
}

@test "procscan budgets: an fd budget of 1 stops the scan and says so" {
	nginx_start no-keepalive.conf
	inos=$(listener_inodes 8080)
	run -0 "$PST" -f 1 "$inos"
	assert_line --regexp '^complete 0 inodes 1 resolved 0 unresolved 1 why budget stopped fds .* fds 1 '
}

@test "as root, processes that exited during the scan are named as such, apart from one not readable" {
	# A fake /proc: 10 holds socket 500; 11 has exited (no fd directory
	# left: ENOENT); 12's fd directory is not readable (EACCES, as for a
	# process of another user namespace). Socket 600 has no owner found.
	nobody_copy
	install -m 0755 "$PST" "$NB/procscan_tool"
	F="$NB/proc"
	mkdir -p "$F/10/fd" "$F/11" "$F/12/fd" "$F/13"
	ln -s 'socket:[500]' "$F/10/fd/3"
	printf 'holder\n' >"$F/10/comm"
	chmod 000 "$F/12/fd"
	# root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: still uid 0,
	# but the mode of 12/fd holds
	drop='setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search'
	run -0 $drop "$PST" -p "$F" 500 600
	assert_line --regexp '^complete 0 inodes 2 resolved 1 unresolved 1 why exited stopped none hidepid 0 denied 1 '
	assert_line 'gone 2 reason 2 processes exited before the scan, 1 not readable: permission'
	# none exited: as root the reason is the permission, with the count,
	# not "without root"
	rm -r "$F/11" "$F/13"
	run -0 $drop "$PST" -p "$F" 500 600
	assert_line --regexp '^complete 0 inodes 2 resolved 1 unresolved 1 why permission '
	assert_line 'gone 0 reason 1 process not readable: permission'
	# as nobody, other users' processes are what it cannot read: as before,
	# with the processes that exited counted apart
	mkdir "$F/11"
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/procscan_tool" -p "$F" 500 600
	assert_line --regexp '^complete 0 inodes 2 resolved 1 unresolved 1 why denied '
	assert_line "gone 1 reason other users' /proc/PID/fd are not readable without root (1 process); 1 process exited before the scan"
}
