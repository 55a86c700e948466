#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The binary's own help is the source: `twtune help` names the commands and
# global options, `twtune COMMAND --help` each command's options. The
# option parser, the man page, the bash, zsh and fish completions and the
# README's command table must name exactly the same, none missing and none
# extra. Each source is reduced to lines "global OPT", "command NAME" and
# "NAME OPT", sorted, and compared with diff.

bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common-setup
	_common_setup
	twtune_on_path
	MAN=$TOP/man/twtune.8
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

# Every command takes -h and --help; man page and README say so once.
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

synopsis_from_man() {
	awk '
	/^\.SH/ { sec = $0; sub(/^\.SH +/, "", sec); next }
	sec != "SYNOPSIS" { next }
	/^\.B twtune [a-z]+$/ { cmd = $3; print "synopsis " cmd; next }
	/^\.br/ { cmd = ""; next }
	cmd != "" {
		line = $0
		gsub(/\\-/, "-", line)
		while (match(line, /--[a-z][a-z-]*/)) {
			print "synopsis " cmd " " substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$MAN" | sort -u
}

from_readme() {
	local section row syn c
	section=$(awk '/^## Commands/ { f = 1; next } f && /^## / { exit } f' "$TOP/README.md")
	sed -n '/^Global options:/,/^$/p' <<<"$section" | tr '\n' ' ' |
		grep -oE '`--?[a-z][a-z-]*' | sed 's/^`/global /'
	while IFS= read -r row; do
		syn=${row#'| `'}
		syn=${syn%%'`'*}
		c=${syn%% *}
		echo "command $c"
		grep -oE -- '--[a-z][a-z-]*' <<<"$syn" | sed "s/^/$c /"
	done < <(grep '^| `' <<<"$section")
	grep -qF 'every command also takes `-h`/`--help`' <<<"$section" && all_take_help
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

@test "the man page's synopsis names the same commands and options as the help's" {
	synopsis_from_man | sort >"$BATS_TEST_TMPDIR/a"
	synopsis_from_help | sort >"$BATS_TEST_TMPDIR/b"
	run diff -u --label help --label man "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/a"
	assert_success
}

@test "the README's command table names the same commands and options as the help" {
	from_readme >"$BATS_TEST_TMPDIR/readme"
	run same readme
	assert_success
	# and its synopses are the help's, word for word
	local c syn
	for c in $COMMANDS; do
		syn=$(synopsis_of "$c" | sed 's/|/\\|/g')
		run grep -cF "| \`$syn\` |" "$TOP/README.md"
		assert_output 1
	done
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

@test "the man page lints clean with mandoc and groff" {
	run -0 mandoc -Tlint -Wwarning "$MAN"
	assert_output ""
	run -0 groff -ww -man -z "$MAN"
	assert_output ""
	# the linter does complain about a broken page
	printf '.TH X 8\n.SH NAME\nx \\- y\n.SS\n.BR\n.B\n' >"$BATS_TEST_TMPDIR/bad.8"
	run ! mandoc -Tlint -Wwarning "$BATS_TEST_TMPDIR/bad.8"
}

# The managed keys, from the registry (get --list-keys), the README's table
# and the man page's list of keys a profile may set (all but the read-only
# ones, which the README's table marks "read only").
@test "the README's managed sysctls and the man page's [sysctl] keys are the registry's" {
	local keys readme writable man
	keys=$("$TWTUNE" get --list-keys | sed 's/^net\.ipv4\.//' | sort)
	readme_rows() {
		awk -F'|' '/^## Managed sysctls/ { f = 1; next } f && /^## / { exit }
			f && /^\| [a-z]/ && $2 !~ /^ key / { gsub(/ /, "", $2); print $2 "|" $4 }' \
			"$TOP/README.md"
	}
	readme=$(readme_rows | cut -d'|' -f1 | sort)
	assert_equal "$readme" "$keys"
	writable=$(readme_rows | grep -v '|.*read only' | cut -d'|' -f1 | sort)
	[ -n "$writable" ] && [ "$writable" != "$keys" ]
	man=$(awk '/^takes the managed keys:/ { f = 1; next } f && !/^\.BR / { exit }
		f { gsub(/[,;]/, "", $2); print $2 }' "$MAN" | sort)
	assert_equal "$man" "$writable"
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
	run -0 sed -n '/^\.SH "\{0,1\}EXIT STATUS/,/^\.SH ENV/p' "$MAN"
	for s in 0 1 2 3 4; do
		assert_line ".B $s"
	done
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
