#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune audit --interval against the real kernel: the close rate measured
# from TcpExt TW over a window of 3 s, with the closes made 1 s into it.
# It times things, so it is in the serial group (tests/README.md); the
# rest of audit is in tests/audit.bats.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export SG="$BUILD/tests/sockgen"
}

@test "--interval measures the close rate from TcpExt TW" {
	run -0 scenario '
		"$TWTUNE" audit --json --interval 3 > "$BATS_TEST_TMPDIR/a.json" &
		sleep 1
		"$SG" --port 8080 --tw-client 150
		wait $!'
	# 150 closes over the window as measured: 3 s and the sleep's and the
	# dump's overshoot (a few ms on a loaded machine: 47..50/s)
	run -0 jq -r '.close_rate | "\(.measured) \(.interval)"' "$BATS_TEST_TMPDIR/a.json"
	assert_output 'true 3'
	run -0 jq -e '.close_rate.per_second >= 47 and .close_rate.per_second <= 50' "$BATS_TEST_TMPDIR/a.json"
}
