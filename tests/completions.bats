#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Shell completions: bash driven through its completion function (with and
# without the bash-completion package), fish through `complete -C`, zsh
# through a real interactive zsh on a pty; all three syntax-checked by
# their own shells.

bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common-setup
	_common_setup
	twtune_on_path
	# Profiles found only through --profile-dir or $TWTUNE_PROFILE_PATH.
	printf '[profile]\ndescription = only here\n' | write_profile "$BATS_TEST_TMPDIR/pd" only-in-dir
	printf '[profile]\ndescription = only here\n' | write_profile "$BATS_TEST_TMPDIR/pd2" second-dir
	printf '[profile]\ndescription = only here\n' | write_profile "$BATS_TEST_TMPDIR/env" only-in-env
	SHIPPED=$(printf '%s\n' kernel-default outbound-client proxy-profile web-server)
	KEYS=$(printf 'net.ipv4.%s\n' ip_local_port_range ip_local_reserved_ports \
		ip_unprivileged_port_start tcp_fin_timeout tcp_max_tw_buckets tcp_timestamps \
		tcp_tw_reuse tcp_tw_reuse_delay
		printf 'net.netfilter.%s\n' nf_conntrack_buckets nf_conntrack_max \
			nf_conntrack_tcp_timeout_time_wait)
}

# expect LINE [WORD...]: bash completes LINE (TAB at its end) to exactly the
# WORDs, with bash-completion loaded and without.
expect() {
	local line=$1 mode want
	shift
	want=$(if [ $# -gt 0 ]; then printf '%s\n' "$@" | sort; fi)
	for mode in plain bash-completion; do
		echo "# bash ($mode): '$line'"
		run -0 bash "$TOP/tests/test_helper/bash-complete.sh" "$mode" "$line"
		assert_equal "$output" "$want"
	done
}

@test "bash: commands" {
	expect "twtune " apply audit diff get help observe profiles rollback show sockets watch
	expect "twtune s" show sockets
	expect "twtune ro" rollback
	# after global options and their values
	expect "twtune -q --sysctl-root /proc/sys --profile-dir /tmp --netns x --no-color a" apply audit
	expect "twtune --profile-dir=/tmp g" get
}

@test "bash: global options" {
	expect "twtune -" --sysctl-root --profile-dir --netns --all-netns --allow-insecure-profiles --color --no-color --quiet --verbose \
		--version --help -q -v -h
	expect "twtune --n" --netns --no-color
	# --color takes its value only as --color=WHEN
	expect "twtune --color=" always auto never
	expect "twtune --color=a" always auto
	expect "twtune --color " apply audit diff get help observe profiles rollback show sockets watch
	expect "twtune -v --ver" --verbose --version
}

@test "bash: the options of every command" {
	expect "twtune audit -" --json --format --fail-on --interval --observe --top --no-processes --help -h
	expect "twtune diff -" --json --format --interval --help -h
	expect "twtune apply -" --check --yes --json --persist --persist= --state-dir --wait --help -h
	expect "twtune rollback -" --check --yes --json --state-dir --wait --help -h
	expect "twtune sockets -" --json --top --no-processes --help -h
	expect "twtune observe -" --seconds --json --top --all-netns --help -h
	expect "twtune observe --seconds "
	expect "twtune watch -" --interval --top --observe --once --no-processes --help -h
	expect "twtune watch --interval "
	expect "twtune get -" --json --list-keys --help -h
	expect "twtune profiles -" --json --names --help -h
	expect "twtune show -" --json --help -h
	expect "twtune help -" --help -h
	# after other options and their values, and after global options
	expect "twtune audit --top 3 --fail-on warn --j" --json
	expect "twtune --profile-dir /tmp apply --check --st" --state-dir
	expect "twtune apply --pers" --persist --persist=
}

@test "bash: profile names, from the search path" {
	expect "twtune show " $SHIPPED
	expect "twtune audit p" proxy-profile
	expect "twtune diff o" outbound-client
	expect "twtune apply k" kernel-default
	# the fixtures' names are not on the default path
	expect "twtune show only"
}

@test "bash: profile names found only through --profile-dir typed earlier" {
	local pd=$BATS_TEST_TMPDIR/pd pd2=$BATS_TEST_TMPDIR/pd2
	expect "twtune --profile-dir $pd show only" only-in-dir
	expect "twtune --profile-dir=$pd audit only" only-in-dir
	expect "twtune -q --profile-dir $pd --profile-dir $pd2 diff " $SHIPPED only-in-dir second-dir
	expect "twtune --profile-dir $pd apply --check --wait 3 o" only-in-dir outbound-client
	# a --sysctl-root that twtune would refuse does not hide them
	expect "twtune --sysctl-root /nonexistent --profile-dir $pd show only" only-in-dir
	# ~ is the home directory, as the shell would expand it
	HOME=$BATS_TEST_TMPDIR expect "twtune --profile-dir ~/pd show only" only-in-dir
}

@test "bash: profile names found through \$TWTUNE_PROFILE_PATH" {
	TWTUNE_PROFILE_PATH=/nonexistent:$BATS_TEST_TMPDIR/env expect "twtune show only" only-in-env
	TWTUNE_PROFILE_PATH=$BATS_TEST_TMPDIR/env expect "twtune --profile-dir $BATS_TEST_TMPDIR/pd audit only" \
		only-in-dir only-in-env
}

@test "bash: one profile only, and a path when the word has a slash" {
	expect "twtune show proxy-profile "
	expect "twtune apply --yes web-server --che" --check
	expect "twtune audit --top 5 "  $SHIPPED
	mkdir "$BATS_TEST_TMPDIR/p/sub" -p
	: >"$BATS_TEST_TMPDIR/p/mine.ini"
	expect "twtune show $BATS_TEST_TMPDIR/p/" "$BATS_TEST_TMPDIR/p/mine.ini" "$BATS_TEST_TMPDIR/p/sub"
}

@test "bash: keys for get, full and short" {
	# shellcheck disable=SC2086
	expect "twtune get " $KEYS
	expect "twtune get net.ipv4.tcp_tw" net.ipv4.tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay
	expect "twtune get n" $KEYS
	expect "twtune get tcp_t" tcp_timestamps tcp_tw_reuse tcp_tw_reuse_delay
	expect "twtune get --json ip_local_p" ip_local_port_range
	expect "twtune get tcp_fin_timeout tcp_m" tcp_max_tw_buckets
	# the keys are the registry's: what get --list-keys prints
	run -0 "$TWTUNE" get --list-keys
	assert_equal "$(sort <<<"$output")" "$KEYS"
}

@test "the listings completion uses: get --list-keys and profiles --names" {
	# reads no sysctl: an empty --sysctl-root tree is fine
	mkdir -p "$BATS_TEST_TMPDIR/root/net/ipv4"
	run -0 "$TWTUNE" --sysctl-root "$BATS_TEST_TMPDIR/root" get --list-keys
	assert_equal "$(sort <<<"$output")" "$KEYS"
	run -0 "$TWTUNE" get --list-keys tcp_tw_reuse net.ipv4.ip_local_port_range
	assert_equal "$output" "net.ipv4.tcp_tw_reuse
net.ipv4.ip_local_port_range"
	run -2 --separate-stderr "$TWTUNE" get --list-keys tcp_tw_recycle
	run -2 --separate-stderr "$TWTUNE" get --list-keys --json
	assert_equal "$stderr" "twtune: get: --json and --list-keys exclude each other; see 'twtune get --help'"
	run -0 "$TWTUNE" get --list-keys --help
	assert_line --index 0 --partial "usage: twtune [GLOBAL OPTIONS] get"
	run -0 "$TWTUNE" --profile-dir "$BATS_TEST_TMPDIR/pd" profiles --names
	assert_line only-in-dir
	refute_line --partial " "
}

@test "bash: values of --fail-on and --format" {
	expect "twtune audit --fail-on " crit info never warn
	expect "twtune audit --fail-on w" warn
	expect "twtune audit --fail-on=c" crit
	expect "twtune audit --format " docker json k8s prometheus text
	expect "twtune diff --format " docker json k8s text
	expect "twtune audit --format k" k8s
	expect "twtune audit --json --format p" prometheus
	expect "twtune audit --format=j" json
	# numbers: nothing to offer, and no profile names either
	expect "twtune audit --top "
	expect "twtune audit --interval "
	expect "twtune apply --wait "
}

@test "bash: --netns offers the names under /run/netns, and paths" {
	# A private mount namespace with its own empty /run: the host's /run
	# is neither read nor changed.
	run -0 unshare -m -- bash -c '
		mount -t tmpfs twtune-test /run && mkdir /run/netns &&
		: >/run/netns/blue && : >/run/netns/green && : >/run/netns/red &&
		for mode in plain bash-completion; do
			bash "$1" "$mode" "twtune --netns " | tr "\n" " "; echo
			bash "$1" "$mode" "twtune --netns g"
		done' _ "$TOP/tests/test_helper/bash-complete.sh"
	assert_equal "$output" "blue green red 
green
blue green red 
green"
	expect "twtune --netns /pro" /proc
}

@test "bash: directories for --sysctl-root, --state-dir, --profile-dir; files for --persist=" {
	local d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d/sys" "$d/state"
	: >"$d/sysctl.conf"
	: >"$d/stuff"
	expect "twtune --sysctl-root $d/s" "$d/state" "$d/sys"
	expect "twtune --profile-dir $d/" "$d/state" "$d/sys"
	expect "twtune apply --state-dir $d/st" "$d/state"
	expect "twtune rollback --state-dir=$d/s" "$d/state" "$d/sys"
	expect "twtune apply --persist=$d/s" "$d/state" "$d/stuff" "$d/sys" "$d/sysctl.conf"
	expect "twtune apply --persist=$d/sysctl." "$d/sysctl.conf"
	# --persist FILE is not a form twtune takes: the next word is the profile
	expect "twtune apply --persist w" web-server
}

@test "bash: help COMMAND" {
	expect "twtune help " apply audit diff get help observe profiles rollback show sockets watch
	expect "twtune help a" apply audit
	expect "twtune help audit "
	expect "twtune sockets "
	expect "twtune rollback "
}

@test "zsh -n and fish -n accept the zsh and fish completions; bash -n the bash one" {
	run -0 zsh -n "$TOP/completions/_twtune"
	run -0 fish -n "$TOP/completions/twtune.fish"
	run -0 bash -n "$TOP/completions/twtune.bash"
	# and the checkers do reject a broken file
	printf 'complete -c twtune -a (\n' >"$BATS_TEST_TMPDIR/broken.fish"
	run ! fish -n "$BATS_TEST_TMPDIR/broken.fish"
	printf '_twtune() {\n  case $x in\n}\n' >"$BATS_TEST_TMPDIR/_broken"
	run ! zsh -n "$BATS_TEST_TMPDIR/_broken"
}

# fish_expect LINE [WORD...]: fish completes LINE to exactly the WORDs.
fish_expect() {
	local line=$1 want
	shift
	want=$(if [ $# -gt 0 ]; then printf '%s\n' "$@" | sort; fi)
	echo "# fish: '$line'"
	run -0 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$TOP/completions/twtune.fish" "$line"
	assert_equal "$(cut -f1 <<<"$output" | sed '/^$/d' | sort)" "$want"
}

@test "fish: commands, options, values, profiles and keys through complete -C" {
	fish_expect "twtune au" audit
	fish_expect "twtune " apply audit diff get help observe profiles rollback show sockets watch
	fish_expect "twtune -" --sysctl-root --profile-dir --netns --all-netns --allow-insecure-profiles --color --no-color --quiet --verbose \
		--version --help -q -v -h
	fish_expect "twtune audit --" --json --format --fail-on --interval --observe --top --no-processes --help
	fish_expect "twtune observe --" --seconds --json --top --all-netns --help
	fish_expect "twtune apply --" --check --yes --json --persist --state-dir --wait --help
	fish_expect "twtune rollback --" --check --yes --json --state-dir --wait --help
	fish_expect "twtune watch --" --interval --top --observe --once --no-processes --help
	fish_expect "twtune audit --fail-on " crit info never warn
	fish_expect "twtune audit --format " docker json k8s prometheus text
	fish_expect "twtune diff --format " docker json k8s text
	fish_expect "twtune show " $SHIPPED
	fish_expect "twtune show proxy-profile "
	fish_expect "twtune --profile-dir $BATS_TEST_TMPDIR/pd show only" only-in-dir
	fish_expect "twtune --profile-dir=$BATS_TEST_TMPDIR/pd audit only" only-in-dir
	TWTUNE_PROFILE_PATH=$BATS_TEST_TMPDIR/env fish_expect "twtune diff only" only-in-env
	fish_expect "twtune get net.ipv4.tcp_tw" net.ipv4.tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay
	fish_expect "twtune get tcp_t" tcp_timestamps tcp_tw_reuse tcp_tw_reuse_delay
	fish_expect "twtune help a" apply audit
	mkdir -p "$BATS_TEST_TMPDIR/f/sub"
	: >"$BATS_TEST_TMPDIR/f/x.conf"
	fish_expect "twtune apply --persist=$BATS_TEST_TMPDIR/f/" \
		"--persist=$BATS_TEST_TMPDIR/f/sub/" "--persist=$BATS_TEST_TMPDIR/f/x.conf"
	fish_expect "twtune apply --state-dir $BATS_TEST_TMPDIR/f/" "$BATS_TEST_TMPDIR/f/sub/"
}

# zsh_case LINE [WORD...]: adds a line for zsh_check to complete, and the
# WORDs it must complete to.
zsh_case() {
	ZSH_LINES+=("$1")
	ZSH_WANT+="== $1"$'\n'
	shift
	if [ $# -gt 0 ]; then
		ZSH_WANT+=$(printf '%s\n' "$@" | sort)$'\n'
	fi
}

@test "zsh: commands, options, values, profiles and keys in a real zsh" {
	ZSH_LINES=() ZSH_WANT=
	zsh_case "twtune au" audit
	zsh_case "twtune " apply audit diff get help observe profiles rollback show sockets watch
	zsh_case "twtune --" --sysctl-root --profile-dir --netns --all-netns --allow-insecure-profiles --color --no-color --quiet --verbose \
		--version --help
	zsh_case "twtune audit --" --json --format --fail-on --interval --observe --top --no-processes --help
	zsh_case "twtune observe --" --seconds --json --top --all-netns --help
	zsh_case "twtune watch --" --interval --top --observe --once --no-processes --help
	zsh_case "twtune audit --fail-on " crit info never warn
	zsh_case "twtune audit --format " docker json k8s prometheus text
	zsh_case "twtune diff --format " docker json k8s text
	zsh_case "twtune show " $SHIPPED
	zsh_case "twtune show proxy-profile " --help --json -h
	zsh_case "twtune --profile-dir $BATS_TEST_TMPDIR/pd show only" only-in-dir
	zsh_case "twtune --profile-dir=$BATS_TEST_TMPDIR/pd apply --check only" only-in-dir
	zsh_case "twtune get net.ipv4.tcp_tw" net.ipv4.tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay
	zsh_case "twtune get tcp_t" tcp_timestamps tcp_tw_reuse tcp_tw_reuse_delay
	zsh_case "twtune help a" apply audit
	mkdir -p "$BATS_TEST_TMPDIR/z/sub"
	: >"$BATS_TEST_TMPDIR/z/x.conf"
	zsh_case "twtune apply --persist=$BATS_TEST_TMPDIR/z/" sub x.conf
	zsh_case "twtune apply --state-dir $BATS_TEST_TMPDIR/z/" sub
	run -0 timeout 60 zsh -f "$TOP/tests/test_helper/zsh-complete.zsh" "${ZSH_LINES[@]}"
	assert_equal "$output" "${ZSH_WANT%$'\n'}"
	# and $TWTUNE_PROFILE_PATH reaches the twtune the completion runs
	run -0 env TWTUNE_PROFILE_PATH="$BATS_TEST_TMPDIR/env" timeout 30 zsh -f \
		"$TOP/tests/test_helper/zsh-complete.zsh" "twtune diff only"
	assert_equal "$output" "== twtune diff only
only-in-env"
}
