# SPDX-License-Identifier: GPL-2.0-or-later
# The screen of a tmux pane on the private server $SOCK, for the tests of
# the live view (tests/watch.bats, tests/watch_allnetns.bats).

screen() {
	tmux -L "$SOCK" capture-pane -p -J "$@"
}

# wait_screen ERE [TENTHS]: polls the screen, at most TENTHS/10 s
# (default 10 s), until a line matches.
wait_screen() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	echo "screen never showed '$1':" >&2
	screen >&2
	return 1
}

# The columns of the widest line (wc -L counts characters, in UTF-8 too).
widest() {
	LC_ALL=C.UTF-8 wc -L
}
