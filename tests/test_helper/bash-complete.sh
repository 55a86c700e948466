#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Completes a command line with completions/twtune.bash the way bash does
# on TAB at the end of LINE, and prints COMPREPLY, one per line, sorted.
#   bash-complete.sh plain|bash-completion LINE
# "bash-completion" loads the bash-completion package first, as a login
# shell on Debian does; "plain" goes without it.
set -u
mode=$1 line=$2
if [ "$mode" = bash-completion ]; then
	# shellcheck disable=SC1091
	. /usr/share/bash-completion/bash_completion || exit 2
fi
# shellcheck disable=SC1091
. "$(dirname "$0")/../../completions/twtune.bash" || exit 2
# Words as bash splits them: at blanks, and around '=' (COMP_WORDBREAKS).
COMP_WORDS=()
read -ra parts <<<"$line"
[[ $line == *" " || -z $line ]] && parts+=("")
for w in "${parts[@]}"; do
	if [ -z "$w" ]; then
		COMP_WORDS+=("")
		continue
	fi
	while [[ $w == *=* ]]; do
		[ -n "${w%%=*}" ] && COMP_WORDS+=("${w%%=*}")
		COMP_WORDS+=("=")
		w=${w#*=}
	done
	[ -n "$w" ] && COMP_WORDS+=("$w")
done
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_twtune twtune "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]-}"
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
exit 0
