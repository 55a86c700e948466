#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make deps (contrib/deps.sh) beyond Debian: what is missing is found by
# running the tools and asking pkg-config; apt-get runs only on Debian and
# Ubuntu, and only for what is missing; elsewhere the packages to install
# are printed. The distribution comes from a faked os-release (OS_RELEASE).

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	D=$BATS_TEST_TMPDIR
	# A bpftool that is there but fails, as Ubuntu's wrapper does without
	# linux-tools; an apt-get that only notes it was called.
	mkdir -p "$D/bin"
	printf '#!/bin/sh\necho "WARNING: bpftool not found for kernel" >&2\nexit 2\n' >"$D/bin/bpftool"
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$D" >"$D/bin/apt-get"
	chmod +x "$D/bin/bpftool" "$D/bin/apt-get"
	for id in debian ubuntu fedora alpine; do
		printf 'NAME=x\nID=%s\n' "$id" >"$D/$id"
	done
	printf 'ID=rocky\nID_LIKE="rhel centos fedora"\n' >"$D/rocky"
	printf 'ID=arch\n' >"$D/arch"
}

deps() {
	sh "$TOP/contrib/deps.sh" "$@"
}

@test "everything there (this machine, made Fedora): all present, nothing installed" {
	OS_RELEASE=$D/fedora PATH="$D/no-such-dir:$PATH" run -0 --separate-stderr deps build test
	assert_output "deps: all present (build test)"
	assert_equal "$stderr" ""
}

@test "Fedora, no libnl or libbpf for pkg-config: the dnf line, eBPF as optional, exit 1" {
	OS_RELEASE=$D/fedora PKG_CONFIG_LIBDIR=$D/none PATH="$D/bin:$PATH" run -1 --separate-stderr deps build
	assert_output ""
	assert_equal "$stderr" "deps: missing: libnl-3.0 bpftool libbpf
deps: install them with: dnf install libnl3-devel
deps: for observe (eBPF), optional: dnf install bpftool libbpf-devel"
	[ ! -e "$D/apt.log" ]
	# Rocky says it is like RHEL and Fedora: the same names.
	OS_RELEASE=$D/rocky PKG_CONFIG_LIBDIR=$D/none run -1 --separate-stderr deps build
	[[ $stderr == *"deps: install them with: dnf install libnl3-devel"* ]]
}

@test "only the eBPF tool chain missing elsewhere: said, and exit 0 (twtune builds without observe)" {
	OS_RELEASE=$D/alpine PATH="$D/bin:$PATH" run -0 --separate-stderr deps build
	assert_equal "$stderr" "deps: missing: bpftool
deps: for observe (eBPF), optional: apk add bpftool"
}

@test "Alpine names, and what Alpine does not package" {
	# a PATH of every program here but dpkg-deb and dpkg-shlibdeps
	local f
	mkdir "$D/path"
	for f in /usr/local/bin/* /usr/sbin/* /usr/bin/*; do
		case ${f##*/} in dpkg-deb | dpkg-shlibdeps) continue ;; esac
		[ -e "$D/path/${f##*/}" ] || ln -s "$f" "$D/path/${f##*/}"
	done
	OS_RELEASE=$D/alpine PKG_CONFIG_LIBDIR=$D/none PATH=$D/path run -1 --separate-stderr deps build deb
	[[ $stderr == *"deps: install them with: apk add libnl3-dev"* ]]
	[[ $stderr == *"deps: not packaged for alpine: dpkg-deb dpkg-shlibdeps (install them from their upstream)"* ]]
}

@test "Debian and Ubuntu: apt-get for just what is missing (a bpftool that does not run counts)" {
	for os in debian ubuntu; do
		rm -f "$D/apt.log"
		OS_RELEASE=$D/$os PATH="$D/bin:$PATH" DEPS_DRY_RUN=1 run -0 deps build
		assert_output "deps: missing: bpftool; installing: bpftool
apt-get install -y -qq --no-install-recommends bpftool"
	done
	# for real, with the fake apt-get on PATH (as root)
	OS_RELEASE=$D/debian PATH="$D/bin:$PATH" run -0 deps build
	run -0 cat "$D/apt.log"
	assert_output "apt-get update -qq
apt-get install -y -qq --no-install-recommends bpftool"
}

@test "another distribution: what is missing and a plain word, exit 1" {
	OS_RELEASE=$D/arch PKG_CONFIG_LIBDIR=$D/none run -1 --separate-stderr deps build
	assert_equal "$stderr" "deps: missing: libnl-3.0 libbpf
deps: not Debian, Ubuntu, Fedora, RHEL or Alpine: install these with your package manager"
}

@test "make deps passes its groups to the script and runs no apt-get on Fedora" {
	OS_RELEASE=$D/fedora PATH="$D/bin:$PATH" run -0 make -s -C "$TOP" --no-print-directory deps DEPS="build test"
	assert_output --partial "deps: for observe (eBPF), optional: dnf install bpftool"
	[ ! -e "$D/apt.log" ]
}

@test "bad groups: usage, exit 2" {
	run -2 --separate-stderr deps
	assert_equal "$stderr" "usage: sh contrib/deps.sh GROUP... (build, test, bench, deb)"
	run -2 --separate-stderr deps build tests
	assert_equal "$stderr" "deps: unknown group 'tests' (build, test, bench, deb)"
}

@test "a bpftool that does not run: the Makefile builds without eBPF and says why" {
	run -0 make -C "$TOP" -n BPFTOOL="$D/bin/bpftool" twtune
	assert_line "twtune: building without eBPF (observe): missing bpftool (found but '$D/bin/bpftool version' fails); make deps installs clang bpftool libbpf-dev"
}
