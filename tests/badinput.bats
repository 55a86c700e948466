#!/usr/bin/env bats
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
