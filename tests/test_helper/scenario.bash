# SPDX-License-Identifier: GPL-2.0-or-later
# scenario SCRIPT, shared by the bats files that run scripts against real
# sockets (load it after common-setup). A file sets SCENARIO_SETUP for what
# all its scripts need first: functions (ansible.bats' play and rv), or
# sockets and a recorded dump (netlink.bats).
#
# Runs a scenario script in a fresh namespace: loopback up,
# common-setup.bash loaded, `set -e`, TIME_WAIT kept (tw_keep), then $SCENARIO_SETUP (a test
# file's own set-up, if it sets one), then the script $1.
scenario() {
	in_netns bash -c "source '$TOP/tests/test_helper/common-setup.bash'; set -e; tw_keep
${SCENARIO_SETUP:-}
$1"
}
