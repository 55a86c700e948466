#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The pieces of --all-netns against the real kernel (build/tests/nsscan_tool
# drives src/kernel/nsscan.c and src/kernel/nsenter.c): twelve namespaces made here, found
# once each with their labels, entered and left; one whose last process
# exits before the enter step reported gone; how /proc follows setns.

bats_require_minimum_version 1.5.0

# The twelve namespaces: tests/test_helper/twelve.bash.
setup_file() {
	load 'test_helper/common-setup'
	load 'test_helper/twelve'
	_common_setup
	export TOOL="$BUILD/tests/nsscan_tool"
	twelve_setup 120
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

# field INODE N: field N of the scan line of INODE in $output.
field() {
	awk -F '\t' -v i="$1" -v n="$2" '$1 == i { print $n }' <<<"$output"
}

@test "scan: the twelve namespaces found exactly once each, the host first" {
	mapfile -t ino < <(our_inodes)
	[ "${#ino[@]}" -eq 12 ]
	[ "$(printf '%s\n' "${ino[@]}" | sort -u | wc -l)" -eq 12 ]
	run -0 "$TOOL" scan
	for nsi in "${ino[@]}"; do
		[ "$(awk -F '\t' -v i="$nsi" '$1 == i' <<<"$output" | wc -l)" -eq 1 ] ||
			fail "namespace $nsi found $(awk -F '\t' -v i="$nsi" '$1 == i' <<<"$output" | wc -l) times"
	done
	# no inode twice at all, the host first and only once
	[ -z "$(grep -v '^#' <<<"$output" | cut -f1 | sort | uniq -d)" ]
	[ "$(head -n 1 <<<"$output" | cut -f1-3)" = "$HOSTINO"$'\thost\t1' ]
	[ "$(grep -v '^#' <<<"$output" | awk -F '\t' '$3 == 1' | wc -l)" -eq 1 ]
	# the others by inode
	grep -v '^#' <<<"$output" | tail -n +2 | cut -f1 | sort -nc
	assert_line --regexp '^# namespaces=[0-9]+ denied=[0-9]+ vanished=[0-9]+ failed=0 '
}

@test "scan: labels, paths and processes" {
	mapfile -t ino < <(our_inodes)
	run -0 "$TOOL" scan
	for n in 1 2 3 4; do
		nsi=${ino[n - 1]}
		[ "$(field "$nsi" 2)" = "$T-$n" ]
		[ "$(field "$nsi" 4)" = 0 ] && [ "$(field "$nsi" 5)" = - ]
		[ "$(field "$nsi" 6)" = "/run/netns/$T-$n" ] && [ "$(field "$nsi" 7)" = 1 ]
	done
	# an ip netns name with a process: the bind mount first, then the process
	nsi=${ino[4]} p=$(holder_pid "twh-$TAG-5")
	[ "$(field "$nsi" 2)" = "$T-5" ]
	[ "$(field "$nsi" 4)" = 1 ] && [ "$(field "$nsi" 5)" = "$p:twh-$TAG-5" ]
	[ "$(field "$nsi" 6)" = "/run/netns/$T-5,/proc/$p/ns/net" ] && [ "$(field "$nsi" 7)" = 2 ]
	# a CNI namespace is named by its pause process, not cni-*
	nsi=${ino[5]} p=$(holder_pid pause 1)
	[ "$(field "$nsi" 2)" = pause ]
	[ "$(field "$nsi" 6)" = "/run/netns/cni-$T-6,/proc/$p/ns/net" ]
	# held only by a process: its comm, its /proc path
	for n in 8 9 10 11; do
		nsi=${ino[n - 1]} p=$(holder_pid "twh-$TAG-$n")
		[ "$(field "$nsi" 2)" = "twh-$TAG-$n" ] || fail "label of $n: $(field "$nsi" 2)"
		[ "$(field "$nsi" 5)" = "$p:twh-$TAG-$n" ] && [ "$(field "$nsi" 6)" = "/proc/$p/ns/net" ]
		[ "$(field "$nsi" 8)" = - ] && [ "$(field "$nsi" 10)" = - ]
	done
}

@test "scan: a process in a Docker container's cgroup labels its namespace" {
	reason=$(awk '$1 == "nocgroup" { $1 = ""; print substr($0, 2); exit }' "$STATE")
	[ -z "$reason" ] || skip "cgroup v2: $reason"
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	mapfile -t ino < <(our_inodes)
	run -0 "$TOOL" scan
	nsi=${ino[11]}
	[ "$(field "$nsi" 2)" = "container ${hex:0:12}" ] || fail "label: $(field "$nsi" 2)"
	[ "$(field "$nsi" 8)" = docker ] && [ "$(field "$nsi" 9)" = "$hex" ] && [ "$(field "$nsi" 10)" = - ]
}

@test "scan: a pause process in a kubepods cgroup labels its namespace as the pod" {
	reason=$(awk '$1 == "nocgroup" { $1 = ""; print substr($0, 2); exit }' "$STATE")
	[ -z "$reason" ] || skip "cgroup v2: $reason"
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	[ -n "$uid" ] || fail "the kubepods cgroup was not made"
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	mapfile -t ino < <(our_inodes)
	run -0 "$TOOL" scan
	nsi=${ino[6]}
	[ "$(field "$nsi" 2)" = "pod ${uid:0:8}" ] || fail "label: $(field "$nsi" 2)"
	[ "$(field "$nsi" 8)" = containerd ] && [ "$(field "$nsi" 9)" = "$hex" ]
	[ "$(field "$nsi" 10)" = "$uid" ]
}

@test "scan: bind mounts of other directories; only the first one's names are ip netns names" {
	d=$BATS_TEST_TMPDIR
	mkdir -p "$d/a" "$d/b"
	p=$(holder_pid "twh-$TAG-8") q=$(holder_pid "twh-$TAG-9")
	touch "$d/a/ns" "$d/a/ns9" "$d/a/stale" "$d/b/sandbox"
	mount --bind "/proc/$p/ns/net" "$d/a/ns"
	mount --bind "/proc/$p/ns/net" "$d/b/sandbox"
	mount --bind "/proc/$q/ns/net" "$d/a/ns9"
	# b is given twice (b/ is the same directory): read once
	run "$TOOL" scan "$d/b" "$d/a" "$d/b/"
	umount "$d/a/ns" "$d/b/sandbox" "$d/a/ns9"
	[ "$status" -eq 0 ]
	nsi=$(stat -Lc %i "/proc/$p/ns/net")
	[ "$(field "$nsi" 2)" = sandbox ]
	[ "$(field "$nsi" 6)" = "$d/b/sandbox,$d/a/ns,/proc/$p/ns/net" ]
	[ "$(field "$nsi" 7)" = 3 ]
	nsi=$(stat -Lc %i "/proc/$q/ns/net")
	[ "$(field "$nsi" 2)" = "twh-$TAG-9" ]
	[ "$(field "$nsi" 6)" = "$d/a/ns9,/proc/$q/ns/net" ]
	# a file that is not a mounted namespace is no path
	refute_output --partial stale
	# the default directories do not hold them
	run -0 "$TOOL" scan
	[ "$(field "$nsi" 6)" = "/proc/$q/ns/net" ] || fail "$output"
}

@test "enter: every one of the twelve is entered and left" {
	mapfile -t ino < <(our_inodes)
	run -0 "$TOOL" enter "${ino[@]}"
	for nsi in "${ino[@]}"; do
		assert_line "entered $nsi"
	done
	[ "${#lines[@]}" -eq 12 ]
}

@test "enter: a namespace whose last process exits before the enter step is gone" {
	cp /bin/sleep "$BATS_TEST_TMPDIR/twgone"
	unshare -n -- "$BATS_TEST_TMPDIR/twgone" 60 </dev/null >/dev/null 2>&1 3>&- &
	HOLD=$!
	for ((k = 0; k < 50; k++)); do
		nsi=$(stat -Lc %i "/proc/$HOLD/ns/net")
		[ "$nsi" != "$HOSTINO" ] && break
		sleep 0.1
	done
	[ "$nsi" != "$HOSTINO" ]
	ready=$BATS_TEST_TMPDIR/ready go=$BATS_TEST_TMPDIR/go
	"$TOOL" enter-wait "$nsi" "$ready" "$go" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	tool=$!
	for ((k = 0; k < 100; k++)); do
		[ ! -e "$ready" ] || break
		sleep 0.1
	done
	[ -e "$ready" ]
	kill "$HOLD"
	wait "$HOLD" || true
	HOLD=
	touch "$go"
	wait "$tool"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "gone $nsi: network namespace $nsi is gone"
}

@test "as nobody: unreadable processes are counted, setns refused with the reason" {
	NB=$(mktemp -d /tmp/twtune-nobody.XXXXXX)
	chmod 755 "$NB"
	install -m 0755 "$TOOL" "$NB/nsscan_tool"
	nsi=$(stat -Lc %i "/run/netns/$T-1")
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/nsscan_tool" scan
	assert_line --regexp '^# namespaces=[0-9]+ denied=[1-9][0-9]* '
	[ "$(field "$nsi" 2)" = "$T-1" ] || fail "$output"
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$NB/nsscan_tool" enter "$nsi"
	assert_output "denied $nsi: setns /run/netns/$T-1: Operation not permitted"
}

@test "proc facts: what /proc/sys/net and /proc/net show after setns" {
	ns="$T-1"
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="20517 20999"
	run -0 "$TOOL" procfacts "/run/netns/$ns" "20517 20999"
	# the thread that setns()es: sysctls and thread-self follow it, /proc/net
	# (= /proc/self/net) follows the thread-group leader, still in the host
	# then the main thread: files opened before keep the old namespace
	assert_output - <<-'EOF'
	thread sysctl-open-after target
	thread proc-net-sockstat other
	thread proc-self-net-sockstat other
	thread proc-thread-self-net-sockstat target
	sysctl-open-before other
	sockstat-open-before other
	sysctl-open-after target
	proc-net-sockstat target
	proc-self-net-sockstat target
	proc-thread-self-net-sockstat target
	EOF
}
