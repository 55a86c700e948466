#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test: the C unit tests and the bats files, all speaking TAP,
# and ends with one line: "N passed, N failed".
#   TWTUNE=path/to/twtune BUILD=path/to/build bash tests/run.sh [FILE.bats...]
set -u
cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=$PWD/build}" "${TWTUNE:=$PWD/twtune}"
export TWTUNE BUILD

pass=0 fail=0 skip=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT

# count FILE: reads TAP, echoes it, adds up the results.
count() {
	local line n=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*"# skip"*) skip=$((skip + 1)); n=$((n + 1)) ;;
		"ok "*) pass=$((pass + 1)); n=$((n + 1)) ;;
		"not ok "*) fail=$((fail + 1)); n=$((n + 1)) ;;
		esac
	done <"$1"
	return $((n == 0))
}

if [ $# -eq 0 ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "# unit: ${t##*/}"
		"$t" >"$out" 2>&1
		rc=$?
		if ! count "$out" || { [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; }; then
			echo "not ok - ${t##*/} exited $rc"
			fail=$((fail + 1))
		fi
	done
	set -- tests/*.bats
fi
echo "# bats: $*"
bats --tap "$@" >"$out" 2>&1
rc=$?
if ! count "$out" || { [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; }; then
	echo "not ok - bats exited $rc"
	fail=$((fail + 1))
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
