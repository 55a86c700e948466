#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Profile trust: as root, a profile or an included file that someone other
# than root could have written is refused (exit 3), the way sudo treats its
# sudoers file, unless --allow-insecure-profiles is given.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	[ "$(id -u)" = 0 ] || skip "the trust check is for root"
	PD="$BATS_TEST_TMPDIR/prof"
	write_profile "$PD" base <<<$'[sysctl]\ntcp_fin_timeout = 30'
	write_profile "$PD" p <<<$'[profile]\ninclude = base\n[sysctl]\ntcp_tw_reuse = 1'
	HINT="or pass --allow-insecure-profiles"
}

teardown() {
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

# refused PATTERN ARGS...: exit 3, one line matching the glob PATTERN.
refused() {
	local want=$1
	shift
	run -3 --separate-stderr "$TWTUNE" --profile-dir "$PD" "$@"
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == $want ]] || { echo "stderr: $stderr"; echo "want:   $want"; return 1; }
	assert_equal "$output" ""
}

# accepted PROFILE [GLOBAL OPTIONS...]: shows it, with base's value.
accepted() {
	run -0 --separate-stderr "$TWTUNE" "${@:2}" --profile-dir "$PD" show --json "$1"
	run -0 jq -r '.sysctl["net.ipv4.tcp_fin_timeout"].value' <<<"$output"
	assert_output 30
}

@test "profiles written with the default umask are accepted" {
	# What every other test file relies on: with umask 022 (or 002, and
	# group root), its profiles are not writable by anyone but root.
	for f in "$PD/p.ini" "$PD"; do
		[ $((0$(stat -c %a "$f") & 02)) -eq 0 ]
	done
	accepted p
}

@test "a profile writable by others is refused, the override reads it" {
	chmod 666 "$PD/p.ini"
	refused "twtune: show: $PD/p.ini is writable by others (mode 0666); fix with chmod go-w, $HINT" show p
	refused "twtune: apply: $PD/p.ini is writable by others (mode 0666); *" apply --check p
	refused "twtune: audit: $PD/p.ini is writable by others (mode 0666); *" audit p
	refused "twtune: diff: $PD/p.ini is writable by others (mode 0666); *" diff p
	run -0 "$TWTUNE" --allow-insecure-profiles --profile-dir "$PD" show --json p
	run -0 jq -r '.sysctl["net.ipv4.tcp_tw_reuse"].value' <<<"$output"
	assert_output 1
}

@test "a profile writable by a group other than root is refused; by group root it is not" {
	chmod 664 "$PD/p.ini"
	chgrp 65534 "$PD/p.ini"
	refused "twtune: show: $PD/p.ini is writable by group 65534 (mode 0664); fix with chmod go-w, $HINT" show p
	chgrp 0 "$PD/p.ini"
	accepted p
}

@test "a profile owned by another user is refused" {
	chown 65534 "$PD/p.ini"
	refused "twtune: show: $PD/p.ini is owned by uid 65534, not root; fix with chown root, $HINT" show p
	run -0 "$TWTUNE" --allow-insecure-profiles --profile-dir "$PD" show p
}

@test "an insecure include is refused, and named" {
	chmod 646 "$PD/base.ini"
	refused "twtune: show: $PD/base.ini is writable by others (mode 0646); fix with chmod go-w, $HINT" show p
	chmod 644 "$PD/base.ini"
	chown 65534 "$PD/base.ini"
	refused "twtune: show: $PD/base.ini is owned by uid 65534, not root; *" show p
	accepted p --allow-insecure-profiles
}

@test "a directory writable by others is refused unless sticky" {
	chmod 777 "$PD"
	refused "twtune: show: $PD/p.ini: its directory $PD is writable by others without the sticky bit (mode 0777); fix with chmod go-w, $HINT" show p
	chmod 1777 "$PD"
	accepted p
	chmod 775 "$PD"
	chgrp 65534 "$PD"
	refused "twtune: show: $PD/p.ini: its directory $PD is writable by group 65534 without the sticky bit (mode 0775); *" show p
	chgrp 0 "$PD"
	accepted p
}

@test "a directory owned by another user is refused" {
	chown 65534 "$PD"
	refused "twtune: show: $PD/p.ini: its directory $PD is owned by uid 65534, not root; fix with chown root, $HINT" show p
	accepted p --allow-insecure-profiles
}

@test "a symbolic link into an unsafe directory is refused" {
	mkdir -m 777 "$BATS_TEST_TMPDIR/open"
	mv "$PD/base.ini" "$BATS_TEST_TMPDIR/open/base.ini"
	ln -s "$BATS_TEST_TMPDIR/open/base.ini" "$PD/base.ini"
	refused "twtune: show: $PD/base.ini: its directory $BATS_TEST_TMPDIR/open is writable by others without the sticky bit (mode 0777); *" show p
	accepted p --allow-insecure-profiles
}

@test "a profile given by path is checked too" {
	mkdir -p "$BATS_TEST_TMPDIR/other"
	printf '[sysctl]\ntcp_fin_timeout = 30\n' >"$BATS_TEST_TMPDIR/other/x.ini"
	chmod 622 "$BATS_TEST_TMPDIR/other/x.ini"
	refused "twtune: show: $BATS_TEST_TMPDIR/other/x.ini is writable by others (mode 0622); *" show "$BATS_TEST_TMPDIR/other/x.ini"
	accepted "$BATS_TEST_TMPDIR/other/x.ini" --allow-insecure-profiles
}

@test "profiles lists an insecure profile as broken, with the reason" {
	chmod 666 "$PD/p.ini"
	run -0 "$TWTUNE" --profile-dir "$PD" profiles --json
	run -0 jq -r '.[] | select(.name == "p") | .error' <<<"$output"
	assert_output "$PD/p.ini is writable by others (mode 0666); fix with chmod go-w, $HINT"
	run -0 "$TWTUNE" --allow-insecure-profiles --profile-dir "$PD" profiles --json
	run -0 jq -r '.[] | select(.name == "p") | .error' <<<"$output"
	assert_output null
}

@test "an insecure profile changes nothing in the kernel; the override applies it" {
	chmod 666 "$PD/p.ini"
	run -0 in_netns bash -c '
		"$1" --profile-dir "$2" apply --yes --state-dir "$3/s1" p 2>/dev/null; echo "rc=$?"
		sysctl -n net.ipv4.tcp_fin_timeout net.ipv4.tcp_tw_reuse
		"$1" --allow-insecure-profiles --profile-dir "$2" apply --yes --state-dir "$3/s2" p >/dev/null; echo "rc=$?"
		sysctl -n net.ipv4.tcp_fin_timeout net.ipv4.tcp_tw_reuse' _ "$TWTUNE" "$PD" "$BATS_TEST_TMPDIR"
	assert_output $'rc=3\n60\n2\nrc=0\n30\n1'
}

@test "not root: the check does not apply (the kernel guards what it may do)" {
	nobody_copy
	printf '[sysctl]\ntcp_fin_timeout = 30\n' >"$NB/x.ini"
	chmod 666 "$NB/x.ini"
	run -0 setpriv --reuid=65534 --regid=65534 --clear-groups "$NB/twtune" show "$NB/x.ini"
	assert_line --partial 'tcp_fin_timeout'
}

@test "a profile file name with a newline is refused: nothing reaches the kernel, the journal or the persisted file" {
	d="$BATS_TEST_TMPDIR/nl"; mkdir -p "$d" "$BATS_TEST_TMPDIR/sd"
	f="$d/x"$'\n'"net.ipv4.ip_forward = 1"$'\n'"#.ini"
	printf '[sysctl]\ntcp_fin_timeout = 30\n' >"$f"
	run -0 in_netns bash -c '
		rc=0; "$TWTUNE" apply --yes --state-dir "$2/state" --persist="$2/sd/90-twtune.conf" "$1" 2>&1 || rc=$?
		echo "rc=$rc"; "$TWTUNE" get tcp_fin_timeout; sysctl -n net.ipv4.ip_forward
		ls -A "$2/sd"; [ ! -e "$2/state/journal" ] && echo "no journal"' _ "$f" "$BATS_TEST_TMPDIR"
	assert_output "twtune: apply: profile path has a control character (byte 0x0a at $(( ${#d} + 2 ))): rename the file
rc=3
net.ipv4.tcp_fin_timeout = 60
0
no journal"
}

@test "a profile reached through a symbolic link that another user owns is refused" {
	d="$BATS_TEST_TMPDIR/ln"; mkdir -p "$d"
	printf '[sysctl]\ntcp_fin_timeout = 30\n' >"$d/real.ini"
	ln -s real.ini "$d/theirs.ini"; chown -h 65534:65534 "$d/theirs.ini"
	ln -s real.ini "$d/ours.ini"
	run -0 "$TWTUNE" show "$d/ours.ini"
	run -3 --separate-stderr "$TWTUNE" show "$d/theirs.ini"
	assert_equal "$stderr" "twtune: show: $d/theirs.ini is a symbolic link owned by uid 65534, not root; fix with chown -h root, or pass --allow-insecure-profiles"
	run -0 "$TWTUNE" --allow-insecure-profiles show "$d/theirs.ini"
}

@test "a --sysctl-root tree that another user could write is refused, and no key is followed out of a tree" {
	R="$BATS_TEST_TMPDIR/theirs"
	make_sysctl_root "$R"
	chown -R 65534:65534 "$R"
	rm "$R/net/ipv4/tcp_tw_reuse"
	ln -s /proc/sys/net/ipv4/ip_forward "$R/net/ipv4/tcp_tw_reuse"
	printf '[sysctl]\ntcp_tw_reuse = 1\n' >"$BATS_TEST_TMPDIR/reuse.ini"
	run -0 in_netns bash -c '
		rc=0; "$TWTUNE" --sysctl-root "$1" apply --yes --state-dir "$2/state" "$2/reuse.ini" 2>&1 || rc=$?
		echo "rc=$rc ip_forward=$(sysctl -n net.ipv4.ip_forward)"
		# the same tree, root'"'"'s now: the link is still not followed
		chown -R 0:0 "$1"; chown -h 0:0 "$1/net/ipv4/tcp_tw_reuse"
		rc=0; "$TWTUNE" --sysctl-root "$1" apply --yes --state-dir "$2/state" "$2/reuse.ini" >/dev/null 2>&1 || rc=$?
		echo "rc=$rc ip_forward=$(sysctl -n net.ipv4.ip_forward)"' _ "$R" "$BATS_TEST_TMPDIR"
	assert_line --index 0 "twtune: --sysctl-root '$R': $R belongs to uid 65534, not to root: refusing to read or write keys there"
	assert_line --index 1 "rc=4 ip_forward=0"
	assert_line --index 2 --regexp '^rc=[34] ip_forward=0$'
}
