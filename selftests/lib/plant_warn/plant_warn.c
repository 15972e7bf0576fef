// SPDX-License-Identifier: GPL-2.0
/*
 * plant_warn: a module that misbehaves on purpose at load, so the VM
 * harness can show that its kernel-log judgement catches it
 * (selftests/vm.sh selftest).  Default: WARN_ON(1).  bug=1: BUG().
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool bug;
module_param(bug, bool, 0444);
MODULE_PARM_DESC(bug, "BUG() instead of WARN_ON(1)");

static int __init plant_warn_init(void)
{
	if (bug)
		BUG();
	WARN_ON(1);
	return 0;
}

static void __exit plant_warn_exit(void)
{
}

module_init(plant_warn_init);
module_exit(plant_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Planted WARN_ON for testing the rdmarpc VM harness");
