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
#   make install         vigil.ko, vigilctl, rules, unit, logrotate (DESTDIR)
#   make uninstall       remove what make install put in place
#   make install-dkms    the module source for DKMS in /usr/src/vigil-VERSION
#   make sign KEY= CERT= sign vigil.ko with the kernel's scripts/sign-file
#   make deb             the vigil and vigil-dkms Debian packages, in build/deb
#   (make install and make deb: Documentation/operations.rst)
#   make kmod-K          vigil.ko for K = 6.1 | 6.12 | kunit | debug in build/K
#   make lint            checkpatch, sparse and clang-format gates
#   make test-user       userspace unit tests (ASan + UBSan)
#   make fuzz            libFuzzer targets, FUZZ_SECONDS each
#   make kunit           KUnit suites in the debug kernel
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
# vigil's version lives once, in dkms.conf.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
# The kernel release KDIR builds for: where vigil.ko is installed.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# Installation paths (Debian's); DESTDIR is prepended to each.
SBINDIR ?= /usr/sbin
MANDIR ?= /usr/share/man
LIBEXECDIR ?= /usr/libexec
UNITDIR ?= /lib/systemd/system
SYSCONFDIR ?= /etc
MODDIR ?= /lib/modules/$(KVER)/extra
DKMSDIR ?= /usr/src/vigil-$(VERSION)

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

# What make install puts in place, as "SOURCE MODE DESTINATION" lines
# (the test in tests/ops/install.sh reads the same list).
INSTALL_FILES = \
	$(VIGILCTL) 0755 $(SBINDIR)/vigilctl \
	user/vigilctl.8 0644 $(MANDIR)/man8/vigilctl.8 \
	dist/vigil-service 0755 $(LIBEXECDIR)/vigil/vigil-service \
	dist/vigil.service 0644 $(UNITDIR)/vigil.service \
	dist/vigil.logrotate 0644 $(SYSCONFDIR)/logrotate.d/vigil \
	dist/vigil.default 0644 $(SYSCONFDIR)/default/vigil \
	$(foreach r,$(RULES_SRC),$(r) 0644 $(SYSCONFDIR)/vigil/rules.d/$(notdir $(r)))

install-files: user
	@set -e; set -- $(INSTALL_FILES); while [ $$# -gt 0 ]; do \
		echo "  INSTALL $(DESTDIR)$$3"; \
		install -D -m $$2 $$1 "$(DESTDIR)$$3"; shift 3; done

install-module: module
	@test -n "$(KVER)" || { echo "cannot tell KDIR's kernel release" >&2; exit 1; }
	install -D -m 0644 module/vigil.ko $(DESTDIR)$(MODDIR)/vigil.ko
	$(if $(DESTDIR),,depmod -a $(KVER))

install: install-files install-module

uninstall:
	@set -- $(INSTALL_FILES); while [ $$# -gt 0 ]; do \
		rm -f "$(DESTDIR)$$3"; shift 3; done
	-rmdir $(DESTDIR)$(LIBEXECDIR)/vigil $(DESTDIR)$(SYSCONFDIR)/vigil/rules.d \
		$(DESTDIR)$(SYSCONFDIR)/vigil 2>/dev/null
	rm -f $(DESTDIR)$(MODDIR)/vigil.ko
	$(if $(DESTDIR),,depmod -a $(KVER))

# The DKMS source tree: dkms.conf, Kbuild, module/ and the default rules.
install-dkms: $(RULES_H)
	install -D -m 0644 dkms.conf $(DESTDIR)$(DKMSDIR)/dkms.conf
	install -m 0644 Kbuild $(DESTDIR)$(DKMSDIR)/Kbuild
	cd module && find . -type f \( -name '*.[ch]' -o -name Kbuild -o \
		-name '*.mk' -o -name '*.sh' \) ! -name compat-gen.h ! -name '*.mod.c' \
		! -path './kunit/kw_*' -exec install -D -m 0644 {} \
		$(DESTDIR)$(DKMSDIR)/module/{} \;
	chmod 0755 $(DESTDIR)$(DKMSDIR)/module/compat-probe.sh

# Secure Boot: sign KO (default module/vigil.ko) with KEY and CERT (the
# MOK enrolled with mokutil, Documentation/operations.rst) using the
# sign-file of the kernel headers in KDIR.
KO ?= module/vigil.ko
SIGN_HASH ?= sha256
sign:
	@test -n "$(KEY)" && test -n "$(CERT)" || \
		{ echo "usage: make sign KEY=mok.priv CERT=mok.der [KO=vigil.ko]" >&2; exit 1; }
	@test -x "$(KDIR)/scripts/sign-file" || \
		{ echo "no $(KDIR)/scripts/sign-file (kernel headers)" >&2; exit 1; }
	$(KDIR)/scripts/sign-file $(SIGN_HASH) $(KEY) $(CERT) $(KO)

# Debian packages vigil and vigil-dkms (debian/), built with debhelper
# and dh-dkms from a copy of the tree's files in build/deb.
deb:
	rm -rf build/deb
	mkdir -p build/deb/vigil-$(VERSION)
	git ls-files -co --exclude-standard -z | \
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | \
		tar -xf - -C build/deb/vigil-$(VERSION)
	cd build/deb/vigil-$(VERSION) && dpkg-buildpackage -us -uc -b
	@ls build/deb/*.deb

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
	check bench clean-build install install-files install-module uninstall \
	install-dkms sign deb
