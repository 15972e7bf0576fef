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
ifeq ($(KVER)$(filter command line,$(origin KDIR)),)
$(error no kernel to build for: KVER=$(KVER_ARG) (install linux-headers-amd64, or set KDIR))
endif

PWD := $(CURDIR)

.PHONY: all module module-debug ulib tools selftests host-check fuzz check \
	check-one check-two demo style module-install dkms-src dkms-install \
	dkms-check clean

all: module ulib tools selftests

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# Debug build: -DDEBUG (lifecycle log lines, extra checks).  The VM runs use it.
module-debug:
	$(MAKE) -C $(KDIR) M=$(PWD) CONFIG_RDMARPC_DEBUG=y modules

module-install:
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
	dkms add rdmarpc/$(DKMS_VER)
	dkms install rdmarpc/$(DKMS_VER) -k $(KVER)

# DKMS builds the module for every supported kernel installed here, in a
# scratch DKMS tree (the host's own is left alone).
dkms-check:
	scripts/dkms-check.sh

ulib:
	$(MAKE) -C ulib

tools: ulib
	$(MAKE) -C tools

selftests: ulib
	$(MAKE) -C selftests

# Host tests: the portable core, the simulator, the library; plain and
# under ASan/UBSan.
host-check:
	$(MAKE) -C tools check
	$(MAKE) -C ulib check

fuzz:
	$(MAKE) -C tools fuzz

check-one: all
	selftests/vm.sh check

check-two: all
	selftests/vm.sh check --two-hosts

check: host-check check-harness check-one check-two

# The VM harness's own test: a planted WARN_ON and BUG must fail their runs.
.PHONY: check-harness
check-harness: module
	selftests/vm.sh selftest

# The debug lane: the suite, one host and two hosts, on the project's debug
# kernel (KASAN, KFENCE, lockdep, DEBUG_OBJECTS, UBSAN, kmemleak; built by
# selftests/debug-kernel.sh once per machine, about 15 minutes).  Guests run
# 20-100x slower there: RDMARPC_DEBUG_TESTS="a.sh b.sh" runs a subset.
RDMARPC_DEBUG_TESTS ?=
.PHONY: check-debug debug-kernel
debug-kernel:
	selftests/debug-kernel.sh build

check-debug: debug-kernel ulib tools selftests
	selftests/vm.sh --kernel debug check $(RDMARPC_DEBUG_TESTS)
	selftests/vm.sh --kernel debug --two-hosts check $(RDMARPC_DEBUG_TESTS)

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
