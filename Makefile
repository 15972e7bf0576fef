# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc top-level Makefile: a thin wrapper over kbuild for the module and
# over the sub-makes for the userspace library, the tools and the tests.

# The kernel we build for is the one Debian installed in /boot, not the
# running one (they differ on build machines).  Both are overridable.
KVER ?= $(shell ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
KDIR := /usr/src/linux-headers-$(KVER)
endif

PWD := $(CURDIR)

.PHONY: all module module-debug ulib tools selftests host-check fuzz check \
	check-one check-two demo style module-install dkms-install clean

all: module ulib tools selftests

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# Debug build: -DDEBUG (lifecycle log lines, extra checks).  The VM runs use it.
module-debug:
	$(MAKE) -C $(KDIR) M=$(PWD) CONFIG_RDMARPC_DEBUG=y modules

module-install:
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a $(KVER)

dkms-install:
	dkms add $(PWD)
	dkms install rdmarpc/$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

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

demo:
	tools/demo.sh

CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl) checkpatch.pl)
style:
	$(CHECKPATCH) --no-tree --strict --show-types --ignore SPDX_LICENSE_TAG \
		-f $$(git ls-files 'kmod/*.[ch]')

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean || true
	$(MAKE) -C ulib clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
