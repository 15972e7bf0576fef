/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/io_uring/cmd.h> for kernels that still declare the io_uring
 * command API in <linux/io_uring.h> (before 6.6).  Kbuild adds this
 * directory to the include path only when the target kernel lacks one of
 * the headers here; the kernel's own come first in the path.
 */
#ifndef RDMARPC_COMPAT_LINUX_IO_URING_CMD_H
#define RDMARPC_COMPAT_LINUX_IO_URING_CMD_H

#include <linux/io_uring.h>

#endif
