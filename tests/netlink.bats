#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Netlink robustness: a dump recorded live (TWTUNE_DIAG_RECORD) in a private
# namespace, then broken on purpose (tests/test_helper/nlcraft.py) and
# replayed (TWTUNE_DIAG_REPLAY) in the same namespace. A broken dump is never
# reported as whole: twtune reads /proc/net/tcp instead and says so, or,
# when that fails too, says what is wrong in one line.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	# scenario (test_helper/scenario.bash) runs a script in a fresh namespace
	# holding 40 TIME_WAIT sockets over IPv4 and 6 over IPv6, with
	# $D/rec.bin recorded from a live dump: one dump per family (two
	# NLMSG_DONE), or in one walk with PF=0 (one NLMSG_DONE).
	SCENARIO_SETUP='
		"$SG" --port 8080 --tw-client 40
		"$SG" --addr ::1 --port 8081 --tw-client 6
		TWTUNE_DIAG_PER_FAMILY=${PF:-1} TWTUNE_DIAG_RECORD="$D/rec.bin" \
			"$TWTUNE" sockets --json --no-processes >"$D/live.json"'
	export SG="$BUILD/tests/sockgen" CRAFT="$TOP/tests/test_helper/nlcraft.py"
	export D="$BATS_TEST_TMPDIR"
}

# replay NAME: twtune sockets --json over the dump $D/NAME.bin, into $D/NAME.json
replay_cmd='replay() { TWTUNE_DIAG_REPLAY="$D/$1.bin" "$TWTUNE" sockets --json --no-processes >"$D/$1.json"; }'

@test "a recording holds both families' NLMSG_DONE and replays to the live result" {
	run -0 scenario "$replay_cmd; replay rec"
	run -0 python3 "$CRAFT" "$D/rec.bin" - count
	assert_output "48 2 46" # 46 TIME_WAIT sockets, two NLMSG_DONE
	run -0 jq -r '[.source, .note, .total, .states.TIME_WAIT] | @csv' "$D/live.json"
	assert_output '"sock_diag",,46,46'
	# the kernel's counters are read again, and may have moved
	run -0 diff <(jq -S 'del(.counters)' "$D/live.json") <(jq -S 'del(.counters)' "$D/rec.json")
}

@test "a dump without its last NLMSG_DONE: /proc/net/tcp instead, with a note" {
	run -0 scenario "$replay_cmd
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/t.bin\" no-last-done
		replay t"
	run -0 jq -r '.source' "$D/t.json"; assert_output procfs
	run -0 jq -r '.note' "$D/t.json"
	assert_output 'the sock_diag dump ended before its NLMSG_DONE; sockets counted from /proc/net/tcp instead'
	# the whole truth from procfs, not the half of the dump
	run -0 diff <(jq -S 'del(.source, .note, .counters)' "$D/live.json") \
		<(jq -S 'del(.source, .note, .counters)' "$D/t.json")
}

@test "a dump cut inside a message is malformed, at any of 6 cuts" {
	run -0 scenario "$replay_cmd
		size=\$(stat -c %s \"\$D/rec.bin\")
		for i in \$(seq 1 6); do
			python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/c\$i.bin\" cut \$((size * i / 7 + 5))
			replay c\$i
		done"
	for i in $(seq 1 6); do
		run -0 jq -r '[.source, .total, .states.TIME_WAIT] | @csv' "$D/c$i.json"
		assert_output '"procfs",46,46'
		run -0 jq -r .note "$D/c$i.json"
		assert_output --regexp '^the sock_diag dump (held a malformed netlink message|ended before its NLMSG_DONE); '
	done
}

@test "NLMSG_ERROR in the middle of the dump names the kernel's error" {
	run -0 scenario "$replay_cmd
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/e.bin\" error-after 20 105
		replay e
		TWTUNE_DIAG_REPLAY=\"\$D/e.bin\" NO_COLOR=1 \"\$TWTUNE\" sockets > \"\$D/e.txt\""
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/e.json"
	assert_output '"procfs",46,"the kernel failed the sock_diag dump (No buffer space available); sockets counted from /proc/net/tcp instead"'
	run -0 sed -n 2p "$D/e.txt"
	assert_output 'note: the kernel failed the sock_diag dump (No buffer space available); sockets counted from /proc/net/tcp instead'
}

@test "NLMSG_DONE carrying an error fails the dump" {
	run -0 scenario "$replay_cmd
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/d.bin\" done-error 12
		replay d"
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/d.json"
	assert_output '"procfs",46,"the kernel failed the sock_diag dump (Cannot allocate memory); sockets counted from /proc/net/tcp instead"'
}

@test "NLM_F_DUMP_INTR: counted again from nothing, 5 times at most, as live" {
	run -0 scenario "$replay_cmd
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/i5.bin\" intr 5
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/i6.bin\" intr 6
		replay i5; replay i6"
	# five interrupted attempts, then a whole one: the whole one counts, once
	run -0 diff <(jq -S 'del(.counters)' "$D/live.json") <(jq -S 'del(.counters)' "$D/i5.json")
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/i6.json"
	assert_output '"procfs",46,"the sock_diag dump was interrupted (NLM_F_DUMP_INTR) on all 6 attempts; sockets counted from /proc/net/tcp instead"'
}

@test "audit notes the fallback in text and JSON" {
	run -0 scenario "
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/t.bin\" no-last-done
		TWTUNE_DIAG_REPLAY=\"\$D/t.bin\" \"\$TWTUNE\" audit --json --fail-on never > \"\$D/a.json\"
		TWTUNE_DIAG_REPLAY=\"\$D/t.bin\" \"\$TWTUNE\" --no-color audit --fail-on never > \"\$D/a.txt\""
	run -0 jq -r '[.sockets.source, .sockets.total, .sockets.note] | @csv' "$D/a.json"
	assert_output '"procfs",46,"the sock_diag dump ended before its NLMSG_DONE; sockets counted from /proc/net/tcp instead"'
	run -0 sed -n 1,2p "$D/a.txt"
	assert_line --index 0 --partial '  sockets procfs'
	assert_line --index 1 'note: the sock_diag dump ended before its NLMSG_DONE; sockets counted from /proc/net/tcp instead'
}

@test "a broken dump and no /proc/net/tcp: one line naming both, exit 4" {
	run -0 scenario "
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/e.bin\" error-after 3 105
		mkdir \"\$D/empty\"
		set +e
		TWTUNE_DIAG_REPLAY=\"\$D/e.bin\" TWTUNE_PROC_NET=\"\$D/empty\" \"\$TWTUNE\" sockets \
			> \"\$D/s.out\" 2> \"\$D/s.err\"
		echo \$? > \"\$D/s.rc\"
		TWTUNE_DIAG_REPLAY=\"\$D/e.bin\" TWTUNE_PROC_NET=\"\$D/empty\" \"\$TWTUNE\" audit --json \
			--fail-on never > \"\$D/a.out\" 2> \"\$D/a.err\"
		echo \$? > \"\$D/a.rc\""
	run -0 cat "$D/s.rc"; assert_output 4
	run -0 cat "$D/s.out"; assert_output ''
	run -0 cat "$D/s.err"
	assert_output 'twtune: sockets: cannot list sockets: the kernel failed the sock_diag dump (No buffer space available), and /proc/net/tcp: No such file or directory'
	# audit judges the settings alone, and says why in one line
	run -0 cat "$D/a.rc"; assert_output 0
	run -0 jq -r .sockets "$D/a.out"; assert_output null
	run -0 cat "$D/a.err"
	assert_output 'twtune: warning: audit: cannot list sockets (the kernel failed the sock_diag dump (No buffer space available), and /proc/net/tcp: No such file or directory); judging the settings only'
}

@test "an empty or missing replay file" {
	run -0 scenario "$replay_cmd
		: > \"\$D/empty.bin\"
		replay empty"
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/empty.json"
	assert_output '"procfs",46,"the sock_diag dump ended before its NLMSG_DONE; sockets counted from /proc/net/tcp instead"'
	run -4 --separate-stderr env TWTUNE_DIAG_REPLAY="$D/nope.bin" "$TWTUNE" sockets
	assert_equal "$stderr" 'twtune: sockets: cannot list sockets: No such file or directory'
}

@test "TWTUNE_DIAG_RECORD makes a new file: a planted symbolic link or a file there is refused, untouched" {
	printf 'secret\n' >"$D/target"
	chmod 0600 "$D/target"
	ln -s "$D/target" "$D/link.bin"
	run -4 --separate-stderr in_netns env TWTUNE_DIAG_RECORD="$D/link.bin" "$TWTUNE" sockets --no-processes
	assert_equal "$stderr" 'twtune: sockets: cannot list sockets: File exists'
	run -0 cat "$D/target"; assert_output secret
	run -4 --separate-stderr in_netns env TWTUNE_DIAG_RECORD="$D/target" "$TWTUNE" sockets --no-processes
	assert_equal "$stderr" 'twtune: sockets: cannot list sockets: File exists'
	run -0 cat "$D/target"; assert_output secret
	# a new file is made, mode 0600
	run -0 in_netns env TWTUNE_DIAG_RECORD="$D/new.bin" "$TWTUNE" sockets --no-processes
	run -0 stat -c %a "$D/new.bin"; assert_output 600
}

@test "a live dump across many receive buffers is whole, and replays the same" {
	run -0 scenario "$replay_cmd
		\"\$SG\" --port 9000 --tw-client 1000
		TWTUNE_DIAG_RECORD=\"\$D/big.bin\" \"\$TWTUNE\" sockets --json --no-processes > \"\$D/big-live.json\"
		ss -tanH | wc -l > \"\$D/ss.count\"
		replay big"
	run -0 jq -r '[.source, .note, .total] | @csv' "$D/big-live.json"
	assert_output "\"sock_diag\",,$(cat "$D/ss.count")"
	run -0 jq -r .states.TIME_WAIT "$D/big-live.json"; assert_output 1046
	run -0 python3 "$CRAFT" "$D/big.bin" - count
	assert_output '1047 1 1046' # recorded live in one walk: one NLMSG_DONE
	run -0 diff <(jq -S 'del(.counters)' "$D/big-live.json") <(jq -S 'del(.counters)' "$D/big.json")
}

@test "one walk: a recording holds one NLMSG_DONE and replays to the live result" {
	PF=0 run -0 scenario "$replay_cmd; replay rec"
	run -0 python3 "$CRAFT" "$D/rec.bin" - count
	assert_output "47 1 46"
	run -0 jq -r '[.source, .note, .total, .states.TIME_WAIT] | @csv' "$D/live.json"
	assert_output '"sock_diag",,46,46'
	run -0 diff <(jq -S 'del(.counters)' "$D/live.json") <(jq -S 'del(.counters)' "$D/rec.json")
}

@test "one walk: without its NLMSG_DONE, cut, or interrupted, as per family" {
	PF=0 run -0 scenario "$replay_cmd
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/t.bin\" no-last-done
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/c.bin\" cut 500
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/i5.bin\" intr 5
		python3 \"\$CRAFT\" \"\$D/rec.bin\" \"\$D/i6.bin\" intr 6
		replay t; replay c; replay i5; replay i6"
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/t.json"
	assert_output '"procfs",46,"the sock_diag dump ended before its NLMSG_DONE; sockets counted from /proc/net/tcp instead"'
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/c.json"
	assert_output '"procfs",46,"the sock_diag dump held a malformed netlink message; sockets counted from /proc/net/tcp instead"'
	run -0 diff <(jq -S 'del(.counters)' "$D/live.json") <(jq -S 'del(.counters)' "$D/i5.json")
	run -0 jq -r '[.source, .total, .note] | @csv' "$D/i6.json"
	assert_output '"procfs",46,"the sock_diag dump was interrupted (NLM_F_DUMP_INTR) on all 6 attempts; sockets counted from /proc/net/tcp instead"'
}
