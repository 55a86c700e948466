#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The monitoring mixin of contrib/prometheus/: the rules pass promtool's
# check and their unit tests (tests/fixtures/prometheus/), an alert fires
# on what twtune really prints for a namespace at risk, and the dashboard's
# every expression parses and uses only series twtune-metrics(7) documents
# (or the rules record, or node_exporter's textfile collector serves).

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	load 'test_helper/scenario'
	_common_setup
	command -v promtool >/dev/null || fail "promtool is missing: make deps DEPS=test installs prometheus"
	RULES=$TOP/contrib/prometheus/twtune-rules.yml
	DASH=$TOP/contrib/prometheus/twtune-dashboard.json
}

# The series twtune-metrics(7) documents, one a line.
documented() {
	sed -n 's/^\.B \(twtune_[a-z_]*\)$/\1/p' "$TOP/man/twtune-metrics.7" | sort -u
}

# The metric names an expression text on stdin uses: twtune's, the rules'
# recorded ones (with a colon) and node_exporter's; label values and
# strings are left out.
names_in() {
	sed -E 's/"[^"]*"//g' | grep -oE '\b(twtune_[a-z_]+|[a-z_]*:[a-z_]+:[a-z0-9_]+|node_[a-z_]+)\b' | sort -u
}

# check_names FILE: every name FILE's expressions use is known.
check_names() {
	local known bad= n
	known=$( { documented; yq_records; echo node_textfile_mtime_seconds; } | sort -u)
	while read -r n; do
		grep -qxF "$n" <<<"$known" || bad+="$n "
	done
	[ -z "$bad" ] || { echo "not documented in twtune-metrics(7): $bad"; return 1; }
}

# The series the rules record.
yq_records() {
	sed -n 's/^ *- record: *//p' "$RULES"
}

@test "promtool check rules: the rules are valid, and use only documented series" {
	run -0 promtool check rules "$RULES"
	assert_output --partial 'SUCCESS: 12 rules found'
	[ "$(documented | wc -l)" -gt 20 ]
	sed -n 's/^ *expr: *//p' "$RULES" | names_in | check_names
}

@test "promtool test rules: every alert and recording rule, firing and not" {
	cd "$TOP/tests/fixtures/prometheus"
	run -0 promtool test rules twtune-rules.test.yml
	assert_output --partial SUCCESS
	# The tests cover every alert of the rules.
	for a in $(sed -n 's/^ *- alert: *//p' "$RULES"); do
		grep -q "alertname: $a\$" twtune-rules.test.yml || fail "no unit test for $a"
	done
}

@test "TwtuneRiskCritical fires on what twtune prints for a namespace at risk" {
	# 900 client TIME_WAIT in a 1000-port range: twtune says crit.
	run -0 scenario '
		sysctl -qw net.ipv4.ip_local_port_range="40000 40999" net.ipv4.tcp_tw_reuse=0
		"$BUILD/tests/sockgen" --port 8080 --tw-client 900 >/dev/null
		"$TWTUNE" audit --format prometheus --fail-on never --interval 0'
	prom=$output
	grep -qx 'twtune_risk_level 3' <<<"$prom"
	# Its samples as promtool's input series, 10 minutes of them.
	{
		echo "rule_files: [$RULES]"
		echo 'tests:'
		echo '  - interval: 1m'
		echo '    input_series:'
		grep -v '^#' <<<"$prom" | grep -v '^twtune_last_run_timestamp_seconds' |
			awk '{ v = $NF; $NF = ""; sub(/ $/, ""); gsub(/'"'"'/, "'"''"'"); s = $0
				if (s !~ /\{/) s = s "{instance=\"h\"}"; else sub(/\{/, "{instance=\"h\",", s)
				printf "      - series: '"'"'%s'"'"'\n        values: '"'"'%sx10'"'"'\n", s, v }'
		echo '    alert_rule_test:'
		echo '      - eval_time: 6m'
		echo '        alertname: TwtuneRiskCritical'
		echo '        exp_alerts:'
		echo '          - exp_labels: {severity: critical, instance: h}'
		echo '            exp_annotations:'
		echo '              summary: "twtune: critical TCP port or TIME_WAIT pressure on h"'
		echo '              description: "twtune audit rates h critical; run `twtune audit` there for the finding and its fix."'
	} >"$BATS_TEST_TMPDIR/real.test.yml"
	run -0 promtool test rules "$BATS_TEST_TMPDIR/real.test.yml"
	assert_output --partial SUCCESS
}

@test "the dashboard: valid JSON, every expression parses, only documented series" {
	run -0 jq -r '[.panels[] | select(.type != "row")] | length' "$DASH"
	[ "$output" -ge 15 ]
	# fleet -> host -> namespace -> pools, in that order
	run -0 jq -r '.panels[] | select(.type == "row") | .title' "$DASH"
	assert_output $'Fleet\nHost $instance\nNamespace $netns\nPools of $netns'
	# Each panel's expressions, its variables given values, as recording
	# rules: promtool check rules parses them.
	run -0 jq -r '.panels[] | .targets[]?.expr' "$DASH"
	exprs=$output
	{
		echo 'groups: [{name: dash, rules: ['
		while IFS= read -r e; do
			e=${e//\$__rate_interval/5m}
			e=${e//\$instance/.*}
			e=${e//\$netns/.*}
			printf '  {record: "dash:expr:%d", expr: %s},\n' $((n += 1)) "$(jq -Rn --arg e "$e" '$e')"
		done <<<"$exprs"
		echo ']}]'
	} >"$BATS_TEST_TMPDIR/dash-rules.yml"
	run -0 promtool check rules "$BATS_TEST_TMPDIR/dash-rules.yml"
	assert_output --partial "SUCCESS: $(wc -l <<<"$exprs") rules found"
	# the variables' queries too
	run -0 jq -r '.templating.list[] | select(.type == "query") | .query' "$DASH"
	{ echo "$exprs"; echo "$output"; } | names_in | check_names
}
