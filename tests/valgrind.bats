#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind memcheck on the read-only commands: zero errors, no definitely
# lost bytes. Each runs in its own network namespace with live sockets
# from sockgen, so the sock_diag and report paths are exercised.

bats_require_minimum_version 1.5.0

setup_file() {
	# valgrind cannot run an AddressSanitizer build: check a plain build of
	# the same sources instead.
	export VG_TWTUNE="${TWTUNE:-$BATS_TEST_DIRNAME/../build/test/twtune}"
	if nm -D "$VG_TWTUNE" 2>/dev/null | grep -q '__asan_init'; then
		local copy="$BATS_FILE_TMPDIR/tree"
		mkdir -p "$copy"
		cp -r "$BATS_TEST_DIRNAME/../src" "$BATS_TEST_DIRNAME/../profiles" \
			"$BATS_TEST_DIRNAME/../Makefile" "$copy/"
		make -C "$copy" -s SANITIZE= BUILD=build-vg twtune >/dev/null
		VG_TWTUNE="$copy/twtune"
	fi
}

setup() {
	load 'test_helper/common-setup'
	_common_setup
	command -v valgrind >/dev/null || fail "valgrind is not installed: make deps DEPS='build test'"
	export VG_LOG="$BATS_TEST_TMPDIR/vg.log" S="$BATS_TEST_TMPDIR/state"
}

# memcheck ARGS...: twtune ARGS under valgrind, in a new namespace holding
# TIME_WAIT, ESTABLISHED, CLOSE_WAIT and listening sockets. Fails on any
# memcheck error or definite leak (exit 99), printing valgrind's log.
memcheck() {
	run --separate-stderr in_netns bash -c '
		source "$TOP/tests/test_helper/common-setup.bash"
		sockgen_hold --port 8080-8083 --tw-client 40 --established 6 --close-wait 5 \
			--listen 45000 --hold 60 || exit 90
		rc=0
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite --track-origins=yes --log-file="$VG_LOG" \
			"$VG_TWTUNE" --profile-dir "$TOP/profiles" "$@" || rc=$?
		kill "$SOCKGEN_PID" 2>/dev/null
		exit $rc' _ "$@"
	# valgrind knows no NS_GET_NSTYPE (ioctl 0xb703, which --all-netns asks
	# of a namespace file bound elsewhere) and says so in three lines: not
	# an error of twtune's; every other line of the log fails the test
	local log
	log=$(grep -v -e 'Warning: noted but unhandled ioctl 0xb703 ' \
		-e '   This could cause spurious value errors to appear\.' \
		-e '   See README_MISSING_SYSCALL_OR_IOCTL for guidance' "$VG_LOG" || true)
	if [ "$status" -eq 99 ] || [ -n "$log" ]; then
		cat "$VG_LOG"
		return 1
	fi
}

@test "memcheck: get" {
	memcheck get
	assert_success
	assert_line --partial 'net.ipv4.tcp_tw_reuse = '
	memcheck get --json tcp_fin_timeout tcp_tw_reuse
	assert_success
}

@test "memcheck: show" {
	memcheck show proxy-profile
	assert_success
	memcheck show --json proxy-profile
	assert_success
}

@test "memcheck: sockets" {
	memcheck sockets
	assert_success
	assert_output --partial 'TIME_WAIT'
	memcheck sockets --json
	assert_success
	run -0 jq -r '.states.TIME_WAIT' <<<"$output"
	[ "$output" -ge 40 ]
}

@test "memcheck: watch --once" {
	memcheck watch --once --interval 0.2
	assert_success
	assert_line --regexp '^TIME_WAIT +[1-9][0-9]* '
	assert_line --regexp '127\.0\.0\.1 > 127\.0\.0\.1:808[0-3] '
}

@test "memcheck: --all-netns watch --once" {
	memcheck --all-netns watch --once --interval 0.2
	assert_success
	assert_line --regexp '^TIME_WAIT [0-9]+ in all  closes/s '
	assert_line --regexp '^  RISK +NAMESPACE '
}

@test "memcheck: audit" {
	memcheck audit --fail-on never
	assert_success
	memcheck audit --json --fail-on never proxy-profile
	assert_success
}

@test "memcheck: apply --check" {
	memcheck apply --check --state-dir "$S" proxy-profile
	assert_success
	assert_output --partial 'nothing was written'
	memcheck apply --check --json --state-dir "$S" web-server
	assert_success
	[ ! -e "$S/journal" ]
}

@test "memcheck: a bad profile and a usage error leak nothing either" {
	mkdir -p "$BATS_TEST_TMPDIR/prof"
	printf '[profile]\ninclude = proxy-profile\n[sysctl]\ntcp_tw_reuse = 9\n' >"$BATS_TEST_TMPDIR/prof/bad.ini"
	memcheck --profile-dir "$BATS_TEST_TMPDIR/prof" show bad
	assert_equal "$status" 3
	memcheck apply --check --state-dir "$S" "$BATS_TEST_TMPDIR/prof/bad.ini"
	assert_equal "$status" 3
	memcheck audit --top many
	assert_equal "$status" 2
}
