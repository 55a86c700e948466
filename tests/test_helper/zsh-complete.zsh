#!/usr/bin/zsh -f
# SPDX-License-Identifier: GPL-2.0-or-later
# Completes each LINE with completions/_twtune in one real interactive zsh
# (on a pseudo-terminal, through compinit), as TAB at the end of the line
# would, and prints for each "== LINE" and then the matches the completion
# system was given, one per line, sorted.
#   zsh-complete.zsh LINE...
# Waits at most 10 seconds a step; exit 2 when the shell did not answer.
emulate -L zsh
zmodload zsh/zpty || exit 2
local top=${0:A:h:h:h} tmp line i n=0
tmp=$(mktemp -d) || exit 2
trap 'zpty -d tw 2>/dev/null; rm -rf $tmp' EXIT
cat >$tmp/setup.zsh <<SETUP
PS1= PROMPT= RPROMPT=
fpath=(${(q)top}/completions \$fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' insert-tab false
typeset -gi _tw_n=0
# Every match offered, whatever the widget then does with it.
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a hits
  builtin compadd -A hits "\$@"
  (( \$#hits )) && print -rl -- \$hits >>${(q)tmp}/m.\$_tw_n
  builtin compadd "\$@"
}
_tw_done() { : >${(q)tmp}/d.\$_tw_n }
# TAB: the next line's completion, then a mark that it is over.
_tw_complete() {
  (( _tw_n++ ))
  : >${(q)tmp}/m.\$_tw_n
  comppostfuncs=(_tw_done)
  zle complete-word
}
zle -N _tw_complete
bindkey '^I' _tw_complete
: >${(q)tmp}/ready
SETUP
# waitfor FILE: at most 10 s
waitfor() {
  local j
  for (( j = 0; j < 100; j++ )); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  return 1
}
zpty tw zsh -f -i || exit 2
zpty -w tw ". ${(q)tmp}/setup.zsh"
waitfor $tmp/ready || { print -u2 "zsh did not start"; exit 2 }
for line in "$@"; do
  (( n++ ))
  # ^U empties the line left by the previous completion
  zpty -w -n tw $'\C-u'"$line"$'\t'
  waitfor $tmp/d.$n || { print -u2 "zsh did not complete '$line'"; exit 2 }
  print -r -- "== $line"
  sort -u $tmp/m.$n
done
