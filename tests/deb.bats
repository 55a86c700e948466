#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package of make deb: built once for the file (setup_file),
# linted, its contents listed, then installed with apt-get into a
# throw-away root and purged again. The throw-away root is the host's own
# root under an overlay whose upper layer lies in $BATS_FILE_TMPDIR, in a
# private mount and network namespace, chrooted into: the host's files and
# its dpkg database are never written, and what the package leaves behind
# is exactly the upper layer. The installed units are verified and the
# service's command runs there as the unit runs it: no capabilities, no new
# privileges, a read-only root but the collector directory, a private /tmp.
# The tests after "apt-get installs it" install the package when an
# earlier one has not.

bats_require_minimum_version 1.5.0

setup_file() {
	local t top
	top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	for t in dpkg-deb dpkg-shlibdeps lintian systemd-analyze promtool; do
		command -v "$t" >/dev/null || skip "$t is missing (make deps DEPS=\"build test\" installs it)"
	done
	export PKG="$BATS_FILE_TMPDIR/pkg" OV="$BATS_FILE_TMPDIR/ov"
	mkdir -p "$PKG" "$OV/upper" "$OV/work" "$OV/root"
	make -C "$top" --no-print-directory deb DEB_BUILD="$PKG/build" DEBDIR="$PKG/out" \
		>"$PKG/make.log" 2>&1 || { cat "$PKG/make.log" >&2; return 1; }
	DEB=$(echo "$PKG"/out/twtune_*.deb) DEBC=$(echo "$PKG"/out/prometheus-node-exporter-twtune_*.deb)
	export DEB DEBC
	dpkg-deb -x "$DEB" "$PKG/x"
	dpkg-deb -x "$DEBC" "$PKG/xc"
}

setup() {
	load 'test_helper/common-setup'
	_common_setup
	VERSION=$(sed -n 's/^#define TWTUNE_VERSION "\(.*\)"$/\1/p' "$TOP/src/cmd/twtune.h")
	UNIT=prometheus-node-exporter-twtune
	# The collector directory as the upper layer holds it (made by the tests,
	# standing in for prometheus-node-exporter's).
	C=$OV/upper/var/lib/prometheus/node-exporter
}

teardown() {
	[ -z "${HELD:-}" ] || kill "$HELD" 2>/dev/null || true
}

# Runs the bash code $1 as root chrooted into the throw-away root, in a new
# mount and network namespace (loopback up), with a clean environment.
# ROOT_PRE: bash code run before the chroot, with the root in $R.
# SANDBOX=1: as the service's sandbox has it, the code runs under /bin/sh
# with the unit's capability bounding set (CAPS: another, in setpriv's
# words) and no_new_privs, the root read-only but the collector
# directory, /tmp private.
in_root() {
	unshare -m -n --propagation private -- bash -c '
		set -e
		R=$1/root
		mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$R"
		mount -t proc proc "$R/proc"
		mount --rbind /dev "$R/dev"
		mount -t tmpfs tmpfs "$R/run"
		ip link set lo up
		eval "${ROOT_PRE:-}"
		env="env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive"
		if [ -z "${SANDBOX:-}" ]; then
			exec chroot "$R" $env /bin/bash -c "$2"
		fi
		d=$R/var/lib/prometheus/node-exporter
		mount --bind "$d" "$d"
		mount -o remount,bind,ro "$R"
		mount -t tmpfs tmpfs "$R/tmp"
		exec chroot "$R" $env setpriv --bounding-set="$3" --inh-caps=-all --no-new-privs /bin/sh -c "$2"
	' in_root "$OV" "$1" "${CAPS:-$(unit_caps)}"
}

# The unit's CapabilityBoundingSet in setpriv's words: -all,+sys_admin,...
unit_caps() {
	local c
	c=$(sed -n 's/^CapabilityBoundingSet=//p' "$PKG/xc/lib/systemd/system/$UNIT.service" | tr 'A-Z' 'a-z')
	printf -- '-all%s\n' "$(for w in $c; do printf ',+%s' "${w#cap_}"; done)"
}

# Installs both packages into the throw-away root unless they are there
# (prometheus-node-exporter, which the collector depends on, is the host's:
# make deps installs it; the root has no network).
installed() {
	[ "$(id -u)" = 0 ] || skip "the throw-away root needs root (mount and network namespaces)"
	in_root 'dpkg-query -W -f="\${Status}" prometheus-node-exporter-twtune 2>/dev/null | grep -q "ok installed"' && return 0
	mkdir -p "$OV/upper/tmp"
	cp "$DEB" "$DEBC" "$OV/upper/tmp/"
	in_root "apt-get install -y --no-install-recommends /tmp/${DEB##*/} /tmp/${DEBC##*/}"
}

# The service's command from the installed unit: the script of
# ExecStart=/bin/sh -c '...', with systemd's "$$" made "$".
service_script() {
	local line
	line=$(in_root "sed -n 's/^ExecStart=//p' /lib/systemd/system/$UNIT.service")
	case $line in
	"/bin/sh -c '"*"'") ;;
	*) echo "ExecStart is not /bin/sh -c '...': $line" >&2; return 1 ;;
	esac
	line=${line#"/bin/sh -c '"}
	line=${line%"'"}
	printf '%s\n' "${line//\$\$/\$}"
}

@test "make deb builds twtune_VERSION-1_ARCH.deb, reproducibly, and leaves ./twtune alone" {
	[ "$DEB" = "$PKG/out/twtune_${VERSION}-1_$(dpkg --print-architecture).deb" ]
	before=$( [ -e "$TOP/twtune" ] && sha256sum <"$TOP/twtune" || echo none)
	# The same bytes from a copy of the tree elsewhere, at the same commit time.
	copy=$BATS_TEST_TMPDIR/elsewhere/tree
	mkdir -p "$copy"
	cp -r "$TOP"/{src,profiles,man,completions,contrib,Makefile,README.md,CHANGELOG.md} "$copy/"
	run -0 make -C "$copy" --no-print-directory deb DEBDIR="$BATS_TEST_TMPDIR/out" \
		SOURCE_DATE_EPOCH="$(git -C "$TOP" log -1 --format=%ct)"
	run -0 cmp "$DEB" "$BATS_TEST_TMPDIR/out/${DEB##*/}"
	run -0 cmp "$DEBC" "$BATS_TEST_TMPDIR/out/${DEBC##*/}"
	[ "$DEBC" = "$PKG/out/prometheus-node-exporter-twtune_${VERSION}-1_all.deb" ]
	[ "$before" = "$( [ -e "$TOP/twtune" ] && sha256sum <"$TOP/twtune" || echo none)" ]
	# Compiled for PREFIX=/usr: the profile directory it searches.
	run -0 grep -c /usr/share/twtune/profiles "$PKG/x/usr/sbin/twtune"
	run -1 grep /usr/local/share/twtune "$PKG/x/usr/sbin/twtune"
	# No test hook in the package: of the TWTUNE_ variables, only the documented one.
	run -0 bash -c 'strings "$1" | grep -o "TWTUNE_[A-Z_]*" | sort -u' _ "$PKG/x/usr/sbin/twtune"
	assert_output TWTUNE_PROFILE_PATH
	# Debian's build flags keep the hardening: PIE, full RELRO, FORTIFY.
	run -0 readelf -d "$PKG/x/usr/sbin/twtune"
	assert_line --regexp 'FLAGS_1.*NOW.*PIE|FLAGS_1.*PIE.*NOW'
	run -0 readelf -sW --dyn-syms "$PKG/x/usr/sbin/twtune"
	assert_line --regexp '__[a-z]+_chk'
	run -0 dpkg-deb -f "$DEB" Package Version Architecture
	assert_output "Package: twtune
Version: ${VERSION}-1
Architecture: $(dpkg --print-architecture)"
	# The collector is a package of its own, as Debian's collectors are.
	run -0 dpkg-deb -f "$DEBC" Package Source Architecture Depends
	assert_output "Package: prometheus-node-exporter-twtune
Source: twtune
Architecture: all
Depends: twtune (= ${VERSION}-1), prometheus-node-exporter"
}

@test "lintian reports nothing but overrides, each with a comment saying why" {
	run -0 lintian --pedantic -I -E --show-overrides "$DEB" "$DEBC"
	refute_line --regexp '^[EWIPX]: '
	# Every override line follows a comment.
	run -0 awk '/^#/ { c = 1; next } /^$/ { next } { if (!c) print "no comment: " $0; c = 0 }' \
		"$TOP/contrib/debian/lintian-overrides"
	assert_output ''
}

@test "the package holds the binary, profiles, man page, completions, units, module and docs" {
	run -0 dpkg-deb -c "$DEB"
	for f in usr/sbin/twtune usr/share/man/man8/twtune.8.gz usr/share/man/man5/twtune.ini.5.gz \
		usr/share/man/man7/twtune-metrics.7.gz usr/share/man/man7/twtune-kernel.7.gz \
		usr/share/twtune/profiles/kernel-default.ini usr/share/twtune/profiles/proxy-profile.ini \
		usr/share/twtune/profiles/web-server.ini usr/share/twtune/profiles/outbound-client.ini \
		usr/share/bash-completion/completions/twtune usr/share/zsh/site-functions/_twtune \
		usr/share/fish/vendor_completions.d/twtune.fish \
		usr/share/ansible/plugins/modules/twtune.py usr/share/doc/twtune/copyright \
		usr/share/doc/twtune/changelog.Debian.gz usr/share/doc/twtune/changelog.gz \
		usr/share/lintian/overrides/twtune; do
		assert_line --regexp "^-rw[-x]r-[-x]r-[-x] root/root +[0-9]+ [-0-9]+ [0-9:]+ \./$f\$"
	done
	assert_line --regexp '^-rwxr-xr-x root/root .* \./usr/sbin/twtune$'
	refute_line --partial 'systemd'
	run -0 dpkg-deb -c "$DEBC"
	for f in lib/systemd/system/$UNIT.service lib/systemd/system/$UNIT.timer \
		usr/share/doc/$UNIT/copyright usr/share/doc/$UNIT/changelog.Debian.gz \
		usr/share/lintian/overrides/$UNIT; do
		assert_line --regexp "^-rw-r--r-- root/root +[0-9]+ [-0-9]+ [0-9:]+ \./$f\$"
	done
	[ "$(grep -c '^-' <<<"$output")" -eq 6 ]
	run -0 bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -t | sort' _ "$DEBC"
	assert_output $'./\n./control\n./md5sums\n./postinst\n./postrm\n./prerm'
	# Nothing under /etc, so no conffiles.
	refute_line --regexp ' \./etc/'
	run -0 bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -t' _ "$DEB"
	refute_line --partial conffiles
	# Every date is the last commit's.
	run -0 bash -c 'TZ=UTC dpkg-deb -c "$1" | awk "{ print \$4, \$5 }" | sort -u' _ "$DEB"
	assert_output "$(date -u -d "@$(git -C "$TOP" log -1 --format=%ct)" '+%Y-%m-%d %H:%M')"
}

@test "Depends names the package of every library the binary links (dpkg-shlibdeps against ldd)" {
	run -0 dpkg-deb -f "$DEB" Depends
	depends=$output
	# The libraries the binary itself names (DT_NEEDED), where ldd finds
	# them; theirs (libbpf's libelf, say) come with their own packages.
	run -0 bash -c 'objdump -p "$1" | awk "\$1 == \"NEEDED\" { print \$2 }"' _ "$PKG/x/usr/sbin/twtune"
	needed=$output
	run -0 ldd "$PKG/x/usr/sbin/twtune"
	libs=$(for n in $needed; do awk -v n="$n" '$1 == n && $3 ~ /^\// { print $3 }' <<<"$output"; done)
	[ "$(wc -l <<<"$libs")" -ge 3 ]
	for lib in $libs; do
		pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null ||
			dpkg -S "/usr$lib" 2>/dev/null || dpkg -S "${lib#/usr}")
		pkg=${pkg%%:*}
		[[ "$depends" =~ (^|, )$pkg( |,|$) ]] || { echo "$lib is in $pkg, not in Depends: $depends"; return 1; }
	done
	[[ $depends == *libnl-3-200* && $depends == *libiniparser1* ]]
}

@test "the man pages and changelogs are gzip -9n, the copyright is machine-readable" {
	d=$PKG/x/usr/share
	# every page of man/, compressed, and nothing uncompressed
	run -0 find "$d/man" -type f ! -name '*.gz'
	assert_output ''
	for f in "$TOP"/man/*; do
		f=${f##*/}
		[ -f "$d/man/man${f##*.}/$f.gz" ] || { echo "missing man/man${f##*.}/$f.gz"; return 1; }
	done
	for f in man/man8/twtune.8.gz man/man5/twtune.ini.5.gz man/man7/twtune-metrics.7.gz \
		man/man7/twtune-kernel.7.gz doc/twtune/changelog.gz doc/twtune/changelog.Debian.gz; do
		# No name, no time stamp, maximum compression (XFL 2).
		run -0 od -An -tx1 -N10 "$d/$f"
		assert_output ' 1f 8b 08 00 00 00 00 00 02 03'
	done
	run -0 zcat "$d/man/man8/twtune.8.gz" "$d/man/man5/twtune.ini.5.gz"
	assert_output --partial '/usr/share/twtune/profiles'
	refute_output --partial '/usr/local/share/twtune'
	run -0 zcat "$d/doc/twtune/changelog.Debian.gz"
	assert_line -n 0 "twtune (${VERSION}-1) unstable; urgency=medium"
	run -0 head -1 "$d/doc/twtune/copyright"
	assert_output 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/'
	run -0 grep -c '^License: GPL-2.0+$' "$d/doc/twtune/copyright"
	assert_output 2
}

@test "apt-get installs it into a clean root; twtune runs from /usr/sbin and finds its profiles" {
	installed
	run -0 in_root 'command -v twtune; twtune --version'
	assert_line -n 0 /usr/sbin/twtune
	assert_line -n 1 --partial "$VERSION"
	run -0 in_root 'twtune profiles --json'
	run -0 jq -r '.[] | select(.name == "proxy-profile") | .path' <<<"$output"
	assert_output /usr/share/twtune/profiles/proxy-profile.ini
	run -0 in_root 'twtune audit --fail-on never'
	# The timer is enabled, as Debian's collectors' are.
	run -0 in_root "readlink /etc/systemd/system/timers.target.wants/$UNIT.timer"
	assert_output "/lib/systemd/system/$UNIT.timer"
}

@test "systemd-analyze verify is clean on the installed units, and the service is sandboxed" {
	installed
	run -0 --separate-stderr in_root "systemd-analyze verify /lib/systemd/system/$UNIT.service /lib/systemd/system/$UNIT.timer"
	assert_output ''
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	# 1.8 or better (lower), though it may enter namespaces
	run -0 in_root "systemd-analyze security --offline=yes --threshold=18 /lib/systemd/system/$UNIT.service"
	assert_line --regexp 'Overall exposure level for .*: (1\.[0-8]|0\.[0-9]) OK'
	run -0 grep -E '^(Type|ProtectSystem|ReadWritePaths|PrivateTmp|NoNewPrivileges|CapabilityBoundingSet|RestrictNamespaces)=' \
		"$PKG/xc/lib/systemd/system/$UNIT.service"
	assert_output 'Type=oneshot
ProtectSystem=strict
ReadWritePaths=/var/lib/prometheus/node-exporter
PrivateTmp=yes
NoNewPrivileges=yes
CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SYS_PTRACE
RestrictNamespaces=net'
	# The textfile directory is one setting (the Makefile's TEXTFILEDIR):
	# every place names it, none keeps the placeholder.
	run -0 bash -c 'grep -v "^#" "$1" | grep -c /var/lib/prometheus/node-exporter' _ "$PKG/xc/lib/systemd/system/$UNIT.service"
	assert_output 3
	run -0 bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postrm' _ "$DEBC"
	assert_output --partial 'rm -f /var/lib/prometheus/node-exporter/twtune.prom '
	run -1 grep -r @TEXTFILEDIR@ "$PKG/xc"
	run -0 grep -E '^(OnBootSec|OnCalendar)=' "$PKG/xc/lib/systemd/system/$UNIT.timer"
	assert_output $'OnBootSec=30s\nOnCalendar=minutely'
}

@test "the service's command writes a .prom promtool accepts, replaces it atomically, says so when twtune fails" {
	installed
	in_root 'mkdir -p /var/lib/prometheus/node-exporter'
	script=$(service_script)
	[[ $script == *"/usr/sbin/twtune --all-netns audit --format prometheus --fail-on never --no-processes "* ]]
	SANDBOX=1 run -0 in_root "$script"
	run -0 promtool check metrics <"$C/twtune.prom"
	run -0 grep -c '^twtune_risk_level{' "$C/twtune.prom"
	refute_output 0
	run -0 stat -c '%a %i' "$C/twtune.prom"
	mode=${output% *} ino=${output#* }
	[ "$mode" = 644 ]
	SANDBOX=1 run -0 in_root "$script"
	run -0 stat -c %i "$C/twtune.prom"
	[ "$output" != "$ino" ] || { echo "inode $ino: not replaced by a rename"; return 1; }
	ino=$output
	run -0 ls -A "$C"
	assert_output twtune.prom
	run -0 grep -x 'twtune_last_run_success 1' "$C/twtune.prom"
	# twtune failing without a word (here: false in its place) replaces the
	# last good file by one that says so, not left stale; the unit fails.
	ROOT_PRE='mount --bind "$R/bin/false" "$R/usr/sbin/twtune"' SANDBOX=1 run -1 in_root "$script"
	run -0 stat -c %i "$C/twtune.prom"
	[ "$output" != "$ino" ] || { echo "inode $ino: the stale file was kept"; return 1; }
	run -0 promtool check metrics <"$C/twtune.prom"
	run -0 grep -v '^#' "$C/twtune.prom"
	assert_output 'twtune_last_run_success 0'
	run -0 ls -A "$C"
	assert_output twtune.prom
}

@test "the unit's two capabilities are what --all-netns needs: measured without each" {
	installed
	in_root 'mkdir -p /var/lib/prometheus/node-exporter'
	script=$(service_script)
	# A namespace held only by a process (a container's), and one bound
	# only under /run/netns (ip netns add's; made inside the root's mount
	# namespace, its process gone before twtune runs).
	unshare -n sleep 120 &
	HELD=$!
	for ((i = 0; i < 50; i++)); do
		[ "$(stat -Lc %i /proc/$HELD/ns/net)" != "$(stat -Lc %i /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	held=$(stat -Lc %i /proc/$HELD/ns/net)
	export BF=$BATS_TEST_TMPDIR/bound
	ROOT_PRE='unshare -n sleep 20 & p=$!
		for i in $(seq 50); do [ "$(stat -Lc %i /proc/$p/ns/net)" != "$(stat -Lc %i /proc/self/ns/net)" ] && break; sleep 0.1; done
		mkdir -p "$R/run/netns" && touch "$R/run/netns/deb" && mount --bind /proc/$p/ns/net "$R/run/netns/deb"
		stat -Lc %i "$R/run/netns/deb" >"$BF"; kill $p'
	# caps: the unit's, none, each alone; what the file then holds
	for caps in unit -all -all,+sys_admin -all,+sys_ptrace; do
		rm -f "$C/twtune.prom"
		[ $caps = unit ] && c=$(unit_caps) || c=$caps
		CAPS=$c ROOT_PRE=$ROOT_PRE SANDBOX=1 run in_root "$script"
		bound=$(cat "$BF")
		got="rc=$status"
		# read (twtune_netns_read 1), by their labels: inode/N for the one a
		# process holds, the ip netns name for the bound one
		# (twtune-metrics(7), LABELS)
		if [ -f "$C/twtune.prom" ]; then
			got+=" held=$(grep -c "^twtune_netns_read{netns=\"inode/$held\"[^}]*} 1\$" "$C/twtune.prom" || true)"
			got+=" bound=$(grep -c '^twtune_netns_read{netns="deb"[^}]*} 1$' "$C/twtune.prom" || true)"
		fi
		echo "$caps $got" >>"$BATS_TEST_TMPDIR/measured"
	done
	kill $HELD
	run -0 sed -E 's/(held|bound)=[1-9][0-9]*/\1=n/g' "$BATS_TEST_TMPDIR/measured"
	# With the unit's set, both; without CAP_SYS_PTRACE not the held one;
	# without CAP_SYS_ADMIN none (setns()): exit 4, and the file installed
	# says so (twtune_last_run_success 0) with no namespace in it.
	assert_output "unit rc=0 held=n bound=n
-all rc=4 held=0 bound=0
-all,+sys_admin rc=0 held=0 bound=n
-all,+sys_ptrace rc=4 held=0 bound=0"
}

@test "ansible-core finds the installed module: ansible-doc and ansible localhost -m twtune -a state=audit" {
	installed
	run -0 in_root 'ansible-doc -t module twtune'
	assert_line --partial '/usr/share/ansible/plugins/modules/twtune.py'
	run -0 in_root 'ansible localhost -o -m twtune -a state=audit -e ansible_python_interpreter=/usr/bin/python3'
	assert_line --regexp '^localhost \| SUCCESS => .*"risk": "ok"'
	assert_output --partial '"twtune_audit": {'
}

@test "removing the collector masks its timer and takes the metrics file; installing it again lifts the mask" {
	installed
	in_root 'mkdir -p /var/lib/prometheus/node-exporter
		twtune audit --format prometheus --fail-on never >/var/lib/prometheus/node-exporter/twtune.prom'
	run -0 in_root "apt-get remove -y $UNIT"
	# as dh_installsystemd's postrm: masked, so nothing starts it meanwhile
	run -0 in_root "readlink /etc/systemd/system/$UNIT.timer"
	assert_output /dev/null
	run -0 ls -A "$C"
	assert_output ''
	# twtune itself stays
	run -0 in_root 'twtune --version'
	run -0 in_root "apt-get install -y --no-install-recommends /tmp/${DEBC##*/}"
	run -1 in_root "test -L /etc/systemd/system/$UNIT.timer"
	run -0 in_root "readlink /etc/systemd/system/timers.target.wants/$UNIT.timer"
	assert_output "/lib/systemd/system/$UNIT.timer"
}

@test "apt-get purge removes everything but the journal directory's contents" {
	installed
	# What the host has: a journal from an apply, a metrics file from a run.
	in_root 'mkdir -p /var/lib/prometheus/node-exporter
		twtune apply --yes proxy-profile >/dev/null
		twtune audit --format prometheus --fail-on never >/var/lib/prometheus/node-exporter/twtune.prom'
	# (this test's namespace is not PID 1's: its journal is under ns/HASH)
	journal=$(cd "$OV/upper" && find var/lib/twtune -name journal -size +0)
	[[ $journal =~ ^var/lib/twtune/ns/[0-9a-f]{16}/journal$ ]]
	# Purging twtune purges the collector that depends on it.
	run -0 in_root 'apt-get purge -y twtune'
	assert_output --partial "$UNIT*"
	run -1 in_root 'dpkg-query -W -f="\${Status}" twtune 2>/dev/null | grep -q "ok installed"'
	run -1 in_root "dpkg-query -W -f='\${Status}' $UNIT 2>/dev/null | grep -q 'ok installed'"
	# Every path the upper layer has and the host has not, but apt's and
	# dpkg's own records and the test's collector directory.
	run -0 bash -c 'cd "$1" && find . -mindepth 1 ! -type c -printf "%P\n" | sort |
		while read -r p; do [ -e "/$p" ] || [ -L "/$p" ] || echo "$p"; done |
		grep -Ev "^(var/lib/(dpkg|apt)|var/log|var/cache|tmp|root|var/lib/prometheus/node-exporter$)(/|$)"' _ "$OV/upper"
	assert_line var/lib/twtune
	assert_line "$journal"
	for p in "${lines[@]}"; do
		[[ $p == var/lib/twtune || $p == var/lib/twtune/* ]] || { echo "left behind: $p"; return 1; }
	done
	# postrm took the metrics file away: node_exporter must not serve stale values.
	run -0 ls -A "$C"
	assert_output ''
}
