#!/usr/bin/env bats
# The build: gcc and clang with zero warnings under -Werror, hardening
# flags in the binary, make install and uninstall.

bats_require_minimum_version 1.5.0

setup_file() {
	export COPY="$BATS_FILE_TMPDIR/tree"
	mkdir -p "$COPY"
	cp -r "$BATS_TEST_DIRNAME/../src" "$BATS_TEST_DIRNAME/../profiles" "$BATS_TEST_DIRNAME/../man" \
		"$BATS_TEST_DIRNAME/../completions" "$BATS_TEST_DIRNAME/../contrib" "$BATS_TEST_DIRNAME/../Makefile" "$COPY/"
}

setup() {
	load 'test_helper/common-setup'
	_common_setup
}

@test "gcc builds with zero warnings under -Werror" {
	run -0 make -C "$COPY" -s BUILD=build-gcc clean
	run -0 make -C "$COPY" CC=gcc WERROR=1 BUILD=build-gcc twtune
	refute_output --partial 'warning:'
	run -0 "$COPY/twtune" --version
}

@test "clang builds with zero warnings under -Werror" {
	run -0 make -C "$COPY" CC=clang WERROR=1 BUILD=build-clang twtune
	refute_output --partial 'warning:'
	run -0 "$COPY/twtune" --version
}

@test "no call circle among the objects of src/: nothing reaches upward" {
	run -0 make -C "$COPY" -s WERROR=1 BUILD=build-graph twtune
	run -0 python3 "$TOP/tests/test_helper/callgraph.py" "$COPY/build-graph"
	assert_output "call circles: none"
	# and the checker finds one when there is one: an object that calls
	# back into the one that calls it
	mkdir -p "$BATS_TEST_TMPDIR/bad"
	printf 'int audit_run(void);\nint settings_read(void) { return audit_run(); }\n' >"$BATS_TEST_TMPDIR/cb.c"
	cc -c -o "$BATS_TEST_TMPDIR/bad/cb.o" "$BATS_TEST_TMPDIR/cb.c"
	printf 'int settings_read(void);\nint audit_run(void) { return settings_read(); }\n' >"$BATS_TEST_TMPDIR/ca.c"
	cc -c -o "$BATS_TEST_TMPDIR/bad/ca.o" "$BATS_TEST_TMPDIR/ca.c"
	run -1 python3 "$TOP/tests/test_helper/callgraph.py" "$BATS_TEST_TMPDIR/bad"
	assert_output "call circle: ca cb"
}

@test "the unit tests, test tools, bench and fuzz harnesses build with zero warnings too" {
	cp -r "$BATS_TEST_DIRNAME" "$COPY/"
	for cc in gcc clang; do
		run -0 make -C "$COPY" CC=$cc WERROR=1 BUILD=build-tools-$cc test-tools
		refute_output --partial 'warning:'
	done
}

@test "the binary is hardened: PIE, full RELRO, stack protector, FORTIFY" {
	run -0 readelf -h "$TWTUNE"
	assert_line --regexp 'Type: +DYN'
	run -0 readelf -d "$TWTUNE"
	assert_line --regexp 'BIND_NOW|FLAGS_1.*NOW'
	assert_line --regexp 'FLAGS_1.*PIE'
	run -0 readelf -lW "$TWTUNE"
	assert_line --partial 'GNU_RELRO'
	run -0 readelf -sW --dyn-syms "$TWTUNE"
	assert_line --partial '__stack_chk_fail'
	assert_line --regexp '__[a-z]+_chk'
	# no system(), popen() or exec in the tool
	refute_line --regexp ' (system|popen|exec[lv]p?e?)(@|$)'
}

@test "the binary runs no other program: no system, popen, exec, spawn or fork" {
	run -0 nm -D --undefined-only "$TWTUNE"
	imports=$(awk '{ sub(/@.*/, "", $NF); print $NF }' <<<"$output")
	# A sanity check that the list is the real one.
	grep -qx 'iniparser_load' <<<"$imports"
	grep -qx 'nl_connect' <<<"$imports"
	run grep -Ex '(system|popen|exec[lv]p?e?|execvpe|fexecve|execveat|posix_spawnp?|posix_spawn_.*|fork|vfork|clone3?|syscall|wordexp)' <<<"$imports"
	assert_output ''
	# The same from the dynamic relocations, as objdump sees them.
	run -0 objdump -R "$TWTUNE"
	refute_output --regexp '[[:space:]](system|popen|exec[a-z]*|posix_spawn[a-z_]*|fork|vfork)(@|$)'
}

@test "make install and uninstall honour PREFIX and DESTDIR" {
	stage="$BATS_TEST_TMPDIR/stage"
	run -0 make -C "$COPY" -s BUILD=build-gcc install DESTDIR="$stage" PREFIX=/usr
	for f in usr/sbin/twtune usr/share/man/man8/twtune.8 \
		usr/share/bash-completion/completions/twtune usr/share/zsh/site-functions/_twtune \
		usr/share/fish/vendor_completions.d/twtune.fish \
		usr/share/twtune/profiles/kernel-default.ini usr/share/twtune/profiles/proxy-profile.ini \
		usr/share/twtune/profiles/web-server.ini usr/share/twtune/profiles/outbound-client.ini \
		usr/lib/systemd/system/prometheus-node-exporter-twtune.service \
		usr/lib/systemd/system/prometheus-node-exporter-twtune.timer \
		usr/share/ansible/plugins/modules/twtune.py; do
		[ -f "$stage/$f" ] || { echo "missing $f"; return 1; }
	done
	run -0 stat -c %a "$stage/usr/sbin/twtune"; assert_output 755
	run -0 stat -c %a "$stage/usr/share/twtune/profiles/proxy-profile.ini"; assert_output 644
	run -0 stat -c %a "$stage/usr/share/man/man8/twtune.8"; assert_output 644
	# The installed man page names the profile directory of this PREFIX.
	run -0 grep -c '/usr/share/twtune/profiles' "$stage/usr/share/man/man8/twtune.8"
	refute_output 0
	run -1 grep '/usr/local/share/twtune' "$stage/usr/share/man/man8/twtune.8"
	# The service runs the twtune of this PREFIX.
	run -0 grep -c ' /usr/sbin/twtune audit ' "$stage/usr/lib/systemd/system/prometheus-node-exporter-twtune.service"
	assert_output 1
	run -0 make -C "$COPY" -s BUILD=build-gcc uninstall DESTDIR="$stage" PREFIX=/usr
	run -0 find "$stage" -type f
	assert_output ''
}

@test "an installed binary finds its installed profiles" {
	prefix="$BATS_TEST_TMPDIR/prefix"
	run -0 make -C "$COPY" -s BUILD=build-prefix install PREFIX="$prefix"
	cd "$BATS_TEST_TMPDIR"
	run -0 env -u TWTUNE_PROFILE_PATH "$prefix/sbin/twtune" profiles --json
	run -0 jq -r '.[] | select(.name == "proxy-profile") | .path' <<<"$output"
	assert_output "$prefix/share/twtune/profiles/proxy-profile.ini"
	run -0 grep -c " $prefix/sbin/twtune audit " "$prefix/lib/systemd/system/prometheus-node-exporter-twtune.service"
	assert_output 1
}
