# SPDX-License-Identifier: GPL-2.0-or-later
# twtune: audit and tune the kernel settings behind TCP TIME_WAIT pressure
#
#   make            build ./twtune
#   make audit      install what is missing, build, run ./twtune audit
#   make test       install test dependencies, build, run every test
#   make bench      time twtune sockets against ss and a raw netlink floor
#   make fuzz       run each libFuzzer harness FUZZ_SECONDS (60) seconds
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        build twtune_VERSION_ARCH.deb (Debian 12) in DEBDIR (.)

CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
DATADIR  ?= $(PREFIX)/share
PROFILEDIR ?= $(DATADIR)/twtune/profiles
MANDIR   ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# systemd searches /usr/local/lib/systemd/system too; the Debian package
# uses /lib/systemd/system, as Debian 12's packages do.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
# node_exporter's textfile collector directory (Debian's), which the units
# and the collector package's maintainer scripts write to: one setting.
TEXTFILEDIR ?= /var/lib/prometheus/node-exporter
# ansible-core's default module path includes /usr/share/ansible/plugins/modules.
ANSIBLEDIR ?= $(DATADIR)/ansible/plugins/modules
# The binary; make deb links its own, built for PREFIX=/usr, in $(DEB_BUILD).
BIN      ?= twtune
BUILD    := build
SANITIZE ?=
V        ?=
Q        := $(if $(V),,@)

WARN     = -Wall -Wextra -Wpedantic -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wshadow -Wvla
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN    += -Werror
endif
HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS  ?= -O2 -g
NL_CFLAGS := $(shell pkg-config --cflags libnl-3.0 2>/dev/null || echo -I/usr/include/libnl3)
NL_LIBS   := $(shell pkg-config --libs libnl-3.0 2>/dev/null || echo -lnl-3)
# Debian's libiniparser-dev ships no .pc file.
INI_CFLAGS := $(shell pkg-config --cflags iniparser 2>/dev/null || echo -I/usr/include/iniparser)
INI_LIBS   := $(shell pkg-config --libs iniparser 2>/dev/null || echo -liniparser)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(SRC_INC) $(NL_CFLAGS) $(INI_CFLAGS) \
             -DPROFILEDIR='"$(PROFILEDIR)"' -MMD -MP
LDLIBS_ALL = $(NL_LIBS) $(INI_LIBS) -lm
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# eBPF for twtune observe: built when clang, bpftool, libbpf-dev and the
# running kernel's BTF are there (make deps installs the packages); else
# twtune is built without it and observe says so. BPF=0 leaves it out.
BPF_CLANG   ?= clang
BPFTOOL     ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool))
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH    := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/')
# clang and bpftool are run, not just found: Ubuntu's bpftool is a wrapper
# that fails without the running kernel's linux-tools package.
BPF_MISSING := $(if $(shell command -v $(BPF_CLANG) 2>/dev/null),$(if $(shell $(BPF_CLANG) --version >/dev/null 2>&1 && echo y),,$(BPF_CLANG) (found but '$(BPF_CLANG) --version' fails)),$(BPF_CLANG)) \
               $(if $(and $(BPFTOOL),$(shell command -v $(BPFTOOL) 2>/dev/null)),$(if $(shell $(BPFTOOL) version >/dev/null 2>&1 && echo y),,bpftool (found but '$(BPFTOOL) version' fails)),bpftool) \
               $(if $(shell pkg-config --exists libbpf 2>/dev/null && echo y),,libbpf-dev) \
               $(if $(wildcard $(VMLINUX_BTF)),,$(VMLINUX_BTF))
BPF ?= $(if $(strip $(BPF_MISSING)),0,1)
ifeq ($(BPF),1)
# The skeleton's directory by its absolute path, mapped to "build" in the
# debug information: the binary's build-id is the same wherever it is built.
ALL_CFLAGS += -DTWTUNE_HAVE_BPF -I$(abspath $(BUILD)) -ffile-prefix-map=$(abspath $(BUILD))=build \
              $(shell pkg-config --cflags libbpf)
LDLIBS_ALL += $(shell pkg-config --libs libbpf)
else ifneq ($(filter-out clean deps,$(or $(MAKECMDGOALS),all)),)
$(info twtune: building without eBPF (observe): $(if $(strip $(BPF_MISSING)),missing $(strip $(BPF_MISSING)); make deps installs clang bpftool libbpf-dev,BPF=0 given))
endif

# src/ is one folder per layer, lowest first (tests/test_helper/layers.py
# holds the order and checks it); main.c stays at the top.
LAYERS := util model profile kernel rules render txn watch cmd
SRCS := $(filter-out %.bpf.c,$(wildcard src/*.c $(LAYERS:%=src/%/*.c)))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
# Headers are included by name from every layer's folder.
SRC_INC := $(LAYERS:%=-iquote src/%)
# observe.o needs libbpf and the skeleton: only the binary links it.
LIB_OBJS := $(filter-out $(BUILD)/main.o $(BUILD)/cmd/%.o $(BUILD)/kernel/observe.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# The C test tools (tests/tools/*.c) build to $(BUILD)/tests/NAME.
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(wildcard tests/tools/*.c))
# twiter (the BPF iterator walk) needs the eBPF tool chain: without it the
# bench says so and leaves that part out.
BENCH_SRCS  := $(filter-out tests/bench/%.bpf.c $(if $(filter 1,$(BPF)),,tests/bench/twiter.c),$(wildcard tests/bench/*.c))
BENCH_TOOLS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

# What each of build, test, bench and deb needs, found by running the
# tools and asking pkg-config (contrib/deps.sh holds the list, with the
# package names on Debian, Fedora and Alpine): make deps installs what is
# missing on Debian and Ubuntu, and elsewhere says what to install.
DEPS ?= build

all: $(BIN)

# Rebuild everything when the compiler or its flags change.
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

$(BUILD)/%.o: src/%.c $(BUILD)/flags
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The kernel side of observe: vmlinux.h from the running kernel's BTF, the
# BPF object (CO-RE), its skeleton; all generated, never committed.
$(BUILD)/vmlinux.h:
	@mkdir -p $(BUILD)
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp && mv $@.tmp $@

$(BUILD)/observe.bpf.o: src/kernel/observe.bpf.c src/kernel/observe.h $(BUILD)/vmlinux.h Makefile
	@echo "  BPF     $<"
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
		-ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(abspath $(BUILD))=build \
		-I$(abspath $(BUILD)) -Isrc/kernel $(shell pkg-config --cflags libbpf) -c -o $@.full $<
	$(Q)$(BPFTOOL) gen object $@ $@.full && rm -f $@.full

$(BUILD)/observe.skel.h: $(BUILD)/observe.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name observe_bpf >$@.tmp && mv $@.tmp $@

ifeq ($(BPF),1)
$(BUILD)/kernel/observe.o: $(BUILD)/observe.skel.h
endif

$(BIN): $(OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LDLIBS_ALL)

# The test binary, which the test suite runs: ./twtune's objects but
# testhook.o, compiled again with the test hooks (src/util/testhook.h):
# one more compile and one more link. ./twtune, make install and the
# package have no hook: their testhook.o reads no environment variable.
TEST_BIN      := $(BUILD)/test/twtune
TEST_HOOK_OBJ := $(BUILD)/test/testhook.o

$(TEST_HOOK_OBJ): src/util/testhook.c $(BUILD)/flags
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DTWTUNE_TEST_HOOKS -c -o $@ $<

$(TEST_BIN): $(filter-out $(BUILD)/util/testhook.o,$(OBJS)) $(TEST_HOOK_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(BUILD)/tests
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

# Test tools that call the library link its objects (explicit rules win).
$(BUILD)/tests/procscan_tool: tests/tools/procscan_tool.c $(LIB_OBJS)
	@mkdir -p $(BUILD)/tests
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/tools/%.c $(BUILD)/flags
	@mkdir -p $(BUILD)/tests
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LDLIBS_ALL)

# Test tools that drive the library link its objects.
LIB_TOOLS := $(BUILD)/tests/nsscan_tool $(BUILD)/tests/runtime_tool $(BUILD)/tests/ct_tool
$(LIB_TOOLS): $(BUILD)/tests/%: tests/tools/%.c $(LIB_OBJS)
	@mkdir -p $(BUILD)/tests
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -pthread $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang and
# sanitizers against their own copy of the library objects.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)
FUZZ_OBJS    := $(LIB_OBJS:$(BUILD)/%.o=$(FUZZ_BUILD)/%.o)
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                $(SRC_INC) $(NL_CFLAGS) $(INI_CFLAGS) -DPROFILEDIR='"$(PROFILEDIR)"' -MMD -MP

$(FUZZ_BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(FUZZ_BUILD)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS_ALL)

.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_BINS)

# Each harness fuzzes FUZZ_SECONDS from its seeds and crash reproducers;
# what it learns and finds goes to a scratch directory, not the repository.
# FUZZ_JOBS harnesses at a time (default: the CPUs; each fuzzes on one),
# each one's report kept together (make -Otarget).
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

fuzz:
	@$(MAKE) --no-print-directory deps DEPS="build test"
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	$(MAKE) --no-print-directory -j$(FUZZ_JOBS) -Otarget FUZZ_SCRATCH="$$scratch" \
		$(FUZZ_NAMES:%=fuzz-run-%)

# One harness for FUZZ_SECONDS in $(FUZZ_SCRATCH) (make fuzz sets it).
fuzz-run-%: $(FUZZ_BUILD)/%
	@set -e; h=$*; scratch='$(FUZZ_SCRATCH)'; [ -n "$$scratch" ] || { echo "fuzz-run-$$h: run make fuzz" >&2; exit 2; }; \
	mkdir -p "$$scratch/$$h/corpus" "$$scratch/$$h/crash"; \
	echo "  FUZZ    $$h for $(FUZZ_SECONDS) s"; \
	$(FUZZ_BUILD)/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$$scratch/$$h/crash/" \
		"$$scratch/$$h/corpus" tests/fuzz/corpus/$$h tests/fuzz/regress/$$h \
		>"$$scratch/$$h/log" 2>&1 || { \
		tail -n 60 "$$scratch/$$h/log"; \
		for c in "$$scratch/$$h/crash/"*; do cp "$$c" .; \
			echo "fuzz: $$h failed; reproducer ./$${c##*/}: add it to tests/fuzz/regress/$$h/" >&2; done; \
		exit 1; }; \
	grep -E '^stat::(number_of_executed_units|new_units_added)' "$$scratch/$$h/log" | sed 's/^/    /'

# Installs what $(DEPS) (build, test, bench, deb) need and is missing; idempotent.
deps:
	@sh contrib/deps.sh $(DEPS)

audit:
	@$(MAKE) --no-print-directory deps DEPS=build
	@$(MAKE) --no-print-directory twtune
	@# A risky host is reported (exit 1), not a failed make.
	./twtune audit || [ $$? -eq 1 ]

# The bats files the suite leaves out under SANITIZE (their tests count as
# skipped): each is slow and runs no sanitized twtune code that the other
# files do not run too. deb, build and rpm compile their own twtune
# without the sanitizers; valgrind checks a plain build (valgrind cannot run an
# ASan binary); bench times tools against each other; ansible's module
# runs the apply, rollback and audit of apply.bats and allnetns.bats;
# completions drives bash, zsh and fish over help, profiles --names and
# get --list-keys, which cli, docs, profiles and badinput run. See
# tests/README.md. `make test SANITIZE=... TEST_SKIP=` runs them all.
SANITIZE_TEST_SKIP = deb build rpm valgrind bench ansible completions
TEST_SKIP ?= $(if $(SANITIZE),$(SANITIZE_TEST_SKIP))
# Jobs of the suite's parallel group, and of its build (default: the CPUs).
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

test:
	@$(MAKE) --no-print-directory deps DEPS="build test"
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) twtune test-tools
	@TWTUNE=$(CURDIR)/$(TEST_BIN) BUILD=$(CURDIR)/$(BUILD) TEST_JOBS=$(TEST_JOBS) TEST_SKIP="$(TEST_SKIP)" \
		bash tests/run.sh

test-tools: $(TEST_BIN) $(UNIT_BINS) $(TEST_TOOLS) $(BENCH_TOOLS) $(FUZZ_BINS)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/flags
	@mkdir -p $(BUILD)/bench
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -pthread $(ALL_LDFLAGS) -o $@ $<

# ctnf: libnl-nf-3 (the netfilter library), which twtune itself does not link.
$(BUILD)/bench/ctnf: tests/bench/ctnf.c $(BUILD)/flags
	@mkdir -p $(BUILD)/bench
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags libnl-nf-3.0) $(ALL_LDFLAGS) -o $@ $< \
		$(shell pkg-config --libs libnl-nf-3.0)

# twiter: its BPF object and skeleton under $(BUILD)/bench, as observe's.
$(BUILD)/bench/twiter.bpf.o: tests/bench/twiter.bpf.c tests/bench/twiter.h $(BUILD)/vmlinux.h Makefile
	@mkdir -p $(BUILD)/bench
	@echo "  BPF     $<"
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
		-I$(abspath $(BUILD)) -Itests/bench $(shell pkg-config --cflags libbpf) -c -o $@.full $<
	$(Q)$(BPFTOOL) gen object $@ $@.full && rm -f $@.full

$(BUILD)/bench/twiter.skel.h: $(BUILD)/bench/twiter.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name twiter_bpf >$@.tmp && mv $@.tmp $@

$(BUILD)/bench/twiter: tests/bench/twiter.c tests/bench/twiter.h $(BUILD)/bench/twiter.skel.h $(BUILD)/flags
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -I$(abspath $(BUILD))/bench -Itests/bench $(ALL_LDFLAGS) -o $@ $< \
		$(shell pkg-config --libs libbpf)

bench-tools: $(BENCH_TOOLS) $(BUILD)/tests/sockgen

# Timings need a quiet machine: BENCH_N="100000 400000" sets the socket counts.
bench:
	@$(MAKE) --no-print-directory deps DEPS="build bench"
	@# The test binary: the same code, and TWTUNE_DIAG_PER_FAMILY for the two-walk run.
	@$(MAKE) --no-print-directory $(TEST_BIN) bench-tools
	@TWTUNE=$(CURDIR)/$(TEST_BIN) BENCH=$(CURDIR)/$(BUILD)/bench $(if $(BENCH_PARTS),BENCH_PARTS="$(BENCH_PARTS)") \
		bash tests/bench/bench.sh $(BENCH_N)

UNITS = prometheus-node-exporter-twtune.service prometheus-node-exporter-twtune.timer
# The man pages; each goes to man<its suffix>.
MANPAGES = man/twtune.8 man/twtune.ini.5 man/twtune-metrics.7 man/twtune-kernel.7

install: $(BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PROFILEDIR) \
		$(addprefix $(DESTDIR)$(MANDIR)/man,$(sort $(patsubst .%,%,$(suffix $(MANPAGES))))) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(ANSIBLEDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/twtune
	install -m 0644 profiles/*.ini $(DESTDIR)$(PROFILEDIR)/
	@# The man pages name the profile directory this build searches.
	for m in $(MANPAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
		sed 's|/usr/local/share/twtune/profiles|$(PROFILEDIR)|g' $$m >$$d && chmod 0644 $$d || exit 1; \
	done
	install -m 0644 completions/twtune.bash $(DESTDIR)$(BASHCOMPDIR)/twtune
	install -m 0644 completions/_twtune $(DESTDIR)$(ZSHCOMPDIR)/_twtune
	install -m 0644 completions/twtune.fish $(DESTDIR)$(FISHCOMPDIR)/twtune.fish
	@# The units run the twtune of this SBINDIR and write to TEXTFILEDIR.
	for u in $(UNITS); do \
		sed -e 's|/usr/sbin/twtune|$(SBINDIR)/twtune|g' -e 's|@TEXTFILEDIR@|$(TEXTFILEDIR)|g' \
			contrib/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 contrib/ansible/library/twtune.py $(DESTDIR)$(ANSIBLEDIR)/twtune.py

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/twtune \
		$(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
		$(DESTDIR)$(BASHCOMPDIR)/twtune $(DESTDIR)$(ZSHCOMPDIR)/_twtune \
		$(DESTDIR)$(FISHCOMPDIR)/twtune.fish $(DESTDIR)$(ANSIBLEDIR)/twtune.py \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	for f in profiles/*.ini; do rm -f "$(DESTDIR)$(PROFILEDIR)/$${f##*/}"; done
	-rmdir $(DESTDIR)$(PROFILEDIR) $(DESTDIR)$(DATADIR)/twtune 2>/dev/null

# The Debian package: the binary compiled for PREFIX=/usr with Debian's
# build flags in its own build directory (./twtune stays as it is), staged
# by make install, then packed by contrib/debian/mkdeb (reproducible: every
# date is SOURCE_DATE_EPOCH, the last commit's time).
VERSION    := $(shell sed -n 's/^\#define TWTUNE_VERSION "\(.*\)"$$/\1/p' src/cmd/twtune.h)
DEB_REVISION ?= 1
DEB_BUILD  ?= $(BUILD)/deb
DEBDIR     ?= .
DEB_EPOCH   = $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null || stat -c %Y src/cmd/twtune.h))

deb:
	@$(MAKE) --no-print-directory deps DEPS="build deb"
	rm -rf $(DEB_BUILD)/root
	@# No sanitizer in a package, whatever the make that called this one had.
	SOURCE_DATE_EPOCH=$(DEB_EPOCH) $(MAKE) --no-print-directory SANITIZE= \
		BUILD=$(DEB_BUILD)/obj BIN=$(DEB_BUILD)/twtune PREFIX=/usr \
		UNITDIR=/lib/systemd/system DESTDIR=$(abspath $(DEB_BUILD))/root \
		CFLAGS="$$(dpkg-buildflags --get CFLAGS)" LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" install
	SOURCE_DATE_EPOCH=$(DEB_EPOCH) TEXTFILEDIR=$(TEXTFILEDIR) sh contrib/debian/mkdeb $(DEB_BUILD)/root \
		$(VERSION)-$(DEB_REVISION) $(DEBDIR)

clean:
	rm -rf $(BUILD) twtune twtune_*.deb

FORCE:
.PHONY: all deb deps audit test test-tools bench bench-tools fuzz fuzz-build install uninstall clean FORCE

-include $(OBJS:.o=.d) $(TEST_HOOK_OBJ:.o=.d) $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
