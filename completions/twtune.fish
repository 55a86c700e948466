# fish completion for twtune. Profiles come from `twtune profiles --names`,
# keys from `twtune get --list-keys`.

set -l commands apply audit diff get help profiles rollback show sockets

function __twtune_profiles
    set -l tokens (commandline -opc)
    set -l pass
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case --sysctl-root --profile-dir --netns
                set -a pass $tokens[$i] $tokens[(math $i + 1)]
        end
    end
    $tokens[1] $pass profiles --names 2>/dev/null
end

complete -c twtune -f
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l sysctl-root -r -a '(__fish_complete_directories)' -d 'read and write sysctls under DIR'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l profile-dir -r -a '(__fish_complete_directories)' -d 'search DIR for profiles first'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l netns -r -d 'network namespace NAME or PATH'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l allow-insecure-profiles -d 'as root, read profiles others can write'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l no-color -d 'no colour'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -s q -l quiet -d 'only errors'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -s v -l verbose -d 'say more'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'
complete -c twtune -s h -l help -d 'show help'

complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a audit -d 'judge TIME_WAIT pressure'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a diff -d 'what a profile would change'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a apply -d 'apply a profile safely'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a rollback -d 'undo the last apply'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a sockets -d 'live socket pressure'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a get -d 'current sysctl values'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a profiles -d 'list profiles'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a show -d 'show a profile'
complete -c twtune -n "not __fish_seen_subcommand_from $commands" -a help -d 'show help'

complete -c twtune -n "__fish_seen_subcommand_from audit diff apply show" -a '(__twtune_profiles)' -d profile
complete -c twtune -n "__fish_seen_subcommand_from get" -a '(twtune get --list-keys 2>/dev/null)' -d key
complete -c twtune -n "__fish_seen_subcommand_from help" -a "$commands"

complete -c twtune -n "__fish_seen_subcommand_from audit diff apply rollback sockets get profiles show" -l json -d 'JSON output'
complete -c twtune -n "__fish_seen_subcommand_from audit" -l format -x -a 'text json prometheus' -d 'output format'
complete -c twtune -n "__fish_seen_subcommand_from audit" -l fail-on -x -a 'info warn crit never' -d 'exit 1 at this severity'
complete -c twtune -n "__fish_seen_subcommand_from audit diff" -l interval -x -d 'sample the close rate for SEC seconds'
complete -c twtune -n "__fish_seen_subcommand_from audit sockets" -l top -x -d 'destinations to list'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l check -d 'show, write nothing'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l yes -d 'do not ask'
complete -c twtune -n "__fish_seen_subcommand_from apply" -l persist -d 'also write a sysctl.d file (--persist=FILE)'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l state-dir -r -a '(__fish_complete_directories)' -d 'journal directory'
complete -c twtune -n "__fish_seen_subcommand_from apply rollback" -l wait -x -d 'seconds to wait for the lock'
complete -c twtune -n "__fish_seen_subcommand_from get" -l list-keys -d 'the managed keys'
complete -c twtune -n "__fish_seen_subcommand_from profiles" -l names -d 'names only'
