// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: /dev/rdmarpc, a misc device whose every open file is an
 * endpoint (rpc.c, call.c, serve.c).
 *
 * This file decodes the ioctls of uapi/rdmarpc.h: it dispatches on the
 * command's number (type checked), reads each structure's leading size
 * and accepts only sizes it knows, rejects nonzero reserved and flag
 * fields, copies the structures in and out, and leaves the work to the
 * endpoint.  Bad sizes, flags and strings give -EINVAL, bad pointers
 * -EFAULT and unknown commands -ENOTTY.
 */
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/io_uring/cmd.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "chardev.h"
#include "endpoint.h"

/*
 * Copy in the structure at @uarg if its leading __u32 size is @known (the
 * only size this kernel knows for it).
 */
static int rdmarpc_copy_arg(void *dst, size_t known, const void __user *uarg)
{
	u32 size;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	if (size != known)
		return -EINVAL;
	if (copy_from_user(dst, uarg, known))
		return -EFAULT;
	return 0;
}

/* A name field: NUL-terminated within its array, and not empty. */
static bool rdmarpc_name_valid(const char *name, size_t cap)
{
	return name[0] && memchr(name, '\0', cap);
}

/*
 * CONNECT and BIND reach the network through the module's sockets, which
 * live in init_net: refuse them to a caller in another network namespace
 * rather than use a network it cannot see (see uapi/rdmarpc.h).
 */
static bool rdmarpc_caller_net_ok(void)
{
	return net_eq(current->nsproxy->net_ns, &init_net);
}

static int rdmarpc_ioc_connect(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_connect __user *uc = uarg;
	struct rdmarpc_connect c;
	u32 handle;
	int ret;

	ret = rdmarpc_copy_arg(&c, sizeof(c), uarg);
	if (ret)
		return ret;
	if (c.flags || !rdmarpc_name_valid(c.peer, sizeof(c.peer)) ||
	    c.timeout_ms > RDMARPC_CONNECT_TIMEOUT_MAX)
		return -EINVAL;
	if (!rdmarpc_caller_net_ok())
		return -EOPNOTSUPP;
	ret = rdmarpc_ep_connect(ep, c.peer, c.timeout_ms, &handle);
	if (ret)
		return ret;
	/* On -EFAULT the handle stays valid; it goes with the endpoint. */
	return put_user(handle, &uc->handle);
}

static int rdmarpc_ioc_call(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_sync_call __user *usc = uarg;
	struct rdmarpc_sync_call sc;
	int ret;

	ret = rdmarpc_copy_arg(&sc, sizeof(sc), uarg);
	if (ret)
		return ret;
	if (sc.reserved)
		return -EINVAL;
	memset(&sc.comp, 0, sizeof(sc.comp));
	ret = rdmarpc_ep_call(ep, &sc.call, &sc.comp);
	if (ret)
		return ret;
	if (copy_to_user(&usc->comp, &sc.comp, sizeof(sc.comp)))
		return -EFAULT;
	return 0;
}

/*
 * The batch ioctls: a struct rdmarpc_batch whose @done is written back
 * once the batch passed its checks, even if it then failed part way (see
 * uapi/rdmarpc.h).  An op follows one of two rules:
 *  - SUBMIT's (SUBMIT, REPLY_BATCH): @take gets the @count entries, each
 *    @size bytes (a member of union rdmarpc_batch_entry), one by one, and
 *    the first that fails ends the batch with its error; @min_complete
 *    and @timeout_ms mean nothing there and are reserved;
 *  - REAP's (REAP, RECV_BATCH): @wait gets the whole batch, @count at
 *    least 1 and @min_complete at most @count, and sets @done.
 */
union rdmarpc_batch_entry {
	struct rdmarpc_call call;
	struct rdmarpc_reply reply;
};

struct rdmarpc_batch_op {
	size_t size;
	int (*take)(struct rdmarpc_ep *ep, const union rdmarpc_batch_entry *e,
		    struct rdmarpc_sess_batch *sb);
	int (*wait)(struct rdmarpc_ep *ep, const struct rdmarpc_batch *b,
		    u32 *done);
};

/*
 * SUBMIT's rules: stop at the first entry that fails, return its error.
 * What the entries send to one session goes out packed (@sb), at the
 * latest when the batch ends or the task is about to yield the CPU.
 */
static int rdmarpc_batch_each(struct rdmarpc_ep *ep,
			      const struct rdmarpc_batch *b,
			      const struct rdmarpc_batch_op *op, u32 *done)
{
	const u8 __user *entries = u64_to_user_ptr(b->entries);
	struct rdmarpc_sess_batch sb = {};
	union rdmarpc_batch_entry e;
	int ret = 0;
	u32 n;

	for (n = 0; n < b->count; n++) {
		if (copy_from_user(&e, entries + (size_t)n * op->size,
				   op->size)) {
			ret = -EFAULT;
			break;
		}
		ret = op->take(ep, &e, &sb);
		if (ret)
			break;
		/* Copying a large batch in may take a while. */
		if (fatal_signal_pending(current)) {
			n++;
			break;
		}
		if (need_resched()) {
			rdmarpc_ep_batch_end(&sb);
			cond_resched();
		}
	}
	rdmarpc_ep_batch_end(&sb);
	*done = n;
	return ret;
}

static int rdmarpc_ioc_batch(struct rdmarpc_ep *ep, void __user *uarg,
			     const struct rdmarpc_batch_op *op)
{
	struct rdmarpc_batch __user *ub = uarg;
	struct rdmarpc_batch b;
	u32 done = 0;
	int ret;

	ret = rdmarpc_copy_arg(&b, sizeof(b), uarg);
	if (ret)
		return ret;
	if (b.reserved)
		return -EINVAL;
	if (op->wait) {
		if (!b.count || b.min_complete > b.count)
			return -EINVAL;
		ret = op->wait(ep, &b, &done);
	} else {
		if (b.min_complete || b.timeout_ms)
			return -EINVAL;
		ret = rdmarpc_batch_each(ep, &b, op, &done);
	}
	/* What was done is handed over even if the batch then failed. */
	if (put_user(done, &ub->done))
		return -EFAULT;
	return ret;
}

static int rdmarpc_batch_submit(struct rdmarpc_ep *ep,
				const union rdmarpc_batch_entry *e,
				struct rdmarpc_sess_batch *sb)
{
	return rdmarpc_ep_submit(ep, &e->call, sb, NULL, NULL);
}

static const struct rdmarpc_batch_op rdmarpc_submit_op = {
	.size = sizeof(struct rdmarpc_call),
	.take = rdmarpc_batch_submit,
};

static int rdmarpc_batch_reap(struct rdmarpc_ep *ep,
			      const struct rdmarpc_batch *b, u32 *done)
{
	return rdmarpc_ep_reap(ep, u64_to_user_ptr(b->entries), b->count,
			       b->min_complete, b->timeout_ms, done);
}

static const struct rdmarpc_batch_op rdmarpc_reap_op = {
	.wait = rdmarpc_batch_reap,
};

static int rdmarpc_ioc_cancel(struct rdmarpc_ep *ep, void __user *uarg)
{
	u64 cookie;

	if (get_user(cookie, (const u64 __user *)uarg))
		return -EFAULT;
	return rdmarpc_ep_cancel(ep, cookie);
}

static int rdmarpc_ioc_bind(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_bind b;
	u32 *ids = NULL;
	int ret;

	ret = rdmarpc_copy_arg(&b, sizeof(b), uarg);
	if (ret)
		return ret;
	if (b.flags || b.reserved || !rdmarpc_name_valid(b.name, sizeof(b.name)))
		return -EINVAL;
	if (b.n_methods > RDMARPC_BIND_MAX_METHODS)
		return -EINVAL;
	if (!rdmarpc_caller_net_ok())
		return -EOPNOTSUPP;
	/* With no method list, @methods is not looked at. */
	if (b.n_methods) {
		ids = memdup_user(u64_to_user_ptr(b.methods),
				  array_size(b.n_methods, sizeof(*ids)));
		if (IS_ERR(ids))
			return PTR_ERR(ids);
	}
	ret = rdmarpc_ep_bind(ep, b.name, ids, b.n_methods);
	kfree(ids);
	return ret;
}

static int rdmarpc_ioc_recv(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_request r;
	int ret;

	ret = rdmarpc_copy_arg(&r, sizeof(r), uarg);
	if (ret)
		return ret;
	if (r.flags & ~RDMARPC_RECV_F_ALL)
		return -EINVAL;
	return rdmarpc_ep_recv(ep, &r, uarg);
}

static int rdmarpc_ioc_req_state(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_req_state __user *u = uarg;
	struct rdmarpc_req_state st;
	int ret;

	ret = rdmarpc_copy_arg(&st, sizeof(st), uarg);
	if (ret)
		return ret;
	ret = rdmarpc_ep_req_state(ep, st.id, &st.flags, &st.deadline_ns);
	if (ret)
		return ret;
	if (put_user(st.flags, &u->flags) ||
	    put_user(st.deadline_ns, &u->deadline_ns))
		return -EFAULT;
	return 0;
}

static int rdmarpc_ioc_reply(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_reply r;
	int ret;

	ret = rdmarpc_copy_arg(&r, sizeof(r), uarg);
	if (ret)
		return ret;
	return rdmarpc_ep_reply(ep, r.id, r.status, r.buf, r.len, NULL);
}

/* The entries are read by serve.c, one by one. */
static int rdmarpc_batch_recv(struct rdmarpc_ep *ep,
			      const struct rdmarpc_batch *b, u32 *done)
{
	return rdmarpc_ep_recv_batch(ep, u64_to_user_ptr(b->entries),
				     b->count, b->min_complete, b->timeout_ms,
				     done);
}

static const struct rdmarpc_batch_op rdmarpc_recv_batch_op = {
	.wait = rdmarpc_batch_recv,
};

static int rdmarpc_batch_reply(struct rdmarpc_ep *ep,
			       const union rdmarpc_batch_entry *e,
			       struct rdmarpc_sess_batch *sb)
{
	const struct rdmarpc_reply *r = &e->reply;

	if (r->size != sizeof(*r))
		return -EINVAL;
	return rdmarpc_ep_reply(ep, r->id, r->status, r->buf, r->len, sb);
}

static const struct rdmarpc_batch_op rdmarpc_reply_batch_op = {
	.size = sizeof(struct rdmarpc_reply),
	.take = rdmarpc_batch_reply,
};

static int rdmarpc_ioc_busy_poll(struct rdmarpc_ep *ep, void __user *uarg)
{
	u32 usec;

	if (get_user(usec, (const u32 __user *)uarg))
		return -EFAULT;
	if (usec > RDMARPC_BUSY_POLL_MAX_US)
		return -EINVAL;
	rdmarpc_ep_set_busy_poll(ep, usec);
	return 0;
}

static int rdmarpc_ioc_ring_setup(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_ring_setup s;
	int ret;

	ret = rdmarpc_copy_arg(&s, sizeof(s), uarg);
	if (ret)
		return ret;
	ret = rdmarpc_ep_ring_setup(ep, &s);
	if (ret)
		return ret;
	return put_user(s.map_len,
			&((struct rdmarpc_ring_setup __user *)uarg)->map_len);
}

static int rdmarpc_ioc_ring_enter(struct rdmarpc_ep *ep, void __user *uarg)
{
	struct rdmarpc_ring_enter e;
	int ret;

	ret = rdmarpc_copy_arg(&e, sizeof(e), uarg);
	if (ret)
		return ret;
	return rdmarpc_ep_ring_enter(ep, &e);
}

static long rdmarpc_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct rdmarpc_ep *ep = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != RDMARPC_IOC_MAGIC)
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(RDMARPC_IOC_NOP):
		/* The bare cost of a system call into the module. */
		return 0;
	case _IOC_NR(RDMARPC_IOC_CONNECT):
		return rdmarpc_ioc_connect(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_CALL):
		return rdmarpc_ioc_call(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_SUBMIT):
		return rdmarpc_ioc_batch(ep, uarg, &rdmarpc_submit_op);
	case _IOC_NR(RDMARPC_IOC_REAP):
		return rdmarpc_ioc_batch(ep, uarg, &rdmarpc_reap_op);
	case _IOC_NR(RDMARPC_IOC_CANCEL):
		return rdmarpc_ioc_cancel(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_BIND):
		return rdmarpc_ioc_bind(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_RECV):
		return rdmarpc_ioc_recv(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_REPLY):
		return rdmarpc_ioc_reply(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_BUSY_POLL):
		return rdmarpc_ioc_busy_poll(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_RECV_BATCH):
		return rdmarpc_ioc_batch(ep, uarg, &rdmarpc_recv_batch_op);
	case _IOC_NR(RDMARPC_IOC_REPLY_BATCH):
		return rdmarpc_ioc_batch(ep, uarg, &rdmarpc_reply_batch_op);
	case _IOC_NR(RDMARPC_IOC_REQ_STATE):
		return rdmarpc_ioc_req_state(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_RING_SETUP):
		return rdmarpc_ioc_ring_setup(ep, uarg);
	case _IOC_NR(RDMARPC_IOC_RING_ENTER):
		return rdmarpc_ioc_ring_enter(ep, uarg);
	default:
		return -ENOTTY;
	}
}

/* ---- io_uring ---- */

/* What a command keeps in its io_uring_cmd's private bytes. */
struct rdmarpc_uring_pdu {
	struct rdmarpc_ucall *uc;	/* the call, once it completed */
	u64 comp;			/* struct rdmarpc_completion __user * */
};

static_assert(sizeof(struct rdmarpc_uring_pdu) <=
	      sizeof_field(struct io_uring_cmd, pdu));

static struct rdmarpc_uring_pdu *rdmarpc_uring_pdu(struct io_uring_cmd *ioucmd)
{
	return (struct rdmarpc_uring_pdu *)ioucmd->pdu;
}

/* In the submitter's task: the completion out, then the CQE. */
static void rdmarpc_uring_finish(struct io_uring_cmd *ioucmd,
				 unsigned int issue_flags)
{
	struct rdmarpc_uring_pdu *pdu = rdmarpc_uring_pdu(ioucmd);
	struct rdmarpc_ep *ep = ioucmd->file->private_data;
	int ret;

	ret = rdmarpc_ep_finish_call(ep, pdu->uc, u64_to_user_ptr(pdu->comp));
	io_uring_cmd_done(ioucmd, ret, 0, issue_flags);
}

/* The call completed (any context): finish it in the submitter's task. */
static void rdmarpc_uring_notify(void *ctx, struct rdmarpc_ucall *uc)
{
	struct io_uring_cmd *ioucmd = ctx;

	rdmarpc_uring_pdu(ioucmd)->uc = uc;
	io_uring_cmd_complete_in_task(ioucmd, rdmarpc_uring_finish);
}

/*
 * RDMARPC_URING_CALL (see uapi/rdmarpc.h).  The file stays open while the
 * command is in flight: io_uring holds it.
 */
static int rdmarpc_uring_cmd(struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	const struct rdmarpc_uring_call *cmd = rdmarpc_uring_cmd_bytes(ioucmd);
	struct rdmarpc_uring_pdu *pdu = rdmarpc_uring_pdu(ioucmd);
	struct rdmarpc_ep *ep = ioucmd->file->private_data;
	struct rdmarpc_call c;
	u64 call;
	int ret;

	if (ioucmd->cmd_op != RDMARPC_URING_CALL)
		return -ENOTTY;
	/* The SQE may be reused once this returns: read it once, now. */
	call = READ_ONCE(cmd->call);
	pdu->comp = READ_ONCE(cmd->comp);
	pdu->uc = NULL;
	if (copy_from_user(&c, u64_to_user_ptr(call), sizeof(c)))
		return -EFAULT;
	ret = rdmarpc_ep_submit(ep, &c, NULL, rdmarpc_uring_notify, ioucmd);
	return ret ?: -EIOCBQUEUED;
}

static int rdmarpc_open(struct inode *inode, struct file *file)
{
	struct rdmarpc_ep *ep;

	ep = rdmarpc_ep_create();
	if (IS_ERR(ep))
		return PTR_ERR(ep);
	/* Replaces the miscdevice that misc_open() put there. */
	file->private_data = ep;
	return stream_open(inode, file);
}

static int rdmarpc_release(struct inode *inode, struct file *file)
{
	rdmarpc_ep_close(file->private_data);
	return 0;
}

static int rdmarpc_mmap(struct file *file, struct vm_area_struct *vma)
{
	return rdmarpc_ep_ring_mmap(file->private_data, vma);
}

static __poll_t rdmarpc_poll(struct file *file, poll_table *wait)
{
	return rdmarpc_ep_poll(file->private_data, file, wait);
}

static const struct file_operations rdmarpc_fops = {
	.owner		= THIS_MODULE,
	.open		= rdmarpc_open,
	.release	= rdmarpc_release,
	.unlocked_ioctl	= rdmarpc_ioctl,
	/* Same layout on 32 and 64 bit: pointers travel as __u64. */
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= rdmarpc_poll,
	.mmap		= rdmarpc_mmap,
	.uring_cmd	= rdmarpc_uring_cmd,
};

static struct miscdevice rdmarpc_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= RDMARPC_DEV_NAME,
	.fops		= &rdmarpc_fops,
	/* Group rdmarpc's too, by udev's rule (dist/60-rdmarpc.rules). */
	.mode		= 0660,
};

int rdmarpc_chardev_init(void)
{
	int ret;

	/* The ABI's sizes; a change here is an ABI break. */
	BUILD_BUG_ON(sizeof(struct rdmarpc_connect) != 80);
	BUILD_BUG_ON(sizeof(struct rdmarpc_call) != 56);
	BUILD_BUG_ON(sizeof(struct rdmarpc_completion) != 24);
	BUILD_BUG_ON(sizeof(struct rdmarpc_sync_call) != 88);
	BUILD_BUG_ON(sizeof(struct rdmarpc_batch) != 32);
	BUILD_BUG_ON(sizeof(struct rdmarpc_bind) != 88);
	BUILD_BUG_ON(sizeof(struct rdmarpc_request) != 48);
	BUILD_BUG_ON(sizeof(struct rdmarpc_reply) != 32);
	BUILD_BUG_ON(sizeof(struct rdmarpc_ring_setup) != 24);
	BUILD_BUG_ON(sizeof(struct rdmarpc_ring_hdr) != 48);
	BUILD_BUG_ON(sizeof(struct rdmarpc_ring_enter) != 16);

	ret = misc_register(&rdmarpc_misc);
	if (ret)
		return ret;
	pr_debug("/dev/%s registered\n", RDMARPC_DEV_NAME);
	return 0;
}

void rdmarpc_chardev_exit(void)
{
	misc_deregister(&rdmarpc_misc);
}
