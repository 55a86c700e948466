#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune apply and rollback, against the real kernel, each test in its own
# network namespace with its own state directory.

bats_require_minimum_version 1.5.0

teardown() {
	[ -z "${NB:-}" ] || rm -rf "$NB"
}

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	export S="$BATS_TEST_TMPDIR/state" P="$BATS_TEST_TMPDIR/sysctl.d"
	mkdir -p "$P"
	export TWTUNE_SYSCTL_D_DIRS="$P"
	write_four "$BATS_TEST_TMPDIR/prof"
	export PD="$BATS_TEST_TMPDIR/prof"
}


KEYS='ip_local_port_range tcp_tw_reuse tcp_fin_timeout tcp_max_tw_buckets tcp_timestamps ip_local_reserved_ports'

@test "apply writes the profile's values, and get shows them" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --state-dir "$S" proxy-profile >/dev/null
		"$TWTUNE" get ip_local_port_range tcp_tw_reuse tcp_timestamps'
	assert_output $'net.ipv4.ip_local_port_range = 16384 65535\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 1'
}

@test "a second apply changes nothing and writes nothing" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --json --state-dir "$S" four > "$BATS_TEST_TMPDIR/1.json"
		before=$(stat -c %Y.%i "$S/journal")
		sleep 1.1
		"$TWTUNE" --profile-dir "$PD" apply --yes --json --state-dir "$S" four > "$BATS_TEST_TMPDIR/2.json"
		[ "$(stat -c %Y.%i "$S/journal")" = "$before" ]
		"$TWTUNE" --profile-dir "$PD" apply --yes --json --state-dir "$BATS_TEST_TMPDIR/fresh" four > "$BATS_TEST_TMPDIR/3.json"
		[ ! -e "$BATS_TEST_TMPDIR/fresh/journal" ]'
	run -0 jq -c '[.changed, (.changes | length)]' "$BATS_TEST_TMPDIR/1.json"; assert_output '[true,4]'
	run -0 jq -c '[.changed, .changes]' "$BATS_TEST_TMPDIR/2.json"; assert_output '[false,[]]'
	run -0 jq -c '.changed' "$BATS_TEST_TMPDIR/3.json"; assert_output 'false'
}

@test "--check reports what would change and writes nothing" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --check --json --state-dir "$S" four > "$BATS_TEST_TMPDIR/c.json"
		NO_COLOR=1 "$TWTUNE" --profile-dir "$PD" apply --check --state-dir "$S" four | tail -9 > "$BATS_TEST_TMPDIR/c.txt"
		[ ! -e "$S" ]
		"$TWTUNE" get tcp_tw_reuse tcp_fin_timeout'
	assert_output $'net.ipv4.tcp_tw_reuse = 2\nnet.ipv4.tcp_fin_timeout = 60'
	run -0 jq -c '[.changed, .check, (.changes | map(.key + "=" + .after))]' "$BATS_TEST_TMPDIR/c.json"
	assert_output '[true,true,["net.ipv4.ip_local_port_range=20000 60001","net.ipv4.tcp_tw_reuse=1","net.ipv4.tcp_fin_timeout=30","net.ipv4.tcp_max_tw_buckets=200000"]]'
	run -0 jq -r '.diff.after' "$BATS_TEST_TMPDIR/c.json"
	assert_line 'net.ipv4.tcp_fin_timeout = 30'
	run -0 cat "$BATS_TEST_TMPDIR/c.txt"
	assert_line 'check: 4 changes would be made; nothing was written'
	assert_line '+ net.ipv4.tcp_fin_timeout = 30'
}

@test "apply shows the report first: findings, diff, predicted effect" {
	run -0 scenario 'NO_COLOR=1 "$TWTUNE" --profile-dir "$PD" apply --check --state-dir "$S" four'
	assert_line --partial 'fin-timeout-myth'
	assert_line '# four: 4 changes'
	assert_line --regexp '^  fin-timeout-myth +ok -> info$'
	run -0 scenario '"$TWTUNE" --profile-dir "$PD" apply --check --json --state-dir "$S" four'
	run -0 jq -c '[.risk_before, .risk_after]' <<<"$output"
	assert_output '["ok","info"]'
}

@test "kernel-default after proxy-profile restores the defaults" {
	run -0 scenario '
		fresh=$(for k in '"$KEYS"'; do "$TWTUNE" get $k; done)
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --state-dir "$S" proxy-profile >/dev/null
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		sysctl -qw net.ipv4.ip_local_reserved_ports=50000-50010
		changed=$(for k in '"$KEYS"'; do "$TWTUNE" get $k; done)
		[ "$changed" != "$fresh" ]
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --state-dir "$S" kernel-default >/dev/null
		after=$(for k in '"$KEYS"'; do "$TWTUNE" get $k; done)
		[ "$after" = "$fresh" ] || { echo "$after"; exit 1; }'
}

@test "a write failure at the k-th key restores keys 1..k-1 exactly" {
	for k in 1 2 3 4; do
		run -0 scenario '
			before=$("$TWTUNE" get)
			rc=0
			TWTUNE_TEST_FAIL_AT='"$k"' "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four \
				>/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
			[ $rc = 4 ] || { echo "rc=$rc"; exit 1; }
			[ "$("$TWTUNE" get)" = "$before" ] || { echo "not restored"; exit 1; }
			cat "$BATS_TEST_TMPDIR/err"'
		assert_equal "${#lines[@]}" 1
		case $k in
		1) assert_output "twtune: apply: the kernel refused net.ipv4.ip_local_port_range: Input/output error; nothing else was written" ;;
		2) assert_output "twtune: apply: the kernel refused net.ipv4.tcp_tw_reuse: Input/output error; 1 key written before it restored" ;;
		4) assert_output "twtune: apply: the kernel refused net.ipv4.tcp_max_tw_buckets: Input/output error; 3 keys written before it restored" ;;
		esac
	done
}

@test "a value the kernel refuses is reported and undone" {
	write_profile "$PD" unpriv <<-'EOF'
	[sysctl]
	tcp_tw_reuse = 1
	ip_local_port_range = 1000 60001
	EOF
	# the kernel refuses a range below ip_unprivileged_port_start: caught before writing
	run -3 --separate-stderr scenario '"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" unpriv'
	assert_equal "$stderr" "twtune: apply: profile 'unpriv': net.ipv4.ip_local_port_range = 1000 60001 starts below net.ipv4.ip_unprivileged_port_start = 1024: the kernel refuses it"
	run -0 scenario '
		sysctl -qw net.ipv4.ip_unprivileged_port_start=2000 net.ipv4.ip_local_port_range="3000 60001"
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" unpriv >/dev/null 2>&1 || rc=$?
		echo "rc=$rc $("$TWTUNE" get tcp_tw_reuse)"'
	assert_output 'rc=3 net.ipv4.tcp_tw_reuse = 2'
}

@test "apply killed with SIGKILL between writes, then rollback, gives back the originals" {
	run -0 scenario '
		before=$("$TWTUNE" get)
		rc=0
		TWTUNE_TEST_KILL_AT=write-2 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four \
			>/dev/null 2>&1 || rc=$?
		[ $rc = 137 ] || { echo "rc=$rc"; exit 1; }
		[ "$("$TWTUNE" get tcp_tw_reuse)" = "net.ipv4.tcp_tw_reuse = 1" ]
		[ "$("$TWTUNE" get tcp_fin_timeout)" = "net.ipv4.tcp_fin_timeout = 60" ]
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ "$("$TWTUNE" get)" = "$before" ] || exit 1
		"$TWTUNE" rollback --yes --state-dir "$S"'
	assert_line "nothing to roll back: no journal in $S"
}

@test "an apply killed from outside is rolled back too" {
	run -0 scenario '
		before=$("$TWTUNE" get)
		TWTUNE_TEST_PAUSE_AFTER=1 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		for i in $(seq 100); do grep -q paused "$BATS_TEST_TMPDIR/err" && break; sleep 0.1; done
		kill -KILL $pid; wait $pid || true
		[ "$("$TWTUNE" get)" != "$before" ]
		"$TWTUNE" rollback --yes --json --state-dir "$S" | jq -c "[.changed, (.changes|length)]"
		[ "$("$TWTUNE" get)" = "$before" ]'
	assert_line '[true,1]'
}

@test "two applies are serialised by the lock" {
	run -0 scenario '
		TWTUNE_TEST_PAUSE_AFTER=1 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		for i in $(seq 100); do grep -q paused "$BATS_TEST_TMPDIR/err" && break; sleep 0.1; done
		rc=0
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --wait 1 --state-dir "$S" proxy-profile \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err2" || rc=$?
		echo "second: rc=$rc $(cat "$BATS_TEST_TMPDIR/err2")"
		(sleep 1; kill -KILL $pid) &
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --wait 20 --state-dir "$S" proxy-profile >/dev/null
		echo "third: $("$TWTUNE" get tcp_tw_reuse)"'
	assert_line "second: rc=4 twtune: apply: another twtune apply or rollback holds $S/lock; waited 1 s; nothing was changed"
	assert_line 'third: net.ipv4.tcp_tw_reuse = 1'
}

@test "--persist output loaded by sysctl -p in a fresh namespace reproduces the values" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$P/90-twtune.conf" four >/dev/null
		"$TWTUNE" get'
	applied=$output
	run -0 in_netns bash -c 'sysctl -q -p "$1" && "$2" get' _ "$P/90-twtune.conf" "$TWTUNE"
	assert_output "$applied"
	run -0 grep -c '^net.ipv4' "$P/90-twtune.conf"
	assert_output 4
	run -0 head -1 "$P/90-twtune.conf"
	assert_output --partial 'profile four'
}

@test "persist warns when a later sysctl.d file sets the same key" {
	echo 'net.ipv4.tcp_tw_reuse = 0' >"$P/99-local.conf"
	echo 'net.ipv4.tcp_tw_reuse = 0' >"$P/10-early.conf"
	run -0 --separate-stderr scenario '"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$P/90-twtune.conf" four'
	assert_equal "$stderr" "twtune: warning: $P/99-local.conf sets net.ipv4.tcp_tw_reuse and is read after 90-twtune.conf: it wins at boot"
}

@test "rollback restores the persisted file, or removes it" {
	echo '# mine' >"$P/90-twtune.conf"
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$P/90-twtune.conf" four >/dev/null
		grep -q "net.ipv4.tcp_fin_timeout = 30" "$P/90-twtune.conf"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		cat "$P/90-twtune.conf"'
	assert_output '# mine'
	rm "$P/90-twtune.conf"
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$P/90-twtune.conf" four >/dev/null
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ ! -e "$P/90-twtune.conf" ]'
}

# The mode, owner and extended attributes of FILE, one line each, sorted.
file_meta() {
	stat -c '%a %u %g' "$1"
	python3 -c 'import os, sys
for n in sorted(os.listxattr(sys.argv[1])):
    print(n, os.getxattr(sys.argv[1], n).hex())' "$1"
}

@test "rollback puts back the persisted file's mode, owner and extended attributes with its content" {
	export F="$P/90-twtune.conf"
	echo '# mine' >"$F"
	chown 65534:65534 "$F"
	chmod 0640 "$F"
	python3 -c 'import os, sys
os.setxattr(sys.argv[1], "user.origin", b"ops team")
os.setxattr(sys.argv[1], "user.bin", bytes(range(256)))
os.setxattr(sys.argv[1], "trusted.twtune", b"t")
os.setxattr(sys.argv[1], "security.twtune", b"s")' "$F"
	want=$(file_meta "$F")
	[ "$(wc -l <<<"$want")" -eq 5 ]
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$F" four >/dev/null
		stat -c "%a %u %g" "$F"
		grep -c "^persist-xattr " "$S/journal"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		cat "$F"'
	assert_output $'644 0 0
4
# mine'
	run -0 file_meta "$F"
	assert_output "$want"
	# the same content, but its mode changed since: rollback puts the mode back
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$F" four >/dev/null
		cp "$S/persist.orig" "$F"; chmod 0600 "$F"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null'
	run -0 file_meta "$F"
	assert_output "$want"
}

@test "rollback --check shows and writes nothing; a second rollback is a no-op" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		"$TWTUNE" rollback --check --json --state-dir "$S" | jq -c "[.changed, .check, (.changes|length)]"
		"$TWTUNE" get tcp_fin_timeout
		"$TWTUNE" rollback --yes --json --state-dir "$S" | jq -c "[.changed, (.changes|length)]"
		"$TWTUNE" rollback --yes --json --state-dir "$S" | jq -c "[.changed, (.changes|length)]"
		"$TWTUNE" get tcp_fin_timeout'
	assert_output $'[true,true,4]\nnet.ipv4.tcp_fin_timeout = 30\n[true,4]\n[false,0]\nnet.ipv4.tcp_fin_timeout = 60'
}

@test "without a terminal and without --yes, apply refuses and writes nothing" {
	run -2 --separate-stderr scenario 'rc=0; "$TWTUNE" --profile-dir "$PD" apply --state-dir "$S" four </dev/null >/dev/null || rc=$?; "$TWTUNE" get tcp_fin_timeout >&2; exit $rc'
	assert_equal "${stderr_lines[0]}" "twtune: apply: refusing to apply 4 changes of four to the kernel without confirmation: no terminal; pass --yes"
	assert_equal "${stderr_lines[1]}" 'net.ipv4.tcp_fin_timeout = 60'
	[ ! -e "$S/journal" ]
}

@test "not root: one line saying what is needed, nothing written" {
	nobody_copy "$TOP/profiles/proxy-profile.ini"
	run -4 --separate-stderr scenario 'setpriv --reuid=65534 --regid=65534 --clear-groups "$NB/twtune" apply --yes --state-dir "$S" "$NB/proxy-profile.ini"'
	assert_equal "$stderr" "twtune: apply: writing net.ipv4.ip_local_port_range needs root (CAP_NET_ADMIN over the network namespace): nothing was changed"
	[ ! -e "$S" ]
}

@test "a read-only /proc/sys gets a clear message" {
	run -4 --separate-stderr unshare -m -n bash -c '
		mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 9
		"$1" --profile-dir "$2" apply --yes --state-dir "$3" four' _ "$TWTUNE" "$PD" "$S"
	assert_equal "$stderr" "twtune: apply: cannot write net.ipv4.ip_local_port_range: /proc/sys is read-only (a container without write access to /proc/sys?): nothing was changed"
}

@test "a key this kernel lacks is refused unless it asks for the default" {
	make_sysctl_root "$BATS_TEST_TMPDIR/sys" tcp_tw_reuse_delay=-
	write_profile "$PD" delay <<-'EOF'
	[sysctl]
	tcp_tw_reuse_delay = 500
	EOF
	write_profile "$PD" delaydef <<-'EOF'
	[sysctl]
	tcp_tw_reuse_delay = 1000
	tcp_tw_reuse = 1
	EOF
	run -3 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" --profile-dir "$PD" apply --check --state-dir "$S" delay
	assert_equal "$stderr" "twtune: apply: profile 'delay': net.ipv4.tcp_tw_reuse_delay is not supported by this kernel (it has it per namespace since 6.14); remove it from the profile"
	run -0 --separate-stderr "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/sys" --profile-dir "$PD" apply --check --json --state-dir "$S" delaydef
	assert_equal "$stderr" "twtune: warning: apply: net.ipv4.tcp_tw_reuse_delay: not supported by this kernel; its default applies anyway"
	run -0 jq -c '[.skipped, (.changes | length)]' <<<"$output"
	assert_output '[["tcp_tw_reuse_delay"],1]'
}

@test "apply and rollback options: usage errors" {
	run -2 --separate-stderr "$TWTUNE" apply
	assert_equal "$stderr" "twtune: apply: missing PROFILE; see 'twtune apply --help'"
	run -2 --separate-stderr "$TWTUNE" apply --state-dir relative four
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$TWTUNE" apply --wait soon four
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$TWTUNE" rollback --persist
	assert_equal "${#stderr_lines[@]}" 1
	run -3 --separate-stderr "$TWTUNE" apply no-such-profile
	assert_equal "${#stderr_lines[@]}" 1
}

@test "two applies of different profiles, then rollback: the kernel as before the first apply" {
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_fin_timeout=45 net.ipv4.tcp_max_tw_buckets=100000
		before=$("$TWTUNE" get)
		"$TWTUNE" --profile-dir "$TOP/profiles" apply --yes --state-dir "$S" web-server >/dev/null
		"$TWTUNE" get tcp_max_tw_buckets
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		NO_COLOR=1 "$TWTUNE" rollback --check --state-dir "$S" >"$BATS_TEST_TMPDIR/check.txt"
		"$TWTUNE" rollback --check --json --state-dir "$S" >"$BATS_TEST_TMPDIR/check.json"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ "$("$TWTUNE" get)" = "$before" ] || { "$TWTUNE" get; exit 1; }
		"$TWTUNE" get tcp_max_tw_buckets tcp_fin_timeout'
	assert_output $'net.ipv4.tcp_max_tw_buckets = 524288\nnet.ipv4.tcp_max_tw_buckets = 100000\nnet.ipv4.tcp_fin_timeout = 45'
	# rollback --check says which apply each value dates from
	run -0 grep -c '^# rollback of four (applied 20[0-9-]*T[0-9:]*Z)$' "$BATS_TEST_TMPDIR/check.txt"
	run -0 grep '^# values from before' "$BATS_TEST_TMPDIR/check.txt"
	assert_line --regexp '^# values from before web-server \(applied [0-9T:Z-]+\): net.ipv4.tcp_max_tw_buckets$'
	assert_line --regexp '^# values from before four \(applied [0-9T:Z-]+\): net.ipv4.ip_local_port_range, net.ipv4.tcp_tw_reuse, net.ipv4.tcp_fin_timeout$'
	assert_equal "${#lines[@]}" 2
	run -0 grep -x -- '+ net.ipv4.tcp_max_tw_buckets = 100000' "$BATS_TEST_TMPDIR/check.txt"
	run -0 jq -c '[.changes[] | [.key, .after, .from.profile, (.from.time | test("^20[0-9-]+T[0-9:]+Z$"))]]' "$BATS_TEST_TMPDIR/check.json"
	assert_output '[["net.ipv4.tcp_max_tw_buckets","100000","web-server",true],["net.ipv4.ip_local_port_range","32768 60999","four",true],["net.ipv4.tcp_tw_reuse","2","four",true],["net.ipv4.tcp_fin_timeout","45","four",true]]'
}

@test "a journal of version 1 (no apply named per value) is still rolled back" {
	run -0 scenario '
		before=$("$TWTUNE" get)
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		printf "# twtune journal 1\nprofile four\ntime 2026-11-24T10:00:00Z\nkey net.ipv4.tcp_fin_timeout 60\nkey net.ipv4.tcp_tw_reuse 2\nkey net.ipv4.ip_local_port_range 32768 60999\nkey net.ipv4.tcp_max_tw_buckets %s\n" \
			"$(sed -n "s/^key net.ipv4.tcp_max_tw_buckets //p" "$S/journal")" >"$S/journal.new"
		mv "$S/journal.new" "$S/journal"
		NO_COLOR=1 "$TWTUNE" rollback --check --state-dir "$S" | head -1
		"$TWTUNE" rollback --check --json --state-dir "$S" | jq -c "[.changes[].from]"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ "$("$TWTUNE" get)" = "$before" ] && echo "rolled back"'
	assert_output $'# rollback of four (applied 2026-11-24T10:00:00Z)\n[null,null,null,null]\nrolled back'
}

@test "a persisted file that cannot be written: the kernel is put back, and when that fails too, exit 4 names the keys" {
	run -0 unshare -m -n -- bash -c '
		set -e
		ip link set lo up
		mount --make-rprivate /
		mount -t tmpfs -o mode=0755,size=64k twtune-full "$P"
		dd if=/dev/zero of="$P/fill" bs=4k 2>/dev/null || true
		F="$P/90-twtune.conf"
		before=$("$TWTUNE" get)
		rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$F" four >/dev/null 2>"$1/err" || rc=$?
		echo "rc=$rc $(cat "$1/err")"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "put back"
		# the 5th write is the first of the undo (the newest key first)
		rc=0; TWTUNE_TEST_FAIL_AT=5 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$F" four \
			>/dev/null 2>"$1/err" || rc=$?
		echo "rc=$rc $(cat "$1/err")"
		"$TWTUNE" get tcp_max_tw_buckets tcp_fin_timeout
		"$TWTUNE" rollback --yes --state-dir "$S" | tail -1
		[ "$("$TWTUNE" get)" = "$before" ] && echo "rolled back"
		ls -A "$P"' _ "$BATS_TEST_TMPDIR"
	F="$P/90-twtune.conf"
	assert_output "rc=4 twtune: apply: cannot write $F: No space left on device; the kernel values were put back
put back
rc=4 twtune: apply: cannot write $F: No space left on device; net.ipv4.tcp_max_tw_buckets was not restored (Input/output error): 'twtune rollback' will retry from the journal
net.ipv4.tcp_max_tw_buckets = 200000
net.ipv4.tcp_fin_timeout = 60
rolled back 1 change
rolled back
fill"
}

# Writes every second port from FIRST to LAST to ip_local_reserved_ports in
# one open file, looping on the kernel's short writes (bash's printf would
# cut the list at its buffer), and prints the bytes one read() gets back.
reserve_list() {
	python3 - "$1" "$2" <<'PY'
import os, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
data = (",".join(str(p) for p in range(lo, hi + 1, 2)) + "\n").encode()
path = "/proc/sys/net/ipv4/ip_local_reserved_ports"
fd = os.open(path, os.O_WRONLY)
done = 0
while done < len(data):
    done += os.write(fd, data[done:])
os.close(fd)
fd = os.open(path, os.O_RDONLY)
print(len(os.read(fd, 1 << 20)))
os.close(fd)
PY
}
export -f reserve_list

@test "a reserved-ports list over 4 KiB is journalled, read whole and written back whole" {
	printf '[sysctl]\nip_local_reserved_ports = 40000\n' >"$PD/clear.ini"
	run -0 scenario '
		reserve_list 40001 41400
		orig=$("$TWTUNE" get ip_local_reserved_ports)
		echo "twtune reads ${#orig} bytes"
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" clear >/dev/null
		"$TWTUNE" get ip_local_reserved_ports
		echo "journal holds the whole list: $(grep -c "^key net.ipv4.ip_local_reserved_ports 40001,40003,.*,41397,41399$" "$S/journal")"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ "$("$TWTUNE" get ip_local_reserved_ports)" = "$orig" ] && echo "rolled back whole"
		python3 -c "import os; print(len(os.read(os.open(\"/proc/sys/net/ipv4/ip_local_reserved_ports\", os.O_RDONLY), 1 << 20)))"'
	# 700 ports, "40001,...,41399\n": 4200 bytes, over a page
	assert_output "4200
twtune reads 4234 bytes
net.ipv4.ip_local_reserved_ports = 40000
journal holds the whole list: 1
rolled back whole
4200"
}

@test "a journal with a NUL byte is refused on its line, kept, and nothing is changed" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		tuned=$("$TWTUNE" get)
		python3 -c "import sys; t = open(sys.argv[1], \"rb\").read(); open(sys.argv[1], \"wb\").write(t.replace(b\"\\nkey \", b\"\\0\\nkey \", 1))" "$S/journal"
		rc=0; "$TWTUNE" rollback --yes --state-dir "$S" 2>&1 || rc=$?
		echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$tuned" ] && echo "kernel untouched"
		grep -c "^key " "$S/journal"'
	assert_line --index 0 --regexp "^twtune: rollback: $S/journal line [0-9]+: NUL byte: move it away once the values are as they should be$"
	assert_line --index 1 "rc=4"
	assert_line --index 2 "kernel untouched"
	refute_line --index 3 "0"
}

@test "rollback on a kernel that lacks a journalled key puts the rest back, keeps that key and exits 4" {
	R="$BATS_TEST_TMPDIR/sys"
	make_sysctl_root "$R"
	write_profile "$PD" delay <<-'EOF'
	[sysctl]
	tcp_tw_reuse_delay = 500
	tcp_fin_timeout = 30
	EOF
	run -0 "$TWTUNE" --sysctl-root "$R" --profile-dir "$PD" apply --yes --state-dir "$S" delay
	# an older kernel is booted: it has no tcp_tw_reuse_delay
	rm "$R/net/ipv4/tcp_tw_reuse_delay"
	run -4 --separate-stderr "$TWTUNE" --sysctl-root "$R" rollback --yes --state-dir "$S"
	assert_line "- net.ipv4.tcp_fin_timeout = 30"
	assert_line "# net.ipv4.tcp_tw_reuse_delay is in the journal but not in this kernel: it cannot go back"
	assert_line "rolled back 1 change"
	assert_equal "${stderr_lines[0]}" "twtune: rollback: net.ipv4.tcp_tw_reuse_delay = 1000 was not put back: this kernel lacks the key"
	assert_equal "${stderr_lines[1]}" "twtune: rollback: the rest is back; $S/journal keeps it: roll back again on a kernel that has it, or remove the journal to forget it"
	run -0 cat "$R/net/ipv4/tcp_fin_timeout"
	assert_output 60
	run -0 grep -c '^key ' "$S/journal"
	assert_output 1
	run -0 grep '^key ' "$S/journal"
	assert_output "key net.ipv4.tcp_tw_reuse_delay 1000"
	# the newer kernel again: the last key goes back and the journal goes
	printf '500\n' >"$R/net/ipv4/tcp_tw_reuse_delay"
	run -0 "$TWTUNE" --sysctl-root "$R" rollback --yes --state-dir "$S"
	assert_line "rolled back 1 change"
	run -0 cat "$R/net/ipv4/tcp_tw_reuse_delay"
	assert_output 1000
	[ ! -e "$S/journal" ]
}

@test "a value the kernel does not keep as written is put back, with the keys before it; exit 4" {
	# TWTUNE_TEST_CLAMP_AT=3: the 3rd write (tcp_fin_timeout = 30) writes the
	# kernel default 60 instead, as a kernel that clamps or normalises
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_fin_timeout=45
		before=$("$TWTUNE" get)
		rc=0; TWTUNE_TEST_CLAMP_AT=3 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		echo "rc=$rc $(cat "$BATS_TEST_TMPDIR/err")"
		[ "$("$TWTUNE" get)" = "$before" ] && echo "all put back"
		"$TWTUNE" get tcp_fin_timeout
		[ ! -e "$S/journal" ] && echo "no journal"
		# rollback: a clamped value goes back to what the kernel held (the
		# applied one), the journal stays for a later rollback
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		rc=0; TWTUNE_TEST_CLAMP_AT=3 "$TWTUNE" rollback --yes --state-dir "$S" >/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		echo "rc=$rc $(cat "$BATS_TEST_TMPDIR/err")"
		"$TWTUNE" get tcp_fin_timeout
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		[ "$("$TWTUNE" get)" = "$before" ] && echo "rolled back"'
	assert_output "rc=4 twtune: apply: the kernel kept net.ipv4.tcp_fin_timeout = 60 instead of the value written; it was put back, and 2 keys written before it restored
all put back
net.ipv4.tcp_fin_timeout = 45
no journal
rc=4 twtune: rollback: the kernel kept net.ipv4.tcp_fin_timeout = 60 instead of the value written; it was put back, and 2 keys written before it restored
net.ipv4.tcp_fin_timeout = 30
rolled back"
}

@test "an apply undone whole leaves the journal as it was: a value set by hand since is what rollback restores" {
	run -0 scenario '
		rc=0; TWTUNE_TEST_FAIL_AT=3 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null 2>&1 || rc=$?
		echo "rc=$rc"
		[ ! -e "$S/journal" ] && echo "no journal"
		sysctl -qw net.ipv4.tcp_fin_timeout=45
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		# and with a journal there before: it stays as it was
		cp "$S/journal" "$BATS_TEST_TMPDIR/j1"
		write_profile "$PD" five <<<"$(printf "[sysctl]\ntcp_fin_timeout = 20\ntcp_timestamps = 0\n")"
		rc=0; TWTUNE_TEST_FAIL_AT=2 "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" five >/dev/null 2>&1 || rc=$?
		echo "rc=$rc"
		cmp -s "$S/journal" "$BATS_TEST_TMPDIR/j1" && echo "journal as it was"
		"$TWTUNE" rollback --yes --state-dir "$S" >/dev/null
		"$TWTUNE" get tcp_fin_timeout tcp_timestamps'
	assert_output "rc=4
no journal
rc=4
journal as it was
net.ipv4.tcp_fin_timeout = 45
net.ipv4.tcp_timestamps = 1"
}

@test "a profile that leaves no usable ephemeral port is refused (exit 3) and nothing is changed" {
	write_profile "$PD" noports <<-'EOF'
	[sysctl]
	ip_local_port_range = 1024 65535
	ip_local_reserved_ports = 1024-65535
	EOF
	write_profile "$PD" allreserved <<-'EOF'
	[sysctl]
	ip_local_reserved_ports = 30000-61000
	EOF
	run -0 scenario '
		before=$("$TWTUNE" get)
		for p in noports allreserved; do
			rc=0; "$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" $p 2>&1 >/dev/null || rc=$?
			echo "rc=$rc"
		done
		[ "$("$TWTUNE" get)" = "$before" ] && echo "kernel untouched"
		[ ! -e "$S/journal" ] && echo "no journal"'
	assert_output "twtune: apply: profile 'noports': net.ipv4.ip_local_port_range = 1024 65535 with net.ipv4.ip_local_reserved_ports = 1024-65535 leaves no usable ephemeral port: every connect() without bind() would fail (EADDRNOTAVAIL)
rc=3
twtune: apply: profile 'allreserved': net.ipv4.ip_local_port_range = 32768 60999 with net.ipv4.ip_local_reserved_ports = 30000-61000 leaves no usable ephemeral port: every connect() without bind() would fail (EADDRNOTAVAIL)
rc=3
kernel untouched
no journal"
}

# Answers twtune's question on a pseudo-terminal: runs "$@" on it, waits
# for "? [y/N]", runs the shell command $BEFORE_ANSWER, answers y, and
# prints what the terminal showed and "rc=N". Bounded: 20 s.
answer_yes() {
	python3 - "$@" <<'PY'
import os, pty, select, subprocess, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, deadline, answered = b"", time.time() + 20, False
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not answered and b"? [y/N]" in out:
        subprocess.run(["bash", "-c", os.environ["BEFORE_ANSWER"]], check=True)
        os.write(fd, b"y\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("rc=%d" % os.waitstatus_to_exitcode(status))
PY
}
export -f answer_yes

@test "a key written by someone else while apply asks: apply refuses, nothing is changed" {
	run -0 scenario '
		export BEFORE_ANSWER="sysctl -qw net.ipv4.tcp_fin_timeout=45"
		answer_yes "$TWTUNE" --profile-dir "$PD" apply --state-dir "$S" four | tail -2
		"$TWTUNE" get tcp_fin_timeout tcp_tw_reuse
		if [ -e "$S/journal" ]; then echo "a journal"; else echo "no journal"; fi'
	assert_output "twtune: apply: net.ipv4.tcp_fin_timeout changed since it was read (60, now 45); nothing was changed: run apply again to see the new plan
rc=4
net.ipv4.tcp_fin_timeout = 45
net.ipv4.tcp_tw_reuse = 2
no journal"
}

@test "a key written by someone else while rollback asks: rollback refuses, nothing is changed" {
	run -0 scenario '
		"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		export BEFORE_ANSWER="sysctl -qw net.ipv4.tcp_fin_timeout=45"
		answer_yes "$TWTUNE" rollback --state-dir "$S" | tail -2
		"$TWTUNE" get tcp_fin_timeout tcp_tw_reuse
		grep -c "^key " "$S/journal"'
	assert_output "twtune: rollback: net.ipv4.tcp_fin_timeout changed since it was read (30, now 45); nothing was changed: run rollback again to see the new plan
rc=4
net.ipv4.tcp_fin_timeout = 45
net.ipv4.tcp_tw_reuse = 1
4"
}

@test "two rollbacks at once: one rolls back, the other finds nothing to do; neither fails" {
	run -0 scenario '
		for i in $(seq 15); do
			"$TWTUNE" --profile-dir "$PD" apply --yes --state-dir "$S" --persist="$P/90-twtune.conf" four >/dev/null
			"$TWTUNE" rollback --yes --wait 10 --state-dir "$S" >"$BATS_TEST_TMPDIR/a" 2>&1 & a=$!
			"$TWTUNE" rollback --yes --wait 10 --state-dir "$S" >"$BATS_TEST_TMPDIR/b" 2>&1 & b=$!
			ra=0; wait $a || ra=$?; rb=0; wait $b || rb=$?
			[ $ra = 0 ] && [ $rb = 0 ] || { echo "round $i: $ra $rb"; cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"; }
			cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | grep -c "^rolled back 4 changes$"
		done | sort | uniq -c'
	assert_output "     15 1"
}

@test "apply and rollback into a pipe whose reader has gone: never a silent death, the change always said" {
	run -0 scenario '
		for i in $(seq 10); do
			for cmd in "--profile-dir $PD apply --yes --state-dir $S four" "rollback --yes --state-dir $S"; do
				$TWTUNE $cmd 2>"$BATS_TEST_TMPDIR/err" | head -c 1 >/dev/null
				rc=${PIPESTATUS[0]}
				# either all of it reached the pipe (0), or the loss was said (4)
				case $rc in
				0) ;;
				4) grep -qE "cannot write output: Broken pipe.*(nothing was changed|undoes them|rollback was done)" "$BATS_TEST_TMPDIR/err" ||
					{ echo "rc=4 unexplained: $(cat "$BATS_TEST_TMPDIR/err")"; exit 1; } ;;
				*) echo "rc=$rc: $(cat "$BATS_TEST_TMPDIR/err")"; exit 1 ;;
				esac
			done
		done
		echo done'
	assert_output done
}

@test "a journal belongs to its namespace and sysctl root: a rollback elsewhere refuses it and says whose it is" {
	R="$BATS_TEST_TMPDIR/sys"
	make_sysctl_root "$R"
	run -0 scenario '
		unshare -n sleep 60 & B=$!
		for _ in $(seq 50); do [ "$(readlink /proc/$B/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
		mine=$("$TWTUNE" get)
		"$TWTUNE" --netns /proc/$B/ns/net --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		tunedB=$("$TWTUNE" --netns /proc/$B/ns/net get)
		rc=0; "$TWTUNE" rollback --yes --state-dir "$S" 2>&1 || rc=$?
		echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$mine" ] && echo "this namespace untouched"
		[ "$("$TWTUNE" --netns /proc/$B/ns/net get)" = "$tunedB" ] && echo "B still tuned"
		"$TWTUNE" --netns /proc/$B/ns/net rollback --yes --state-dir "$S" | tail -1
		[ "$("$TWTUNE" --netns /proc/$B/ns/net get)" = "$mine" ] && echo "B rolled back"
		# a fake tree'"'"'s journal is not the kernel'"'"'s
		"$TWTUNE" --sysctl-root "'"$R"'" --profile-dir "$PD" apply --yes --state-dir "$S" four >/dev/null
		rc=0; "$TWTUNE" rollback --yes --state-dir "$S" 2>&1 || rc=$?
		echo "rc=$rc"
		[ "$("$TWTUNE" get)" = "$mine" ] && echo "the kernel untouched"
		kill $B'
	assert_line --index 0 --regexp "^twtune: rollback: $S/journal belongs to netns cookie [0-9]+ boot [0-9a-f-]+, root /proc/sys, not to this namespace and root \(netns cookie [0-9]+ boot [0-9a-f-]+, root /proc/sys\); nothing was changed$"
	assert_line --index 1 "rc=4"
	assert_line --index 2 "this namespace untouched"
	assert_line --index 3 "B still tuned"
	assert_line --index 4 "rolled back 4 changes"
	assert_line --index 5 "B rolled back"
	assert_line --index 6 --regexp "^twtune: rollback: $S/journal belongs to netns (cookie [0-9]+ boot [0-9a-f-]+), root $R, not to this namespace and root \(netns \1, root /proc/sys\); nothing was changed$"
	assert_line --index 7 "rc=4"
	assert_line --index 8 "the kernel untouched"
}

@test "without --state-dir each namespace keeps its own journal; a rollback without one names the others" {
	# /var/lib is a tmpfs of this test's own mount namespace: the host's
	# default state directory is never touched
	run -0 unshare -m -n bash -c '
		set -e; source "$TOP/tests/test_helper/common-setup.bash"
		ip link set lo up; mount -t tmpfs twtune-test /var/lib
		unshare -n sleep 60 & B=$!; unshare -n sleep 60 & C=$!
		for _ in $(seq 50); do [ "$(readlink /proc/$C/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
		mine=$("$TWTUNE" get)
		for ns in $B $C; do "$TWTUNE" --netns /proc/$ns/ns/net --profile-dir "$PD" apply --yes four >/dev/null; done
		ls /var/lib/twtune/ns | wc -l
		[ ! -e /var/lib/twtune/journal ] && echo "no journal of this namespace"
		"$TWTUNE" rollback --yes | sed -E "s/cookie [0-9]+ boot [0-9a-f-]+/cookie N boot ID/; s/at [0-9T:Z-]+/at TIME/"
		"$TWTUNE" --netns /proc/$B/ns/net rollback --yes | tail -1
		[ "$("$TWTUNE" --netns /proc/$B/ns/net get)" = "$mine" ] && echo "B rolled back"
		[ "$("$TWTUNE" --netns /proc/$C/ns/net get)" != "$mine" ] && echo "C still tuned"
		kill $B $C'
	assert_equal "${#lines[@]}" 8
	assert_line --index 0 "2"
	assert_line --index 1 "no journal of this namespace"
	assert_line --index 2 --regexp '^nothing to roll back: no journal in /var/lib/twtune/ns/[0-9a-f]{16}$'
	assert_line --index 5 "rolled back 4 changes"
	assert_line --index 6 "B rolled back"
	assert_line --index 7 "C still tuned"
	assert_line --index 3 --regexp '^journal of another namespace or sysctl root: /var/lib/twtune/ns/[0-9a-f]{16}/journal \(netns cookie N boot ID, root /proc/sys; four at TIME\)$'
	assert_line --index 4 --regexp '^journal of another namespace or sysctl root: /var/lib/twtune/ns/[0-9a-f]{16}/journal \(netns cookie N boot ID, root /proc/sys; four at TIME\)$'
}
