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
	run -0 script -qec "NO_COLOR= $TWTUNE --sysctl-root $BATS_TEST_TMPDIR/sys audit --fail-on never" /dev/null
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
