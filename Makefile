# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc top-level Makefile: a thin wrapper over kbuild for the module and
# over the sub-makes for the userspace library, the tools and the tests.

# The kernel we build for: the running one when its headers are installed,
# else Debian's stock kernel (linux-image-amd64's, 6.1 on Debian 12); see
# scripts/kver.sh.  KVER takes a version or a name kver.sh knows (stock,
# 6.1, 6.12, 6.12-rt); KDIR a kernel build tree, overriding KVER.
KVER_ARG := $(or $(KVER),default)
override KVER := $(shell $(CURDIR)/scripts/kver.sh $(KVER_ARG))
KDIR ?= /lib/modules/$(KVER)/build
# Only the targets that build the module need a kernel: userspace,
# install and the host checks build without one.
need-kernel = $(if $(KVER)$(filter command line,$(origin KDIR)),,\
	$(error no kernel to build for: KVER=$(KVER_ARG) (install linux-headers-amd64, or set KDIR)))

PWD := $(CURDIR)

.PHONY: all module module-debug ulib tools userspace selftests host-check \
	layer-check fuzz check check-one check-two demo style module-install \
	dkms-src dkms-install dkms-check warn-check install uninstall \
	install-lib install-tools install-data man-check install-check \
	deb-check pkg-check clean

all: module ulib tools selftests

module:
	$(need-kernel)
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# Debug build: -DDEBUG (lifecycle log lines, extra checks).  The VM runs use it.
module-debug:
	$(need-kernel)
	$(MAKE) -C $(KDIR) M=$(PWD) CONFIG_RDMARPC_DEBUG=y modules

module-install:
	$(need-kernel)
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a $(KVER)

# DKMS gets the module's sources only, in /usr/src/rdmarpc-VERSION.
DKMS_VER := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC ?= /usr/src/rdmarpc-$(DKMS_VER)
DKMS_FILES = Kbuild dkms.conf $(shell find kmod \( -name '*.[ch]' -o \
	-name Kbuild \) ! -name '*.mod.c' | sort)

dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp --parents $(DKMS_FILES) $(DKMS_SRC)/

dkms-install: dkms-src
	$(need-kernel)
	dkms add rdmarpc/$(DKMS_VER)
	dkms install rdmarpc/$(DKMS_VER) -k $(KVER)

# DKMS builds the module for every supported kernel installed here, in a
# scratch DKMS tree (the host's own is left alone).
dkms-check:
	scripts/dkms-check.sh

# The module with W=1 and sparse for every supported kernel installed here:
# any diagnostic fails.
warn-check:
	scripts/warn-check.sh

ulib:
	$(MAKE) -C ulib

tools: ulib
	$(MAKE) -C tools

# What `make install` installs, built: no module, no selftests.
userspace: ulib
	$(MAKE) -C tools userspace

# ---- install ----
#
# make install [DESTDIR=...] [PREFIX=/usr/local] [LIBDIR=...] ...: the
# libraries (shared, static), their headers in $(INCLUDEDIR)/rdmarpc/ and
# pkg-config files, rdmarpcctl, rdmarpc-bench, rdmarpc-sim, the man pages,
# the udev rule and the group of /dev/rdmarpc (sysusers.d), a modprobe.d
# file with every parameter at its default, and rdmarpcctl's bash
# completion.  CFLAGS, CPPFLAGS and LDFLAGS are the builder's.  Not the
# module: `make dkms-install` (DKMS rebuilds it for each new kernel) or
# `make module-install` (this kernel only).  Run as root without DESTDIR,
# it also creates the group and reloads udev's rules and ld.so's cache.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# Read by modprobe, udev and systemd only where the system keeps them,
# whatever PREFIX is.
SYSCONFDIR ?= /etc
PKG_CONFIG ?= pkg-config
UDEVDIR ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),/lib/udev)
SYSUSERSDIR ?= $(or $(shell $(PKG_CONFIG) --variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --variable=completionsdir bash-completion 2>/dev/null),$(DATADIR)/bash-completion/completions)

INSTALL_VARS = DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) BINDIR=$(BINDIR) \
	SBINDIR=$(SBINDIR) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR)
MAN_PAGES := $(wildcard doc/man/*.[1-8])
BASH_COMPLETION := $(wildcard tools/rdmarpcctl/rdmarpcctl.bash-completion)
MODPROBE_CONF := build/dist/rdmarpc.conf

install: install-lib install-tools install-data
ifeq ($(DESTDIR),)
	-ldconfig
	-systemd-sysusers $(SYSUSERSDIR)/rdmarpc.conf 2>/dev/null || \
		getent group rdmarpc >/dev/null || groupadd --system rdmarpc
	-udevadm control --reload 2>/dev/null
endif

install-lib:
	$(MAKE) -C ulib install $(INSTALL_VARS)

install-tools: ulib
	$(MAKE) -C tools install $(INSTALL_VARS)

# The parameters' lines are made from kmod/uapi/rdmarpc_params.h.
$(MODPROBE_CONF): kmod/uapi/rdmarpc_params.h kmod/uapi/rdmarpc.h \
		scripts/abi-table.sh
	@mkdir -p $(dir $@)
	scripts/abi-table.sh modprobe > $@.tmp && mv $@.tmp $@

install-data: $(MODPROBE_CONF)
	for m in $(MAN_PAGES); do \
		s=$${m##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	install -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d
	install -m 0644 dist/60-rdmarpc.rules $(DESTDIR)$(UDEVDIR)/rules.d/
	install -m 0644 dist/rdmarpc.sysusers $(DESTDIR)$(SYSUSERSDIR)/rdmarpc.conf
	install -m 0644 $(MODPROBE_CONF) $(DESTDIR)$(SYSCONFDIR)/modprobe.d/rdmarpc.conf
ifneq ($(BASH_COMPLETION),)
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 $(BASH_COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/rdmarpcctl
endif

uninstall:
	$(MAKE) -C ulib uninstall $(INSTALL_VARS)
	rm -f $(DESTDIR)$(SBINDIR)/rdmarpcctl $(DESTDIR)$(BINDIR)/rdmarpc-bench \
		$(DESTDIR)$(BINDIR)/rdmarpc-sim \
		$(foreach m,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
		$(DESTDIR)$(UDEVDIR)/rules.d/60-rdmarpc.rules \
		$(DESTDIR)$(SYSUSERSDIR)/rdmarpc.conf \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/rdmarpc.conf \
		$(DESTDIR)$(BASHCOMPDIR)/rdmarpcctl

selftests: ulib
	$(MAKE) -C selftests

# Host tests: the selftests' shell lint, the portable core, the simulator,
# the library; plain and under ASan/UBSan; the benchmark plots (gnuplot);
# the man pages against the tools; make install and programs built
# against what it installed.
host-check:
	scripts/selftest-lint.sh --self-test
	scripts/selftest-lint.sh
	$(MAKE) -C tools check
	$(MAKE) -C ulib check
	$(MAKE) man-check
	$(MAKE) install-check

# Every man page renders without a warning, each tool's page documents
# every option of its --help, librdmarpc(3) every function, rdmarpc(4)
# every parameter (range, default) and counter; the check's self-test
# first.
man-check: userspace
	scripts/man-check.sh --self-test
	scripts/man-check.sh

# make install DESTDIR=scratch PREFIX=/usr, then programs built with
# pkg-config against the tree, run (scripts/install-check.sh).
install-check: userspace
	scripts/install-check.sh

# The Debian packages (debian/), built from a copy of the tree and left in
# build/deb; fails on a lintian error.  About 80 s.
deb-check:
	scripts/deb-check.sh $(CURDIR)/build/deb

# Those packages installed here (root, on a machine without rdmarpc):
# DKMS builds the module for every supported kernel, the man pages
# render, the examples build with pkg-config against the packages alone,
# one guest runs them and the installed tools over DKMS's module
# (selftests/pkg_guest.sh); then the packages are purged.  About 4
# minutes on the host, plus the guest.  PKG_CHECK_ARGS: --host-only,
# --kernel SEL (the guest's).
pkg-check: deb-check
	scripts/pkg-check.sh --debs $(CURDIR)/build/deb $(PKG_CHECK_ARGS)

# Calls go down: no object of the module uses a symbol defined in a higher
# layer (the layers are in scripts/layer-check.sh), and the check fails on
# upward references planted in objects of its own.  No guest needed.
layer-check: module
	scripts/layer-check.sh kmod/rdmarpc.mod
	scripts/layer-check-test.sh kmod/rdmarpc.mod

fuzz:
	$(MAKE) -C tools fuzz

# The guest lanes.  GUEST_KERNEL names the kernel of the full suite
# (selftests/vm.sh --kernel: stock, 6.1, 6.12, 6.12-rt, debug or a
# version); make check runs it on the stock kernel (6.1), and the other
# supported kernels on the lifecycle subset.
GUEST_KERNEL ?= stock
# Stress (selftests/stress.sh) runs 1 minute on one host and on two, in
# make check (its longer runs: RDMARPC_STRESS_SECS=1800 selftests/vm.sh ...).
STRESS_ONE_SECS ?= 60
STRESS_TWO_SECS ?= 60
# make check's two-host lane: what crosses the wire between two guests
# (the host-local tests run on one host; both guests share the machine's
# two cores, so each test takes two to three times longer there).
# check-two runs the whole suite on two hosts.
TWO_HOST_TESTS := chardev_badinput peer_sanity.sh rpc_echo.sh rpc_faults.sh \
	rpc_failure.sh hs_auth.sh
# Load/unload, hotplug, echo, injected faults (retransmission timers and
# the CQ handlers in threads), bad input, signals, the shared rings' thread.
LIFECYCLE_TESTS := module_load.sh dev_hotplug.sh rpc_echo.sh rpc_faults.sh \
	nl_badinput chardev_badinput rpc_signals.sh rpc_ring.sh
# make check's 6.12 lane: the kernel interfaces the compat layer adapts
# (load and unload, ports, the character device and its mmap, netlink,
# calls).  The
# whole suite there: make check-one check-two GUEST_KERNEL=6.12.
KERNEL_TESTS := module_load.sh dev_hotplug.sh rpc_echo.sh nl_badinput \
	chardev_badinput rpc_ring.sh
# The debug kernel's lane in make check, sized for CI (guests run about
# 20x slower there): every bad netlink and ioctl input, calls, the races
# between userspace freeing a call or request and the module (KASAN), and
# the harness's load and unload with kmemleak.  make check-debug runs the
# whole suite there, fault_alloc.sh included (FAULT_ROUNDS attempts per
# step).
DEBUG_CHECK_TESTS ?= nl_badinput chardev_badinput rpc_races.sh
FAULT_ROUNDS ?= 4

.PHONY: check-one check-two check-two-wire check-6.12 check-6.12-rt \
	check-kernels \
	check-debug check-debug-subset debug-kernel check-harness \
	check-harness-debug

check-one: all
	RDMARPC_STRESS_SECS=$(STRESS_ONE_SECS) \
		selftests/vm.sh --kernel $(GUEST_KERNEL) check

check-two: all
	RDMARPC_STRESS_SECS=$(STRESS_TWO_SECS) \
		selftests/vm.sh --kernel $(GUEST_KERNEL) --two-hosts check

check-two-wire: all
	selftests/vm.sh --kernel $(GUEST_KERNEL) --two-hosts check $(TWO_HOST_TESTS)

check-6.12: all
	selftests/vm.sh --kernel 6.12 check $(KERNEL_TESTS)

# PREEMPT_RT: spinlocks sleep, softirqs and the CQ handlers run in threads.
check-6.12-rt: all
	selftests/vm.sh --kernel 6.12-rt check $(LIFECYCLE_TESTS)

check-kernels: check-6.12 check-6.12-rt

# The VM harness's own test: a planted WARN_ON and BUG must fail their runs.
check-harness: all
	selftests/vm.sh --kernel $(GUEST_KERNEL) selftest

# The debug kernel (KASAN, KFENCE, lockdep, DEBUG_OBJECTS, UBSAN, kmemleak,
# fault injection), built by selftests/debug-kernel.sh once per machine
# and cached outside the tree.  Guests run about 20x slower there.
debug-kernel:
	selftests/debug-kernel.sh build

# Each detector must fail a run with a planted bug.
check-harness-debug: debug-kernel all
	selftests/vm.sh --kernel debug selftest

check-debug-subset: debug-kernel all
	RDMARPC_FAULT_ROUNDS=$(FAULT_ROUNDS) \
		selftests/vm.sh --kernel debug check $(DEBUG_CHECK_TESTS)

# The whole suite on the debug kernel, one host and two hosts.
check-debug: debug-kernel all
	RDMARPC_STRESS_SECS=$(STRESS_ONE_SECS) RDMARPC_FAULT_ROUNDS=$(FAULT_ROUNDS) \
		selftests/vm.sh --kernel debug check
	RDMARPC_STRESS_SECS=$(STRESS_TWO_SECS) \
		selftests/vm.sh --kernel debug --two-hosts check

# Sized for CI: the whole suite on two hosts (check-two), on the debug
# kernel (check-debug) and the debug kernel's detector proof
# (check-harness-debug, five guests of about three minutes) run apart.
# DKMS builds for every supported kernel are pkg-check's (the packages'
# own DKMS), so dkms-check, the same builds from the tree, runs apart too.
check: warn-check host-check layer-check check-harness check-one \
	check-two-wire check-kernels check-debug-subset deb-check pkg-check

demo:
	tools/demo.sh

# checkpatch.pl from an unpacked kernel tree, else from Debian's
# linux-source tarball, unpacked once into build/checkpatch.
CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl) \
	$(CURDIR)/build/checkpatch/scripts/checkpatch.pl)
$(CURDIR)/build/checkpatch/scripts/checkpatch.pl:
	mkdir -p build/checkpatch
	tar -xJf $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz))) \
		-C build/checkpatch --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch $@

style: $(CHECKPATCH)
	$(CHECKPATCH) --no-tree --strict --show-types --ignore SPDX_LICENSE_TAG \
		-f $$(git ls-files 'kmod/*.[ch]')

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean || true
	$(MAKE) -C ulib clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
