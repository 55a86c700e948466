# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for twtune. Commands and options are those of `twtune
# help` and `twtune COMMAND --help` (tests/docs.bats checks it). Profiles
# come from `twtune profiles --names`, given the --profile-dir options
# already on the line; keys from `twtune get --list-keys`.

set -l commands audit diff apply rollback sockets observe watch get profiles show help

# The --profile-dir options before the command, for `profiles --names`.
function __twtune_profiles
    set -l tokens (commandline -opc)
    set -l pass
    set -l i 2
    while test $i -le (count $tokens)
        set -l d
        switch $tokens[$i]
            case --profile-dir
                set i (math $i + 1)
                set d $tokens[$i]
            case '--profile-dir=*'
                set d (string replace -- --profile-dir= '' $tokens[$i])
            case --sysctl-root --netns
                set i (math $i + 1)
            case '-*'
            case '*'
                break
        end
        test -n "$d"; and set -a pass --profile-dir (string replace -r '^~/' "$HOME/" -- $d)
        set i (math $i + 1)
    end
    command -q $tokens[1]; and $tokens[1] $pass profiles --names 2>/dev/null
end

function __twtune_keys
    set -l twtune (commandline -opc)[1]
    command -q $twtune; or return
    set -l keys ($twtune get --list-keys 2>/dev/null)
    printf '%s\n' $keys
    # the short names twtune accepts as well
    string replace -r '.*\.' '' -- $keys
end

# Names under /run/netns, as `ip netns add` makes them.
function __twtune_netns
    for n in /run/netns/*
        basename $n
    end
end

# --persist takes its FILE only as --persist=FILE.
function __twtune_persist_file
    string match -q -- '--persist=*' (commandline -ct)
end

function __twtune_persist_files
    set -l path (string replace -- --persist= '' (commandline -ct))
    for f in (__fish_complete_path $path)
        echo --persist=(string split -f1 \t -- $f)
    end
end

# Whether the command on the line is one of $argv and takes no more
# arguments than the one being typed.
function __twtune_first_arg
    set -l tokens (commandline -opc)
    set -l cmd
    set -l n 0
    set -l i 2
    while test $i -le (count $tokens)
        set -l t $tokens[$i]
        if test -z "$cmd"
            switch $t
                case --sysctl-root --profile-dir --netns
                    set i (math $i + 1)
                case '-*'
                case '*'
                    set cmd $t
            end
        else
            switch $t
                case --format --fail-on --interval --observe --top --state-dir --wait
                    set i (math $i + 1)
                case '-*'
                case '*'
                    set n (math $n + 1)
            end
        end
        set i (math $i + 1)
    end
    contains -- "$cmd" $argv; and test $n -eq 0
end

complete -c twtune -f
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l sysctl-root -x -a '(__fish_complete_directories)' -d 'read and write sysctls under DIR'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l profile-dir -x -a '(__fish_complete_directories)' -d 'search DIR for profiles first'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l netns -r -a '(__twtune_netns)' -d 'network namespace NAME or PATH'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l all-netns -d 'get, sockets, audit, diff: once per network namespace; watch: a summary of them all; rollback: every journal'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l allow-insecure-profiles -d 'as root, read profiles others can write'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l color -d 'colour: auto, always or never (--color=WHEN)'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l no-color -d 'no colour'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -s q -l quiet -d 'only errors'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -s v -l verbose -d 'say more'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'
complete -c twtune -s h -l help -d 'show help'

complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a audit -d 'judge TIME_WAIT pressure'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a diff -d 'what a profile would change'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a apply -d 'apply a profile safely'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a rollback -d 'restore the values before the first apply since the last rollback'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a sockets -d 'live socket pressure'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a observe -d 'connect() failures and TIME_WAIT over eBPF'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a watch -d 'a live view of TIME_WAIT pressure'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a get -d 'current sysctl values'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a profiles -d 'list profiles'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a show -d 'show a profile'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a help -d 'show help'

complete -c twtune -n "__twtune_first_arg audit diff apply show" -a '(__twtune_profiles)' -d profile
complete -c twtune -n "__fish_seen_subcommand_from get" -a '(__twtune_keys)' -d key
complete -c twtune -n "__twtune_first_arg help" -a "$commands"

complete -c twtune -n "__fish_seen_subcommand_from audit diff apply rollback sockets observe get profiles show" -l json -d 'JSON output'
complete -c twtune -n "__fish_seen_subcommand_from audit" -l format -x -a 'text json prometheus k8s docker' -d 'output format'
complete -c twtune -n "__fish_seen_subcommand_from diff" -l format -x -a 'text json k8s docker' -d 'output format'
complete -c twtune -n "__fish_seen_subcommand_from audit" -l fail-on -x -a 'info warn crit never' -d 'exit 1 at this severity'
complete -c twtune -n "__fish_seen_subcommand_from audit diff" -l interval -x -d 'sample the close rate for SEC seconds'
complete -c twtune -n "__fish_seen_subcommand_from audit" -l observe -x -d 'count connect() failures over eBPF first'
complete -c twtune -n "__fish_seen_subcommand_from audit sockets observe watch" -l top -x -d 'destinations to list'
complete -c twtune -n "__fish_seen_subcommand_from observe" -l seconds -x -d 'seconds to watch'
complete -c twtune -n "__fish_seen_subcommand_from observe" -l all-netns -d 'every network namespace'
complete -c twtune -n "__fish_seen_subcommand_from watch" -l interval -x -d 'seconds between frames'
complete -c twtune -n "__fish_seen_subcommand_from watch" -l observe -d 'connects and failures per destination (eBPF)'
complete -c twtune -n "__fish_seen_subcommand_from watch" -l once -d 'print one frame as plain text'
complete -c twtune -n "__fish_seen_subcommand_from audit sockets watch" -l no-processes -d 'do not name the processes'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l check -d 'show, write nothing'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l yes -d 'do not ask'
complete -c twtune -n "__fish_seen_subcommand_from apply" -l persist -d 'also write a sysctl.d file (--persist=FILE)'
complete -c twtune -n "__fish_seen_subcommand_from apply; and __twtune_persist_file" -a '(__twtune_persist_files)'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l state-dir -x -a '(__fish_complete_directories)' -d 'journal directory'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l wait -x -d 'seconds to wait for the lock'
complete -c twtune -n "__fish_seen_subcommand_from get" -l list-keys -d 'the managed keys'
complete -c twtune -n "__fish_seen_subcommand_from profiles" -l names -d 'names only'
