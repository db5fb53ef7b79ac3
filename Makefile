# SPDX-License-Identifier: GPL-2.0
#
# vigil: top-level build.
#
#   make                 module/vigil.ko for KDIR and user/vigilctl
#   make KDIR=/path      build the module against another kernel
#   make demo            boot Debian's 6.1 kernel with vigil, replay attacks
#   make check           every test layer; ends with "N passed, N failed"
#   make bench           vigil's cost, measured (Documentation/performance.md)
#
#   make deps            install missing Debian packages (tests/vm/deps)
#   make kmod-K          vigil.ko for K = 6.1 | 6.12 | kunit | debug in build/K
#   make lint            checkpatch, sparse and clang-format gates
#   make test-user       userspace unit tests (ASan + UBSan)
#   make fuzz            libFuzzer targets, FUZZ_SECONDS each
#   make kunit           KUnit suites in the kunit kernel
#   make integration     tests/integration/*.sh on 6.1, 6.12 and debug
#
# The module is built by Kbuild (Kbuild, module/Kbuild).  Builds for the
# test kernels happen in copies under build/K, never in module/, so their
# object files cannot collide with the in-place build.

KDIR ?= $(shell tests/vm/kdir default 2>/dev/null)
FUZZ_SECONDS ?= 10
RULES_SRC := $(wildcard rules/*.toml)
VIGILCTL := user/vigilctl
RULES_H := module/rules_default.h

all: module user

user: $(VIGILCTL)

# user/Makefile knows vigilctl's dependencies: always ask it.
$(VIGILCTL): FORCE
	$(MAKE) -C user vigilctl

$(RULES_H): $(VIGILCTL) $(RULES_SRC)
	$(VIGILCTL) compile --c-array vigil_default_rules -o $@.tmp rules/
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

module: $(RULES_H)
	@test -n "$(KDIR)" || { echo "no kernel headers: make deps" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

kmod-%: $(RULES_H)
	tests/vm/kbuild $*

deps:
	@tests/vm/deps

lint:
	@tests/lint/all

test-user:
	$(MAKE) -C user test

fuzz:
	$(MAKE) -C user fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

kunit: $(RULES_H)
	@tests/vm/kunit-run

integration: $(RULES_H)
	@tests/run-integration

demo: deps all kmod-6.1
	@tests/vm/demo

check:
	@tests/run-check

# Costs against no module and auditd, in one guest boot (Documentation/performance.md).
bench: deps all
	@tests/bench/run

clean-build:
	rm -rf build

FORCE:

.PHONY: FORCE all user module deps lint test-user fuzz kunit integration demo \
	check bench clean-build
