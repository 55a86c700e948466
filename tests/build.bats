#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The build: gcc and clang with zero warnings under -Werror, hardening
# flags in the binary, make install and uninstall.

bats_require_minimum_version 1.5.0

setup_file() {
	export COPY="$BATS_FILE_TMPDIR/tree" PFX="$BATS_FILE_TMPDIR/prefix"
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

# The TWTUNE_ names in a binary, one a line, sorted.
hook_names() {
	strings "$1" | grep -o 'TWTUNE_[A-Z_]*' | sort -u
}

@test "./twtune from make has no test hook: of the TWTUNE_ variables only TWTUNE_PROFILE_PATH; the test binary has them" {
	# $COPY/twtune is make's ./twtune (make audit builds the same target)
	run -0 hook_names "$COPY/twtune"
	assert_output TWTUNE_PROFILE_PATH
	run -0 make -C "$COPY" -s CC=gcc WERROR=1 BUILD=build-gcc build-gcc/test/twtune
	run -0 hook_names "$COPY/build-gcc/test/twtune"
	assert_line TWTUNE_TEST_KILL_AT
	assert_line TWTUNE_DIAG_RECORD
	assert_line TWTUNE_PROC_NET
	assert_line TWTUNE_TEST_INTERVAL
	assert_line TWTUNE_CT_REPLAY
	assert_equal "${#lines[@]}" 16
	# the suite runs the test binary
	run -0 hook_names "$TWTUNE"
	assert_line TWTUNE_TEST_FAIL_AT
	# and a hook is inert in ./twtune: no kill point is named
	run -0 env TWTUNE_TEST_KILL_TRACE=1 TWTUNE_TEST_KILL_AT=1 "$COPY/twtune" --version
	refute_output --partial 'test hook'
	# and ./twtune keeps the defaults the hooks stand in for: audit
	# measures over its 1 s window (TWTUNE_TEST_INTERVAL is the test
	# binary's; a zeroed hook once made every audit of ./twtune a snapshot)
	run -0 in_netns env TWTUNE_TEST_INTERVAL=0 "$COPY/twtune" --no-color audit --no-processes
	assert_output --partial 'close rate 0.0/s (measured over 1.0 s'
}

@test "src/ keeps its layers: no upward include or call, no circle, renderers call no rules" {
	run -0 python3 "$TOP/tests/test_helper/layers.py" includes "$COPY/src"
	assert_output "upward includes and include circles: none"
	# The objects of the gcc test above (make rebuilds nothing when it ran).
	run -0 make -C "$COPY" -s CC=gcc WERROR=1 BUILD=build-gcc twtune
	run -0 python3 "$TOP/tests/test_helper/layers.py" calls "$COPY/build-gcc"
	assert_output "upward calls, call circles and rules in renderers: none"
	# The Makefile builds the layers the checker knows, in its order.
	run -0 python3 "$TOP/tests/test_helper/layers.py" order
	order=$output
	run -0 make -C "$COPY" -s --no-print-directory -pn twtune
	assert_line "LAYERS := $order"
}

@test "the licence: COPYING is the GPL, version 2, and every source file says GPL-2.0-or-later" {
	run -0 head -2 "$TOP/COPYING"
	assert_line --index 0 --partial 'GNU GENERAL PUBLIC LICENSE'
	assert_line --index 1 --partial 'Version 2, June 1991'
	cd "$TOP"
	files=$(find src tests completions contrib/debian .ci Makefile -type f \
		\( -name '*.[ch]' -o -name '*.bats' -o -name '*.bash' -o -name '*.sh' -o -name '*.py' \
		-o -name '*.zsh' -o -name Makefile -o -name run -o -path 'completions/*' \
		-o -name mkdeb -o -name postinst -o -name prerm -o -name postrm \) \
		-not -path '*/fixtures/*' -not -path '*/corpus/*' -not -path '*/regress/*')
	[ "$(wc -l <<<"$files")" -gt 150 ]
	run grep -L -m1 '^\(// \|# \)SPDX-License-Identifier: GPL-2.0-or-later$' $files
	assert_output ''
	# the Ansible module, as Ansible's own, is GPL-3.0-or-later
	run -0 grep -c '^# SPDX-License-Identifier: GPL-3.0-or-later$' contrib/ansible/library/twtune.py
	assert_output 1
	# the kernel knows no SPDX ids: the BPF program's licence string is "GPL"
	run -0 grep -c 'SEC("license") = "GPL";' src/kernel/observe.bpf.c
	assert_output 1
}

@test "the layer checker catches an upward include and an include circle" {
	t="$BATS_TEST_TMPDIR/src"
	mkdir -p "$t/util" "$t/model" "$t/render"
	printf '#include "b.h"\n' >"$t/util/a.h"
	printf '#include "c.h"\n' >"$t/model/b.h"
	printf '#include "b.h"\n' >"$t/model/c.h"
	printf '#include "a.h"\nint main(void) { return 0; }\n' >"$t/main.c"
	run -1 python3 "$TOP/tests/test_helper/layers.py" includes "$t"
	assert_line "upward include: util/a.h:1 (util) includes model/b.h (model)"
	assert_line "include circle: model/b.h model/c.h"
	assert_equal "${#lines[@]}" 2
	# a header that is nowhere in the tree is a fault too
	printf '#include "gone.h"\n' >"$t/render/r.c"
	run -1 python3 "$TOP/tests/test_helper/layers.py" includes "$t"
	assert_line 'unknown header: render/r.c:1 includes "gone.h"'
}

@test "the layer checker catches an upward call, a call circle, and rules, qsort or the view's computations in a renderer" {
	b="$BATS_TEST_TMPDIR/build"
	mkdir -p "$b/util" "$b/model" "$b/rules" "$b/render"
	obj() { printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/x.c" && cc -c -o "$b/$1.o" "$BATS_TEST_TMPDIR/x.c"; }
	# util calls up into model, and model calls back: upward and a circle
	obj util/u 'int m_fn(void); int u_fn(void) { return m_fn(); }'
	obj model/m 'int u_fn(void); int m_fn(void) { return u_fn() + 1; }'
	obj rules/r 'int r_fn(void) { return 2; }'
	obj render/p '#include <stdlib.h>
int r_fn(void); int sockets_top(void);
static int cmp(const void *a, const void *b) { return (a > b) - (a < b); }
int p_fn(int *v) { qsort(v, 2, sizeof(int), cmp); return r_fn() + sockets_top(); }'
	run -1 python3 "$TOP/tests/test_helper/layers.py" calls "$b"
	assert_line "upward call: util/u (util) calls m_fn in model/m (model)"
	assert_line "call circle: model/m util/u"
	assert_line "render calls rules: render/p calls r_fn in rules/r"
	assert_line "render sorts: render/p calls qsort"
	assert_line "render computes: render/p calls sockets_top, which the view holds"
	assert_equal "${#lines[@]}" 5
}

@test "the unit tests, test tools, bench and fuzz harnesses build with zero warnings too" {
	cp -r "$BATS_TEST_DIRNAME" "$COPY/"
	# Each compiler's tree of the tests above, so the library objects are
	# built once per compiler. The fuzz harnesses are clang's whatever CC
	# says (their own objects under BUILD/fuzz): built once, in clang's turn.
	run -0 make -C "$COPY" CC=gcc WERROR=1 BUILD=build-gcc FUZZ_BINS= test-tools
	refute_output --partial 'warning:'
	refute_output --partial 'FUZZCC'
	run -0 make -C "$COPY" CC=clang WERROR=1 BUILD=build-clang test-tools
	refute_output --partial 'warning:'
	assert_output --partial 'FUZZCC'
	[ -x "$COPY/build-clang/fuzz/fuzz_value" ]
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
	# The PREFIX of the next test, so both use one build (the profile
	# directory is compiled in: another PREFIX rebuilds every object).
	stage="$BATS_TEST_TMPDIR/stage" p=$PFX
	run -0 make -C "$COPY" -s BUILD=build-prefix install DESTDIR="$stage" PREFIX="$p"
	for f in ${p#/}/sbin/twtune ${p#/}/share/man/man8/twtune.8 ${p#/}/share/man/man5/twtune.ini.5 \
		${p#/}/share/man/man7/twtune-metrics.7 ${p#/}/share/man/man7/twtune-kernel.7 \
		${p#/}/share/bash-completion/completions/twtune ${p#/}/share/zsh/site-functions/_twtune \
		${p#/}/share/fish/vendor_completions.d/twtune.fish \
		${p#/}/share/twtune/profiles/kernel-default.ini ${p#/}/share/twtune/profiles/proxy-profile.ini \
		${p#/}/share/twtune/profiles/web-server.ini ${p#/}/share/twtune/profiles/outbound-client.ini \
		${p#/}/lib/systemd/system/prometheus-node-exporter-twtune.service \
		${p#/}/lib/systemd/system/prometheus-node-exporter-twtune.timer \
		${p#/}/share/ansible/plugins/modules/twtune.py; do
		[ -f "$stage/$f" ] || { echo "missing $f"; return 1; }
	done
	run -0 stat -c %a "$stage$p/sbin/twtune"; assert_output 755
	# make install installs ./twtune, without the test hooks
	run -0 hook_names "$stage$p/sbin/twtune"
	assert_output TWTUNE_PROFILE_PATH
	run -0 stat -c %a "$stage$p/share/twtune/profiles/proxy-profile.ini"; assert_output 644
	# Every page of man/ is installed, in the section its suffix names.
	for f in "$COPY"/man/*; do
		f=${f##*/}
		run -0 stat -c %a "$stage$p/share/man/man${f##*.}/$f"; assert_output 644
	done
	# The installed man pages name the profile directory of this PREFIX.
	for f in man8/twtune.8 man5/twtune.ini.5; do
		run -0 grep -c "$p/share/twtune/profiles" "$stage$p/share/man/$f"
		refute_output 0
	done
	run -1 grep -r '/usr/local/share/twtune' "$stage$p/share/man"
	# The service runs the twtune of this PREFIX.
	run -0 grep -c " $p/sbin/twtune --all-netns audit " "$stage$p/lib/systemd/system/prometheus-node-exporter-twtune.service"
	assert_output 1
	run -0 make -C "$COPY" -s BUILD=build-prefix uninstall DESTDIR="$stage" PREFIX="$p"
	run -0 find "$stage" -type f
	assert_output ''
}

@test "an installed binary finds its installed profiles" {
	prefix=$PFX
	run -0 make -C "$COPY" -s BUILD=build-prefix install PREFIX="$prefix"
	cd "$BATS_TEST_TMPDIR"
	run -0 env -u TWTUNE_PROFILE_PATH "$prefix/sbin/twtune" profiles --json
	run -0 jq -r '.[] | select(.name == "proxy-profile") | .path' <<<"$output"
	assert_output "$prefix/share/twtune/profiles/proxy-profile.ini"
	run -0 grep -c " $prefix/sbin/twtune --all-netns audit " "$prefix/lib/systemd/system/prometheus-node-exporter-twtune.service"
	assert_output 1
}
