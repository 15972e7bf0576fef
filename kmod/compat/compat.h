/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backfills for older kernels.  rdmarpc is written against the newest kernel
 * API; this header, force-included by Kbuild into every file of the module,
 * adds what an older target kernel lacks.  Kbuild decides what is missing by
 * probing the target kernel's headers (never by version number:
 * distributions backport), and passes the answers as RDMARPC_COMPAT_*
 * macros.  The .c files stay free of version checks.
 */
#ifndef RDMARPC_COMPAT_H
#define RDMARPC_COMPAT_H

#ifdef RDMARPC_COMPAT_NO_HRTIMER_SETUP
#include <linux/hrtimer.h>

/* hrtimer_setup() (6.13) sets the callback with the rest of the timer. */
static inline void
rdmarpc_compat_hrtimer_setup(struct hrtimer *timer,
			     enum hrtimer_restart (*function)(struct hrtimer *),
			     clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}

#define hrtimer_setup rdmarpc_compat_hrtimer_setup
#endif

#ifdef RDMARPC_COMPAT_NO_GENL_INFO_DUMP
#include <net/genetlink.h>

/*
 * genl_info_dump() (6.6) gives a dump the request's genl_info.  Before it,
 * the parsed attributes sit in genl_dumpit_info, under the same name:
 * callers only read ->attrs.
 */
#define genl_info_dump(cb) genl_dumpit_info(cb)
#endif

/*
 * The command bytes of an io_uring command's SQE: io_uring_sqe_cmd() of
 * its ->sqe since 6.6; before, ->cmd pointed at them.
 */
#ifdef RDMARPC_COMPAT_NO_IO_URING_SQE_CMD
#define rdmarpc_uring_cmd_bytes(ioucmd) ((ioucmd)->cmd)
#else
#define rdmarpc_uring_cmd_bytes(ioucmd) io_uring_sqe_cmd((ioucmd)->sqe)
#endif

#ifdef RDMARPC_COMPAT_NO_VM_FLAGS_SET
#include <linux/mm_types.h>
/* vm_flags_set() (6.3): before it, ->vm_flags was written directly. */
#define vm_flags_set(vma, flags) ((vma)->vm_flags |= (flags))
#endif

#endif /* RDMARPC_COMPAT_H */
