#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# rollback --all-netns: a host that applied into several network
# namespaces rolls each namespace's journal back in that namespace, and
# refuses a journal whose namespace is gone. Three namespaces of its own
# (ip netns, named after the test's pid), a state directory under
# $BATS_TEST_TMPDIR; the other namespaces of the host are entered and
# left alone (no journal of theirs is under that directory).

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	export T="twtune-rb-$$" B="$BATS_TEST_TMPDIR/state" PD="$BATS_TEST_TMPDIR/prof"
	write_four "$PD"
	for n in 1 2 3; do
		ip netns add "$T-$n"
		ip netns exec "$T-$n" sh -c "ip link set lo up && sysctl -qw net.ipv4.tcp_fin_timeout=4$n"
	done
}

teardown() {
	for n in 1 2 3; do ip netns del "$T-$n" 2>/dev/null || true; done
}

# apply four in namespace N with its own state directory under $B/ns
apply_in() {
	"$TWTUNE" --netns "$T-$1" --profile-dir "$PD" apply --yes --state-dir "$B/ns/000000000000000$1" four >/dev/null
}

fin() {
	ip netns exec "$T-$1" sysctl -n net.ipv4.tcp_fin_timeout
}

@test "rollback --all-netns rolls back each namespace's journal in its namespace; one whose namespace is gone is refused" {
	for n in 1 2 3; do apply_in $n; done
	[ "$(fin 1) $(fin 2) $(fin 3)" = "30 30 30" ]
	ino1=$(stat -Lc %i "/run/netns/$T-1")
	ip netns del "$T-3"
	# --check: shows each, writes nothing
	run -4 --separate-stderr "$TWTUNE" --all-netns rollback --check --state-dir "$B"
	assert_line "== $T-1 (netns $ino1): $B/ns/0000000000000001/journal =="
	assert_line --regexp "^== $T-2 \\(netns [0-9]+\\): $B/ns/0000000000000002/journal ==$"
	assert_line '+ net.ipv4.tcp_fin_timeout = 41'
	assert_line '+ net.ipv4.tcp_fin_timeout = 42'
	[ "$(grep -c '^check: nothing was written$' <<<"$output")" -eq 2 ]
	assert_equal "$stderr" "twtune: rollback: $B/ns/0000000000000003/journal: its namespace (netns $(sed -n 's/^netns //p' "$B/ns/0000000000000003/journal")) is gone: nothing was changed; remove the journal once the values do not matter"
	[ "$(fin 1) $(fin 2)" = "30 30" ]
	# --json: one document, an element per journal
	run -4 --separate-stderr "$TWTUNE" --all-netns rollback --check --json --state-dir "$B"
	run -0 jq -c '[.journals[] | [(.state_dir | ltrimstr(env.B)), .status, .label, (.rollback.changes // [] | length)]] | sort' <<<"$output"
	assert_output "[[\"/ns/0000000000000001\",\"read\",\"$T-1\",4],[\"/ns/0000000000000002\",\"read\",\"$T-2\",4],[\"/ns/0000000000000003\",\"gone\",null,0]]"
	# --yes: each namespace gets its own values back, its journal goes
	run -4 --separate-stderr "$TWTUNE" --all-netns rollback --yes --state-dir "$B"
	[ "$(grep -c '^rolled back 4 changes$' <<<"$output")" -eq 2 ]
	[ "$(fin 1) $(fin 2)" = "41 42" ]
	[ ! -e "$B/ns/0000000000000001/journal" ] && [ ! -e "$B/ns/0000000000000002/journal" ]
	[ -e "$B/ns/0000000000000003/journal" ]
	# a second run: only the refused one is left
	run -4 --separate-stderr "$TWTUNE" --all-netns rollback --yes --state-dir "$B"
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 1
	rm "$B/ns/0000000000000003/journal"
	run -0 "$TWTUNE" --all-netns rollback --yes --state-dir "$B"
	assert_output "nothing to roll back: no journal in $B or $B/ns"
}

@test "rollback --all-netns without --yes and without a terminal refuses each, changing nothing" {
	apply_in 1
	apply_in 2
	run -2 --separate-stderr "$TWTUNE" --all-netns rollback --state-dir "$B" </dev/null
	[ "$(grep -c 'refusing to roll back to the values from before the first apply since the last rollback without confirmation: no terminal; pass --yes' <<<"$stderr")" -eq 2 ]
	[ "$(fin 1) $(fin 2)" = "30 30" ]
	[ -e "$B/ns/0000000000000001/journal" ] && [ -e "$B/ns/0000000000000002/journal" ]
}
