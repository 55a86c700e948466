#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line: global options, help, version, exit codes.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
}

@test "--version and -h" {
	run -0 "$TWTUNE" --version
	assert_output --regexp '^twtune [0-9]+\.[0-9]+\.[0-9]+$'
	run -0 "$TWTUNE" -h
	assert_line --partial 'usage: twtune [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]'
	assert_line --regexp '^  4  system error'
}

@test "no command: usage on stderr, exit 2" {
	run -2 --separate-stderr "$TWTUNE"
	assert_equal "$output" ""
	[[ ${stderr_lines[0]} == "usage: twtune"* ]]
}

@test "help lists every command of the table and the exit codes" {
	run -0 "$TWTUNE" help
	for c in audit diff apply rollback sockets watch get profiles show help; do
		assert_line --regexp "^  $c +"
	done
	assert_line '  0  ok (audit: highest risk below --fail-on)'
	assert_line '  2  usage error'
	assert_line '  3  bad input: profile or value'
}

@test "every command takes -h and --help, and help COMMAND says the same" {
	for c in audit diff apply rollback sockets watch get profiles show help; do
		run -0 "$TWTUNE" "$c" --help
		[[ ${lines[0]} == "usage: twtune [GLOBAL OPTIONS] $c"* ]]
		long=$output
		run -0 "$TWTUNE" "$c" -h
		assert_equal "$output" "$long"
		run -0 "$TWTUNE" help "$c"
		assert_equal "$output" "$long"
	done
}

@test "unknown command: one line, exit 2" {
	run -2 --separate-stderr "$TWTUNE" frobnicate
	assert_equal "$stderr" "twtune: unknown command 'frobnicate'; see 'twtune help'"
	assert_equal "$output" ""
}

@test "unknown global and command options: one line, exit 2" {
	run -2 --separate-stderr "$TWTUNE" --frob get
	assert_equal "$stderr" "twtune: unknown option '--frob'; see 'twtune help'"
	run -2 --separate-stderr "$TWTUNE" get --frob
	assert_equal "$stderr" "twtune: get: unknown option '--frob'; see 'twtune get --help'"
	run -2 --separate-stderr "$TWTUNE" --sysctl-root
	assert_equal "$stderr" "twtune: option '--sysctl-root' needs a value; see 'twtune help'"
	run -2 --separate-stderr "$TWTUNE" help nope
	assert_equal "$stderr" "twtune: help: unknown command 'nope'; see 'twtune help --help'"
}

@test "--sysctl-root that does not exist: one line, exit 2" {
	run -2 --separate-stderr "$TWTUNE" --sysctl-root /nonexistent get
	assert_equal "$stderr" "twtune: --sysctl-root '/nonexistent': No such file or directory (it must hold net/ipv4)"
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run -2 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/empty" get
	assert_equal "${#stderr_lines[@]}" 1
}

@test "colour only on a terminal, never with --no-color or NO_COLOR" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse=0
	command -v script >/dev/null || skip "script(1) is not installed"
	run -0 script -qec "TERM=xterm NO_COLOR= $TWTUNE --sysctl-root $BATS_TEST_TMPDIR/sys audit --fail-on never" /dev/null
	[[ $output == *$'\e['* ]]
	run -0 script -qec "NO_COLOR= $TWTUNE --no-color --sysctl-root $BATS_TEST_TMPDIR/sys audit --fail-on never" /dev/null
	[[ $output != *$'\e['* ]]
	run -0 script -qec "NO_COLOR=1 $TWTUNE --sysctl-root $BATS_TEST_TMPDIR/sys audit --fail-on never" /dev/null
	[[ $output != *$'\e['* ]]
	NO_COLOR= run -0 "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" audit --fail-on never
	[[ $output != *$'\e['* ]]
}

@test "-q silences warnings; -v is accepted" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse_delay=-
	run -0 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get
	assert_equal "$stderr" "twtune: warning: net.ipv4.tcp_tw_reuse_delay: not supported by this kernel"
	run -0 --separate-stderr "$TWTUNE" -q --sysctl-root "$BATS_TEST_TMPDIR/sys" get
	assert_equal "$stderr" ""
	run -0 "$TWTUNE" -v -v --sysctl-root "$BATS_TEST_TMPDIR/sys" get tcp_tw_reuse
}

@test "a failed write of stdout is an error, exit 4" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys"
	run -4 --separate-stderr bash -c '"$1" --sysctl-root "$2" get >/dev/full' _ "$TWTUNE" "$BATS_TEST_TMPDIR/sys"
	assert_equal "$stderr" "twtune: cannot write output: No space left on device"
}

@test "did you mean: a close command, option, profile or key is named" {
	run -2 --separate-stderr "$TWTUNE" audti
	assert_equal "$stderr" "twtune: unknown command 'audti'; did you mean 'audit'?"
	run -2 --separate-stderr "$TWTUNE" prof
	assert_equal "$stderr" "twtune: unknown command 'prof'; did you mean 'profiles'?"
	run -2 --separate-stderr "$TWTUNE" help sokets
	assert_equal "$stderr" "twtune: help: unknown command 'sokets'; did you mean 'sockets'?"
	run -2 --separate-stderr "$TWTUNE" get --jsn
	assert_equal "$stderr" "twtune: get: unknown option '--jsn'; did you mean '--json'?"
	run -2 --separate-stderr "$TWTUNE" --sysctl-rot /x get
	assert_equal "$stderr" "twtune: unknown option '--sysctl-rot'; did you mean '--sysctl-root'?"
	make_sysctl_root "$BATS_TEST_TMPDIR/sys"
	run -2 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get tcp_tw_reuze
	assert_equal "$stderr" "twtune: get: unknown key 'tcp_tw_reuze'; did you mean 'tcp_tw_reuse'?"
	run -2 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get net.ipv4.tcp_fin_timout
	assert_equal "$stderr" "twtune: get: unknown key 'net.ipv4.tcp_fin_timout'; did you mean 'net.ipv4.tcp_fin_timeout'?"
	TWTUNE_PROFILE_PATH=$TOP/profiles run -3 --separate-stderr "$TWTUNE" show proxy-profil
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^twtune: show: profile 'proxy-profil' not found \(looked in .*\); did you mean 'proxy-profile'\?$"
	TWTUNE_PROFILE_PATH=$TOP/profiles run -3 --separate-stderr "$TWTUNE" show web-srver
	assert_regex "$stderr" "did you mean 'web-server'\?$"
	# nothing close: the plain message, with its hint
	TWTUNE_PROFILE_PATH=$TOP/profiles run -3 --separate-stderr "$TWTUNE" show zzzzzz
	refute_output --partial "did you mean"
	[[ $stderr != *"did you mean"* ]]
	run -2 --separate-stderr "$TWTUNE" get --frobnicate
	assert_equal "$stderr" "twtune: get: unknown option '--frobnicate'; see 'twtune get --help'"
}

@test "global options count after the command too; -- ends the options" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse=0 tcp_tw_reuse_delay=-
	run -0 --separate-stderr "$TWTUNE" get --sysctl-root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse
	assert_output "net.ipv4.tcp_tw_reuse = 0"
	# -q after the command silences the warning as before it
	run -0 --separate-stderr "$TWTUNE" get --sysctl-root "$BATS_TEST_TMPDIR/sys"
	assert_equal "$stderr" "twtune: warning: net.ipv4.tcp_tw_reuse_delay: not supported by this kernel"
	run -0 --separate-stderr "$TWTUNE" get --sysctl-root "$BATS_TEST_TMPDIR/sys" -q
	assert_equal "$stderr" ""
	run -0 --separate-stderr "$TWTUNE" get -v --sysctl-root="$BATS_TEST_TMPDIR/sys" tcp_tw_reuse
	# audit -q and audit --no-color
	run -0 "$TWTUNE" audit -q --sysctl-root "$BATS_TEST_TMPDIR/sys" --fail-on never --no-color
	run -0 script -qec "TERM=xterm NO_COLOR= $TWTUNE audit --sysctl-root $BATS_TEST_TMPDIR/sys --fail-on never --no-color" /dev/null
	[[ $output != *$'\e['* ]]
	# a bad value or a missing one after the command: the command's usage line
	run -2 --separate-stderr "$TWTUNE" get --sysctl-root /nonexistent
	assert_equal "$stderr" "twtune: --sysctl-root '/nonexistent': No such file or directory (it must hold net/ipv4)"
	run -2 --separate-stderr "$TWTUNE" get --netns
	assert_equal "$stderr" "twtune: get: option '--netns' needs a value; see 'twtune get --help'"
	run -2 --separate-stderr "$TWTUNE" get --netns 'a b'
	assert_equal "$stderr" "twtune: --netns 'a b': not a namespace name ([A-Za-z0-9._-]) or a path"
	# --version answers after the command as before it
	run -0 "$TWTUNE" get --version
	assert_output --regexp '^twtune [0-9]+\.[0-9]+\.[0-9]+$'
	# -- ends the options: what follows is an argument
	run -2 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" get -- --json
	assert_equal "$stderr" "twtune: get: unknown key '--json'; see 'twtune get --help'"
	run -0 "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" -- get tcp_tw_reuse
	assert_output "net.ipv4.tcp_tw_reuse = 0"
	# --all-netns after a command that cannot take it is refused as before it
	run -2 --separate-stderr "$TWTUNE" profiles --all-netns
	assert_equal "$stderr" "twtune: --all-netns works with get, sockets, audit, diff, watch and rollback, not profiles; see 'twtune help'"
	run -2 --separate-stderr "$TWTUNE" apply --all-netns --check x
	assert_equal "$stderr" "twtune: --all-netns: apply works on one namespace: use --netns NAME|PATH; see 'twtune help'"
}

@test "--color=auto|always|never; auto needs a terminal with colours" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse=0
	local a="--sysctl-root $BATS_TEST_TMPDIR/sys audit --fail-on never"
	# always: even into a pipe, and over NO_COLOR; --color alone is always
	run -0 "$TWTUNE" --color=always $a
	[[ $output == *$'\e['* ]]
	NO_COLOR=1 run -0 "$TWTUNE" $a --color
	[[ $output == *$'\e['* ]]
	run -0 "$TWTUNE" --color=auto $a
	[[ $output != *$'\e['* ]]
	command -v script >/dev/null || skip "script(1) is not installed"
	run -0 script -qec "TERM=xterm NO_COLOR= $TWTUNE --color=auto $a" /dev/null
	[[ $output == *$'\e['* ]]
	run -0 script -qec "TERM=xterm NO_COLOR= $TWTUNE --color=never $a" /dev/null
	[[ $output != *$'\e['* ]]
	# the last one given wins
	run -0 script -qec "TERM=xterm NO_COLOR= $TWTUNE --color=never $a --color=auto" /dev/null
	[[ $output == *$'\e['* ]]
	# no escapes for a dumb terminal, none without TERM, none for a type
	# without colours (vt100) or one terminfo does not know
	for t in TERM=dumb "-u TERM" TERM=vt100 TERM=no-such-terminal; do
		run -0 script -qec "env $t NO_COLOR= $TWTUNE $a" /dev/null
		[[ $output != *$'\e['* ]] || { echo "escapes with $t"; false; }
		[[ $output == *"twtune audit"* ]]
	done
	run -2 --separate-stderr "$TWTUNE" --color=sometimes $a
	assert_equal "$stderr" "twtune: --color 'sometimes': use auto, always or never; see 'twtune help'"
	run -2 --separate-stderr "$TWTUNE" $a --color=sometimes
	assert_equal "$stderr" "twtune: audit: --color 'sometimes': use auto, always or never; see 'twtune audit --help'"
}

@test "watch needs a capable terminal: TERM dumb, unset or unknown is exit 2, --once still works" {
	command -v script >/dev/null || skip "script(1) is not installed"
	make_sysctl_root "$BATS_TEST_TMPDIR/sys"
	for t in TERM=dumb "-u TERM" TERM=no-such-terminal; do
		run -2 script -qec "env $t $TWTUNE --sysctl-root $BATS_TEST_TMPDIR/sys watch" /dev/null
		assert_output --partial "twtune: watch: needs a capable terminal: TERM "
		assert_output --partial "cannot move the cursor or clear the screen (--once prints one frame as text)"
		[[ $output != *$'\e[?1049h'* ]]
	done
	run -0 script -qec "env -u TERM $TWTUNE --sysctl-root $BATS_TEST_TMPDIR/sys watch --once --interval 0.1" /dev/null
	[[ $output != *$'\e['* ]]
}

@test "help fits 80 columns: twtune help and every command's --help" {
	local c bad=
	for c in "" audit diff apply rollback sockets observe watch get profiles show help; do
		run -0 "$TWTUNE" help $c
		bad+=$(awk -v c="${c:-help}" 'length($0) > 80 { print c ": " length($0) ": " $0 }' <<<"$output")
		run -0 "$TWTUNE" ${c:+"$c"} --help
		bad+=$(awk -v c="${c:-help}" 'length($0) > 80 { print c ": " length($0) ": " $0 }' <<<"$output")
	done
	assert_equal "$bad" ""
	# a wrapped summary goes on under its command, a wrapped synopsis under it
	run -0 "$TWTUNE" help
	assert_line --regexp '^             [a-z]'
	run -0 "$TWTUNE" audit --help
	assert_line --index 1 --regexp '^              \['
}
