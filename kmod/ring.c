// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: an endpoint's shared rings (RDMARPC_IOC_RING_SETUP in the uapi
 * header has the contract).  A submission ring of struct rdmarpc_call and a
 * completion ring of struct rdmarpc_completion live in vmalloc'ed memory
 * that the process maps.  RING_ENTER, in the process, moves calls from the
 * one through the endpoint's SUBMIT path (call.c) and completions from the
 * endpoint's completion list into the other, and waits for completions
 * (busy polling first).  Unless the process asked for a thread
 * (RDMARPC_RING_SETUP_THREAD), that is all: RDMARPC_RING_NEED_WAKEUP
 * stays set, and every batch of submissions enters.
 *
 * With RDMARPC_RING_SETUP_THREAD a kernel thread of the endpoint does the
 * same work in the address space of the process that made the rings
 * (kthread_use_mm()), since requests and responses are in that process's
 * buffers.  It works while it finds work; with no call of the endpoint in
 * flight it then spins for the endpoint's busy-poll time, waiting for the
 * process's next call; then (or at once, with calls in flight) it sleeps
 * with RDMARPC_RING_NEED_WAKEUP set.  A completed call (ep->call_wq) and
 * the endpoint's close wake it.  It pays where it has a CPU of its own;
 * where the process, the softirqs and the thread share too few, the
 * thread's spin and wake-ups cost more than the system calls it saves.
 * The ring's lock keeps the thread and RING_ENTER apart.
 *
 * Lifetimes.  ep->ring is set once (RING_SETUP) and torn down by the
 * endpoint's close, which stops the thread (if any) first.  A mapping pins
 * the file and so the endpoint: no mapping is left when the memory is
 * freed.  The ring holds the maker's mm_struct (mmgrab()); the thread
 * holds its address space (mmget) only while it is awake.
 */
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "rdmarpc.h"
#include "endpoint_internal.h"

struct rdmarpc_ring {
	struct rdmarpc_ep *ep;		/* outlives the ring */
	struct mm_struct *mm;		/* the maker's, mmgrab()ed */
	struct task_struct *thread;	/* RDMARPC_RING_SETUP_THREAD, or NULL */
	void *mem;			/* vmalloc_user(), @map_len bytes */
	size_t map_len;
	struct rdmarpc_ring_hdr *hdr;	/* at the start of @mem */
	struct rdmarpc_call *sqes;
	struct rdmarpc_completion *cqes;
	u32 sq_mask;
	u32 cq_mask;
	/*
	 * The module's own indices, never read back from the shared page,
	 * and the entries it writes there: the thread and RING_ENTER move
	 * them under @lock.
	 */
	struct mutex lock;
	u32 sq_head;
	u32 cq_tail;
	u32 cq_published;		/* the cq_tail last stored there */
	wait_queue_head_t cq_wq;	/* RING_ENTER, poll(): completions in */
};

/* The ring of @ep once RING_SETUP published it, or NULL. */
static struct rdmarpc_ring *rdmarpc_ring_get(struct rdmarpc_ep *ep)
{
	/* Pairs with RING_SETUP's cmpxchg_release(): the ring is whole. */
	return smp_load_acquire(&ep->ring);
}

/* Completions the process has not read yet (at most the ring's size). */
static u32 rdmarpc_ring_cq_used(const struct rdmarpc_ring *r)
{
	u32 used = READ_ONCE(r->cq_tail) - READ_ONCE(r->hdr->cq_head);

	/* A process that moved cq_head past cq_tail sees a full ring. */
	return min(used, r->cq_mask + 1);
}

static u32 rdmarpc_ring_cq_room(const struct rdmarpc_ring *r)
{
	return r->cq_mask + 1 - rdmarpc_ring_cq_used(r);
}

/* Entries placed and not yet taken (at most the ring's size). */
static u32 rdmarpc_ring_sq_ready(const struct rdmarpc_ring *r)
{
	/* Pairs with the process's release store: the entries are there. */
	u32 ready = smp_load_acquire(&r->hdr->sq_tail) - READ_ONCE(r->sq_head);

	return min(ready, r->sq_mask + 1);
}

/* Post @comp; the caller checked for room, and publishes cq_tail. */
static void rdmarpc_ring_post(struct rdmarpc_ring *r,
			      const struct rdmarpc_completion *comp)
{
	lockdep_assert_held(&r->lock);
	r->cqes[r->cq_tail & r->cq_mask] = *comp;
	/* Read without the lock too (rdmarpc_ring_has_work()). */
	WRITE_ONCE(r->cq_tail, r->cq_tail + 1);
}

/* Take what the process placed; in the maker's mm. */
static u32 rdmarpc_ring_take_sqes(struct rdmarpc_ring *r)
{
	struct rdmarpc_sess_batch b = {};
	struct rdmarpc_completion comp;
	struct rdmarpc_call c;
	u32 n = 0, ready;
	int ret;

	lockdep_assert_held(&r->lock);
	ready = min(rdmarpc_ring_sq_ready(r), rdmarpc_ring_cq_room(r));
	while (n < ready) {
		/* Copied once: the process may write the slot meanwhile. */
		memcpy(&c, &r->sqes[r->sq_head & r->sq_mask], sizeof(c));
		WRITE_ONCE(r->sq_head, r->sq_head + 1);
		n++;
		ret = rdmarpc_ep_submit(r->ep, &c, &b, NULL, NULL);
		if (ret) {
			comp = (struct rdmarpc_completion) {
				.cookie = c.cookie,
				.error = ret,
			};
			rdmarpc_ring_post(r, &comp);
		}
	}
	if (n) {
		rdmarpc_ep_batch_end(&b);
		/* The slots are read: the process may reuse them. */
		smp_store_release(&r->hdr->sq_head, r->sq_head);
	}
	return n;
}

/* Move completed calls into the completion ring, as far as it has room. */
static u32 rdmarpc_ring_post_cqes(struct rdmarpc_ring *r)
{
	struct rdmarpc_completion comp;
	u32 n = 0, room = rdmarpc_ring_cq_room(r);

	while (n < room && rdmarpc_ep_reap_one(r->ep, &comp)) {
		rdmarpc_ring_post(r, &comp);
		n++;
	}
	return n;
}

static void rdmarpc_ring_publish(struct rdmarpc_ring *r)
{
	lockdep_assert_held(&r->lock);
	if (r->cq_published == r->cq_tail)
		return;
	r->cq_published = r->cq_tail;
	/* The completions are written before the process sees them. */
	smp_store_release(&r->hdr->cq_tail, r->cq_tail);
	if (wq_has_sleeper(&r->cq_wq))
		wake_up(&r->cq_wq);
}

/*
 * Take what was placed, move what completed, publish: the thread's work,
 * or RING_ENTER's, in the maker's mm.  How many entries it moved.
 */
static u32 rdmarpc_ring_work(struct rdmarpc_ring *r)
{
	u32 n;

	mutex_lock(&r->lock);
	n = rdmarpc_ring_take_sqes(r);
	n += rdmarpc_ring_post_cqes(r);
	rdmarpc_ring_publish(r);
	mutex_unlock(&r->lock);
	return n;
}

/* Work the thread could do now. */
static bool rdmarpc_ring_has_work(struct rdmarpc_ring *r)
{
	if (!rdmarpc_ring_cq_room(r))
		return false;
	return rdmarpc_ring_sq_ready(r) ||
	       !list_empty_careful(&r->ep->completions);
}

/*
 * Sleep until a call completes or the thread must stop (kthread_stop()
 * wakes it), with NEED_WAKEUP set meanwhile: what the process places then
 * its RING_ENTER takes.  The flag is set before the last look at the
 * rings, and the process stores sq_tail before it reads the flag: one of
 * the two sees the other.
 */
static void rdmarpc_ring_sleep(struct rdmarpc_ring *r)
{
	DEFINE_WAIT(done_wait);

	prepare_to_wait(&r->ep->call_wq, &done_wait, TASK_INTERRUPTIBLE);
	WRITE_ONCE(r->hdr->flags, RDMARPC_RING_NEED_WAKEUP);
	/* The flag before the look; the process: sq_tail before the flag. */
	smp_mb();
	if (!rdmarpc_ring_has_work(r) && !kthread_should_stop())
		schedule();
	finish_wait(&r->ep->call_wq, &done_wait);
	WRITE_ONCE(r->hdr->flags, 0);
}

/* Busy polling's condition: work to do, or the thread must stop. */
static bool rdmarpc_ring_wants(void *arg)
{
	return rdmarpc_ring_has_work(arg) || kthread_should_stop();
}

static int rdmarpc_ring_thread(void *arg)
{
	struct rdmarpc_ring *r = arg;
	bool attached = false;
	long left;
	u32 n;

	while (!kthread_should_stop()) {
		if (!attached) {
			/* The maker's address space is gone: wait for close. */
			if (!mmget_not_zero(r->mm)) {
				set_current_state(TASK_INTERRUPTIBLE);
				if (!kthread_should_stop())
					schedule();
				__set_current_state(TASK_RUNNING);
				continue;
			}
			kthread_use_mm(r->mm);
			attached = true;
		}
		n = rdmarpc_ring_work(r);
		if (n) {
			cond_resched();
			continue;
		}
		/*
		 * Nothing in flight: the process will place the next call
		 * soon, so spin for the endpoint's busy-poll time, as its
		 * waits do.  With calls in flight, sleep: their completions
		 * wake us, and the spin would take the CPU their softirq work
		 * and a polling process need.
		 */
		left = MAX_SCHEDULE_TIMEOUT;
		if (!READ_ONCE(r->ep->n_calls) &&
		    rdmarpc_ep_busy_poll(r->ep, rdmarpc_ring_wants, r, &left))
			continue;
		kthread_unuse_mm(r->mm);
		mmput(r->mm);
		attached = false;
		rdmarpc_ring_sleep(r);
	}
	if (attached) {
		kthread_unuse_mm(r->mm);
		mmput(r->mm);
	}
	return 0;
}

static void rdmarpc_ring_free(struct rdmarpc_ring *r)
{
	vfree(r->mem);
	mmdrop(r->mm);
	kfree(r);
}

int rdmarpc_ep_ring_setup(struct rdmarpc_ep *ep, struct rdmarpc_ring_setup *s)
{
	u32 sq = s->sq_entries, cq = s->cq_entries ?: 2 * s->sq_entries;
	size_t sq_off, cq_off, len;
	struct rdmarpc_ring *r;
	int ret;

	if ((s->flags & ~RDMARPC_RING_SETUP_ALL) ||
	    !is_power_of_2(sq) || sq > RDMARPC_RING_MAX_SQ ||
	    !is_power_of_2(cq) || cq < sq || cq > RDMARPC_RING_MAX_CQ)
		return -EINVAL;
	if (!current->mm)
		return -EPERM;
	if (rdmarpc_ring_get(ep))
		return -EBUSY;

	sq_off = ALIGN(sizeof(struct rdmarpc_ring_hdr), SMP_CACHE_BYTES);
	cq_off = ALIGN(sq_off + sq * sizeof(struct rdmarpc_call),
		       SMP_CACHE_BYTES);
	len = PAGE_ALIGN(cq_off + cq * sizeof(struct rdmarpc_completion));

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->mem = vmalloc_user(len);
	if (!r->mem) {
		ret = -ENOMEM;
		goto out_free;
	}
	r->ep = ep;
	r->map_len = len;
	r->hdr = r->mem;
	r->sqes = r->mem + sq_off;
	r->cqes = r->mem + cq_off;
	r->sq_mask = sq - 1;
	r->cq_mask = cq - 1;
	r->hdr->sq_entries = sq;
	r->hdr->cq_entries = cq;
	r->hdr->sq_off = sq_off;
	r->hdr->cq_off = cq_off;
	mutex_init(&r->lock);
	init_waitqueue_head(&r->cq_wq);
	r->mm = current->mm;
	mmgrab(r->mm);

	if (s->flags & RDMARPC_RING_SETUP_THREAD) {
		r->thread = kthread_create(rdmarpc_ring_thread, r,
					   "rdmarpc-ring/%d",
					   task_tgid_nr(current));
		if (IS_ERR(r->thread)) {
			ret = PTR_ERR(r->thread);
			goto out_mm;
		}
	} else {
		/* Nothing serves the rings but RING_ENTER. */
		r->hdr->flags = RDMARPC_RING_NEED_WAKEUP;
	}
	/* One ring per endpoint: a racing setup loses. */
	if (cmpxchg_release(&ep->ring, NULL, r)) {
		ret = -EBUSY;
		goto out_thread;
	}
	if (r->thread)
		wake_up_process(r->thread);
	s->map_len = len;
	return 0;

out_thread:
	if (r->thread)
		kthread_stop(r->thread);

out_mm:
	mmdrop(r->mm);
	vfree(r->mem);
out_free:
	kfree(r);
	return ret;
}

/* The ring of @ep, if the current process may use it. */
static struct rdmarpc_ring *rdmarpc_ring_mine(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ring *r = rdmarpc_ring_get(ep);

	if (!r)
		return ERR_PTR(-ENXIO);
	if (current->mm != r->mm)
		return ERR_PTR(-EPERM);
	return r;
}

int rdmarpc_ep_ring_mmap(struct rdmarpc_ep *ep, struct vm_area_struct *vma)
{
	struct rdmarpc_ring *r = rdmarpc_ring_mine(ep);

	if (IS_ERR(r))
		return PTR_ERR(r);
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > r->map_len)
		return -EINVAL;
	/* A child's copy would have the thread use the parent's memory. */
	vm_flags_set(vma, VM_DONTCOPY);
	return remap_vmalloc_range(vma, r->mem, 0);
}

static bool rdmarpc_ring_cq_ready(struct rdmarpc_ring *r, u32 min)
{
	/* Pairs with rdmarpc_ring_publish()'s release store. */
	return smp_load_acquire(&r->hdr->cq_tail) -
	       READ_ONCE(r->hdr->cq_head) >= min;
}

/* RING_ENTER's wait: @min completions there, or more to move there. */
struct rdmarpc_ring_wait {
	struct rdmarpc_ring *r;
	u32 min;
};

static bool rdmarpc_ring_enter_ready(void *arg)
{
	struct rdmarpc_ring_wait *w = arg;

	return rdmarpc_ring_cq_ready(w->r, w->min) ||
	       (rdmarpc_ring_cq_room(w->r) &&
		!list_empty_careful(&w->r->ep->completions));
}

/*
 * Sleep until rdmarpc_ring_enter_ready(), a signal or @left jiffies out;
 * what is left, or -ERESTARTSYS.  Both ways a completion can come matter:
 * onto the endpoint's list (ep->call_wq) and, moved there by the thread,
 * into the ring (cq_wq).
 */
static long rdmarpc_ring_enter_sleep(struct rdmarpc_ring_wait *w, long left)
{
	DEFINE_WAIT(call_wait);
	DEFINE_WAIT(cq_wait);

	for (;;) {
		prepare_to_wait(&w->r->ep->call_wq, &call_wait,
				TASK_INTERRUPTIBLE);
		prepare_to_wait(&w->r->cq_wq, &cq_wait, TASK_INTERRUPTIBLE);
		if (rdmarpc_ring_enter_ready(w) || !left)
			break;
		if (signal_pending(current)) {
			left = -ERESTARTSYS;
			break;
		}
		left = schedule_timeout(left);
	}
	finish_wait(&w->r->cq_wq, &cq_wait);
	finish_wait(&w->r->ep->call_wq, &call_wait);
	return left;
}

int rdmarpc_ep_ring_enter(struct rdmarpc_ep *ep,
			  const struct rdmarpc_ring_enter *e)
{
	struct rdmarpc_ring *r = rdmarpc_ring_mine(ep);
	struct rdmarpc_ring_wait w = { .r = r, .min = e->min_complete };
	long left;

	if (IS_ERR(r))
		return PTR_ERR(r);
	if (e->flags || w.min > r->cq_mask + 1)
		return -EINVAL;
	/* The caller is in the maker's mm (rdmarpc_ring_mine()). */
	rdmarpc_ring_work(r);
	if (!w.min || rdmarpc_ring_cq_ready(r, w.min))
		return 0;
	if (!e->timeout_ms)
		return -ETIMEDOUT;
	left = rdmarpc_ms_to_jiffies(e->timeout_ms);
	for (;;) {
		if (!rdmarpc_ep_busy_poll(ep, rdmarpc_ring_enter_ready, &w,
					  &left)) {
			left = rdmarpc_ring_enter_sleep(&w, left);
			if (left < 0)
				return rdmarpc_wait_eintr(e->timeout_ms);
		}
		rdmarpc_ring_work(r);
		if (rdmarpc_ring_cq_ready(r, w.min))
			return 0;
		if (!left)
			return -ETIMEDOUT;
	}
}

/* poll(): the completion ring has something to read. */
bool rdmarpc_ep_ring_poll(struct rdmarpc_ep *ep, struct file *file,
			  poll_table *wait)
{
	struct rdmarpc_ring *r = rdmarpc_ring_get(ep);

	if (!r)
		return false;
	poll_wait(file, &r->cq_wq, wait);
	return rdmarpc_ring_cq_ready(r, 1);
}

/* Close: the thread, if any, stops before the calls are cancelled. */
void rdmarpc_ep_ring_destroy(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ring *r = rdmarpc_ring_get(ep);

	if (!r)
		return;
	if (r->thread)
		kthread_stop(r->thread);
	WRITE_ONCE(ep->ring, NULL);
	rdmarpc_ring_free(r);
}
