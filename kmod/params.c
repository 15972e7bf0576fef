// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: module-wide state: the parameters, the configuration lock and
 * the workqueue.
 *
 * The parameters of uapi/rdmarpc_params.h are range-checked however they
 * are set: on the command line at load, through their files in
 * /sys/module/rdmarpc/parameters and through netlink (netlink.c).  The
 * rules between parameters hold once module init has checked them: the
 * arguments given at load come one at a time, in any order.
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/stringify.h>
#include <linux/sysfs.h>

#include "rdmarpc.h"

/* The configuration lock; what it protects is listed in rdmarpc.h. */
DEFINE_MUTEX(rdmarpc_lock);
struct workqueue_struct *rdmarpc_wq;

/*
 * Set by module init once it has checked the rules between the parameters
 * given at load; from then on a write is checked against them too
 * (rdmarpc_lock).
 */
static bool rdmarpc_params_loaded;

bool rdmarpc_param_valid(const struct rdmarpc_param *p, s64 v)
{
	return (v >= p->min && v <= p->max) || (p->zero_off && !v);
}

s64 rdmarpc_param_read(const struct rdmarpc_param *p)
{
	switch (p->type) {
	case RDMARPC_PARAM_S32:
		return READ_ONCE(*(int *)p->var);
	case RDMARPC_PARAM_U16:
		return READ_ONCE(*(unsigned short *)p->var);
	case RDMARPC_PARAM_BOOL:
		return READ_ONCE(*(bool *)p->var);
	default:
		return READ_ONCE(*(unsigned int *)p->var);
	}
}

void rdmarpc_param_write(const struct rdmarpc_param *p, s64 v)
{
	lockdep_assert_held(&rdmarpc_lock);
	switch (p->type) {
	case RDMARPC_PARAM_S32:
		WRITE_ONCE(*(int *)p->var, v);
		break;
	case RDMARPC_PARAM_U16:
		WRITE_ONCE(*(unsigned short *)p->var, v);
		break;
	case RDMARPC_PARAM_BOOL:
		WRITE_ONCE(*(bool *)p->var, v);
		break;
	default:
		WRITE_ONCE(*(unsigned int *)p->var, v);
	}
}

const char *rdmarpc_param_fixed(const struct rdmarpc_param *p, s64 v)
{
	lockdep_assert_held(&rdmarpc_lock);
	if (p->attr == RDMARPC_PARAM_A_TCP_PORT && v != rdmarpc_param_read(p))
		return "tcp_port takes effect at module load only: the listener is bound to it";
	return NULL;
}

const char *rdmarpc_params_conflict(u32 rto_min_us, u32 rto_max_us)
{
	if (rto_min_us > rto_max_us)
		return "rto_min_us must not exceed rto_max_us";
	return NULL;
}

/* rdmarpc_params_conflict() with @p at @v and the others as they are. */
static const char *rdmarpc_param_conflict(const struct rdmarpc_param *p,
					  s64 v)
{
	u32 rto_min = rdmarpc_rto_min_us, rto_max = rdmarpc_rto_max_us;

	lockdep_assert_held(&rdmarpc_lock);
	if (p->attr == RDMARPC_PARAM_A_RTO_MIN_US)
		rto_min = v;
	else if (p->attr == RDMARPC_PARAM_A_RTO_MAX_US)
		rto_max = v;
	return rdmarpc_params_conflict(rto_min, rto_max);
}

/* @val as the kernel's own parameter types read it (bool: none is "1"). */
static int rdmarpc_param_parse(const struct rdmarpc_param *p,
			       const char *val, s64 *v)
{
	bool b;
	int ret;

	if (p->type == RDMARPC_PARAM_BOOL) {
		ret = kstrtobool(val ?: "1", &b);
		*v = b;
		return ret;
	}
	if (!val)
		return -EINVAL;
	return kstrtoll(val, 0, v);
}

/* A value given at load or written to the parameter's file. */
static int rdmarpc_param_set(const char *val, const struct kernel_param *kp)
{
	const struct rdmarpc_param *p = kp->arg;
	const char *conflict = NULL;
	s64 v;
	int ret;

	ret = rdmarpc_param_parse(p, val, &v);
	if (ret)
		return ret;
	if (!rdmarpc_param_valid(p, v)) {
		pr_warn("%s\n", p->range_msg);
		return -EINVAL;
	}
	mutex_lock(&rdmarpc_lock);
	if (rdmarpc_params_loaded)
		conflict = rdmarpc_param_conflict(p, v);
	if (conflict) {
		pr_warn("%s\n", conflict);
		ret = -EINVAL;
	} else {
		rdmarpc_param_write(p, v);
	}
	mutex_unlock(&rdmarpc_lock);
	return ret;
}

/* As the kernel's own parameter types print theirs. */
static int rdmarpc_param_get(char *buf, const struct kernel_param *kp)
{
	const struct rdmarpc_param *p = kp->arg;
	s64 v = rdmarpc_param_read(p);

	if (p->type == RDMARPC_PARAM_BOOL)
		return sysfs_emit(buf, "%c\n", v ? 'Y' : 'N');
	return sysfs_emit(buf, "%lld\n", v);
}

static const struct kernel_param_ops rdmarpc_param_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = rdmarpc_param_set,
	.get = rdmarpc_param_get,
};

/* Each type of parameter: its C type and its name in modinfo. */
#define RDMARPC_PARAM_CTYPE_U32		unsigned int
#define RDMARPC_PARAM_CTYPE_S32		int
#define RDMARPC_PARAM_CTYPE_U16		unsigned short
#define RDMARPC_PARAM_CTYPE_BOOL	bool
#define RDMARPC_PARAM_KTYPE_U32		"uint"
#define RDMARPC_PARAM_KTYPE_S32		"int"
#define RDMARPC_PARAM_KTYPE_U16		"ushort"
#define RDMARPC_PARAM_KTYPE_BOOL	"bool"
/* How a range reads when 0 is taken too. */
#define RDMARPC_PARAM_OR_ZERO_false	""
#define RDMARPC_PARAM_OR_ZERO_true	"0 or "

/*
 * Each parameter: its variable, its struct rdmarpc_param, its file in
 * sysfs, and its lines in modinfo (those module_param() and
 * MODULE_PARM_DESC() write, the name stringified).  The rows of the table
 * end in no ';' (userspace makes lists of them): @_end is the one that
 * ends a row's last declaration.
 */
#define RDMARPC_PARAM_DEFINE(_attr, _name, _type, _mode, _def, _min, _max, \
			     _zero, _desc, _end)			\
	RDMARPC_PARAM_CTYPE_##_type rdmarpc_##_name = _def;		\
	static struct rdmarpc_param rdmarpc_param_##_name __ro_after_init = { \
		.var = &rdmarpc_##_name,				\
		.range_msg = #_name " must be "				\
			     RDMARPC_PARAM_OR_ZERO_##_zero "within "	\
			     __stringify(_min) ".." __stringify(_max),	\
		.min = _min,						\
		.max = _max,						\
		.zero_off = _zero,					\
		.type = RDMARPC_PARAM_##_type,				\
		.attr = RDMARPC_PARAM_A_##_attr,			\
	};								\
	module_param_cb(_name, &rdmarpc_param_ops, &rdmarpc_param_##_name, \
			_mode);						\
	MODULE_INFO(parmtype, #_name ":" RDMARPC_PARAM_KTYPE_##_type);	\
	MODULE_INFO(parm, #_name ":" _desc " ("				\
		    RDMARPC_PARAM_OR_ZERO_##_zero __stringify(_min) ".."	\
		    __stringify(_max) "; default " __stringify(_def) ")") _end
#define RDMARPC_PARAM(...)	RDMARPC_PARAM_DEFINE(__VA_ARGS__, ;)
#include "uapi/rdmarpc_params.h"

const struct rdmarpc_param *const rdmarpc_params[RDMARPC_PARAM_A_MAX + 1] = {
#define RDMARPC_PARAM(_attr, _name, ...) \
	[RDMARPC_PARAM_A_##_attr] = &rdmarpc_param_##_name,
#include "uapi/rdmarpc_params.h"
};

/* The ranges of the values given at load were checked as they came. */
int __init rdmarpc_params_init(void)
{
	const char *conflict;

	mutex_lock(&rdmarpc_lock);
	conflict = rdmarpc_params_conflict(rdmarpc_rto_min_us,
					   rdmarpc_rto_max_us);
	if (conflict)
		pr_err("%s\n", conflict);
	else
		rdmarpc_params_loaded = true;
	mutex_unlock(&rdmarpc_lock);
	return conflict ? -EINVAL : 0;
}

#ifdef DEBUG
static int rdmarpc_dbg_delay_set(const char *val,
				 const struct kernel_param *kp)
{
	struct rdmarpc_dbg_delay *knob = kp->arg;
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (ms > knob->max)
		return -EINVAL;
	WRITE_ONCE(knob->ms, ms);
	return 0;
}

static int rdmarpc_dbg_delay_get(char *buf, const struct kernel_param *kp)
{
	const struct rdmarpc_dbg_delay *knob = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(knob->ms));
}

const struct kernel_param_ops rdmarpc_dbg_delay_ops = {
	.set = rdmarpc_dbg_delay_set,
	.get = rdmarpc_dbg_delay_get,
};

void rdmarpc_dbg_delay(struct rdmarpc_dbg_delay *knob)
{
	unsigned int ms = READ_ONCE(knob->ms);

	if (!ms)
		return;
	pr_debug("debug: %ps sleeps %u ms\n", __builtin_return_address(0), ms);
	if (preemptible())
		msleep(ms);
	else
		mdelay(ms);
}
#endif
