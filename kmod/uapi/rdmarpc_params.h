/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rdmarpc: the module parameters, one row each.
 *
 * The one place where a parameter's attribute, name, type, sysfs mode,
 * default, range and description are written.  rdmarpc.h makes
 * enum rdmarpc_param_attr from it.  The module makes from it the
 * variables, their files in /sys/module/rdmarpc/parameters with the range
 * check of every value given at load or written there, their modinfo text,
 * and what netlink's PARAM_GET and PARAM_SET need, their range check and
 * error message included.  librdmarpc makes from it where each parameter
 * goes in struct rdmarpc_params, whose fields are the rows' names;
 * rdmarpcctl its table of the names, forms and ranges it shows and takes.
 *
 * Included more than once, with no include guard, after rdmarpc.h (which
 * has the macros the ranges name): define
 * RDMARPC_PARAM(ATTR, name, type, mode, def, min, max, zero_off, desc)
 * and include this file; it expands the rows and undefines the macro.
 *   ATTR      the attribute, RDMARPC_PARAM_A_<ATTR>.  The attribute
 *             numbers follow the order of the rows, after UNSPEC: rows are
 *             only ever added at the end
 *   name      the parameter's, in sysfs, modinfo, rdmarpcctl and
 *             struct rdmarpc_params; the module's variable is rdmarpc_<name>
 *   type      U32, S32, U16 or BOOL: RDMARPC_PARAM_<type> of
 *             enum rdmarpc_param_type, which gives the attribute's type
 *   mode      of its sysfs file
 *   def       the default
 *   min, max  the range: numbers, or macros of one (modinfo and the error
 *             messages print them).  0..RDMARPC_PPM is a probability in
 *             parts per million
 *   zero_off  true if 0 is taken too, outside the range: it turns the
 *             feature off (true and false as <stdbool.h> has them)
 *   desc      what it is, with its unit; modinfo adds range and default
 *
 * What must hold between parameters (rto_min_us <= rto_max_us) is checked
 * by the module on every change (-EINVAL).
 */
#ifdef RDMARPC_PARAM
RDMARPC_PARAM(RECV_DEPTH, recv_depth, U32, 0444, 256, 16, 8192, false,
	      "Receive buffers per port")
RDMARPC_PARAM(SEND_DEPTH, send_depth, U32, 0444, 256, 16, 8192, false,
	      "Send buffers per port")
RDMARPC_PARAM(GID_INDEX, gid_index, S32, 0444, -1, -1, 1023, false,
	      "Source GID index, -1: automatic")
/* Set at load only: PARAM_SET refuses a new value (-EBUSY). */
RDMARPC_PARAM(TCP_PORT, tcp_port, U16, 0444, 18515, 1, 65535, false,
	      "Handshake TCP port")
RDMARPC_PARAM(CRC, crc, BOOL, 0644, 1, 0, 1, false,
	      "CRC32C on new sessions")
RDMARPC_PARAM(CALL_TIMEOUT_MS, call_timeout_ms, U32, 0644, 30000, 1, 3600000,
	      false, "Default call timeout in ms")
RDMARPC_PARAM(RTO_MIN_US, rto_min_us, U32, 0644, 5000, 10, 60000000, false,
	      "Retransmission timeout floor in us, at most rto_max_us")
RDMARPC_PARAM(RTO_MAX_US, rto_max_us, U32, 0644, 500000, 10, 60000000, false,
	      "Retransmission timeout ceiling in us")
RDMARPC_PARAM(MAX_RETRIES, max_retries, U32, 0644, 10, 1, 1000, false,
	      "Timeouts in a row, with nothing from the peer for 3 heartbeats, before a call fails")
RDMARPC_PARAM(HEARTBEAT_MS, heartbeat_ms, U32, 0644, 1000, 10, 600000, true,
	      "Liveness heartbeat period in ms, 0: off")
/* Fault injection, admin only, parts per million, 0: off. */
RDMARPC_PARAM(FAULT_TX_DROP, fault_tx_drop, U32, 0600, 0, 0, RDMARPC_PPM,
	      false, "Drop sent datagrams, in ppm")
RDMARPC_PARAM(FAULT_RX_DROP, fault_rx_drop, U32, 0600, 0, 0, RDMARPC_PPM,
	      false, "Drop received datagrams, in ppm")
RDMARPC_PARAM(FAULT_DUPLICATE, fault_duplicate, U32, 0600, 0, 0, RDMARPC_PPM,
	      false, "Send datagrams twice, in ppm")
RDMARPC_PARAM(FAULT_REORDER, fault_reorder, U32, 0600, 0, 0, RDMARPC_PPM,
	      false, "Hold a datagram back behind the next, in ppm")
RDMARPC_PARAM(FAULT_CORRUPT, fault_corrupt, U32, 0600, 0, 0, RDMARPC_PPM,
	      false, "Flip a bit after the CRC, in ppm")
/* Admission of inbound sessions: limits per client host and overall. */
RDMARPC_PARAM(MEM_BUDGET_MB, mem_budget_mb, U32, 0644, 256, 1, 1048576, false,
	      "Memory for requests being received or handled and stored responses, all inbound sessions, in MiB; over it a request fails with ENOSPC"
	      )
RDMARPC_PARAM(SESSIONS_PER_HOST, sessions_per_host, U32, 0644, 16, 1, 4096,
	      false, "Inbound sessions per client IPv4 address")
RDMARPC_PARAM(IDLE_TIMEOUT_MS, idle_timeout_ms, U32, 0644, 600000, 100,
	      86400000, true,
	      "Close an inbound session with no call for this long, in ms (heartbeats do not count), 0: off"
	      )
RDMARPC_PARAM(HS_PENDING_MAX, hs_pending_max, U32, 0644, 64, 1,
	      RDMARPC_HS_PENDING_LIMIT, false,
	      "Inbound handshakes in progress at once; more connections are closed at once")
RDMARPC_PARAM(HS_PENDING_PER_HOST, hs_pending_per_host, U32, 0644, 8, 1,
	      RDMARPC_HS_PENDING_LIMIT, false,
	      "Inbound handshakes in progress per client IPv4 address")
/* Idempotency keys: the answers kept for retries (RDMARPC_CALL_F_KEY). */
RDMARPC_PARAM(IDEM_MAX_ENTRIES, idem_max_entries, U32, 0644, 4096, 1,
	      RDMARPC_IDEM_ENTRIES_LIMIT, false,
	      "Idempotency keys remembered, all client hosts; the oldest answers go first")
RDMARPC_PARAM(IDEM_MAX_MB, idem_max_mb, U32, 0644, 64, 1, 1048576, false,
	      "Memory of the idempotency keys remembered and their answers, in MiB (also counted in mem_budget_mb)"
	      )
RDMARPC_PARAM(IDEM_TTL_MS, idem_ttl_ms, U32, 0644, 60000, 10, 86400000, true,
	      "How long the answer to a call with an idempotency key is kept for its retries, in ms, 0: off"
	      )
/* enum rdmarpc_cc (max RDMARPC_CC_MAX); a peer's RDMARPC_A_PEER_CC wins. */
RDMARPC_PARAM(CC, cc, U32, 0644, 0, 0, 1, false,
	      "Congestion control of new client sessions: 0 AIMD, 1 delay-based")
/* Admission: how far credits may outnumber a port's receive buffers. */
RDMARPC_PARAM(CREDIT_OVERCOMMIT, credit_overcommit, U32, 0644, 1, 1,
	      RDMARPC_OVERCOMMIT_LIMIT, false,
	      "How many times its recv_depth the credits granted to a port's inbound sessions may add up to; above 1, sessions sending at once can overrun the receive ring (what is lost is resent)"
	      )
#undef RDMARPC_PARAM
#endif
