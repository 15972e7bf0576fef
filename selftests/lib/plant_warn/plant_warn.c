// SPDX-License-Identifier: GPL-2.0
/*
 * plant_warn: a module that misbehaves on purpose at load, so the VM
 * harness can show that its kernel-log judgement catches it
 * (selftests/vm.sh selftest).  Default: WARN_ON(1).  bug=1: BUG().
 * The others are for the debug kernel's detectors, one each:
 *   uaf=1           a read after kfree() (KASAN)
 *   abba=1          two mutexes taken in both orders (lockdep)
 *   leak=1          a kmalloc() whose only pointer is dropped (kmemleak,
 *                   once the harness scans after its rmmod of rdmarpc)
 *   atomic_sleep=1  a mutex taken under a spinlock (DEBUG_ATOMIC_SLEEP)
 */
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static bool bug;
module_param(bug, bool, 0444);
MODULE_PARM_DESC(bug, "BUG() instead of WARN_ON(1)");

static bool uaf;
module_param(uaf, bool, 0444);
MODULE_PARM_DESC(uaf, "read freed memory instead of WARN_ON(1)");

static bool abba;
module_param(abba, bool, 0444);
MODULE_PARM_DESC(abba, "take two locks in both orders instead of WARN_ON(1)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak an allocation instead of WARN_ON(1)");

static bool atomic_sleep;
module_param(atomic_sleep, bool, 0444);
MODULE_PARM_DESC(atomic_sleep, "take a mutex under a spinlock instead of WARN_ON(1)");

static DEFINE_MUTEX(plant_lock_a);
static DEFINE_MUTEX(plant_lock_b);
static DEFINE_MUTEX(plant_lock_c);
static DEFINE_SPINLOCK(plant_spin);

static noinline void plant_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 0, 64);
	kfree(p);
	/* Hidden from the compiler, which would otherwise warn or fold it. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("plant_warn: read after free: %d\n", READ_ONCE(p[8]));
}

static noinline void plant_abba(void)
{
	mutex_lock(&plant_lock_a);
	mutex_lock(&plant_lock_b);
	mutex_unlock(&plant_lock_b);
	mutex_unlock(&plant_lock_a);

	mutex_lock(&plant_lock_b);
	mutex_lock(&plant_lock_a);
	mutex_unlock(&plant_lock_a);
	mutex_unlock(&plant_lock_b);
}

static noinline void plant_leak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	/* kmemleak's report shows the first bytes: name ourselves there. */
	if (p)
		strscpy(p, "plant_warn leak", 128);
	OPTIMIZER_HIDE_VAR(p);
}

static noinline void plant_atomic_sleep(void)
{
	spin_lock(&plant_spin);
	mutex_lock(&plant_lock_c);
	mutex_unlock(&plant_lock_c);
	spin_unlock(&plant_spin);
}

static int __init plant_warn_init(void)
{
	if (bug)
		BUG();
	if (uaf)
		plant_uaf();
	if (abba)
		plant_abba();
	if (leak)
		plant_leak();
	if (atomic_sleep)
		plant_atomic_sleep();
	if (!uaf && !abba && !leak && !atomic_sleep)
		WARN_ON(1);
	return 0;
}

static void __exit plant_warn_exit(void)
{
}

module_init(plant_warn_init);
module_exit(plant_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Planted WARN_ON, BUG and detector reports for testing the rdmarpc VM harness");
