# bash completion for twtune                                 -*- shell-script -*-
# Profile names come from `twtune profiles --names` and keys from
# `twtune get --list-keys`, so they follow --profile-dir and the registry.

_twtune()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local global_opts="--sysctl-root --profile-dir --netns --allow-insecure-profiles --no-color --quiet --verbose --version --help -q -v -h"
    local commands="apply audit diff get help profiles rollback show sockets"

    # Global options and the command, with the options that pass on to
    # `twtune profiles --names`.
    local i cmd= pass=()
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        --sysctl-root | --profile-dir | --netns)
            pass+=("${words[i]}" "${words[i+1]}")
            ((i++))
            ;;
        -*) ;;
        *)
            cmd=${words[i]}
            break
            ;;
        esac
    done

    case $prev in
    --sysctl-root | --profile-dir | --state-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --netns)
        COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur"))
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "text json prometheus" -- "$cur"))
        return
        ;;
    --fail-on)
        COMPREPLY=($(compgen -W "info warn crit never" -- "$cur"))
        return
        ;;
    --interval | --top | --wait)
        return
        ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts=
    case $cmd in
    audit) opts="--json --format --fail-on --interval --top --help" ;;
    diff) opts="--json --interval --help" ;;
    apply) opts="--check --yes --json --persist --persist= --state-dir --wait --help" ;;
    rollback) opts="--check --yes --json --state-dir --wait --help" ;;
    sockets) opts="--json --top --help" ;;
    get) opts="--json --list-keys --help" ;;
    profiles) opts="--json --names --help" ;;
    show) opts="--json --help" ;;
    help) opts="--help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    case $cmd in
    audit | diff | apply | show)
        COMPREPLY=($(compgen -W "$("${words[0]}" "${pass[@]}" profiles --names 2>/dev/null)" -- "$cur"))
        ;;
    get)
        COMPREPLY=($(compgen -W "$("${words[0]}" get --list-keys 2>/dev/null)" -- "$cur"))
        ;;
    help)
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        ;;
    esac
} &&
    complete -F _twtune twtune

# ex: filetype=sh
