#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Interruption and file safety of apply and rollback.
#
# twtune's test hook TWTUNE_TEST_KILL_AT=N makes it SIGKILL itself at the
# N-th kill point it reaches (TWTUNE_TEST_KILL_TRACE lists them; see
# src/util/fileutil.h). Each run below is killed at one point, in its own network
# namespace with its own state and sysctl.d directories; then the kernel
# must be unchanged or given back exactly by rollback, the persisted file
# must be the old or the new one byte for byte, no leftover may be loaded by
# systemd-sysctl, and the next rollback and apply must work.

bats_require_minimum_version 1.5.0

# The kill points, in the order apply and rollback reach them. The trace
# test below checks these lists against the program, so the loops cannot
# silently miss a point.
F=90-twtune.conf
ATOMIC='half-written temp-written renamed synced'
APPLY_OLD="locked $(for s in $ATOMIC; do printf 'persist.orig:%s ' $s; done)$(for s in $ATOMIC; do printf 'journal:%s ' $s; done)write-1 write-2 write-3 write-4 $(for s in $ATOMIC; do printf '%s:%s ' $F $s; done)done"
APPLY_ABSENT="locked $(for s in $ATOMIC; do printf 'journal:%s ' $s; done)write-1 write-2 write-3 write-4 $(for s in $ATOMIC; do printf '%s:%s ' $F $s; done)done"
ROLLBACK_OLD="locked write-1 write-2 write-3 write-4 $(for s in $ATOMIC; do printf '%s:%s ' $F $s; done)journal:removed done"
ROLLBACK_ABSENT="locked write-1 write-2 write-3 write-4 $F:removed journal:removed done"

setup() {
	load 'test_helper/common-setup'
	_common_setup
	write_four "$BATS_TEST_TMPDIR/prof"
	export PD="$BATS_TEST_TMPDIR/prof" F
	# The persisted file's time stamp, so that "the new file" is one byte string.
	export SOURCE_DATE_EPOCH=1790000000 LC_ALL=C
	umask 022
}

# The reference: the new persisted file, and the kernel values after a
# complete apply, from a run in a namespace of its own.
reference() {
	local R="$BATS_TEST_TMPDIR/ref"
	mkdir -p "$R/d"
	in_netns bash -c '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$1/state" --persist="$1/d/$F" four >/dev/null &&
			"$TWTUNE" get >"$1/after"' _ "$R"
	cp "$R/d/$F" "$BATS_TEST_TMPDIR/new"
	grep -q '^net.ipv4.tcp_fin_timeout = 30$' "$BATS_TEST_TMPDIR/new"
}

# Inside a namespace: one fresh set of directories in $1, with an old
# persisted file when $2 is "old". Sets S, P, FILE.
fresh() {
	S="$1/state" P="$1/sysctl.d" FILE="$1/sysctl.d/$F"
	mkdir -p "$P"
	if [ "$2" = old ]; then
		printf '# mine, keep me\nnet.ipv4.tcp_fin_timeout = 45\n' >"$FILE"
		cp "$FILE" "$1/old"
	fi
}

die() {
	echo "$*"
	exit 1
}

# Is the persisted file old (or absent, as it was) or new? Fails when it is
# neither: a partial or foreign file.
persisted() {
	if [ -e "$FILE" ] && cmp -s "$FILE" "$BATS_TEST_TMPDIR/new"; then
		echo new
	elif [ -e "$1/old" ] && cmp -s "$FILE" "$1/old"; then
		echo old
	elif [ ! -e "$1/old" ] && [ ! -e "$FILE" ]; then
		echo old
	else
		echo "partial: $(ls -la "$P"; cat "$FILE" 2>&1)"
	fi
}

# Nothing in the sysctl.d directory that systemd-sysctl would load but the
# persisted file itself; with "clean", nothing else at all.
no_leftovers() {
	local f
	for f in "$P"/* "$P"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		[ "$f" = "$FILE" ] && continue
		case $f in
		*.conf) die "$f would be loaded by systemd-sysctl" ;;
		esac
		[ "${1-}" = clean ] && die "$f left behind"
	done
	return 0
}

# Every key is either its value before or the profile's: nothing else.
each_key_old_or_new() {
	local now b a n
	now=$("$TWTUNE" get)
	while IFS='|' read -r b a n; do
		[ "$n" = "$b" ] || [ "$n" = "$a" ] || die "after the kill: $n (before: $b, profile: $a)"
	done < <(paste -d '|' <(echo "$1") "$BATS_TEST_TMPDIR/ref/after" <(echo "$now"))
}

# Inside a namespace: apply killed at point $2 (named $3), old persisted file
# or none ($1), then the checks.
apply_killed_at() {
	local mode=$1 n=$2 name=$3 d="$FS/apply-$1-$2" before rc state out
	fresh "$d" "$mode"
	before=$("$TWTUNE" get)
	rc=0
	TWTUNE_TEST_KILL_AT=$n "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$FILE" four \
		>/dev/null 2>"$d/err" || rc=$?
	[ $rc = 137 ] || die "$name: apply exited $rc, it was not killed: $(cat "$d/err")"

	# Right after the kill.
	case $name in
	locked | persist.orig:* | journal:*)
		[ "$("$TWTUNE" get)" = "$before" ] || die "$name: the kernel changed before the first write" ;;
	*) each_key_old_or_new "$before" ;;
	esac
	state=$(persisted "$d")
	case $name in
	"$F:renamed" | "$F:synced" | done) [ "$state" = new ] || die "$name: persisted file $state, not new" ;;
	*) [ "$state" = old ] || die "$name: persisted file $state, not old" ;;
	esac
	no_leftovers

	# rollback gives back everything, and cleans up.
	"$TWTUNE" rollback --yes --state-dir "$S" >"$d/out" 2>&1 || die "$name: rollback failed: $(cat "$d/out")"
	[ "$("$TWTUNE" get)" = "$before" ] || die "$name: after rollback: $("$TWTUNE" get)"
	[ "$(persisted "$d")" = old ] || die "$name: after rollback the persisted file is $(persisted "$d")"
	no_leftovers clean
	[ ! -e "$S/journal" ] || die "$name: the journal survived rollback"

	# A second rollback does nothing.
	out=$("$TWTUNE" rollback --yes --state-dir "$S" 2>&1) || die "$name: second rollback: $out"
	[ "$out" = "nothing to roll back: no journal in $S" ] || die "$name: second rollback: $out"
	[ "$("$TWTUNE" get)" = "$before" ] || die "$name: the second rollback changed the kernel"
	[ "$(persisted "$d")" = old ] || die "$name: the second rollback changed the persisted file"

	# The next apply works at once (no stale lock), and so does its rollback.
	"$TWTUNE" --profile-dir "$PD" apply --yes --wait 0 --state-dir "$S" --persist="$FILE" four >"$d/out" 2>&1 ||
		die "$name: the next apply failed: $(cat "$d/out")"
	cmp -s <("$TWTUNE" get) "$BATS_TEST_TMPDIR/ref/after" || die "$name: the next apply: $("$TWTUNE" get)"
	[ "$(persisted "$d")" = new ] || die "$name: the next apply did not persist"
	"$TWTUNE" rollback --yes --wait 0 --state-dir "$S" >/dev/null 2>&1 || die "$name: the last rollback failed"
	[ "$("$TWTUNE" get)" = "$before" ] && [ "$(persisted "$d")" = old ] || die "$name: the last rollback"
	[ "$(ls -A "$S")" = lock ] || die "$name: left in the state directory: $(ls -A "$S")"
	no_leftovers clean
}

# Inside a namespace: a complete apply, then rollback killed at point $2
# (named $3), then rollback again.
rollback_killed_at() {
	local mode=$1 n=$2 name=$3 d="$FS/rollback-$1-$2" before rc state out
	fresh "$d" "$mode"
	before=$("$TWTUNE" get)
	"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$FILE" four >/dev/null 2>&1 ||
		die "$name: apply failed"
	rc=0
	TWTUNE_TEST_KILL_AT=$n "$TWTUNE" rollback --yes --state-dir "$S" >/dev/null 2>"$d/err" || rc=$?
	[ $rc = 137 ] || die "$name: rollback exited $rc, it was not killed: $(cat "$d/err")"

	each_key_old_or_new "$before"
	state=$(persisted "$d")
	case $name in
	locked | write-* | "$F:half-written" | "$F:temp-written")
		[ "$state" = new ] || die "$name: persisted file $state, not still new" ;;
	*) [ "$state" = old ] || die "$name: persisted file $state, not old" ;;
	esac
	no_leftovers

	# Running rollback again completes it.
	"$TWTUNE" rollback --yes --wait 0 --state-dir "$S" >"$d/out" 2>&1 ||
		die "$name: rollback again failed: $(cat "$d/out")"
	[ "$("$TWTUNE" get)" = "$before" ] || die "$name: after rollback again: $("$TWTUNE" get)"
	[ "$(persisted "$d")" = old ] || die "$name: after rollback again the persisted file is $(persisted "$d")"
	no_leftovers clean
	[ ! -e "$S/journal" ] || die "$name: the journal survived"
	out=$("$TWTUNE" rollback --yes --state-dir "$S" 2>&1)
	[ "$out" = "nothing to roll back: no journal in $S" ] || die "$name: third rollback: $out"

	# And the next apply and rollback leave nothing behind.
	"$TWTUNE" --profile-dir "$PD" apply --yes --wait 0 --state-dir "$S" --persist="$FILE" four >/dev/null 2>&1 &&
		"$TWTUNE" rollback --yes --wait 0 --state-dir "$S" >/dev/null 2>&1 || die "$name: the next apply or rollback failed"
	[ "$("$TWTUNE" get)" = "$before" ] && [ "$(persisted "$d")" = old ] || die "$name: the next cycle"
	[ "$(ls -A "$S")" = lock ] || die "$name: left in the state directory: $(ls -A "$S")"
}

# Runs one of the functions above in a new network namespace, with its files
# on a tmpfs of its own ($FS) in a new mount namespace: SIGKILL leaves the
# page cache as it is, so this tests the same thing, without the cost of
# fsync on a busy disk.
killed() {
	export FS="$BATS_TEST_TMPDIR/fs"
	mkdir -p "$FS"
	unshare -m -n -- bash -c 'mount --make-rprivate / && mount -t tmpfs -o mode=0755,size=16m twtune-test "$FS" &&
		ip link set lo up && "$@"' killed \
		bash -c "$(declare -f fresh die persisted no_leftovers each_key_old_or_new apply_killed_at rollback_killed_at); \"\$@\"" _ "$@"
}

# The names of the points a complete run passes, from the trace.
trace() {
	sed -n 's/^twtune: test hook: point [0-9]* //p' "$1" | tr '\n' ' ' | sed 's/ $//'
}

@test "the kill points of apply and rollback, in order, with and without an old persisted file" {
	for mode in old absent; do
		run -0 in_netns bash -c "$(declare -f fresh)"'
			fresh "$1" "$2"
			TWTUNE_TEST_KILL_TRACE=1 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$FILE" four \
				>/dev/null 2>"$1/apply.trace"
			TWTUNE_TEST_KILL_TRACE=1 "$TWTUNE" rollback --yes --state-dir "$S" >/dev/null 2>"$1/rollback.trace"' \
			_ "$BATS_TEST_TMPDIR/$mode" "$mode"
		run -0 trace "$BATS_TEST_TMPDIR/$mode/apply.trace"
		if [ $mode = old ]; then assert_output "$APPLY_OLD"; else assert_output "$APPLY_ABSENT"; fi
		run -0 trace "$BATS_TEST_TMPDIR/$mode/rollback.trace"
		if [ $mode = old ]; then assert_output "$ROLLBACK_OLD"; else assert_output "$ROLLBACK_ABSENT"; fi
		# numbered from 1, each once
		[ $mode = old ] && expected=$APPLY_OLD || expected=$APPLY_ABSENT
		run -0 sed -n 's/^twtune: test hook: point \([0-9]*\) .*/\1/p' "$BATS_TEST_TMPDIR/$mode/apply.trace"
		assert_output "$(seq "$(wc -w <<<"$expected")")"
	done
}

@test "the kill hook by name kills there, and only twtune itself" {
	run -0 --separate-stderr in_netns bash -c '
		d=$1; mkdir -p "$d/p"
		sleep 30 & other=$!
		rc=0; TWTUNE_TEST_KILL_AT=write-2 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four \
			>/dev/null 2>&1 || rc=$?
		kill -0 $other && echo "other alive"; kill $other
		echo "rc=$rc $("$TWTUNE" get tcp_tw_reuse tcp_fin_timeout | tr "\n" " ")"
		# a point that is never reached: the run completes
		TWTUNE_TEST_KILL_AT=no-such-point "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four >/dev/null
		echo "rc=$?"' _ "$BATS_TEST_TMPDIR"
	assert_output $'other alive\nrc=137 net.ipv4.tcp_tw_reuse = 1 net.ipv4.tcp_fin_timeout = 60 \nrc=0'
}

@test "apply killed at every point, with an old persisted file: rollback gives back kernel and file" {
	reference
	set -- $APPLY_OLD
	for ((n = 1; n <= $#; n++)); do
		run killed apply_killed_at old $n "${!n}"
		assert_success
	done
	[ $# = 18 ]
}

@test "apply killed at every point, with no persisted file before: rollback gives back kernel and removes it" {
	reference
	set -- $APPLY_ABSENT
	for ((n = 1; n <= $#; n++)); do
		run killed apply_killed_at absent $n "${!n}"
		assert_success
	done
	[ $# = 14 ]
}

@test "rollback killed at every point: running it again completes it" {
	reference
	set -- $ROLLBACK_OLD
	for ((n = 1; n <= $#; n++)); do
		run killed rollback_killed_at old $n "${!n}"
		assert_success
	done
	set -- $ROLLBACK_ABSENT
	for ((n = 1; n <= $#; n++)); do
		run killed rollback_killed_at absent $n "${!n}"
		assert_success
	done
}

@test "the persisted file is never partial: killed while half of it is written" {
	reference
	run -0 --separate-stderr in_netns bash -c '
		d=$1; mkdir -p "$d/p"; printf "# old\n" >"$d/p/$F"
		rc=0; TWTUNE_TEST_KILL_AT="$F:half-written" "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" \
			--persist="$d/p/$F" four >/dev/null 2>&1 || rc=$?
		echo "rc=$rc"; cat "$d/p/$F"; ls -A "$d/p"
		# the temporary file holds half the new text, and cannot be loaded
		head -c 19 "$d/p/.$F.tmp"; echo' _ "$BATS_TEST_TMPDIR"
	assert_output $'rc=137\n# old\n.90-twtune.conf.tmp\n90-twtune.conf\n# Written by twtune'
}

# --- file safety ---

@test "modes: state directory 0755 (0700 under umask 077), journal and persisted files 0644" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/p"
		for u in 022 077 000; do
			(umask $u
			 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/$u/a/state" --persist="$d/p/$u.conf" four >/dev/null
			 echo "umask $u: $(stat -c %a "$d/$u/a" "$d/$u/a/state" "$d/$u/a/state/journal" "$d/$u/a/state/lock" "$d/p/$u.conf" | tr "\n" " ")"
			 "$TWTUNE" rollback --yes --state-dir "$d/$u/a/state" >/dev/null)
		done
		# the copy of an old persisted file, whatever its mode
		printf "# old\n" >"$d/p/old.conf"; chmod 600 "$d/p/old.conf"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/old.conf" four >/dev/null
		stat -c "%a %n" "$d/s/persist.orig" "$d/p/old.conf" | sed "s|$d/||"' _ "$BATS_TEST_TMPDIR"
	assert_output $'umask 022: 755 755 644 644 644 \numask 077: 700 700 644 600 644 \numask 000: 755 755 644 644 644 \n644 s/persist.orig\n644 p/old.conf'
}

@test "a symbolic link at the journal is refused, by apply and by rollback, and not followed" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four >/dev/null
		"$TWTUNE" rollback --yes --state-dir "$d/s" >/dev/null
		printf "# twtune journal 1\nkey net.ipv4.tcp_fin_timeout 10\n" >"$d/elsewhere"
		ln -s "$d/elsewhere" "$d/s/journal"
		before=$("$TWTUNE" get)
		rc=0; "$TWTUNE" rollback --yes --state-dir "$d/s" 2>&1 || rc=$?; echo "rc=$rc"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four 2>&1 >/dev/null || rc=$?; echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "kernel untouched"
		cat "$d/elsewhere"' _ "$BATS_TEST_TMPDIR"
	S="$BATS_TEST_TMPDIR/s"
	assert_output "twtune: rollback: $S/journal is a symbolic link: refusing to follow it; remove it
rc=4
twtune: apply: $S/journal is a symbolic link: refusing to follow it; remove it
rc=4
kernel untouched
# twtune journal 1
key net.ipv4.tcp_fin_timeout 10"
}

@test "a journal another user could have written is not trusted" {
	run -0 in_netns bash -c '
		d=$1
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four >/dev/null
		chmod 666 "$d/s/journal"
		rc=0; "$TWTUNE" rollback --yes --state-dir "$d/s" 2>&1 || rc=$?; echo "rc=$rc"
		chmod 644 "$d/s/journal"; chown 65534 "$d/s/journal"
		rc=0; "$TWTUNE" rollback --yes --state-dir "$d/s" 2>&1 || rc=$?; echo "rc=$rc"
		"$TWTUNE" get tcp_fin_timeout' _ "$BATS_TEST_TMPDIR"
	S="$BATS_TEST_TMPDIR/s"
	assert_output "twtune: rollback: $S/journal belongs to another user than root or is writable by others: refusing to trust it
rc=4
twtune: rollback: $S/journal belongs to another user than root or is writable by others: refusing to trust it
rc=4
net.ipv4.tcp_fin_timeout = 30"
}

@test "a symbolic link at the persist path is refused and left alone, even with --check" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/p"; printf "# target\n" >"$d/target.conf"
		ln -s "$d/target.conf" "$d/p/$F"; ln -s "$d/nowhere.conf" "$d/p/dangling.conf"
		before=$("$TWTUNE" get)
		for f in "$F" dangling.conf; do
			rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/$f" four 2>&1 >/dev/null || rc=$?
			echo "rc=$rc"
		done
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --check --state-dir "$d/s" --persist="$d/p/$F" four 2>&1 >/dev/null || rc=$?
		echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "kernel untouched"
		[ ! -e "$d/s/journal" ] && echo "no journal"
		cat "$d/target.conf"; [ ! -e "$d/nowhere.conf" ] && ls -A "$d/p"' _ "$BATS_TEST_TMPDIR"
	P="$BATS_TEST_TMPDIR/p"
	assert_output "twtune: apply: $P/$F is a symbolic link: refusing to follow it; remove it
rc=4
twtune: apply: $P/dangling.conf is a symbolic link: refusing to follow it; remove it
rc=4
twtune: apply: $P/$F is a symbolic link: refusing to follow it; remove it
rc=4
kernel untouched
no journal
# target
$F
dangling.conf"
}

@test "a state directory writable by others is refused, with or without the sticky bit; one inside a sticky directory is not" {
	run -0 in_netns bash -c '
		d=$1; before=$("$TWTUNE" get)
		mkdir -m 777 "$d/ww"; chmod 777 "$d/ww"
		mkdir -m 775 "$d/gw"; chmod 775 "$d/gw"
		for s in "$d/ww" "$d/gw" "$d/ww/state"; do
			rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$s" four 2>&1 >/dev/null || rc=$?
			echo "rc=$rc"
		done
		[ ! -e "$d/ww/state" ] && echo "not created"
		rc=0; "$TWTUNE" rollback --yes --state-dir "$d/ww" 2>&1 || rc=$?; echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "kernel untouched"
		mkdir -m 1777 "$d/sticky"; chmod 1777 "$d/sticky"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/sticky" four 2>&1 >/dev/null || rc=$?
		echo "sticky: rc=$rc"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/sticky/state" four >/dev/null &&
			echo "inside sticky: ok"' _ "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	assert_output "twtune: apply: --state-dir $T/ww: $T/ww is writable by others and has no sticky bit (mode 0777): refusing to keep the journal there
rc=4
twtune: apply: --state-dir $T/gw: $T/gw is writable by its group and has no sticky bit (mode 0775): refusing to keep the journal there
rc=4
twtune: apply: --state-dir $T/ww/state: $T/ww is writable by others and has no sticky bit (mode 0777): refusing to keep the journal there
rc=4
not created
twtune: rollback: --state-dir $T/ww: $T/ww is writable by others and has no sticky bit (mode 0777): refusing to keep the journal there
rc=4
kernel untouched
twtune: apply: --state-dir $T/sticky: $T/sticky is writable by others (mode 1777): anyone could plant files in it: refusing to keep the journal there
sticky: rc=4
inside sticky: ok"
}

@test "a lock made by another user, or writable by others, is refused and nothing is changed" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/s"; : >"$d/s/lock"; chown 65534:65534 "$d/s/lock"; before=$("$TWTUNE" get)
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four 2>&1 >/dev/null || rc=$?
		echo "rc=$rc"
		chown 0:0 "$d/s/lock"; chmod 666 "$d/s/lock"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four 2>&1 >/dev/null || rc=$?
		echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "kernel untouched"
		[ ! -e "$d/s/journal" ] && echo "no journal"' _ "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	assert_output "twtune: apply: $T/s/lock belongs to another user than root or is writable by others: refusing to trust it; nothing was changed
rc=4
twtune: apply: $T/s/lock belongs to another user than root or is writable by others: refusing to trust it; nothing was changed
rc=4
kernel untouched
no journal"
}

@test "--wait 1 waits a whole second on the monotonic clock before it gives up" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/s"
		for i in 1 2 3; do
			# -o: flock(1) holds the lock itself, not its child, and drops it on exit
			flock -o -x "$d/s/lock" sleep 5 & holder=$!
			for _ in $(seq 50); do flock -n -x "$d/s/lock" true || break; sleep 0.05; done
			start=$(date +%s%N)
			rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --wait 1 --state-dir "$d/s" four >/dev/null 2>&1 || rc=$?
			ms=$(( ($(date +%s%N) - start) / 1000000 ))
			pkill -P $holder sleep; wait $holder 2>/dev/null
			echo "rc=$rc waited enough: $([ $ms -ge 1000 ] && [ $ms -lt 3000 ] && echo yes || echo "no, $ms ms")"
		done' _ "$BATS_TEST_TMPDIR"
	assert_output "rc=4 waited enough: yes
rc=4 waited enough: yes
rc=4 waited enough: yes"
}

@test "a persist directory writable by others is refused" {
	run -0 in_netns bash -c '
		d=$1; mkdir -m 777 "$d/ww"; chmod 777 "$d/ww"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/ww/$F" four 2>&1 >/dev/null || rc=$?
		echo "rc=$rc"; ls -A "$d/ww"; [ ! -e "$d/s/journal" ] && echo "no journal"' _ "$BATS_TEST_TMPDIR"
	assert_output "twtune: apply: $BATS_TEST_TMPDIR/ww/$F: $BATS_TEST_TMPDIR/ww is writable by others and has no sticky bit (mode 0777): refusing to write there
rc=4
no journal"
}

@test "a state directory behind a symbolic link: root's link to a safe place is fine, others are refused" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/real" "$d/ww"; chmod 777 "$d/ww"
		mkdir -m 1777 "$d/tmp"; chmod 1777 "$d/tmp"
		ln -s "$d/real" "$d/good"
		ln -s "$d/ww" "$d/bad"
		ln -s "$d/real" "$d/tmp/theirs"; chown -h 65534:65534 "$d/tmp/theirs"
		# (refused first: an apply with nothing to change never opens the state directory)
		for s in bad tmp/theirs good; do
			rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/$s" four 2>&1 >/dev/null || rc=$?
			echo "$s: rc=$rc"
		done
		ls -A "$d/real" "$d/ww"' _ "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	assert_output "twtune: apply: --state-dir $T/bad: $T/ww is writable by others and has no sticky bit (mode 0777): refusing to keep the journal there
bad: rc=4
twtune: apply: --state-dir $T/tmp/theirs: $T/tmp/theirs is a symbolic link belonging to uid 65534, not to root: refusing to keep the journal there
tmp/theirs: rc=4
good: rc=0
$T/real:
journal
lock

$T/ww:"
}

@test "a symbolic link at the lock, or a state directory that is a file, is refused" {
	run -0 in_netns bash -c '
		d=$1; mkdir -p "$d/s"; ln -s "$d/elsewhere" "$d/s/lock"; : >"$d/file"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" four 2>&1 >/dev/null || rc=$?; echo "rc=$rc"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/file" four 2>&1 >/dev/null || rc=$?; echo "rc=$rc"
		[ ! -e "$d/elsewhere" ] && echo "not followed"' _ "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	assert_output "twtune: apply: $T/s/lock is a symbolic link: refusing to follow it; remove it; nothing was changed
rc=4
twtune: apply: --state-dir $T/file: $T/file is not a directory: refusing to keep the journal there
rc=4
not followed"
}

@test "a journal keeps one persisted file: apply --persist to another file is refused until rollback" {
	run -0 --separate-stderr in_netns bash -c '
		d=$1; mkdir -p "$d/p"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/a.conf" four >/dev/null
		"$TWTUNE" rollback --yes --state-dir "$d/s" >/dev/null
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/a.conf" four >/dev/null
		sysctl -qw net.ipv4.tcp_fin_timeout=40
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/b.conf" four >/dev/null || rc=$?
		echo "rc=$rc $("$TWTUNE" get tcp_fin_timeout)"; ls -A "$d/p"
		"$TWTUNE" rollback --yes --state-dir "$d/s" >/dev/null; ls -A "$d/p"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$d/s" --persist="$d/p/b.conf" four >/dev/null
		"$TWTUNE" rollback --yes --state-dir "$d/s" >/dev/null; ls -A "$d/p"; echo end' _ "$BATS_TEST_TMPDIR"
	assert_output $'rc=4 net.ipv4.tcp_fin_timeout = 40\na.conf\nend'
	assert_equal "$stderr" "twtune: apply: the journal in $BATS_TEST_TMPDIR/s keeps the old content of $BATS_TEST_TMPDIR/p/a.conf, not $BATS_TEST_TMPDIR/p/b.conf: use --persist=$BATS_TEST_TMPDIR/p/a.conf, or roll back first; nothing was changed"
}
