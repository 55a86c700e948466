#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make deps: finds what twtune's build, tests, bench or package need and is
# missing, by running each tool or asking pkg-config (not by asking a
# package manager), then installs the missing packages with apt-get on
# Debian and Ubuntu; elsewhere it prints the packages to install (Fedora,
# RHEL and their kin; Alpine) and leaves the installing to the user.
#
# usage: sh contrib/deps.sh GROUP...    (build, test, bench, deb)
#
# OS_RELEASE names the os-release file (default /etc/os-release);
# DEPS_DRY_RUN=1 prints the apt-get command instead of running it.
# Exit: 0 when nothing needed is missing, or after installing it; 1 when
# something needed is missing and was not installed. The eBPF tool chain
# is optional: without it twtune builds without observe, and the Makefile
# says so.

set -u

# One line a need: group, check, then the package on Debian, Fedora and
# Alpine ("-": not packaged there). Checks: cmd:NAME (on PATH),
# run:COMMAND (runs and exits 0), pc:MODULE (pkg-config knows it),
# inc:HEADER (the C preprocessor finds it), file:PATH, py:MODULE. Lines
# starting with # say why a group needs what follows.
table() {
	cat <<'EOF'
# ebpf (with build): clang, bpftool and libbpf-dev build observe; bpftool
# is run, since Ubuntu's is a wrapper that fails without linux-tools.
build cmd:cc gcc gcc gcc
build cmd:make make make make
build cmd:pkg-config pkg-config pkgconf-pkg-config pkgconf
build inc:stdio.h libc6-dev glibc-devel musl-dev
build pc:libnl-3.0 libnl-3-dev libnl3-devel libnl3-dev
build inc:iniparser.h libiniparser-dev iniparser-devel iniparser-dev
ebpf run:clang__--version clang clang clang
ebpf run:bpftool__version bpftool bpftool bpftool
ebpf pc:libbpf libbpf-dev libbpf-devel libbpf-dev
# test: bats and its libraries; GNU parallel for bats --jobs (moreutils
# ships another "parallel" that bats would misuse); libFuzzer (the
# harnesses); promtool (prometheus), mandoc, groff and man-db (the pages);
# zsh, fish and bash-completion (the completions); ansible-core and
# voluptuous (the Ansible module); valgrind; dpkg-dev, lintian and
# systemd-analyze (the package and its units); nginx, ab and curl (the real
# proxy and clients); haproxy and golang-go (tests/advice.bats: HAProxy
# in front of nginx, a Go net/http client built in the test); conntrack
# and nftables (tests/conntrack.bats: conntrack(8), masquerade);
# libnl-nf-3-dev (build/bench/ctnf, the libnl-nf-3 dump the bench times
# twtune's against); tmux (watch's terminal); strace (no bpf() without
# --observe); rpmbuild (the RPM spec); prometheus-node-exporter (the
# collector package depends on it; tests/deb.bats installs that offline).
test cmd:bats bats bats bats
test file:/usr/lib/bats/bats-assert/load.bash bats-assert - -
test file:/usr/lib/bats/bats-support/load.bash bats-support - -
test run:parallel__--version__|__grep__-q__'GNU__parallel' parallel parallel parallel
test cmd:jq jq jq jq
test cmd:ip iproute2 iproute iproute2
test cmd:sysctl procps procps-ng procps
test cmd:unshare util-linux util-linux util-linux-misc
test cmd:clang clang clang clang
test run:echo__'int__LLVMFuzzerTestOneInput(const__char*d,long__n){return__0;}'__|__clang__-x__c__-fsanitize=fuzzer__-o__/dev/null__- libclang-rt-dev compiler-rt compiler-rt
test cmd:promtool prometheus golang-github-prometheus-prometheus prometheus
test cmd:mandoc mandoc mandoc mandoc
test cmd:groff groff-base groff groff
test cmd:zsh zsh zsh zsh
test cmd:fish fish fish fish
test file:/usr/share/bash-completion/bash_completion bash-completion bash-completion bash-completion
test cmd:ansible-playbook ansible-core ansible-core ansible-core
test cmd:python3 python3 python3 python3
test py:voluptuous python3-voluptuous python3-voluptuous py3-voluptuous
test file:/usr/bin/time time time -
test cmd:valgrind valgrind valgrind valgrind
test cmd:dpkg-shlibdeps dpkg-dev dpkg-dev dpkg-dev
test cmd:lintian lintian - -
test cmd:systemd-analyze systemd systemd -
test cmd:man man-db man-db man-db
test cmd:nginx nginx nginx nginx
test cmd:ab apache2-utils httpd-tools apache2-utils
test cmd:curl curl curl curl
test cmd:tmux tmux tmux tmux
test cmd:haproxy haproxy haproxy haproxy
test cmd:conntrack conntrack conntrack-tools conntrack-tools
test cmd:nft nftables nftables nftables
test pc:libnl-nf-3.0 libnl-nf-3-dev libnl3-devel libnl3-dev
test cmd:go golang-go golang go
test cmd:strace strace strace strace
test cmd:rpmbuild rpm rpm-build rpm-dev
test file:/usr/bin/prometheus-node-exporter prometheus-node-exporter node-exporter prometheus-node-exporter
# bench: ss to compare with, unshare for its namespace, time for peak RSS.
bench cmd:ss iproute2 iproute iproute2
bench cmd:unshare util-linux util-linux util-linux-misc
bench file:/usr/bin/time time time -
bench cmd:jq jq jq jq
# deb: dpkg-deb and dpkg-shlibdeps build the package.
deb cmd:dpkg-deb dpkg-dev - -
deb cmd:dpkg-shlibdeps dpkg-dev - -
EOF
}

# have CHECK: whether the need is met ("__" stands for a space in run:).
have() {
	case $1 in
	cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
	run:*) sh -c "$(printf '%s' "${1#run:}" | sed 's/__/ /g')" >/dev/null 2>&1 ;;
	pc:*) pkg-config --exists "${1#pc:}" 2>/dev/null ;;
	inc:*) printf '#include <%s>\n' "${1#inc:}" |
		cc -E -x c -I/usr/include/iniparser - >/dev/null 2>&1 ;;
	file:*) [ -e "${1#file:}" ] ;;
	py:*) "$(command -v /usr/bin/python3 || echo python3)" -c "import ${1#py:}" >/dev/null 2>&1 ;;
	*) return 1 ;;
	esac
}

# The distribution's family from os-release: debian, fedora, alpine or
# unknown ("unknown NAME" keeps its name for the message).
family() {
	f=${OS_RELEASE:-/etc/os-release}
	[ -r "$f" ] || { echo unknown; return; }
	# shellcheck disable=SC1090
	ids=$(. "$f" >/dev/null 2>&1; echo "${ID:-} ${ID_LIKE:-}")
	case " $ids " in
	*" debian "* | *" ubuntu "*) echo debian ;;
	*" fedora "* | *" rhel "* | *" centos "*) echo fedora ;;
	*" alpine "*) echo alpine ;;
	*) echo unknown ;;
	esac
}

[ $# -gt 0 ] || { echo "usage: sh contrib/deps.sh GROUP... (build, test, bench, deb)" >&2; exit 2; }
groups=" $* "
case $groups in *" build "*) groups="$groups ebpf " ;; esac
for g in $*; do
	case $g in build | test | bench | deb) ;; *)
		echo "deps: unknown group '$g' (build, test, bench, deb)" >&2; exit 2 ;;
	esac
done

fam=$(family)
col=3
case $fam in fedora) col=4 ;; alpine) col=5 ;; esac

need= optional= unpackaged= what=
table | {
	while read -r grp check deb fed alp; do
		case $grp in "#"*) continue ;; esac
		case $groups in *" $grp "*) ;; *) continue ;; esac
		have "$check" && continue
		case $col in 3) p=$deb ;; 4) p=$fed ;; 5) p=$alp ;; esac
		w=${check#*:}
		w=$(printf '%s' "$w" | sed 's/__.*//; s|.*/||')
		case " $what " in *" $w "*) ;; *) what="$what $w" ;; esac
		if [ "$p" = - ]; then
			unpackaged="$unpackaged $w"
		elif [ "$grp" = ebpf ]; then
			case " $optional " in *" $p "*) ;; *) optional="$optional $p" ;; esac
		else
			case " $need " in *" $p "*) ;; *) need="$need $p" ;; esac
		fi
	done
	if [ -z "$need$optional$unpackaged" ]; then
		echo "deps: all present ($*)"
		exit 0
	fi
	if [ "$fam" = debian ]; then
		pkgs="$need$optional"
		echo "deps: missing:$what; installing:$pkgs"
		if [ "${DEPS_DRY_RUN:-}" = 1 ]; then
			echo "apt-get install -y -qq --no-install-recommends$pkgs"
			exit 0
		fi
		if [ "$(id -u)" != 0 ]; then
			echo "deps: run as root, or: apt-get install$pkgs" >&2
			exit 1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs
		exit
	fi
	case $fam in
	fedora) how="dnf install" ;;
	alpine) how="apk add" ;;
	*) how= ;;
	esac
	echo "deps: missing:$what" >&2
	if [ -n "$how" ]; then
		[ -z "$need" ] || echo "deps: install them with: $how$need" >&2
		[ -z "$optional" ] || echo "deps: for observe (eBPF), optional: $how$optional" >&2
		[ -z "$unpackaged" ] || echo "deps: not packaged for $fam:$unpackaged (install them from their upstream)" >&2
	else
		echo "deps: not Debian, Ubuntu, Fedora, RHEL or Alpine: install these with your package manager" >&2
	fi
	[ -z "$need$unpackaged" ]
}
