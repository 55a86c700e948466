#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 22 item 13: untrusted text at the output edge. Processes named
# e<ESC>[2Jx and <0xff>gen hold sockets in a private namespace; every
# format stays clean: the terminal output has no ESC and no byte that is
# not UTF-8 (the names shown as ps shows them, '?' for each bad byte),
# JSON passes python3 -m json.tool, Prometheus passes promtool check
# metrics. Error messages that quote a profile's text are sanitized too.
# The sanitizer itself: tests/unit/test_sanitize.c.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export ESC_NAME=$'e\x1b[2Jx' FF_NAME=$'\xffgen'
	cp "$BUILD/tests/sockgen" "$BATS_TEST_TMPDIR/$ESC_NAME"
	cp "$BUILD/tests/sockgen" "$BATS_TEST_TMPDIR/$FF_NAME"
	export D=$BATS_TEST_TMPDIR
	# both hold live sockets towards a destination each, so that the
	# owners of those destinations are named
	export SCENARIO_SETUP='
		hostile() { local out=$(mktemp); "$@" >"$out" & for ((i = 0; i < 100; i++)); do grep -q ready "$out" && break; sleep 0.1; done; }
		hostile "$D/$ESC_NAME" --port 8080 --established 3 --tw-client 20 --hold 30
		hostile "$D/$FF_NAME" --port 8081 --established 2 --tw-client 10 --hold 30'
}

# clean FILE: no ESC, no other C0 control but newline, valid UTF-8
clean() {
	run -1 grep -c $'\x1b' "$1"
	run -1 grep -cP '[\x00-\x08\x0b-\x1f\x7f]' "$1"
	run -0 iconv -f UTF-8 -t UTF-8 "$1"
}

@test "audit text: hostile process names reach the terminal as ps shows them" {
	run -0 scenario '"$TWTUNE" --color=never audit --fail-on never'
	printf '%s\n' "$output" >"$D/a.txt"
	clean "$D/a.txt"
	run -0 grep -F 'e?[2Jx (pid ' "$D/a.txt"
	run -0 grep -F '?gen (pid ' "$D/a.txt"
}

@test "audit --json: valid UTF-8, the names with U+FFFD and the escape kept as \\u001b" {
	run -0 scenario '"$TWTUNE" audit --json --fail-on never'
	printf '%s\n' "$output" >"$D/a.json"
	run -0 python3 -m json.tool "$D/a.json"
	run -0 grep -cF '"comm":"e\u001b[2Jx"' "$D/a.json"
	run -0 grep -cF '"comm":"'$'\xef\xbf\xbd''gen"' "$D/a.json"
	run -1 grep -c $'\x1b' "$D/a.json"
}

@test "audit --format prometheus: promtool clean with hostile process names" {
	run -0 scenario '"$TWTUNE" audit --format prometheus --fail-on never'
	printf '%s\n' "$output" >"$D/m.prom"
	run -0 promtool check metrics <"$D/m.prom"
	run -0 grep -c '^twtune_pool_ports_used{' "$D/m.prom"
	assert_output 2
	clean "$D/m.prom"
}

@test "sockets text and JSON: hostile process names" {
	run -0 scenario '"$TWTUNE" --color=never sockets'
	printf '%s\n' "$output" >"$D/s.txt"
	clean "$D/s.txt"
	run -0 grep -F 'e?[2Jx (pid ' "$D/s.txt"
	run -0 scenario '"$TWTUNE" sockets --json'
	printf '%s\n' "$output" >"$D/s.json"
	run -0 python3 -m json.tool "$D/s.json"
	run -1 grep -c $'\x1b' "$D/s.json"
}

@test "watch --once: hostile process names" {
	run -0 scenario '"$TWTUNE" --color=never watch --once'
	printf '%s\n' "$output" >"$D/w.txt"
	clean "$D/w.txt"
	run -0 grep -F 'e?[2Jx' "$D/w.txt"
}

@test "an error that quotes a profile's text: no C1 control, no bad UTF-8 reaches the terminal" {
	# C0 controls make the loader refuse the file (saying where); C1 CSI
	# (U+009B) and 0xff pass it and are quoted in the error
	printf '[sysctl]\n\xc2\x9b31m\xff = 1\n' >"$D/evil.ini"
	run -3 --separate-stderr "$TWTUNE" show "$D/evil.ini"
	printf '%s\n' "$stderr" >"$D/err.txt"
	clean "$D/err.txt"
	run -1 grep -c $'\xc2\x9b' "$D/err.txt"
	run -0 grep -F "unknown key '?31m?'" "$D/err.txt"
	# a line like /etc/shadow's first, with bytes that are not UTF-8
	printf 'root:\xff\xfe$y$j9T$\xc2\x85x:19000:0:99999:7:::\n' >"$D/shadow"
	run -3 --separate-stderr "$TWTUNE" audit "$D/shadow"
	printf '%s\n' "$stderr" >"$D/err.txt"
	clean "$D/err.txt"
	run -0 grep -F 'root:??$y$j9T$?x:19000' "$D/err.txt"
}
