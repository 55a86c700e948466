#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The libFuzzer harnesses of tests/fuzz/ (built by make test-tools with
# clang, ASan and UBSan): every seed and every crash reproducer runs clean,
# then each harness fuzzes for a few seconds from a fixed seed. Longer runs:
# make fuzz FUZZ_SECONDS=N.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	FUZZ="$BUILD/fuzz"
	# the profile harness writes its files under TMPDIR
	export TMPDIR="$BATS_TEST_TMPDIR"
}

harnesses() {
	local f
	for f in "$TOP"/tests/fuzz/fuzz_*.c; do
		f=${f##*/}
		echo "${f%.c}"
	done
}

# replay HARNESS: runs every file of its seed corpus and its reproducers once.
replay() {
	local h=$1 files
	shopt -s nullglob
	files=("$TOP/tests/fuzz/corpus/$h"/* "$TOP/tests/fuzz/regress/$h"/*)
	[ -e "${files[0]}" ] || { echo "no inputs for $h" >&2; return 1; }
	run "$FUZZ/$h" -artifact_prefix="$BATS_TEST_TMPDIR/" "${files[@]}"
	[ "$status" -eq 0 ] || { echo "$output" | tail -n 40; return 1; }
	# libFuzzer names every input it ran
	[ "$(grep -c '^Running: ' <<<"$output")" -eq "${#files[@]}" ]
}

# fuzz HARNESS: a bounded run (count and time) from a fixed seed; what it
# finds goes to the test's own directory.
fuzz() {
	local h=$1
	mkdir -p "$BATS_TEST_TMPDIR/corpus"
	run "$FUZZ/$h" -seed=1 -runs=20000 -max_total_time=3 -timeout=10 \
		-artifact_prefix="$BATS_TEST_TMPDIR/" "$BATS_TEST_TMPDIR/corpus" \
		"$TOP/tests/fuzz/corpus/$h" "$TOP/tests/fuzz/regress/$h"
	[ "$status" -eq 0 ] || { echo "$output" | tail -n 40; return 1; }
	grep -q '^Done [0-9]* runs in' <<<"$output"
}

@test "every harness is built and has seeds and a regression directory" {
	run -0 harnesses
	assert_equal "${#lines[@]}" 6
	for h in $(harnesses); do
		[ -x "$FUZZ/$h" ]
		[ -n "$(ls "$TOP/tests/fuzz/corpus/$h")" ]
		[ -d "$TOP/tests/fuzz/regress/$h" ]
	done
}

@test "fuzz_profile: seeds and reproducers run clean" { replay fuzz_profile; }
@test "fuzz_value: seeds and reproducers run clean" { replay fuzz_value; }
@test "fuzz_procnet: seeds and reproducers run clean" { replay fuzz_procnet; }
@test "fuzz_diag: seeds and reproducers run clean" { replay fuzz_diag; }
@test "fuzz_cgroup: seeds and reproducers run clean" { replay fuzz_cgroup; }
@test "fuzz_conntrack: seeds and reproducers run clean" { replay fuzz_conntrack; }

@test "fuzz_profile: a short fuzz run finds nothing" { fuzz fuzz_profile; }
@test "fuzz_value: a short fuzz run finds nothing" { fuzz fuzz_value; }
@test "fuzz_procnet: a short fuzz run finds nothing" { fuzz fuzz_procnet; }
@test "fuzz_diag: a short fuzz run finds nothing" { fuzz fuzz_diag; }
@test "fuzz_cgroup: a short fuzz run finds nothing" { fuzz fuzz_cgroup; }
@test "fuzz_conntrack: a short fuzz run finds nothing" { fuzz fuzz_conntrack; }
