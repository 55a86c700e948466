#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The binary's own help is the source: `twtune help` names the commands,
# global options and exit codes, `twtune COMMAND --help` each command's
# usage line and options. The option parser, the man page twtune(8) and
# the bash, zsh and fish completions must name exactly the same, none
# missing and none extra. Each source is reduced to lines "global OPT",
# "command NAME" and "NAME OPT", sorted, and compared with diff. The help
# is parsed generically: an option line is one whose first column starts
# with "-" ("--long", "--long[=ARG]", "--long ARG", "-x, --long"), and a
# usage line may wrap. In twtune(8) a command's options are the .TP tags of
# its subsection of COMMANDS, the global ones those of GLOBAL OPTIONS. The
# other pages are checked against what twtune prints: twtune-metrics(7)
# against audit's Prometheus output, twtune.ini(5) against get --list-keys
# and show.

bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common-setup
	_common_setup
	twtune_on_path
	MAN=$TOP/man/twtune.8
	INI=$TOP/man/twtune.ini.5
	METRICS=$TOP/man/twtune-metrics.7
	KERNEL=$TOP/man/twtune-kernel.7
	# (a summary too wide for 80 columns goes on under its command)
	COMMANDS=$("$TWTUNE" help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit } f && /^  [^ ]/ { print $1 }')
}

# The synopsis of command $1, after "usage: twtune [GLOBAL OPTIONS] ": the
# help's first lines up to the empty one (wrapped at 80 columns), joined.
synopsis_of() {
	"$TWTUNE" "$1" --help | awk '/^$/ { exit } { sub(/^ +/, ""); printf "%s%s", (NR > 1 ? " " : ""), $0 }
		END { print "" }' | sed 's/^usage: twtune \[GLOBAL OPTIONS\] //'
}

# The option names in the first column of "  -q, --quiet   text" lines.
first_column_options() {
	sed -E 's/^  //; s/  .*//' | grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' | sed -E 's/^[ ,]//'
}

# The reference, from the binary's help.
from_help() {
	local c
	"$TWTUNE" help | awk '/^global options:/ { f = 1; next } f && /^$/ { exit } f' |
		first_column_options | sed 's/^/global /'
	for c in $COMMANDS; do
		echo "command $c"
		"$TWTUNE" "$c" --help | awk '/^options:/ { f = 1; next } f' |
			first_column_options | sed "s/^/$c /"
	done
}

# Every command takes -h and --help; the man page says so once.
all_take_help() {
	local c
	for c in $COMMANDS; do
		printf '%s -h\n%s --help\n' "$c" "$c"
	done
}

from_man() {
	# The tags of the .TP lists under GLOBAL OPTIONS and under each .SS of
	# COMMANDS, and the .SS names.
	awk '
	/^\.SH/ { sec = $0; sub(/^\.SH +/, "", sec); gsub(/"/, "", sec); cmd = ""; next }
	/^\.SS/ { cmd = $2; if (sec == "COMMANDS") print "command " cmd; next }
	/^\.TP/ { tag = 1; next }
	tag {
		tag = 0
		if (sec == "GLOBAL OPTIONS") who = "global"
		else if (sec == "COMMANDS" && cmd != "") who = cmd
		else next
		line = $0
		gsub(/\\-/, "-", line)
		while (match(line, /(^|[ "])--?[a-z][a-z-]*/)) {
			o = substr(line, RSTART, RLENGTH)
			sub(/^[ "]/, "", o)
			print who " " o
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$MAN"
	grep -q 'Every command also takes' "$MAN" && grep -A1 'Every command also takes' "$MAN" |
		grep -qF '.BR \-h " and " \-\-help .' && all_take_help
}

# "synopsis NAME OPT": the options a command's synopsis names.
synopsis_from_help() {
	local c
	for c in $COMMANDS; do
		echo "synopsis $c"
		synopsis_of "$c" | grep -oE -- '--[a-z][a-z-]*' | sort -u | sed "s/^/synopsis $c /"
	done
}

# A page as text, one paragraph a line, without overstrike.
render() {
	mandoc -Tascii -O width=1000 "$1" | sed 's/.\x08//g'
}

# The text of section $2 of page $1 (rendered), without its heading.
section_text() {
	render "$1" | awk -v s="$2" '$0 == s { f = 1; next } f && /^[A-Z]/ { exit } f'
}

# "CMD<TAB>usage": the usage line of every command's --help, joined where
# it wraps (up to the first empty line), without "usage: " and
# "[GLOBAL OPTIONS] ".
usage_from_help() {
	local c
	for c in $COMMANDS; do
		printf '%s\t%s\n' "$c" "$("$TWTUNE" "$c" --help | awk '/^$/ { exit } { print }' |
			tr -s ' \n' '  ' | sed -E 's/^usage: //; s/\[GLOBAL OPTIONS\] //; s/ $//')"
	done
}

# "CMD<TAB>synopsis" from the SYNOPSIS section of twtune(8): its lines
# "twtune CMD ...".
usage_from_man_synopsis() {
	section_text "$MAN" SYNOPSIS | sed -E 's/^ +//; s/ +/ /g; s/ $//' |
		awk '$1 == "twtune" && $2 ~ /^[a-z]+$/ { print $2 "\t" $0 }'
}

# "CMD<TAB>synopsis" from COMMANDS: the first line of each command's
# subsection.
usage_from_man_sections() {
	section_text "$MAN" COMMANDS | awk '
		/^   [a-z]+$/ { cmd = $1; want = 1; next }
		want && NF { sub(/^ +/, ""); gsub(/ +/, " "); sub(/ $/, ""); print cmd "\t" $0; want = 0 }'
}

# bash-complete.sh, in both modes, must agree; prints one of them.
bash_complete() {
	local a b
	a=$(bash "$TOP/tests/test_helper/bash-complete.sh" plain "$1") || return 1
	b=$(bash "$TOP/tests/test_helper/bash-complete.sh" bash-completion "$1") || return 1
	[ "$a" = "$b" ] || { echo "bash: '$1': plain and bash-completion differ" >&2; return 1; }
	printf '%s\n' "$a"
}

from_bash() {
	local c
	bash_complete "twtune -" | sed 's/^/global /'
	for c in $(bash_complete "twtune "); do
		echo "command $c"
		bash_complete "twtune $c -" | sed 's/=$//' | sort -u | sed "s/^/$c /"
	done
}

fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$TOP/completions/twtune.fish" "$1" | cut -f1 | sort -u
}

from_fish() {
	local c
	fish_complete "twtune -" | sed 's/^/global /'
	for c in $(fish_complete "twtune "); do
		echo "command $c"
		fish_complete "twtune $c -" | sed "s/^/$c /"
	done
}

from_zsh() {
	local c lines=("twtune -" "twtune ")
	for c in $COMMANDS; do
		lines+=("twtune $c -")
	done
	timeout 60 zsh -f "$TOP/tests/test_helper/zsh-complete.zsh" "${lines[@]}" | awk '
		/^== / { line = substr($0, 4); next }
		line == "twtune -" { print "global " $0; next }
		line == "twtune " { print "command " $0; next }
		{ split(line, w, " "); print w[2] " " $0 }'
}

# same NAME: the reference and $BATS_TEST_TMPDIR/NAME hold the same lines.
same() {
	from_help | sort >"$BATS_TEST_TMPDIR/help"
	sort -o "$BATS_TEST_TMPDIR/$1" "$BATS_TEST_TMPDIR/$1"
	diff -u --label "twtune help" --label "$1" "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/$1"
}

@test "the help itself: a command table, global options, and options for every command" {
	run -0 from_help
	assert_equal "$(tr '\n' ' ' <<<"$COMMANDS")" "audit diff apply rollback sockets observe watch get profiles show help "
	assert_line "global --sysctl-root"
	assert_line "global -q"
	assert_line "audit --fail-on"
	assert_line "apply --persist"
	assert_line "get --list-keys"
	assert_line "help --help"
	# each command's synopsis names exactly the options its list does
	from_help | grep -vE '^(global|command) | --?h(elp)?$' | sed 's/^/synopsis /' >"$BATS_TEST_TMPDIR/a"
	for c in $COMMANDS; do echo "synopsis $c"; done >>"$BATS_TEST_TMPDIR/a"
	synopsis_from_help >"$BATS_TEST_TMPDIR/b"
	run diff -u <(sort "$BATS_TEST_TMPDIR/a") <(sort "$BATS_TEST_TMPDIR/b")
	assert_success
}

# A value twtune takes for a placeholder of the help.
sample() {
	case $1 in
	FMT) echo text ;;
	SEV) echo crit ;;
	SEC | N) echo 1 ;;
	DIR) echo "$BATS_TEST_TMPDIR" ;;
	*) echo x ;;
	esac
}

# try_option ARG END WORD...: runs twtune WORD... [a sample value for ARG]
# END, and sets rc and out (stdout and stderr).
try_option() {
	local arg=$1 end=$2
	shift 2
	rc=0
	if [ -n "$arg" ]; then
		out=$("$TWTUNE" "$@" "$(sample "$arg")" "$end" 2>&1) || rc=$?
	else
		out=$("$TWTUNE" "$@" "$end" 2>&1) || rc=$?
	fi
}

@test "the parser takes every option the help names, and no other short option" {
	local c o line first arg out rc want bad=
	# Each option of the help, with a value where the help shows one, then
	# --version (global) or --help (command), which answers before anything
	# is done. Plain loops: `run` for each would take many seconds.
	while IFS= read -r line; do
		first=$(sed -E 's/^  //; s/  .*//' <<<"$line")
		arg=$(grep -oE ' [A-Z][A-Z|]*$' <<<"$first" | tr -d ' ' || true)
		for o in $(first_column_options <<<"$line"); do
			try_option "$arg" --version "$o"
			case $o in -h | --help) want="usage: twtune*" ;; *) want="twtune [0-9]*.[0-9]*" ;; esac
			# shellcheck disable=SC2053
			[[ $rc == 0 && $out == $want ]] || bad+="twtune $o ${arg:+$(sample "$arg") }--version: $rc: $out"$'\n'
		done
	done < <("$TWTUNE" help | awk '/^global options:/ { f = 1; next } f && /^$/ { exit } f')
	for c in $COMMANDS; do
		while IFS= read -r line; do
			first=$(sed -E 's/^  //; s/  .*//' <<<"$line")
			arg=$(grep -oE ' [A-Z][A-Z|]*$' <<<"$first" | tr -d ' ' || true)
			for o in $(first_column_options <<<"$line"); do
				try_option "$arg" --help "$c" "$o"
				[[ $rc == 0 && $out == "usage: twtune [GLOBAL OPTIONS] $c"* ]] ||
					bad+="twtune $c $o ${arg:+$(sample "$arg") }--help: $rc: ${out%%$'\n'*}"$'\n'
			done
		done < <("$TWTUNE" "$c" --help | awk '/^options:/ { f = 1; next } f')
	done
	assert_equal "$bad" ""
	# every letter but the documented short options is unknown
	local short err
	for short in {a..z} {A..Z}; do
		case $short in q | v | h) ;; *)
			rc=0
			err=$("$TWTUNE" "-$short" help 2>&1 >/dev/null) || rc=$?
			[ "$rc:$err" = "2:twtune: unknown option '-$short'; see 'twtune help'" ] ||
				bad+="twtune -$short help: $rc: $err"$'\n'
			;;
		esac
		# -h, and the global -q and -v, which count after the command too
		case $short in h | q | v) continue ;; esac
		for c in $COMMANDS; do
			rc=0
			err=$("$TWTUNE" "$c" "-$short" 2>&1 >/dev/null) || rc=$?
			[ "$rc:$err" = "2:twtune: $c: unknown option '-$short'; see 'twtune $c --help'" ] ||
				bad+="twtune $c -$short: $rc: $err"$'\n'
		done
	done
	assert_equal "$bad" ""
}

@test "the man page names the same commands and options as the help" {
	from_man >"$BATS_TEST_TMPDIR/man"
	run same man
	assert_success
}

@test "every command has a section in twtune(8) whose synopsis is its --help usage line" {
	usage_from_help | sort >"$BATS_TEST_TMPDIR/help"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/help")" -eq "$(wc -w <<<"$COMMANDS")" ]
	usage_from_man_sections | sort >"$BATS_TEST_TMPDIR/sections"
	run diff -u --label help --label "man COMMANDS" "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/sections"
	assert_success
	# and the SYNOPSIS at the top says the same
	usage_from_man_synopsis | sort >"$BATS_TEST_TMPDIR/synopsis"
	run diff -u --label help --label "man SYNOPSIS" "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/synopsis"
	assert_success
	# word for word: a section's synopsis without one option is caught
	sed -e '/^\.SS sockets/,/^\.PP/{/no\\-processes/d}' "$MAN" >"$BATS_TEST_TMPDIR/bad.8"
	MAN=$BATS_TEST_TMPDIR/bad.8 usage_from_man_sections | sort >"$BATS_TEST_TMPDIR/bad"
	run diff "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/bad"
	assert_failure
	assert_line "> sockets	twtune sockets [--json] [--top N]"
	# and so is a usage line that wraps (the help may wrap at 80 columns)
	run -0 bash -c 'printf "usage: twtune [GLOBAL OPTIONS] x [--a]\n      [--b N]\n\ntext\n" |
		awk "/^\$/ { exit } { print }" | tr -s " \n" "  " | sed -E "s/^usage: //; s/\[GLOBAL OPTIONS\] //; s/ \$//"'
	assert_output "twtune x [--a] [--b N]"
}

@test "the bash completion offers the same commands and options as the help" {
	from_bash >"$BATS_TEST_TMPDIR/bash"
	run same bash
	assert_success
}

@test "the fish completion offers the same commands and options as the help" {
	from_fish >"$BATS_TEST_TMPDIR/fish"
	run same fish
	assert_success
}

@test "the zsh completion offers the same commands and options as the help" {
	from_zsh >"$BATS_TEST_TMPDIR/zsh"
	# the reader must have read something: every command at least
	run grep -c '^command ' "$BATS_TEST_TMPDIR/zsh"
	assert_output "$(wc -w <<<"$COMMANDS")"
	run same zsh
	assert_success
}

@test "the comparison catches a missing and an extra option" {
	# A man page without --wait for rollback, and with a --frob for get.
	sed -e '/^\.SS rollback/,/^\.SS/{/^\.BI \\-\\-wait/s/wait/frob/}' "$MAN" >"$BATS_TEST_TMPDIR/bad.8"
	run -1 cmp -s "$MAN" "$BATS_TEST_TMPDIR/bad.8"
	MAN=$BATS_TEST_TMPDIR/bad.8 from_man >"$BATS_TEST_TMPDIR/man"
	run -1 same man
	assert_line -- "-rollback --wait"
	assert_line -- "+rollback --frob"
}

@test "the man pages lint clean with mandoc and groff" {
	local pages=("$TOP"/man/*)
	[ "${#pages[@]}" -ge 4 ]
	run -0 mandoc -Tlint -W warning "${pages[@]}"
	assert_output ""
	run -0 groff -ww -man -z "${pages[@]}"
	assert_output ""
	# the linter does complain about a broken page
	printf '.TH X 8\n.SH NAME\nx \\- y\n.SS\n.BR\n.B\n' >"$BATS_TEST_TMPDIR/bad.8"
	run ! mandoc -Tlint -W warning "$BATS_TEST_TMPDIR/bad.8"
}

@test "the pages name each other in SEE ALSO, and each page's name is its file's" {
	local p name sec other
	for p in "$TOP"/man/*; do
		name=${p##*/}
		sec=${name##*.}
		name=${name%.*}
		# .TH NAME SECTION: the name in capitals, the section the suffix
		run -0 awk 'NR <= 3 && /^\.TH/ { print $2, $3 }' "$p"
		assert_output "$(tr '[:lower:]' '[:upper:]' <<<"$name") $sec"
		run -0 sed -n '/^\.SH "\{0,1\}SEE ALSO/,$p' "$p"
		for other in "$TOP"/man/*; do
			[ "$other" = "$p" ] && continue
			other=${other##*/}
			assert_output --partial ".BR $(sed 's/-/\\-/g' <<<"${other%.*}") (${other##*.})"
		done
	done
}

# The managed keys: the registry's (get --list-keys) are the .TP tags of
# twtune.ini(5)'s [sysctl] section; those a profile may set are the ones
# not marked "Read only" there, and twtune refuses the others in a profile.
@test "twtune.ini(5) names every key of get --list-keys, and which are read only" {
	local keys man writable ro k
	keys=$("$TWTUNE" get --list-keys | sed 's/^net\.\(ipv4\|netfilter\)\.//' | sort)
	[ "$(wc -l <<<"$keys")" -ge 8 ]
	ini_keys() {
		awk '/^\.SH/ { f = ($2 == "[sysctl]"); next }
			f && /^\.TP/ { tag = 1; next }
			f && tag { tag = 0; k = $2; getline; print k "|" $0 }' "$INI"
	}
	man=$(ini_keys | cut -d'|' -f1 | sort)
	assert_equal "$man" "$keys"
	writable=$(ini_keys | grep -v '|Read only' | cut -d'|' -f1 | sort)
	ro=$(ini_keys | grep '|Read only' | cut -d'|' -f1 | sort)
	[ -n "$writable" ] && [ -n "$ro" ]
	# a profile may set every writable key, and no read-only one
	for k in $writable; do
		printf '[sysctl]\n%s = default\n' "$k" >"$BATS_TEST_TMPDIR/k.ini"
		run -0 "$TWTUNE" show "$BATS_TEST_TMPDIR/k.ini"
	done
	for k in $ro; do
		printf '[sysctl]\n%s = 1\n' "$k" >"$BATS_TEST_TMPDIR/k.ini"
		run -3 "$TWTUNE" show "$BATS_TEST_TMPDIR/k.ini"
		assert_output --partial "read-only"
	done
}

# The thresholds: twtune.ini(5)'s [thresholds] tags and the default that
# starts each entry are what `show` prints for a profile that sets none.
@test "twtune.ini(5) names every threshold with its default, as show prints them" {
	printf '[profile]\ndescription = none set\n' >"$BATS_TEST_TMPDIR/empty.ini"
	run -0 "$TWTUNE" show "$BATS_TEST_TMPDIR/empty.ini"
	local shown
	shown=$(awk '/^\[thresholds\]/ { f = 1; next } /^\[/ { f = 0 } f && / = / { print $1, $3 }' <<<"$output" | sort)
	[ "$(wc -l <<<"$shown")" -ge 9 ]
	run -0 awk '/^\.SH/ { f = ($2 == "[thresholds]"); next }
		f && /^\.TP/ { tag = 1; next }
		f && tag { tag = 0; k = $2; getline; sub(/:.*/, ""); print k, $0 }' "$INI"
	assert_equal "$(sort <<<"$output")" "$shown"
}

@test "twtune.ini(5) has the format, inheritance, search path and trust rules" {
	local s
	for s in NAME SYNOPSIS DESCRIPTION "[profile]" "[sysctl]" "[thresholds]" "SEARCH PATH" TRUST \
		"SHIPPED PROFILES" FILES ENVIRONMENT "SEE ALSO"; do
		run grep -cxE "\\.SH \"?$(sed 's/[][]/\\&/g' <<<"$s")\"?" "$INI"
		assert_output 1
	done
	run -0 render "$INI"
	for s in TWTUNE_PROFILE_PATH /etc/twtune/profiles --profile-dir include --allow-insecure-profiles \
		"sticky bit" "up to 8 levels" "[A-Za-z0-9._-]+"; do
		assert_output --partial "$s"
	done
	# every shipped profile
	for s in "$TOP"/profiles/*.ini; do
		s=${s##*/}
		run -0 section_text "$INI" "SHIPPED PROFILES"
		assert_output --partial "${s%.ini}"
	done
}

# Every series and label twtune prints, from a private namespace (one
# namespace's audit) and from --all-netns (every namespace, the two series
# of its own), is a .TP tag of twtune-metrics(7). The other way (every tag
# printed) needs the namespaces of tests/allnetns.bats: it is tested there.
@test "twtune-metrics(7) names every series and label audit --format prometheus prints" {
	[ "$(id -u)" = 0 ] || skip "needs root for unshare and --all-netns"
	# one pool, measured over the default 1 s window: the pool series too
	in_netns bash -c '"$BUILD/tests/sockgen" --port 8080 --tw-client 5 >/dev/null &&
		"$TWTUNE" audit --format prometheus --interval 1 --fail-on never' >"$BATS_TEST_TMPDIR/one.prom"
	in_netns "$TWTUNE" --all-netns audit --format prometheus --interval 0 --fail-on never \
		>"$BATS_TEST_TMPDIR/all.prom"
	# a node's conntrack table with source NAT, replayed (tests/fixtures/conntrack)
	in_netns env TWTUNE_CT_REPLAY="$TOP/tests/fixtures/conntrack/node.bin" "$TWTUNE" audit \
		--format prometheus --interval 0 --fail-on never >"$BATS_TEST_TMPDIR/nat.prom"
	grep -q '^twtune_snat_ports_used{' "$BATS_TEST_TMPDIR/nat.prom"
	cat "$BATS_TEST_TMPDIR/one.prom" "$BATS_TEST_TMPDIR/all.prom" "$BATS_TEST_TMPDIR/nat.prom" | grep -v '^#' |
		sed -E 's/[{ ].*//' | sort -u >"$BATS_TEST_TMPDIR/series"
	cat "$BATS_TEST_TMPDIR/one.prom" "$BATS_TEST_TMPDIR/all.prom" "$BATS_TEST_TMPDIR/nat.prom" | grep -v '^#' |
		grep -oE '[{,][a-z_]+="' | tr -d '{,="' | sort -u >"$BATS_TEST_TMPDIR/labels"
	run grep -c . "$BATS_TEST_TMPDIR/series"
	[ "$output" -ge 14 ]
	grep -qx twtune_netns_read "$BATS_TEST_TMPDIR/series"
	grep -qx netns "$BATS_TEST_TMPDIR/labels"
	tags() {
		awk -v s="$2" '/^\.SH/ { f = ($2 == s); next }
			f && /^\.TP/ { tag = 1; next }
			f && tag { tag = 0; print $2 }' "$1" | sort -u
	}
	tags "$METRICS" SERIES >"$BATS_TEST_TMPDIR/man-series"
	run comm -23 "$BATS_TEST_TMPDIR/series" "$BATS_TEST_TMPDIR/man-series"
	assert_output ""
	tags "$METRICS" LABELS >"$BATS_TEST_TMPDIR/man-labels"
	run comm -23 "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/man-labels"
	assert_output ""
	# every rule's name, and the JSON schema_version audit --json prints
	run -0 render "$METRICS"
	for s in $(awk -F'"' '/^twtune_finding_severity/ { print $2 }' "$BATS_TEST_TMPDIR/one.prom"); do
		assert_output --partial "$s"
	done
	local v
	v=$(in_netns "$TWTUNE" audit --json --fail-on never | jq .schema_version)
	[[ $v =~ ^[0-9]+$ ]]
	assert_output --partial "schema_version is $v."
}

# The kernel page names the kernel's own sources for what it says.
@test "twtune-kernel(7) cites the kernel functions and files twtune relies on" {
	local s
	run -0 render "$KERNEL"
	for s in "net/ipv4/inet_hashtables.c" __inet_hash_connect "net/ipv4/tcp_ipv4.c" tcp_twsk_unique \
		"net/ipv4/inet_timewait_sock.c" inet_twsk_alloc "net/ipv4/tcp_minisocks.c" tcp_time_wait \
		TCP_TIMEWAIT_LEN tcp_tw_reuse_delay tcp_max_tw_buckets TCPTimeWaitOverflow TWRecycled \
		"not free capacity" "parity"; do
		assert_output --partial "$s"
	done
	# every managed key has its paragraph
	for s in $("$TWTUNE" get --list-keys | sed 's/^net\.\(ipv4\|netfilter\)\.//'); do
		run -0 section_text "$KERNEL" "THE SYSCTLS"
		assert_line --regexp "^       $s\$"
	done
}

# Nothing names a file outside the repository: not the machine's /work
# tree, nor a sibling shared/ directory. (The patterns are split so that
# this file does not match itself.)
@test "no file of the repository refers to a path outside it" {
	local files
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		files=$(git -C "$TOP" ls-files)
	else
		files=$(cd "$TOP" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print)
	fi
	[ -n "$files" ]
	run bash -c 'cd "$1" && shift && grep -nIE "/[w]ork/|\.\./[s]hared|[s]hared/FACTS" "$@"' _ "$TOP" $files
	assert_output ""
}

# README.md stays short and points to the pages that hold the reference.
@test "README.md is short, shows make audit and make test, and points to every man page" {
	run -0 wc -l <"$TOP/README.md"
	[ "$output" -le 260 ]
	run -0 cat "$TOP/README.md"
	assert_output --partial "make audit"
	assert_output --partial "make test"
	local p
	for p in "$TOP"/man/*; do
		p=${p##*/}
		assert_output --partial "${p%.*}(${p##*.})"
	done
	assert_output --partial "tests/bench/README.md"
	assert_output --partial "CHANGELOG.md"
	[ -f "$TOP/tests/bench/README.md" ]
}

@test "the man page has every section, and SEE ALSO names the tools it relates to" {
	local s
	for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS PROFILES "EXIT STATUS" \
		ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		run grep -cxE "\\.SH \"?$s\"?" "$MAN"
		assert_output 1
	done
	run -0 sed -n '/^\.SH "\{0,1\}SEE ALSO/,$p' "$MAN"
	for s in "sysctl (8)" "ss (8)" "sysctl.d (5)" "tuned\\-adm (8)"; do
		assert_output --partial ".BR $s"
	done
	# the profile format and search path, and every exit code
	run -0 bash -c 'mandoc -Tascii "$1" | sed "s/.\x08//g"' _ "$MAN"
	for s in "[profile]" "[sysctl]" "[thresholds]" TWTUNE_PROFILE_PATH /etc/twtune/profiles \
		--profile-dir include; do
		assert_output --partial "$s"
	done
	# the exit codes: those of `twtune help`, each a .TP tag of EXIT STATUS
	run -0 awk '/^\.SH/ { f = ($0 ~ /EXIT STATUS/); next }
		f && /^\.TP/ { tag = 1; next }
		f && tag { tag = 0; print $2 }' "$MAN"
	assert_equal "$output" "$("$TWTUNE" help | awk '/^exit codes:/ { f = 1; next } f && /^$/ { exit } f { print $1 }')"
	[ "${#lines[@]}" -ge 5 ]
}

@test "the man page's ENVIRONMENT names every variable twtune reads, and no other" {
	# getenv("NAME") and the test hooks read through a helper by name
	{
		grep -ohE 'getenv\("[A-Z_]+"\)' "$TOP"/src/*.c "$TOP"/src/*/*.c | grep -oE '[A-Z_]{2,}'
		grep -ohE 'env_on\("[A-Z_]+"\)' "$TOP"/src/*.c "$TOP"/src/*/*.c | grep -oE '[A-Z_]{2,}'
	} | sort -u >"$BATS_TEST_TMPDIR/src"
	# nothing reads the environment another way: only testhook.c's helper
	# takes the name from its callers
	run grep -nE 'getenv\([^"]|secure_getenv|environ\b' "$TOP"/src/*.c "$TOP"/src/*/*.c
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --regexp '^.*/testhook\.c:[0-9]+:.*= getenv\(name\);$'
	# "user NAME" before the paragraph for tests, "test NAME" after it
	run -0 awk '
		/^\.SH/ { env = ($2 == "ENVIRONMENT"); next }
		env && /^For testing only/ { kind = "test" }
		env && /^\.TP/ { tag = 1; next }
		env && tag { tag = 0; if ($1 == ".B") print (kind ? kind : "user") " " $2 }' "$MAN"
	assert_equal "$(sed 's/^[a-z]* //' <<<"$output" | sort -u)" "$(cat "$BATS_TEST_TMPDIR/src")"
	# the ones for users first; the test hooks in the paragraph for tests
	assert_equal "$(grep '^user ' <<<"$output" | sort)" "user COLUMNS
user NO_COLOR
user TERM
user TWTUNE_PROFILE_PATH"
	assert_equal "$(grep -c '^test ' <<<"$output")" "$(($(wc -l <"$BATS_TEST_TMPDIR/src") - 4))"
}
