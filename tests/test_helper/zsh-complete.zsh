#!/usr/bin/zsh -f
# Completes LINE with completions/_twtune in a real interactive zsh (on a
# pseudo-terminal, through compinit), as TAB at the end of LINE would, and
# prints the matches the completion system was given, one per line, sorted.
#   zsh-complete.zsh LINE
# Waits at most 10 seconds; exit 2 when the shell did not complete.
emulate -L zsh
zmodload zsh/zpty || exit 2
local top=${0:A:h:h:h} tmp
tmp=$(mktemp -d) || exit 2
trap 'zpty -d tw 2>/dev/null; rm -rf $tmp' EXIT
cat >$tmp/setup.zsh <<SETUP
PS1= PROMPT= RPROMPT=
fpath=(${(q)top}/completions \$fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' insert-tab false
# Every match offered, whatever the widget then does with it.
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a hits
  builtin compadd -A hits "\$@"
  (( \$#hits )) && print -rl -- \$hits >>${(q)tmp}/matches
  builtin compadd "\$@"
}
_tw_done() { : >${(q)tmp}/done }
comppostfuncs=(_tw_done)
bindkey '^I' complete-word
: >${(q)tmp}/ready
SETUP
: >$tmp/matches
zpty tw zsh -f -i || exit 2
zpty -w tw ". ${(q)tmp}/setup.zsh"
local i
for (( i = 0; i < 100; i++ )); do
  [[ -e $tmp/ready ]] && break
  sleep 0.1
done
[[ -e $tmp/ready ]] || { print -u2 "zsh did not start"; exit 2 }
zpty -w -n tw "$1"$'\t'
for (( i = 0; i < 100; i++ )); do
  [[ -e $tmp/done ]] && break
  sleep 0.1
done
[[ -e $tmp/done ]] || { print -u2 "zsh did not complete '$1'"; exit 2 }
sort -u $tmp/matches
