/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the module parameters (their table is uapi/rdmarpc_params.h).
 */
#ifndef _RDMARPC_PARAMS_H
#define _RDMARPC_PARAMS_H

#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/types.h>

#include "uapi/rdmarpc.h"

/*
 * Module parameters, also settable through RDMARPC_CMD_PARAM_SET (but
 * tcp_port: see rdmarpc_param_fixed()).  Written under rdmarpc_lock with
 * WRITE_ONCE() (rdmarpc_param_write()); read with READ_ONCE() (or under
 * the lock when several must agree).
 */
extern unsigned int rdmarpc_recv_depth;
extern unsigned int rdmarpc_send_depth;
extern int rdmarpc_gid_index;
extern unsigned short rdmarpc_tcp_port;
extern bool rdmarpc_crc;
extern unsigned int rdmarpc_cc;		/* enum rdmarpc_cc */
extern unsigned int rdmarpc_call_timeout_ms;
extern unsigned int rdmarpc_rto_min_us;
extern unsigned int rdmarpc_rto_max_us;
extern unsigned int rdmarpc_max_retries;
extern unsigned int rdmarpc_heartbeat_ms;
/* Admission of inbound sessions: limits per client host and overall. */
extern unsigned int rdmarpc_mem_budget_mb;
extern unsigned int rdmarpc_sessions_per_host;
extern unsigned int rdmarpc_idle_timeout_ms;
extern unsigned int rdmarpc_hs_pending_max;
extern unsigned int rdmarpc_hs_pending_per_host;
extern unsigned int rdmarpc_credit_overcommit;
/* Idempotency keys (idem.c). */
extern unsigned int rdmarpc_idem_max_entries;
extern unsigned int rdmarpc_idem_max_mb;
extern unsigned int rdmarpc_idem_ttl_ms;
/* Fault injection, parts per million, 0: off. */
extern unsigned int rdmarpc_fault_tx_drop;
extern unsigned int rdmarpc_fault_rx_drop;
extern unsigned int rdmarpc_fault_duplicate;
extern unsigned int rdmarpc_fault_reorder;
extern unsigned int rdmarpc_fault_corrupt;

/*
 * Debug knobs: a delay, in ms, at a point where a race can happen, so that
 * a selftest can make it happen every time; 0: none.  A file declares one
 * with RDMARPC_DBG_DELAY(name, max, description) and waits it out with
 * rdmarpc_dbg_delay(&rdmarpc_dbg_<name>).  The module parameter
 * dbg_<name> (written through sysfs, range-checked) exists in debug
 * builds (DEBUG) only; elsewhere the wait compiles to nothing.
 */
struct rdmarpc_dbg_delay {
	unsigned int ms;	/* READ_ONCE: sysfs writes it at any time */
	unsigned int max;	/* the largest value a write may set */
};

#define RDMARPC_DBG_DELAY_MAX		30000

#ifdef DEBUG
extern const struct kernel_param_ops rdmarpc_dbg_delay_ops;

/*
 * Sleeps where it may, else spins: a knob reached from atomic context has
 * a small @max.
 */
void rdmarpc_dbg_delay(struct rdmarpc_dbg_delay *knob);

#define RDMARPC_DBG_DELAY(name, limit, desc)				\
	static struct rdmarpc_dbg_delay rdmarpc_dbg_##name = {		\
		.max = (limit),						\
	};								\
	module_param_cb(dbg_##name, &rdmarpc_dbg_delay_ops,		\
			&rdmarpc_dbg_##name, 0600);			\
	MODULE_PARM_DESC(dbg_##name, "Debug: " desc " (ms; 0.." __stringify(limit) ")")
#else
static inline void rdmarpc_dbg_delay(struct rdmarpc_dbg_delay *knob)
{
}

/* Still typed and checked, so that both builds see the same declarations. */
#define RDMARPC_DBG_DELAY(name, limit, desc)				\
	static struct rdmarpc_dbg_delay rdmarpc_dbg_##name __maybe_unused = { \
		.max = (limit),						\
	};								\
	static_assert(sizeof(desc) > 1)
#endif

/* A parameter of the table, as the code that reads and writes it sees it. */
struct rdmarpc_param {
	void *var;			/* rdmarpc_<name> */
	const char *range_msg;		/* "<name> must be within <min>..<max>" */
	s64 min;
	s64 max;
	bool zero_off;			/* 0 is taken too (off) */
	u8 type;			/* enum rdmarpc_param_type */
	u16 attr;			/* RDMARPC_PARAM_A_* */
};

/* Every parameter of the table by its netlink attribute. */
extern const struct rdmarpc_param *const
	rdmarpc_params[RDMARPC_PARAM_A_MAX + 1];

/* @v is in @p's range, or 0 where 0 turns @p's feature off. */
bool rdmarpc_param_valid(const struct rdmarpc_param *p, s64 v);
/* @p's value, READ_ONCE(). */
s64 rdmarpc_param_read(const struct rdmarpc_param *p);
/* Set @p to a valid @v, under rdmarpc_lock. */
void rdmarpc_param_write(const struct rdmarpc_param *p, s64 v);
/*
 * PARAM_SET: NULL if @p may be set to @v at run time, else why not.
 * tcp_port is the port the handshake listener was bound to at load: it
 * keeps that value (and takes it again, so that a PARAM_GET reply can be
 * sent back as is; its sysfs file is read-only).  rdmarpc_lock held.
 */
const char *rdmarpc_param_fixed(const struct rdmarpc_param *p, s64 v);

/*
 * The rules between parameters: NULL if these values keep them, else
 * what is wrong.
 */
const char *rdmarpc_params_conflict(u32 rto_min_us, u32 rto_max_us);

/* Module init, first: checks the rules between the values given at load. */
int rdmarpc_params_init(void);

#endif /* _RDMARPC_PARAMS_H */
