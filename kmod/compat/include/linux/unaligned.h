/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/unaligned.h> for kernels that still keep it as <asm/unaligned.h>
 * (before 6.12).  Kbuild adds this directory to the include path only when
 * the target kernel lacks one of the headers here; the kernel's own come
 * first in the path.
 */
#ifndef RDMARPC_COMPAT_LINUX_UNALIGNED_H
#define RDMARPC_COMPAT_LINUX_UNALIGNED_H

#include <asm/unaligned.h>

#endif
