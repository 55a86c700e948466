# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for twtune                                 -*- shell-script -*-
# Commands and options are those of `twtune help` and `twtune COMMAND
# --help` (tests/docs.bats checks it). Profile names come from `twtune
# profiles --names`, given the --profile-dir options already on the line
# ($TWTUNE_PROFILE_PATH reaches it through the environment); keys come
# from `twtune get --list-keys`. Works with bash-completion and without.

# Without bash-completion: sets words, cword, cur, prev and split as
# `_init_completion -s` does, "--opt=value" being one word whose value is
# cur and whose option is prev.
_twtune_init()
{
    local j w
    words=()
    cword=0
    for ((j = 0; j < ${#COMP_WORDS[@]}; j++)); do
        w=${COMP_WORDS[j]}
        if ((${#words[@]} > 1)) &&
            { [[ $w == = && ${words[-1]} == --[a-z]* && ${words[-1]} != *=* ]] ||
                [[ ${words[-1]} == --[a-z]*= && $w != = ]]; }; then
            words[-1]+=$w
        else
            words+=("$w")
        fi
        ((j == COMP_CWORD)) && cword=$((${#words[@]} - 1))
    done
    cur=${words[cword]-}
    prev=${words[cword - 1]-}
    split=false
    if [[ $cur == --?*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
        split=true
    fi
}

# Files, or directories with -d, matching cur.
_twtune_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ ${1-} == -d ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_twtune()
{
    local cur prev words cword split
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        _twtune_init
    fi

    local global_opts="--sysctl-root --profile-dir --netns --all-netns --allow-insecure-profiles --color --no-color --quiet --verbose --version --help -q -v -h"
    local commands="audit diff apply rollback sockets observe watch get profiles show help"

    # The command, the --profile-dir options before it, and how many
    # arguments (not options or their values) it already has.
    local i w d cmd='' npos=0 pdirs=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ -z $cmd ]]; then
            d=
            case $w in
            --profile-dir)
                ((i + 1 < cword)) && d=${words[i + 1]}
                ((i++))
                ;;
            --profile-dir=*) d=${w#*=} ;;
            --sysctl-root | --netns) ((i++)) ;;
            -*) ;;
            *) cmd=$w ;;
            esac
            [[ $d == "~"/* ]] && d=$HOME/${d#"~"/}
            [[ -n $d ]] && pdirs+=(--profile-dir "$d")
        else
            case $w in
            --format | --fail-on | --interval | --observe | --top | --seconds | --state-dir | --wait) ((i++)) ;;
            -*) ;;
            *) ((npos++)) ;;
            esac
        fi
    done

    # The value of an option.
    case $prev in
    --sysctl-root | --profile-dir | --state-dir)
        _twtune_files -d
        return
        ;;
    --persist)
        if $split; then
            _twtune_files
            return
        fi
        ;;
    --color)
        # --color alone means always; a value only as --color=WHEN
        if $split; then
            mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
            return
        fi
        ;;
    --netns)
        if [[ $cur == */* ]]; then
            _twtune_files
        else
            local ns=() n
            for n in /run/netns/*; do
                [[ -e $n ]] && ns+=("${n##*/}")
            done
            mapfile -t COMPREPLY < <(compgen -W "${ns[*]}" -- "$cur")
        fi
        return
        ;;
    --format)
        if [[ $cmd == diff ]]; then
            mapfile -t COMPREPLY < <(compgen -W "text json k8s docker" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "text json prometheus k8s docker" -- "$cur")
        fi
        return
        ;;
    --fail-on)
        mapfile -t COMPREPLY < <(compgen -W "info warn crit never" -- "$cur")
        return
        ;;
    --interval | --observe | --top | --seconds | --wait)
        return
        ;;
    esac
    $split && return

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$global_opts" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        fi
        return
    fi

    local opts=
    case $cmd in
    audit) opts="--json --format --fail-on --interval --observe --top --no-processes --help -h" ;;
    diff) opts="--json --format --interval --help -h" ;;
    apply) opts="--check --yes --json --persist --persist= --state-dir --wait --help -h" ;;
    rollback) opts="--check --yes --json --state-dir --wait --help -h" ;;
    sockets) opts="--json --top --no-processes --help -h" ;;
    observe) opts="--seconds --json --top --all-netns --help -h" ;;
    watch) opts="--interval --top --observe --once --no-processes --help -h" ;;
    get) opts="--json --list-keys --help -h" ;;
    profiles) opts="--json --names --help -h" ;;
    show) opts="--json --help -h" ;;
    help) opts="--help -h" ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi

    case $cmd in
    audit | diff | apply | show)
        ((npos == 0)) || return
        if [[ $cur == */* ]]; then
            _twtune_files
        else
            mapfile -t COMPREPLY < <(compgen -W \
                "$("${words[0]}" "${pdirs[@]}" profiles --names 2>/dev/null)" -- "$cur")
        fi
        ;;
    get)
        local keys k
        keys=$("${words[0]}" get --list-keys 2>/dev/null)
        # Full names (net.ipv4.tcp_tw_reuse), or short ones once the word
        # cannot be the start of a full one.
        if [[ -n $cur && net. != "$cur"* && $cur != net.* ]]; then
            keys=$(for k in $keys; do printf '%s\n' "${k##*.}"; done)
        fi
        mapfile -t COMPREPLY < <(compgen -W "$keys" -- "$cur")
        ;;
    help)
        ((npos == 0)) || return
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        ;;
    esac
} &&
    complete -F _twtune twtune

# ex: filetype=sh
