#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# contrib/rpm/twtune.spec, built here with Debian's rpmbuild (--nodeps):
# this proves the spec and its file list against make install, not a
# Fedora build (Debian's rpm has no Fedora macros or dependencies).

bats_require_minimum_version 1.5.0

setup() {
	load 'test_helper/common-setup'
	_common_setup
	command -v rpmbuild >/dev/null || fail "rpmbuild is missing: make deps DEPS=test installs rpm"
}

@test "rpmbuild -bb builds the spec; the package holds what make install installs" {
	local d=$BATS_TEST_TMPDIR v
	v=$(sed -n 's/^#define TWTUNE_VERSION "\(.*\)"$/\1/p' "$TOP/src/cmd/twtune.h")
	mkdir -p "$d/SOURCES" "$d/twtune-$v"
	(cd "$TOP" && cp -r src profiles man completions contrib Makefile COPYING README.md CHANGELOG.md "$d/twtune-$v/")
	rm -rf "$d/twtune-$v/build"
	tar -C "$d" -czf "$d/SOURCES/twtune-$v.tar.gz" "twtune-$v"
	run -0 rpmbuild -bb --nodeps --define "_topdir $d" --define "version $v" \
		--define "_tmppath $d/tmp" "$TOP/contrib/rpm/twtune.spec"
	rpm=$(find "$d/RPMS" -name "twtune-$v-1.*.rpm")
	[ -f "$rpm" ]
	# The install rebuilt nothing: one compile of each source file.
	[ "$(grep -c '^  CC      src/util/readfile.c$' <<<"$output")" -eq 1 ]
	run -0 rpm -qp --qf '%{NAME} %{VERSION} %{LICENSE}\n' "$rpm"
	assert_output "twtune $v GPL-2.0-or-later"
	# %install is make install; rpmbuild fails on a file it installs that
	# %files does not list, and on one listed but not installed. So the
	# files are make install's: check a few and the count.
	run -0 rpm -qlp "$rpm"
	for f in /usr/sbin/twtune /usr/share/man/man8/twtune.8 /usr/share/twtune/profiles/proxy-profile.ini \
		/usr/lib/systemd/system/prometheus-node-exporter-twtune.timer /usr/share/fish/vendor_completions.d/twtune.fish; do
		assert_line --regexp "^$f(\.gz)?\$"
	done
	run -0 rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm"
	assert_line '-rwxr-xr-x /usr/sbin/twtune'
	# The licence and the documentation are marked as such.
	run -0 rpm -qp --licensefiles "$rpm"
	assert_output --partial COPYING
	run -0 rpm -qp --docfiles "$rpm"
	assert_output --partial README.md
}
