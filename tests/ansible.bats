#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible module contrib/ansible/library/twtune.py and the fleet
# playbook, run by Debian's ansible-core against localhost with
# connection: local. Every playbook runs inside its own network namespace
# (so the module's twtune writes only that namespace's sysctls), with its
# state directory, persisted file, ansible home and temp dirs under
# $BATS_TEST_TMPDIR, and modules run by Debian's /usr/bin/python3.

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	# scenario (test_helper/scenario.bash) runs bash code in a fresh network
	# namespace, where "play NAME [ARGS]" runs $T/NAME.yml (at most 120 s)
	# and "rv KEY" prints a sysctl as sysctl -n does, tabs made spaces.
	SCENARIO_SETUP='
		play() { local p=$1; shift; timeout 120 ansible-playbook -e "@$T/vars.json" "$@" "$T/$p.yml"; }
		rv() { sysctl -n "net.ipv4.$1" | tr "\t" " "; }'
	T=$BATS_TEST_TMPDIR
	export T S="$T/state" PF="$T/sysctl.d/90-twtune.conf" SG="$BUILD/tests/sockgen"
	mkdir -p "$T/home" "$T/sysctl.d"
	# No config file, no fact gathering, nothing written outside $T.
	: >"$T/ansible.cfg"
	export HOME="$T/home" ANSIBLE_CONFIG="$T/ansible.cfg" ANSIBLE_HOME="$T/ansible-home" \
		ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_REMOTE_TEMP="$T/ansible-remote-tmp" \
		ANSIBLE_LIBRARY="$TOP/contrib/ansible/library" ANSIBLE_INVENTORY="$T/hosts" \
		ANSIBLE_GATHERING=explicit ANSIBLE_PIPELINING=1 ANSIBLE_NOCOLOR=1 \
		ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 \
		ANSIBLE_DEPRECATION_WARNINGS=0 \
		ANSIBLE_CALLBACK_PLUGINS="$TOP/tests/fixtures/ansible/callback_plugins" \
		ANSIBLE_STDOUT_CALLBACK=results \
		PYTHONDONTWRITEBYTECODE=1 TWTUNE_SYSCTL_D_DIRS="$T/sysctl.d"
	cat >"$T/hosts" <<-'EOF'
	[proxies]
	localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3
	EOF
	jq -n --arg tw "$TWTUNE" --arg pd "$TOP/profiles" --arg st "$S" --arg pf "$PF" \
		'{tw: $tw, pd: $pd, st: $st, pf: $pf}' >"$T/vars.json"
	# The play every test file starts from: the twtune under test, the
	# repository's profiles, a private state directory.
	cat >"$T/head.yml" <<-'EOF'
	- hosts: all
	  gather_facts: false
	  module_defaults:
	    twtune:
	      binary: "{{ tw }}"
	      profile_dirs: ["{{ pd }}"]
	      state_dir: "{{ st }}"
	  tasks:
	EOF
}

teardown() {
	local n
	for n in ${NSDEL:-}; do ip netns del "$n" 2>/dev/null || true; done
}

# Writes $T/NAME.yml: the common play head, then the tasks on stdin.
playbook() {
	{ cat "$T/head.yml"; sed 's/^/    /'; } >"$T/$1.yml"
}

# The result on localhost of the task named $2 in the output $1 of the
# "results" callback (tests/fixtures/ansible/callback_plugins/results.py).
task() {
	jq -sc --arg n "$2" 'map(select(.task == $n and .host == "localhost"))[0] | .result + {status}' "$1"
}

# The play recap of localhost in the output $1 of the "results" callback.
stats() {
	jq -sr 'map(select(.stats))[0].stats.localhost
		| "ok=\(.ok) changed=\(.changed) failures=\(.failures) skipped=\(.skipped) ignored=\(.ignored)"' "$1"
}

@test "ansible: the module documents every option it accepts and ansible-doc parses it" {
	run -0 --separate-stderr timeout 60 ansible-doc --json -t module twtune
	echo "$output" >"$T/doc.json"
	run -0 jq -r '.twtune.doc.options | keys | join(", ")' "$T/doc.json"
	documented=$output
	run -0 jq -r '.twtune.examples | length > 0' "$T/doc.json"; assert_output true
	run -0 jq -r '.twtune.return | has("changed") and has("diff") and has("ansible_facts")' "$T/doc.json"
	assert_output true
	# The module's own list, from its answer to an option it does not have.
	playbook bogus <<-'EOF'
	- name: bogus
	  twtune: {name: proxy-profile, bogus: 1}
	EOF
	run -2 --separate-stderr scenario 'play bogus'
	echo "$output" >"$T/out.json"
	run -0 jq -r '.msg' <<<"$(task "$T/out.json" bogus)"
	assert_output "Unsupported parameters for (twtune) module: bogus. Supported parameters include: $documented."
}

@test "ansible: modules run under Debian's /usr/bin/python3, whatever python3 is first in PATH" {
	playbook py <<-'EOF'
	- name: python
	  ansible.builtin.setup: {gather_subset: ['!all', '!min', python]}
	EOF
	run -0 --separate-stderr scenario 'play py'
	echo "$output" >"$T/out.json"
	run -0 jq -r '.ansible_facts.ansible_python.executable' <<<"$(task "$T/out.json" python)"
	assert_output /usr/bin/python3
}

@test "ansible: check mode reports changed and writes nothing" {
	playbook apply <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, persist_file: "{{ pf }}"}
	EOF
	run -0 scenario '
		play apply --check >"$T/out.json"
		rv ip_local_port_range; rv tcp_tw_reuse'
	assert_output $'32768 60999\n2'
	r=$(task "$T/out.json" apply)
	run -0 jq -r '.changed' <<<"$r"; assert_output true
	run -0 jq -r '.changes | map("\(.key) \(.before) -> \(.after)") | .[]' <<<"$r"
	assert_output $'net.ipv4.ip_local_port_range 32768 60999 -> 16384 65535\nnet.ipv4.tcp_tw_reuse 2 -> 1'
	run -0 stats "$T/out.json"
	assert_output 'ok=1 changed=1 failures=0 skipped=0 ignored=0'
	# Nothing written: no journal, no state directory, no persisted file.
	[ ! -e "$S" ]
	[ ! -e "$PF" ]
	# Nor anything of ansible's outside the temp dir.
	[ -z "$(ls -A "$HOME")" ]
}

@test "ansible: the real run changes the values and persists them; a second run reports changed=false" {
	playbook apply <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, persist_file: "{{ pf }}"}
	EOF
	run -0 scenario '
		play apply >"$T/1.json"
		rv ip_local_port_range; rv tcp_tw_reuse
		play apply >"$T/2.json"'
	assert_output $'16384 65535\n1'
	r=$(task "$T/1.json" apply)
	run -0 jq -r '"\(.changed) \(.changes | length) \(.persisted) \(.profile) \(.risk_after)"' <<<"$r"
	assert_output "true 2 $PF proxy-profile ok"
	run -0 jq -r 'has("diff")' <<<"$r"; assert_output false
	run -0 grep -x 'net.ipv4.tcp_tw_reuse = 1' "$PF"
	[ -s "$S/journal" ]
	r=$(task "$T/2.json" apply)
	run -0 jq -r '"\(.changed) \(.changes | length) \(.persisted)"' <<<"$r"
	assert_output 'false 0 null'
	run -0 stats "$T/2.json"
	assert_output 'ok=1 changed=0 failures=0 skipped=0 ignored=0'
}

@test "ansible: a persisted file that differs is changed even when the kernel has the values" {
	playbook plain <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile}
	EOF
	playbook persisted <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, persist_file: "{{ pf }}"}
	EOF
	run -0 scenario '
		play plain >"$T/1.json"
		play persisted --check >"$T/2.json"
		test ! -e "$PF"
		play persisted >"$T/3.json"
		play persisted >"$T/4.json"'
	run -0 jq -r .changed <<<"$(task "$T/1.json" apply)"; assert_output true
	run -0 jq -r '"\(.changed) \(.changes | length)"' <<<"$(task "$T/2.json" apply)"
	assert_output 'true 0'
	run -0 jq -r '"\(.changed) \(.changes | length) \(.persisted)"' <<<"$(task "$T/3.json" apply)"
	assert_output "true 0 $PF"
	run -0 jq -r .changed <<<"$(task "$T/4.json" apply)"; assert_output false
}

@test "ansible: --diff shows the sysctl lines before and after, in check mode too" {
	playbook apply <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile}
	EOF
	run -0 scenario '
		ANSIBLE_STDOUT_CALLBACK=default play apply --check --diff >"$T/check.txt"
		rv tcp_tw_reuse
		ANSIBLE_STDOUT_CALLBACK=default play apply --diff'
	assert_line -n 0 2
	assert_line -- '--- before: sysctl (now)'
	assert_line -- '+++ after: sysctl (proxy-profile)'
	assert_line -- '-net.ipv4.ip_local_port_range = 32768 60999'
	assert_line -- '+net.ipv4.ip_local_port_range = 16384 65535'
	assert_line -- '-net.ipv4.tcp_tw_reuse = 2'
	assert_line -- '+net.ipv4.tcp_tw_reuse = 1'
	assert_line -- ' net.ipv4.tcp_timestamps = 1'
	assert_line 'changed: [localhost]'
	run -0 cat "$T/check.txt"
	assert_line -- '-net.ipv4.tcp_tw_reuse = 2'
	assert_line -- '+net.ipv4.tcp_tw_reuse = 1'
	assert_line 'changed: [localhost]'
}

@test "ansible: audit facts drive a when:" {
	playbook audit <<-'EOF'
	- name: audit
	  twtune: {state: audit, fail_on: crit}
	- name: on warn
	  ansible.builtin.debug: {msg: "{{ twtune_audit.risk }}"}
	  when: twtune_audit.risk == 'warn'
	- name: on ok
	  ansible.builtin.debug: {msg: ok}
	  when: twtune_audit.risk == 'ok'
	- name: on timestamps
	  ansible.builtin.debug:
	    msg: "{{ (twtune_audit.findings | selectattr('id', 'eq', 'tw-reuse-needs-timestamps') | first).fix }}"
	  when: >-
	    (twtune_audit.findings | selectattr('id', 'eq', 'tw-reuse-needs-timestamps')
	     | map(attribute='severity') | first) == 'warn'
	EOF
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.tcp_timestamps=0
		play audit --check >"$T/warn.json"
		sysctl -qw net.ipv4.tcp_timestamps=1
		play audit >"$T/ok.json"'
	r=$(task "$T/warn.json" audit)
	run -0 jq -r '"\(.changed) \(.risk) \(.ansible_facts.twtune_audit.sysctl["net.ipv4.tcp_timestamps"])"' <<<"$r"
	assert_output 'false warn 0'
	run -0 jq -r '.msg' <<<"$(task "$T/warn.json" 'on warn')"; assert_output warn
	run -0 jq -r '.status' <<<"$(task "$T/warn.json" 'on ok')"; assert_output skipped
	run -0 jq -c '.msg' <<<"$(task "$T/warn.json" 'on timestamps')"
	assert_output '{"net.ipv4.tcp_timestamps":"1"}'
	run -0 jq -r '.status' <<<"$(task "$T/ok.json" 'on warn')"; assert_output skipped
	run -0 jq -r '.msg' <<<"$(task "$T/ok.json" 'on ok')"; assert_output ok
	run -0 jq -r '.status' <<<"$(task "$T/ok.json" 'on timestamps')"; assert_output skipped
}

@test "ansible: audit fails the host when the risk reaches fail_on, and only then" {
	playbook audit <<-'EOF'
	- name: audit
	  twtune: {state: audit, fail_on: "{{ fail_on }}"}
	- name: after
	  ansible.builtin.debug: {msg: "{{ twtune_audit.risk }}"}
	EOF
	# crit: 10 TIME_WAIT buckets, 20 closes; the rest overflow.
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_max_tw_buckets=10
		"$SG" --port 8080 --tw-client 20
		play audit -e fail_on=crit >"$T/crit.json" || echo "crit: $?"
		play audit -e fail_on=never >"$T/never.json"'
	assert_output 'crit: 2'
	# warn: reuse without timestamps, in a namespace of its own.
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.tcp_timestamps=0
		play audit -e fail_on=crit >"$T/warn-crit.json"
		play audit -e fail_on=warn >"$T/warn-warn.json" || echo "warn: $?"'
	assert_output 'warn: 2'
	r=$(task "$T/crit.json" audit)
	run -0 jq -r '"\(.status) \(.rc) \(.risk)"' <<<"$r"; assert_output 'failed 1 crit'
	run -0 jq -r '.msg' <<<"$r"
	assert_output --regexp '^twtune audit: risk crit reaches fail_on=crit: tw-bucket-pressure: .*TIME_WAIT'
	# The report is in the failed result, for a rescue or a callback.
	run -0 jq -r '.ansible_facts.twtune_audit.sockets.states.TIME_WAIT' <<<"$r"; assert_output 10
	run -0 stats "$T/crit.json"
	assert_output 'ok=0 changed=0 failures=1 skipped=0 ignored=0'
	run -0 jq -r .msg <<<"$(task "$T/never.json" after)"; assert_output crit
	run -0 jq -r .msg <<<"$(task "$T/warn-crit.json" after)"; assert_output warn
	run -0 jq -r '.msg' <<<"$(task "$T/warn-warn.json" audit)"
	assert_output --partial 'risk warn reaches fail_on=warn: tw-reuse-needs-timestamps'
}

@test "ansible: rolled_back puts back the values and the persisted file, once; check mode writes nothing" {
	playbook apply <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, persist_file: "{{ pf }}"}
	EOF
	playbook rollback <<-'EOF'
	- name: rollback
	  twtune: {state: rolled_back}
	EOF
	run -0 scenario '
		play apply >/dev/null
		play rollback --check >"$T/check.json"
		echo "check: $(rv ip_local_port_range) $(test -e "$PF" && echo persisted)"
		play rollback --diff >"$T/1.json"
		echo "real: $(rv ip_local_port_range) $(rv tcp_tw_reuse) $(test -e "$PF" || echo gone)"
		play rollback >"$T/2.json"'
	assert_output $'check: 16384 65535 persisted\nreal: 32768 60999 2 gone'
	run -0 jq -r '"\(.changed) \(.changes | length)"' <<<"$(task "$T/check.json" rollback)"
	assert_output 'true 2'
	r=$(task "$T/1.json" rollback)
	run -0 jq -r '"\(.changed) \(.profile) \(.persisted)"' <<<"$r"
	assert_output "true proxy-profile $PF"
	run -0 jq -r '.diff.before, .diff.after' <<<"$r"
	assert_line 'net.ipv4.tcp_tw_reuse = 1'
	assert_line 'net.ipv4.tcp_tw_reuse = 2'
	run -0 jq -r '"\(.changed) \(.changes | length)"' <<<"$(task "$T/2.json" rollback)"
	assert_output 'false 0'
}

@test "ansible: netns points twtune at another namespace, and only that one changes" {
	playbook other <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, netns: "{{ ns }}"}
	- name: audit
	  twtune: {state: audit, netns: "{{ ns }}"}
	EOF
	run -0 scenario '
		unshare -n sleep 30 &
		pid=$!
		trap "kill $pid" EXIT
		for ((i = 0; i < 50; i++)); do
			[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
			sleep 0.1
		done
		play other -e ns=/proc/$pid/ns/net >"$T/out.json"
		echo "other: $(nsenter --net=/proc/$pid/ns/net sysctl -n net.ipv4.tcp_tw_reuse)"
		echo "here: $(rv tcp_tw_reuse)"'
	assert_output $'other: 1\nhere: 2'
	run -0 jq -r '.changed' <<<"$(task "$T/out.json" apply)"; assert_output true
	run -0 jq -r '.ansible_facts.twtune_audit.sysctl["net.ipv4.tcp_tw_reuse"]' <<<"$(task "$T/out.json" audit)"
	assert_output 1
}

@test "ansible: all_netns audits every namespace: facts per namespace, fails on the highest risk" {
	N="twtune-a-$$"
	ip netns add "$N-1"
	ip netns add "$N-2"
	NSDEL="$N-1 $N-2"
	ip netns exec "$N-2" sh -c 'ip link set lo up && sysctl -qw net.ipv4.tcp_rfc1337=1 net.ipv4.tcp_max_tw_buckets=10'
	ip netns exec "$N-2" "$SG" --port 8080 --tw-client 20 >/dev/null
	i1=$(stat -Lc %i "/run/netns/$N-1") i2=$(stat -Lc %i "/run/netns/$N-2")
	playbook all <<-'EOF'
	- name: audit
	  twtune: {state: audit, all_netns: true, fail_on: "{{ fail_on }}"}
	EOF
	playbook bad <<-'EOF'
	- name: apply
	  twtune: {name: proxy-profile, all_netns: true}
	EOF
	run -0 scenario '
		play all -e fail_on=crit >"$T/crit.json" || echo "crit: $?"
		play all -e fail_on=never >"$T/never.json"
		play bad >"$T/bad.json" || echo "bad: $?"'
	assert_output $'crit: 2\nbad: 2'
	r=$(task "$T/crit.json" audit)
	run -0 jq -r '"\(.status) \(.rc) \(.risk)"' <<<"$r"; assert_output 'failed 1 crit'
	run -0 jq -r .msg <<<"$r"
	assert_output --regexp '^twtune audit: risk crit in netns .+ \(inode [0-9]+\) reaches fail_on=crit: '
	for f in crit never; do
		r=$(task "$T/$f.json" audit)
		run -0 jq -r --argjson i "$i2" '.ansible_facts.twtune_netns[] | select(.netns.inode == $i) |
			"\(.netns.label) \(.status) \(.audit.risk) \(.audit.sysctl["net.ipv4.tcp_max_tw_buckets"])"' <<<"$r"
		assert_output "$N-2 read crit 10"
		run -0 jq -r --argjson i "$i1" '.ansible_facts.twtune_netns[] | select(.netns.inode == $i) |
			"\(.netns.label) \(.status) \(.judged_from_counters) \(.audit.risk)"' <<<"$r"
		assert_output "$N-1 read true ok"
	done
	r=$(task "$T/never.json" audit)
	run -0 jq -r '"\(.status) \(.risk) \(.worst_netns.risk) \(.ansible_facts.twtune_audit.risk)"' <<<"$r"
	assert_output 'ok crit crit crit'
	run -0 jq -r .msg <<<"$(task "$T/bad.json" apply)"
	assert_output --partial 'all_netns goes with state=audit only'
}

@test "ansible: twtune's errors fail the task with its own line, and change nothing" {
	playbook bad <<-'EOF'
	- name: unknown profile
	  twtune: {name: nosuch}
	  ignore_errors: true
	- name: bad state dir
	  twtune: {name: proxy-profile, state_dir: /proc/nonexistent}
	  ignore_errors: true
	- name: audit against an unknown profile
	  twtune: {state: audit, name: nosuch}
	  ignore_errors: true
	- name: no binary
	  twtune: {name: proxy-profile, binary: "{{ pd }}/no-such-twtune"}
	  ignore_errors: true
	- name: no name
	  twtune: {}
	  ignore_errors: true
	- name: persist on rollback
	  twtune: {state: rolled_back, persist: true}
	  ignore_errors: true
	EOF
	run -0 scenario '
		play bad >"$T/out.json"
		rv tcp_tw_reuse'
	assert_output 2
	run -0 jq -r '"\(.status) \(.rc) \(.msg)"' <<<"$(task "$T/out.json" 'unknown profile')"
	assert_output "ignored 3 twtune: apply: profile 'nosuch' not found (looked in $TOP/profiles, /etc/twtune/profiles, /usr/local/share/twtune/profiles)"
	run -0 jq -r '"\(.status) \(.rc) \(.msg)"' <<<"$(task "$T/out.json" 'bad state dir')"
	assert_output 'ignored 4 twtune: apply: --state-dir /proc/nonexistent: No such file or directory'
	run -0 jq -r '"\(.status) \(.rc) \(.msg)"' <<<"$(task "$T/out.json" 'audit against an unknown profile')"
	assert_output --regexp "^ignored 3 twtune: audit: profile 'nosuch' not found"
	run -0 jq -r '"\(.status) \(.msg)"' <<<"$(task "$T/out.json" 'no binary')"
	assert_output --partial 'ignored Failed to find required executable'
	run -0 jq -r '"\(.status) \(.msg)"' <<<"$(task "$T/out.json" 'no name')"
	assert_output 'ignored state is applied but all of the following are missing: name'
	run -0 jq -r '"\(.status) \(.msg)"' <<<"$(task "$T/out.json" 'persist on rollback')"
	assert_output --partial 'ignored persist and persist_file go with state=applied only'
	run -0 stats "$T/out.json"
	assert_output 'ok=6 changed=0 failures=0 skipped=0 ignored=6'
}

@test "ansible: fleet.yml passes --syntax-check" {
	run -0 timeout 60 ansible-playbook --syntax-check "$TOP/contrib/ansible/fleet.yml"
}

# fleet.yml with the twtune under test, against localhost in "proxies".
fleet_vars() {
	jq -n --arg tw "$TWTUNE" --arg pd "$TOP/profiles" --arg st "$S" --arg pf "$PF" \
		'{twtune_binary: $tw, twtune_profile_dirs: [$pd], twtune_state_dir: $st,
		  twtune_persist_file: $pf, ansible_become: false}' >"$T/fleet.json"
}

@test "ansible: fleet.yml in check mode audits, would tune the proxy, writes nothing, and sums up in one line" {
	fleet_vars
	run -0 scenario '
		"$SG" --port 8080 --tw-client 5
		ANSIBLE_STDOUT_CALLBACK=default timeout 120 ansible-playbook -e "@$T/fleet.json" \
			--check "$TOP/contrib/ansible/fleet.yml"
		echo "after: $(rv ip_local_port_range)"'
	assert_line --regexp '"msg": "localhost: risk ok, proxy-profile would make 2 change\(s\), predicted risk ok; fullest destination 127.0.0.1:8080 5/28232 ports; worst namespace .+ \(inode [0-9]+\) risk (ok|info|warn|crit)'
	assert_line 'after: 32768 60999'
	assert_line --regexp '^localhost +: ok=4 +changed=1 +unreachable=0 +failed=0'
	[ ! -e "$PF" ]
	[ ! -e "$S" ]
}

@test "ansible: fleet.yml leaves a host outside proxies untouched" {
	fleet_vars
	echo 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3' >"$T/plain"
	run -0 scenario '
		ANSIBLE_STDOUT_CALLBACK=default timeout 120 ansible-playbook -i "$T/plain" -e "@$T/fleet.json" \
			"$TOP/contrib/ansible/fleet.yml"
		echo "after: $(rv ip_local_port_range)"'
	assert_line --regexp '"msg": "localhost: risk ok, not a proxy, untouched; fullest destination none; worst namespace .+ \(inode [0-9]+\) risk '
	assert_line 'after: 32768 60999'
	assert_line --regexp '^localhost +: ok=3 +changed=0 +unreachable=0 +failed=0 +skipped=1'
	[ ! -e "$PF" ]
	[ ! -e "$S" ]
}

@test "ansible: fleet.yml tunes and persists on a proxy, and stops at the audit on a crit host" {
	fleet_vars
	run -0 scenario '
		ANSIBLE_STDOUT_CALLBACK=default timeout 120 ansible-playbook -e "@$T/fleet.json" \
			"$TOP/contrib/ansible/fleet.yml"
		echo "after: $(rv ip_local_port_range)"'
	assert_line --partial '"msg": "localhost: risk ok, proxy-profile made 2 change(s), predicted risk ok; fullest destination none; worst namespace '
	assert_line 'after: 16384 65535'
	run -0 grep -x 'net.ipv4.ip_local_port_range = 16384 65535' "$PF"
	rm -rf "$S" "$PF"
	run -0 scenario '
		sysctl -qw net.ipv4.tcp_max_tw_buckets=10
		"$SG" --port 8080 --tw-client 20
		ANSIBLE_STDOUT_CALLBACK=default timeout 120 ansible-playbook -e "@$T/fleet.json" \
			"$TOP/contrib/ansible/fleet.yml" || echo "exit $?"
		echo "after: $(rv ip_local_port_range)"'
	assert_line --partial 'twtune audit: risk crit reaches fail_on=crit: tw-bucket-pressure'
	assert_line --regexp '^localhost +: ok=0 +changed=0 +unreachable=0 +failed=1'
	assert_line 'exit 2'
	assert_line 'after: 32768 60999'
	[ ! -e "$PF" ]
}

@test "ansible: validate-modules, ansible-test's sanity check, passes on the module, run offline" {
	# ansible-test sanity downloads pip into a venv first, which cannot work
	# offline; its validate-modules script itself runs under Debian's
	# python3 with python3-voluptuous, on the module laid out in a collection.
	V=/usr/lib/python3/dist-packages/ansible_test/_util/controller/sanity/validate-modules/validate.py
	[ -f "$V" ] || skip "ansible-test's validate-modules is missing (ansible-core)"
	/usr/bin/python3 -c 'import voluptuous' 2>/dev/null || skip "python3-voluptuous is missing"
	col=$T/ac/ansible_collections/twtune/twtune
	mkdir -p "$col/plugins/modules"
	cp "$TOP/contrib/ansible/library/twtune.py" "$col/plugins/modules/"
	validate() {
		cd "$col" && PYTHONPATH=$T/ac timeout 120 /usr/bin/python3 "$V" --format json --arg-spec \
			--collection ansible_collections/twtune/twtune --collection-version 0.1.0 \
			plugins/modules/twtune.py
	}
	run --separate-stderr validate
	# The one error left: no GPLv3 header, as twtune has no license yet.
	run -0 jq -c '[.[] | .errors[] | select(.code != "missing-gplv3-license")]' <<<"$output"
	assert_output '[]'
	# It does compare the argument spec with the documentation.
	sed -i 's/^\( *\)netns=dict(type="str"),$/&\n\1extra=dict(type="int"),/' "$col/plugins/modules/twtune.py"
	grep -q 'extra=dict' "$col/plugins/modules/twtune.py"
	run --separate-stderr validate
	run -0 jq -r '[.[] | .errors[] | .code] | join(" ")' <<<"$output"
	assert_output --partial undocumented-parameter
}

@test "ansible: every value the module returns is documented in RETURN" {
	run -0 --separate-stderr timeout 60 ansible-doc --json -t module twtune
	documented=$(jq -c '.twtune.return | keys' <<<"$output")
	playbook all <<-'EOF'
	- name: audit
	  twtune: {state: audit, fail_on: never}
	- name: apply
	  twtune: {name: proxy-profile, persist_file: "{{ pf }}"}
	- name: rollback
	  twtune: {state: rolled_back}
	EOF
	run -0 --separate-stderr scenario 'play all --diff'
	echo "$output" >"$T/out.json"
	for t in audit apply rollback; do
		# Less what ansible adds to every result (status: the callback's).
		run -0 jq -c --argjson doc "$documented" 'keys
			| map(select(test("^_ansible_|^(invocation|warnings|deprecations|status)$") | not)) - $doc' \
			<<<"$(task "$T/out.json" $t)"
		assert_output '[]'
	done
	run -0 jq -r 'has("risk_after") and has("diff") and has("changes")' <<<"$(task "$T/out.json" apply)"
	assert_output true
}
