# SPDX-License-Identifier: GPL-2.0-or-later
# The twelve namespaces of the --all-netns tests (nsscan.bats drives the
# scan and enter steps of the library, allnetns.bats the commands), made
# once per file in setup_file and removed in teardown_file:
#
#   1-5   ip netns add $T-N; 5 also holds a process named twh-$TAG-5
#   6, 7  ip netns add cni-$T-N, each held by a process named "pause"
#   8-12  held only by a process made with unshare -n, named twh-$TAG-N
#
# where cgroup v2 lets us, the process of 12 goes into a Docker-like
# cgroup and the pause of 7 into a kubepods pod's.
#
# Everything is written to $STATE as it is made, so that twelve_teardown
# removes it also after a half-done set-up. Load it after common-setup.

# twelve_setup SECONDS: makes the twelve; the holders live SECONDS at most.
twelve_setup() {
	export W="$BATS_FILE_TMPDIR/w" STATE="$BATS_FILE_TMPDIR/state" TAG=$$ T="twtune-t-$$"
	export TWELVE_SECONDS=$1 HOSTINO
	mkdir -p "$W"
	: >"$STATE"
	HOSTINO=$(stat -Lc %i /proc/self/ns/net)
	local n
	for n in 1 2 3 4 5; do
		ip netns add "$T-$n"
		echo "netns $T-$n" >>"$STATE"
	done
	twelve_hold "ip netns exec $T-5" "twh-$TAG-5"
	for n in 6 7; do
		ip netns add "cni-$T-$n"
		echo "netns cni-$T-$n" >>"$STATE"
		twelve_hold "ip netns exec cni-$T-$n" pause
	done
	for n in 8 9 10 11 12; do
		twelve_hold "unshare -n --" "twh-$TAG-$n"
	done
	twelve_cgroups
}

# twelve_hold PREFIX COMM: starts a sleep named COMM under PREFIX in the
# background and records its pid in $STATE once it left the host's
# namespace (at most 5 s: exec comes after setns, so the name says both).
twelve_hold() {
	local prefix=$1 comm=$2 pid i
	[ -x "$W/$comm" ] || cp /bin/sleep "$W/$comm"
	# shellcheck disable=SC2086
	$prefix "$W/$comm" "$TWELVE_SECONDS" </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	echo "pid $pid" >>"$STATE"
	for ((i = 0; i < 50; i++)); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "${comm:0:15}" ] && break
		sleep 0.1
	done
	echo "holder - $pid $comm" >>"$STATE"
}

# The process of 12 into a Docker-like cgroup, the pause of 7 into a
# kubepods pod's; "nocgroup REASON" in $STATE when cgroup v2 says no.
twelve_cgroups() {
	local cg hex uid p12 p7 d p
	cg=$(findmnt -t cgroup2 -n -o TARGET | head -n 1)
	hex=$(printf '%s' "$T" | sha256sum | cut -c1-64)
	uid=$(cat /proc/sys/kernel/random/uuid)
	p12=$(holder_pid "twh-$TAG-12")
	p7=$(holder_pid pause 2)
	[ -n "$cg" ] || { echo "nocgroup no cgroup v2 mount" >>"$STATE"; return 0; }
	d="$cg/docker-$hex.scope"
	mkdir "$d" 2>/dev/null || { echo "nocgroup cannot make $d" >>"$STATE"; return 0; }
	echo "cgroup $d" >>"$STATE"
	echo "$p12" >"$d/cgroup.procs" 2>/dev/null ||
		{ echo "nocgroup cannot move a process into $d" >>"$STATE"; return 0; }
	echo "docker $hex" >>"$STATE"
	d="$cg/kubepods.slice"
	for p in "kubepods-burstable.slice" "kubepods-burstable-pod${uid//-/_}.slice" \
		"cri-containerd-$hex.scope"; do
		if [ ! -d "$d" ]; then
			mkdir "$d" || return 0
			echo "cgroup $d" >>"$STATE"
		fi
		d="$d/$p"
	done
	mkdir "$d" && echo "cgroup $d" >>"$STATE" && echo "$p7" >"$d/cgroup.procs" &&
		echo "pod $uid" >>"$STATE"
}

# holder_pid COMM [NTH]: the pid of the NTH (1) holder named COMM.
holder_pid() {
	awk -v c="$1" -v n="${2:-1}" '$1 == "holder" && $4 == c && ++k == n { print $3 }' "$STATE"
}

# Kills the holders (waiting at most 5 s for each), then deletes the
# namespaces and the cgroups, leaves first.
twelve_teardown() {
	local what arg i
	while read -r what arg _; do
		[ "$what" = pid ] && kill "$arg" 2>/dev/null
	done <"$STATE"
	while read -r what arg _; do
		[ "$what" = pid ] || continue
		for ((i = 0; i < 50; i++)); do
			kill -0 "$arg" 2>/dev/null || break
			sleep 0.1
		done
	done <"$STATE"
	wait 2>/dev/null || true
	tac "$STATE" | while read -r what arg _; do
		case $what in
		netns) ip netns del "$arg" 2>/dev/null ;;
		cgroup) for ((i = 0; i < 20; i++)); do
				rmdir "$arg" 2>/dev/null && break
				[ -d "$arg" ] || break
				sleep 0.1
			done ;;
		esac
	done
	true
}

# The inodes of the twelve, in order 1..12.
our_inodes() {
	local n p
	for n in 1 2 3 4 5; do stat -Lc %i "/run/netns/$T-$n"; done
	for n in 6 7; do stat -Lc %i "/run/netns/cni-$T-$n"; done
	for n in 8 9 10 11 12; do
		p=$(holder_pid "twh-$TAG-$n")
		stat -Lc %i "/proc/$p/ns/net"
	done
}

# The label each of the twelve must have, in order.
our_labels() {
	local n uid hex
	uid=$(awk '$1 == "pod" { print $2 }' "$STATE")
	hex=$(awk '$1 == "docker" { print $2 }' "$STATE")
	for n in 1 2 3 4 5; do echo "$T-$n"; done
	echo pause
	if [ -n "$uid" ]; then echo "pod ${uid:0:8}"; else echo pause; fi
	for n in 8 9 10 11; do echo "twh-$TAG-$n"; done
	if [ -n "$hex" ]; then echo "container ${hex:0:12}"; else echo "twh-$TAG-12"; fi
}
