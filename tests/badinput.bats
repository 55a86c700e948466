#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: each case gets exactly one clear line on stderr, its documented
# exit code, no crash, and leaves the sysctls as they were.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	SYS="$BATS_TEST_TMPDIR/sys" PD="$BATS_TEST_TMPDIR/prof"
	make_sysctl_root "$SYS"
	mkdir -p "$PD"
	snapshot=$(cd "$SYS" && grep -r . net | sort)
	export PD SYS
}

teardown() {
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

# bad_kernel EXIT PATTERN SCRIPT: runs the bash SCRIPT in a new network and
# mount namespace (loopback up) and checks one line on stderr matching the
# glob PATTERN, the exit code, and every managed sysctl (sysctl -n) the same
# before and after. $SETUP, if set, runs first, before the "before".
bad_kernel() {
	local code=$1 want=$2
	export KEYS
	KEYS=$("$TWTUNE" get --list-keys)
	run "-$code" --separate-stderr unshare -m -n -- bash -c '
		ip link set lo up || exit 90
		snap() {
			local k
			for k in $KEYS; do printf "%s = %s\n" "$k" "$(sysctl -n "$k" 2>&1)"; done
		}
		eval "${SETUP:-}" >/dev/null || exit 91
		snap >"$BATS_TEST_TMPDIR/before"
		rc=0
		eval "$1" || rc=$?
		snap >"$BATS_TEST_TMPDIR/after"
		exit $rc' _ "$3"
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == $want ]] || { echo "stderr: $stderr"; echo "want:   $want"; return 1; }
	[[ $stderr != *$'\r'* ]]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
	grep -qx 'net.ipv4.tcp_fin_timeout = [0-9]*' "$BATS_TEST_TMPDIR/before"
}

# A profile that changes four values of a fresh namespace.
four() {
	write_four "$PD"
}


# bad EXIT EXPECTED-PREFIX ARGS...: runs twtune against the fixture tree,
# apply --check and show, and checks the line, the code and the tree.
bad() {
	local code=$1 want=$2
	shift 2
	run "-$code" --separate-stderr "$TWTUNE" --sysctl-root "$SYS" --profile-dir "$PD" "$@"
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "$want"* ]] || { echo "stderr: $stderr"; echo "want:   $want"; return 1; }
	assert_equal "$(cd "$SYS" && grep -r . net | sort)" "$snapshot"
}

@test "unknown command" { bad 2 "twtune: unknown command 'aply'" aply x; }
@test "unknown option" { bad 2 "twtune: show: unknown option '--jsn'" show --jsn x; }
@test "missing PROFILE" { bad 2 "twtune: show: missing PROFILE" show; }
@test "missing PROFILE for apply" { bad 2 "twtune: apply: missing PROFILE" apply --yes; }

@test "profile not found says where it looked" {
	bad 3 "twtune: show: profile 'nope' not found (looked in $PD, " show nope
}

@test "INI syntax error" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_reuse 1'
	bad 3 "twtune: show: $PD/p.ini line 2: syntax error: 'tcp_tw_reuse 1'" show p
}

@test "unknown section" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_reuse = 1\n[tuning]\nx = 1'
	bad 3 "twtune: show: $PD/p.ini: unknown section [tuning]; allowed: [profile], [sysctl], [thresholds]" show p
}

@test "unknown key" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_reuse = 1\nnet.ipv4.tcp_fin_timout = 30'
	bad 3 "twtune: apply: $PD/p.ini line 3: [sysctl] unknown key 'net.ipv4.tcp_fin_timout'; known: ip_local_port_range," apply --check p
}

@test "out-of-range value" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_reuse = 3'
	bad 3 "twtune: apply: $PD/p.ini line 2: [sysctl] tcp_tw_reuse = '3': 3 is out of range 0..2" apply --yes p
}

@test "non-numeric value" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_max_tw_buckets = lots'
	bad 3 "twtune: show: $PD/p.ini line 2: [sysctl] tcp_max_tw_buckets = 'lots': 'lots' is not a decimal number" show p
}

@test "ip_local_port_range with high < low" {
	write_profile "$PD" p <<<$'[sysctl]\nip_local_port_range = 60000 30000'
	bad 3 "twtune: apply: $PD/p.ini line 2: [sysctl] ip_local_port_range = '60000 30000': high 30000 is below low 60000" apply --yes p
}

@test "tcp_tw_recycle has its own error" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_recycle = 1'
	bad 3 "twtune: show: $PD/p.ini line 2: [sysctl] tcp_tw_recycle was removed in Linux 4.12" show p
	bad 2 "twtune: get: net.ipv4.tcp_tw_recycle was removed in Linux 4.12" get net.ipv4.tcp_tw_recycle
}

@test "include loop" {
	write_profile "$PD" a <<<$'[profile]\ninclude = b'
	write_profile "$PD" b <<<$'[profile]\ninclude = c'
	write_profile "$PD" c <<<$'[profile]\ninclude = a'
	bad 3 "twtune: show: include loop: $PD/a.ini -> $PD/b.ini -> $PD/c.ini -> $PD/a.ini" show a
}

@test "a profile that includes itself" {
	write_profile "$PD" me <<<$'[profile]\ninclude = me'
	bad 3 "twtune: show: include loop: $PD/me.ini -> $PD/me.ini" show me
}

@test "include of a missing profile" {
	write_profile "$PD" p <<<$'[profile]\ninclude = gone'
	bad 3 "twtune: show: $PD/p.ini line 2: include: profile 'gone' not found (looked in $PD, " show p
}

@test "includes nested too deep" {
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '[profile]\ninclude = n%d\n' $((i + 1)) >"$PD/n$i.ini"
	done
	printf '[sysctl]\ntcp_tw_reuse = 1\n' >"$PD/n10.ini"
	bad 3 "twtune: show: $PD/n8.ini: includes nest deeper than 8 levels" show n0
}

@test "names with ../ or / tricks" {
	bad 3 "twtune: show: '..' is not a profile name" show ..
	bad 3 "twtune: show: 'a..b' is not a profile name" show a..b
	# An argument with a slash is a path, read as a profile wherever it is.
	mkdir -p "$BATS_TEST_TMPDIR/a/b"
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$BATS_TEST_TMPDIR/passwd"
	cd "$BATS_TEST_TMPDIR/a/b"
	bad 3 "twtune: show: ../../passwd line 1: syntax error: " show ../../passwd
	bad 3 "twtune: show: 'x y' is not a profile name" show 'x y'
	write_profile "$PD" p <<<$'[profile]\ninclude = ../../etc/x'
	bad 3 "twtune: show: $PD/p.ini line 2: [profile] include = '../../etc/x' is not a profile name" show p
	write_profile "$PD" q <<<$'[profile]\ninclude = /etc/passwd'
	bad 3 "twtune: show: $PD/q.ini line 2: [profile] include = '/etc/passwd' is not a profile name" show q
}

@test "empty file" {
	: >"$PD/empty.ini"
	bad 3 "twtune: show: $PD/empty.ini is empty; a profile needs a [sysctl] or [profile] section" show empty
}

@test "binary file" {
	head -c 300 /bin/ls >"$PD/bin.ini"
	bad 3 "twtune: show: $PD/bin.ini is not a text file (" show bin
}

@test "a NUL byte in a text file" {
	printf '[sysctl]\ntcp_tw_reuse = 1\0\n' >"$PD/nul.ini"
	bad 3 "twtune: show: $PD/nul.ini is not a text file (NUL byte at offset 25)" show nul
}

@test "a 10 MB file" {
	head -c 10485760 /dev/zero | tr '\0' '#' >"$PD/big.ini"
	bad 3 "twtune: show: $PD/big.ini is 10485760 bytes; a profile may have at most 65536" show big
}

@test "an overlong line" {
	{ printf '[profile]\ndescription = '; head -c 2000 /dev/zero | tr '\0' x; printf '\n'; } >"$PD/long.ini"
	bad 3 "twtune: show: $PD/long.ini line " show long
}

@test "an unreadable file" {
	d=$(mktemp -d /tmp/twtune-unreadable.XXXXXX)
	chmod 755 "$d"
	write_profile "$d" secret <<<$'[sysctl]\ntcp_tw_reuse = 1'
	chmod 000 "$d/secret.ini"
	run -4 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TWTUNE" --profile-dir "$d" show secret
	rm -rf "$d"
	assert_equal "$stderr" "twtune: show: cannot open $d/secret.ini: Permission denied"
}

@test "a directory named like a profile" {
	mkdir "$PD/dir.ini"
	bad 3 "twtune: show: $PD/dir.ini is a directory, not a profile file" show dir
}

@test "a symbolic link loop" {
	ln -s "$PD/loop2.ini" "$PD/loop1.ini"
	ln -s "$PD/loop1.ini" "$PD/loop2.ini"
	bad 3 "twtune: show: $PD/loop1.ini: too many levels of symbolic links" show loop1
}

@test "a duplicate key" {
	write_profile "$PD" p <<<$'[sysctl]\ntcp_tw_reuse = 1\ntcp_fin_timeout = 30\nTCP_TW_REUSE = 0'
	bad 3 "twtune: show: $PD/p.ini line 4: [sysctl] tcp_tw_reuse is set twice (first on line 2)" show p
}

@test "a CRLF file is read like any other" {
	printf '[sysctl]\r\ntcp_tw_reuse = 1\r\n' >"$PD/crlf.ini"
	run -0 "$TWTUNE" --profile-dir "$PD" show --json crlf
	run -0 jq -r '.sysctl["net.ipv4.tcp_tw_reuse"].value' <<<"$output"
	assert_output 1
}

@test "bad thresholds" {
	write_profile "$PD" p <<<$'[thresholds]\ntw_buckets_crit = 120%'
	bad 3 "twtune: show: $PD/p.ini line 2: [thresholds] tw_buckets_crit = '120%': needs a ratio 0..1" show p
	write_profile "$PD" q <<<$'[thresholds]\nbucket_crit = 0.5'
	bad 3 "twtune: show: $PD/q.ini line 2: [thresholds] unknown key 'bucket_crit'; known: port_pressure_warn," show q
}

@test "unknown and read-only keys on the command line" {
	bad 2 "twtune: get: unknown key 'tcp_tw_reus'" get tcp_tw_reus
	write_profile "$PD" p <<<$'[sysctl]\nip_unprivileged_port_start = 500'
	bad 3 "twtune: apply: $PD/p.ini line 2: [sysctl] ip_unprivileged_port_start is read-only for twtune" apply --yes p
}

@test "a key the kernel lacks, asked for by name" {
	make_sysctl_root "$SYS" tcp_tw_reuse_delay=-
	snapshot=$(cd "$SYS" && grep -r . net | sort)
	bad 4 "twtune: get: net.ipv4.tcp_tw_reuse_delay: not supported by this kernel" get tcp_tw_reuse_delay
}

@test "a value in /proc/sys the registry cannot parse is reported, not trusted" {
	make_sysctl_root "$SYS" tcp_tw_reuse=garbage
	snapshot=$(cd "$SYS" && grep -r . net | sort)
	bad 4 "twtune: get: net.ipv4.tcp_tw_reuse: Invalid argument" get tcp_tw_reuse
}

@test "bad option values" {
	bad 2 "twtune: audit: --top 'many'" audit --top many
	bad 2 "twtune: apply: --wait '-1'" apply --wait -1 x
	bad 2 "twtune: apply: --persist=rel.conf: give an absolute path" apply --persist=rel.conf x
	bad 2 "twtune: sockets: unexpected argument 'x'" sockets x
	bad 2 "twtune: show: unexpected argument 'b'" show a b
}

# ---- the command line ----

@test "an overlong argument is cut, and the line keeps its hint" {
	long=$(head -c 5000 /dev/zero | tr '\0' a)
	bad 2 "twtune: get: unknown key 'aaaa" get "$long"
	[ "${#stderr}" -lt 400 ]
	[[ $stderr == *"...; see 'twtune get --help'" ]]
	bad 3 "twtune: show: 'aaaa" show "$long.x"
	[ "${#stderr}" -lt 400 ]
}

@test "empty arguments" {
	bad 3 "twtune: show: '' is not a profile name" show ''
	bad 2 "twtune: get: unknown key ''" get ''
	bad 2 "twtune: --netns '': not a namespace name" --netns '' get
}

# ---- profiles ----

@test "an overlong key is named, cut, with the keys allowed" {
	printf '[sysctl]\n%s = 1\n' "$(head -c 1000 /dev/zero | tr '\0' k)" >"$PD/p.ini"
	bad 3 "twtune: show: $PD/p.ini line 2: [sysctl] unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'; known: ip_local_port_range," show p
}

@test "an overlong value is cut, with the range allowed" {
	printf '[sysctl]\ntcp_fin_timeout = %s\n' "$(head -c 1000 /dev/zero | tr '\0' 9)" >"$PD/p.ini"
	bad 3 "twtune: show: $PD/p.ini line 2: [sysctl] tcp_fin_timeout = '9999999999999999999999999999999999999999...': 9999999999999999999999999999999999999999... is out of range -2147483..2147483" show p
	printf '[thresholds]\nclose_wait_warn = %s\n' "$(head -c 900 /dev/zero | tr '\0' 9)" >"$PD/q.ini"
	bad 3 "twtune: show: $PD/q.ini line 2: [thresholds] close_wait_warn = '9999999999999999999999999999999999999999...': needs a whole number 0..100000000" show q
}

@test "an overlong section name and include name are cut" {
	long=$(head -c 600 /dev/zero | tr '\0' s)
	printf '[%s]\nx = 1\n' "$long" >"$PD/p.ini"
	bad 3 "twtune: show: $PD/p.ini: unknown section [ssssssssssssssssssssssssssssssssssssssss...]; allowed:" show p
	printf '[profile]\ninclude = %s\n' "$long" >"$PD/q.ini"
	bad 3 "twtune: show: $PD/q.ini line 2: [profile] include = 'ssssssssssssssssssssssssssssssssssssssss...' is not a profile name" show q
}

@test "a key outside any section" {
	write_profile "$PD" p <<<'tcp_tw_reuse = 1'
	bad 3 "twtune: show: $PD/p.ini line 1: key 'tcp_tw_reuse' outside any section; allowed sections: [profile], [sysctl], [thresholds]" show p
}

@test "a CRLF file with an error names its line, without a carriage return" {
	printf '[sysctl]\r\ntcp_fin_timeout = 30\r\ntcp_tw_reuse = 7\r\n' >"$PD/crlf.ini"
	bad 3 "twtune: show: $PD/crlf.ini line 3: [sysctl] tcp_tw_reuse = '7': 7 is out of range 0..2" show crlf
	[[ $stderr != *$'\r'* ]]
}

@test "a FIFO named like a profile is refused without blocking" {
	mkfifo "$PD/fifo.ini"
	run -3 --separate-stderr timeout 10 "$TWTUNE" --profile-dir "$PD" show fifo
	assert_equal "$stderr" "twtune: show: $PD/fifo.ini is not a regular file"
	bad 3 "twtune: show: /dev/zero is not a regular file" show /dev/zero
}

@test "an include that is a directory" {
	write_profile "$PD" p <<<$'[profile]\ninclude = d'
	mkdir "$PD/d.ini"
	bad 3 "twtune: show: $PD/d.ini is a directory, not a profile file" show p
}

@test "an include that is a symbolic link loop" {
	write_profile "$PD" p <<<$'[profile]\ninclude = loop'
	ln -s "$PD/loop.ini" "$PD/loop.ini"
	bad 3 "twtune: show: $PD/loop.ini: too many levels of symbolic links" show p
}

@test "an include is looked up on the search path only, never beside the file" {
	# A profile given by path cannot pull in its neighbours: includes
	# never escape the search path.
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	printf '[profile]\ninclude = sib\n' >"$BATS_TEST_TMPDIR/elsewhere/top.ini"
	printf '[sysctl]\ntcp_tw_reuse = 1\n' >"$BATS_TEST_TMPDIR/elsewhere/sib.ini"
	bad 3 "twtune: show: $BATS_TEST_TMPDIR/elsewhere/top.ini line 2: include: profile 'sib' not found (looked in $PD, " \
		show "$BATS_TEST_TMPDIR/elsewhere/top.ini"
	write_profile "$PD" q <<<$'[profile]\ninclude = sub/x'
	bad 3 "twtune: show: $PD/q.ini line 2: [profile] include = 'sub/x' is not a profile name" show q
}

@test "as root, a world-writable profile is refused before anything is written" {
	four
	chmod 666 "$PD/four.ini"
	bad_kernel 3 "twtune: apply: $PD/four.ini is writable by others (mode 0666); fix with chmod go-w, or pass --allow-insecure-profiles" \
		'"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
}

# ---- the environment; each in its own network and mount namespace ----

@test "a missing /proc/sys: --sysctl-root names a directory that is not there" {
	four
	bad_kernel 2 "twtune: --sysctl-root '$BATS_TEST_TMPDIR/gone': No such file or directory (it must hold net/ipv4)" \
		'"$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/gone" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'
}

@test "a /proc/sys without net/ipv4 (an empty file system over it)" {
	four
	bad_kernel 4 "twtune: apply: cannot read /proc/sys/net/ipv4: No such file or directory" \
		'unshare -m -- bash -c '\''mount -t tmpfs none /proc/sys && exec "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'\'''
	bad_kernel 4 "twtune: get: cannot read /proc/sys/net/ipv4: No such file or directory" \
		'unshare -m -- bash -c '\''mount -t tmpfs none /proc/sys && exec "$TWTUNE" get'\'''
}

@test "a read-only /proc/sys" {
	four
	bad_kernel 4 "twtune: apply: cannot write net.ipv4.ip_local_port_range: /proc/sys is read-only (a container without write access to /proc/sys?): nothing was changed" \
		'unshare -m -- bash -c '\''mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'\'''
	[ ! -e "$BATS_TEST_TMPDIR/state/journal" ]
}

@test "a missing --netns" {
	four
	export MISSING="twtune-missing-$$"
	bad_kernel 4 "twtune: --netns '$MISSING': cannot enter /run/netns/$MISSING: No such file or directory" \
		'"$TWTUNE" --netns "$MISSING" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'
	bad_kernel 4 "twtune: --netns '/proc/999999999/ns/net': cannot enter /proc/999999999/ns/net: No such file or directory" \
		'"$TWTUNE" --netns /proc/999999999/ns/net --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four'
}

@test "not root: apply says what it needs and writes nothing" {
	four
	nobody_copy "$PD/four.ini"
	bad_kernel 4 "twtune: apply: writing net.ipv4.ip_local_port_range needs root (CAP_NET_ADMIN over the network namespace): nothing was changed" \
		'setpriv --reuid=65534 --regid=65534 --clear-groups "$NB/twtune" apply --yes --state-dir "$NB/state" "$NB/four.ini"'
	[ ! -e "$NB/state" ]
}

@test "stdout closed: refused at once, nothing written" {
	four
	bad_kernel 4 "twtune: cannot write output: standard output is closed; nothing was done" \
		'"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four >&-'
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
	for cmd in get audit sockets profiles 'show four' --version; do
		run -4 --separate-stderr bash -c '"$1" --sysctl-root "$2" --profile-dir "$3" $4 >&-' _ "$TWTUNE" "$SYS" "$PD" "$cmd"
		assert_equal "$stderr" "twtune: cannot write output: standard output is closed; nothing was done"
	done
	assert_equal "$(cd "$SYS" && grep -r . net | sort)" "$snapshot"
}

@test "stdout full: apply writes nothing once its report is lost" {
	four
	bad_kernel 4 "twtune: apply: cannot write output: No space left on device; nothing was changed" \
		'"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four >/dev/full'
	[ ! -e "$BATS_TEST_TMPDIR/state/journal" ]
}

@test "stdout full: rollback writes nothing once its report is lost" {
	four
	SETUP='"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/state" four' \
		bad_kernel 4 "twtune: rollback: cannot write output: No space left on device; nothing was changed" \
		'"$TWTUNE" rollback --yes --state-dir "$BATS_TEST_TMPDIR/state" >/dev/full'
	grep -qx 'net.ipv4.tcp_fin_timeout = 30' "$BATS_TEST_TMPDIR/after"
	[ -e "$BATS_TEST_TMPDIR/state/journal" ]
}

@test "stdout full: read-only commands fail loudly" {
	four
	for cmd in get audit 'audit --json' sockets profiles 'show four' 'show --json four' 'apply --check four' 'diff four'; do
		run -4 --separate-stderr bash -c '"$1" --sysctl-root "$2" --profile-dir "$3" $4 >/dev/full' _ "$TWTUNE" "$SYS" "$PD" "$cmd"
		assert_equal "$stderr" "twtune: cannot write output: No space left on device"
	done
	assert_equal "$(cd "$SYS" && grep -r . net | sort)" "$snapshot"
}

@test "stdout full after the writes of apply --json: the change is said, and rollback undoes it" {
	# --json prints only after the writes, so a full stdout shows too late
	# to keep the kernel untouched: the one line must say so.
	four
	run -0 in_netns bash -c '
		before=$(sysctl -n net.ipv4.tcp_fin_timeout)
		"$1" --profile-dir "$2" apply --json --yes --state-dir "$3" four >/dev/full 2>"$3.err"
		echo "rc=$? $before $(sysctl -n net.ipv4.tcp_fin_timeout)"
		"$1" rollback --yes --state-dir "$3" >/dev/null
		echo "back $(sysctl -n net.ipv4.tcp_fin_timeout)"' _ "$TWTUNE" "$PD" "$BATS_TEST_TMPDIR/state"
	assert_line "rc=4 60 30"
	assert_line "back 60"
	run -0 cat "$BATS_TEST_TMPDIR/state.err"
	assert_output "twtune: cannot write output: No space left on device; the changes were applied; 'twtune rollback' undoes them"
}

@test "--state-dir on a read-only file system" {
	four
	bad_kernel 4 "twtune: apply: *$BATS_TEST_TMPDIR/ro*: Read-only file system*" \
		'unshare -m -- bash -c '\''mkdir -p "$BATS_TEST_TMPDIR/ro" && mount -t tmpfs -o ro none "$BATS_TEST_TMPDIR/ro" && exec "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/ro/state" four'\'''
}

@test "--state-dir that is a file, or under a file" {
	four
	: >"$BATS_TEST_TMPDIR/file"
	bad_kernel 4 "twtune: apply: --state-dir $BATS_TEST_TMPDIR/file: $BATS_TEST_TMPDIR/file is not a directory: refusing*" \
		'"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/file" four'
	bad_kernel 4 "twtune: apply: --state-dir $BATS_TEST_TMPDIR/file/x: $BATS_TEST_TMPDIR/file is not a directory: refusing*" \
		'"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$BATS_TEST_TMPDIR/file/x" four'
}
