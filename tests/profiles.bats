#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# twtune profiles and twtune show: the search path, inheritance, JSON.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	D1="$BATS_TEST_TMPDIR/d1" D2="$BATS_TEST_TMPDIR/d2"
	write_profile "$D1" alpha <<<$'[profile]\ndescription = alpha from d1\n[sysctl]\ntcp_tw_reuse = 1'
	write_profile "$D2" alpha <<<$'[profile]\ndescription = alpha from d2\n[sysctl]\ntcp_tw_reuse = 0'
	write_profile "$D2" beta <<<$'[profile]\ndescription = beta\ninclude = alpha\n[sysctl]\ntcp_fin_timeout = 30\n[thresholds]\nport_pressure_warn = 40%'
	write_profile "$D2" broken <<<$'[sysctl]\ntcp_tw_reuse = 9'
}

@test "the shipped profiles are found from the source tree, and all load" {
	run -0 "$TWTUNE" profiles --names
	assert_output $'kernel-default\noutbound-client\nproxy-profile\nweb-server'
	run -0 "$TWTUNE" profiles --json
	run -0 jq -r '[.[] | select(.error != null)] | length' <<<"$output"
	assert_output 0
	for p in kernel-default outbound-client proxy-profile web-server; do
		run -0 "$TWTUNE" show "$p"
	done
}

@test "--profile-dir comes first, and the first profile of a name wins" {
	run -0 "$TWTUNE" --profile-dir "$D1" --profile-dir "$D2" profiles --json
	run -0 jq -c '[.[] | select(.name == "alpha" or .name == "beta") | [.name, .description]]' <<<"$output"
	assert_output '[["alpha","alpha from d1"],["beta","beta"]]'
	run -0 "$TWTUNE" --profile-dir "$D2" --profile-dir "$D1" show --json alpha
	run -0 jq -r .description <<<"$output"
	assert_output 'alpha from d2'
}

@test "TWTUNE_PROFILE_PATH is searched after --profile-dir" {
	TWTUNE_PROFILE_PATH="$D2:$D1" run -0 "$TWTUNE" show --json alpha
	run -0 jq -r .description <<<"$output"; assert_output 'alpha from d2'
	TWTUNE_PROFILE_PATH="$D2" run -0 "$TWTUNE" --profile-dir "$D1" show --json alpha
	run -0 jq -r .description <<<"$output"; assert_output 'alpha from d1'
}

@test "profiles shows a broken profile with its error" {
	run -0 "$TWTUNE" --profile-dir "$D2" profiles --json
	run -0 jq -r '.[] | select(.name == "broken") | .error' <<<"$output"
	assert_output "$D2/broken.ini line 2: [sysctl] tcp_tw_reuse = '9': 9 is out of range 0..2"
	run -0 "$TWTUNE" --no-color --profile-dir "$D2" profiles
	assert_line --partial "broken             broken: $D2/broken.ini line 2"
	run -2 --separate-stderr "$TWTUNE" profiles --json --names
	assert_equal "${#stderr_lines[@]}" 1
}

@test "show resolves inheritance and names the file of every value" {
	run -0 "$TWTUNE" --profile-dir "$D2" show --json beta
	run -0 jq -c '[.name, .description, (.files | length),
		.sysctl["net.ipv4.tcp_tw_reuse"].value, .sysctl["net.ipv4.tcp_tw_reuse"].from,
		.sysctl["net.ipv4.tcp_fin_timeout"].value, .thresholds.port_pressure_warn.value,
		.thresholds.port_pressure_crit.from]' <<<"$output"
	assert_output "[\"beta\",\"beta\",2,0,\"$D2/alpha.ini\",30,0.4,null]"
	run -0 "$TWTUNE" --no-color --profile-dir "$D2" show beta
	assert_line "net.ipv4.tcp_tw_reuse = 0 # from $D2/alpha.ini"
	assert_line "net.ipv4.tcp_fin_timeout = 30 # from $D2/beta.ini"
	assert_line 'port_pressure_crit = 0.85 # default'
	assert_line "# read in order: $D2/alpha.ini -> $D2/beta.ini"
}

@test "show takes a path" {
	run -0 "$TWTUNE" show --json "$D1/alpha.ini"
	run -0 jq -r .name <<<"$output"; assert_output alpha
	cp "$D1/alpha.ini" "$BATS_TEST_TMPDIR/plain"
	run -0 "$TWTUNE" show --json "$BATS_TEST_TMPDIR/plain"
	run -0 jq -r .name <<<"$output"; assert_output plain
}

@test "no profiles found says where it looked" {
	run -0 --separate-stderr env -u TWTUNE_PROFILE_PATH bash -c 'cp "$1" /tmp/twtune-lonely-$$ && /tmp/twtune-lonely-$$ --profile-dir "$2" profiles; rc=$?; rm -f /tmp/twtune-lonely-$$; exit $rc' _ "$TWTUNE" "$BATS_TEST_TMPDIR/none"
	[[ $stderr == "twtune: no profiles found in: $BATS_TEST_TMPDIR/none /etc/twtune/profiles "* ]]
}
