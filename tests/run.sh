#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test: the C unit tests and the bats files, all speaking TAP,
# and ends with one line: "N passed, N failed" (", N skipped" may follow).
#   TWTUNE=path/to/build/test/twtune BUILD=path/to/build bash tests/run.sh [FILE.bats...]
#
# The unit tests run side by side. The bats files run in two groups (see
# tests/README.md): the parallel group with bats --jobs, one file per job
# (the tests of a file one after another), then the serial group, one test
# at a time, with nothing of this suite beside it.
#   TEST_JOBS=N   jobs of the parallel group (default: the number of CPUs);
#                 1 runs it like the serial group and needs no GNU parallel
#   TEST_SKIP="deb build"   bats files to leave out (with or without .bats);
#                 their tests count as skipped. make test SANITIZE=... sets it.
set -u
cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=$PWD/build}"
: "${TWTUNE:=$BUILD/test/twtune}"
export TWTUNE BUILD

# The serial group: files whose tests time things or measure rates, watch
# every namespace (eBPF, --all-netns), drive tmux, or share host-wide state
# with other files. Every other file runs in the parallel group.
SERIAL="advice allnetns audit_interval audit_observe bench capacity conntrack_allnetns nsscan observe watch watch_allnetns"
# The slowest files of the parallel group, slowest first: they start
# first, and the quick ones fill the other jobs around them.
SLOW="build ansible docs deb badinput interrupt valgrind completions"

jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in
'' | *[!0-9]* | 0) echo "run.sh: TEST_JOBS '$jobs': use a whole number of jobs, 1 or more" >&2; exit 2 ;;
esac

# bats --jobs needs GNU parallel; moreutils' parallel, a program of the
# same name, makes bats fail in ways that do not say so.
if [ "$jobs" -gt 1 ] && ! parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel'; then
	echo "run.sh: bats --jobs needs GNU parallel, and 'parallel --version' does not say GNU parallel: apt-get install parallel (make deps DEPS=\"build test\"), or TEST_JOBS=1" >&2
	exit 2
fi
for w in ${TEST_SKIP:-}; do
	[ -e "tests/${w%.bats}.bats" ] || { echo "run.sh: TEST_SKIP names ${w}, but there is no tests/${w%.bats}.bats" >&2; exit 2; }
done

pass=0 fail=0 skip=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

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

# tap_run NAME RC FILE: counts FILE's TAP; a run that printed no result,
# or failed without a failing test, is one failure more.
tap_run() {
	if ! count "$3" || { [ "$2" -ne 0 ] && ! grep -q '^not ok' "$3"; }; then
		echo "not ok - $1 exited $2"
		fail=$((fail + 1))
	fi
}

# in_list NAME LIST: whether NAME (a file's name without .bats) is in LIST.
in_list() {
	local w
	for w in $2; do [ "${w%.bats}" = "$1" ] && return 0; done
	return 1
}

if [ $# -eq 0 ]; then
	# The unit tests, all at once: each is one quick process. Their
	# output is counted in the order of their names.
	units=()
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		units+=("$t")
		"$t" >"$tmp/${t##*/}.tap" 2>&1 &
		echo $! >"$tmp/${t##*/}.pid"
	done
	for t in "${units[@]}"; do
		wait "$(cat "$tmp/${t##*/}.pid")"
		rc=$?
		echo "# unit: ${t##*/}"
		tap_run "${t##*/}" "$rc" "$tmp/${t##*/}.tap"
	done
	set -- tests/*.bats
fi

# The files given, the slow ones of the parallel group first.
files=()
for w in $SLOW; do
	for f in "$@"; do
		[ "${f##*/}" = "$w.bats" ] && files+=("$f")
	done
done
for f in "$@"; do
	name=${f##*/}
	in_list "${name%.bats}" "$SLOW" || files+=("$f")
done

par=() ser=() left=()
for f in "${files[@]}"; do
	name=${f##*/}
	name=${name%.bats}
	if in_list "$name" "${TEST_SKIP:-}"; then
		left+=("$f")
	elif in_list "$name" "$SERIAL"; then
		ser+=("$f")
	else
		par+=("$f")
	fi
done

for f in ${left[@]+"${left[@]}"}; do
	n=$(bats --count "$f" 2>/dev/null) || n=0
	echo "# TEST_SKIP: ${f##*/} left out, its $n tests counted as skipped"
	skip=$((skip + n))
done

if [ ${#par[@]} -gt 0 ]; then
	if [ "$jobs" -gt 1 ]; then
		echo "# bats, parallel group, $jobs jobs: ${par[*]}"
		bats --tap --jobs "$jobs" --no-parallelize-within-files "${par[@]}" >"$tmp/par.tap" 2>&1
	else
		echo "# bats, parallel group, one job: ${par[*]}"
		bats --tap "${par[@]}" >"$tmp/par.tap" 2>&1
	fi
	tap_run "bats (parallel group)" $? "$tmp/par.tap"
fi

if [ ${#ser[@]} -gt 0 ]; then
	echo "# bats, serial group: ${ser[*]}"
	bats --tap "${ser[@]}" >"$tmp/ser.tap" 2>&1
	tap_run "bats (serial group)" $? "$tmp/ser.tap"
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
