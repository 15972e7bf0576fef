/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rdmarpc: the counters of the ABI, one list per nest of u64 counters.
 *
 * The one place where a counter's attribute and name are written.
 * rdmarpc.h makes the attribute enums from these lists; the module, the
 * library and rdmarpcctl make their tables from them (what the module
 * sends, where the library puts each counter, what the tool prints).
 *
 * Included more than once, with no include guard: define the macro of a
 * list, RDMARPC_<list>_COUNTER(NAME, name), and include this file; it
 * expands that list and undefines the macro.  NAME is the attribute's
 * (RDMARPC_*_A_<NAME>), name the counter's in rdmarpcctl's text (with '-'
 * for '_') and JSON and in librdmarpc's structs.  The attribute numbers
 * follow the order of the rows, after UNSPEC and PAD: rows are only ever
 * added at the end of a list.
 */

/* Per port, in RDMARPC_A_STATS of DEV_GET (enum rdmarpc_stat_attr). */
#ifdef RDMARPC_PORT_COUNTER
/* Datagrams posted for send. */
RDMARPC_PORT_COUNTER(TX_PACKETS, tx_packets)
/* Payload bytes posted for send. */
RDMARPC_PORT_COUNTER(TX_BYTES, tx_bytes)
/* Send completions with an error. */
RDMARPC_PORT_COUNTER(TX_ERRORS, tx_errors)
/* Datagrams received. */
RDMARPC_PORT_COUNTER(RX_PACKETS, rx_packets)
/* Payload bytes received. */
RDMARPC_PORT_COUNTER(RX_BYTES, rx_bytes)
/* Receive completions with an error. */
RDMARPC_PORT_COUNTER(RX_ERRORS, rx_errors)
/* Received but malformed or unclaimed. */
RDMARPC_PORT_COUNTER(RX_DROPS, rx_drops)
/* Receive buffers posted right now (a gauge). */
RDMARPC_PORT_COUNTER(RECV_POSTED, recv_posted)
/* Address handles kept in the cache (a gauge). */
RDMARPC_PORT_COUNTER(AH_CACHED, ah_cached)
#undef RDMARPC_PORT_COUNTER
#endif

/*
 * Per session, in RDMARPC_A_STATS of SESSION_GET and PEER_GET (a peer's
 * are the sum over its sessions) (enum rdmarpc_sess_stat_attr).
 */
#ifdef RDMARPC_SESS_COUNTER
RDMARPC_SESS_COUNTER(TX_PACKETS, tx_packets)
RDMARPC_SESS_COUNTER(TX_BYTES, tx_bytes)
RDMARPC_SESS_COUNTER(RX_PACKETS, rx_packets)
RDMARPC_SESS_COUNTER(RX_BYTES, rx_bytes)
RDMARPC_SESS_COUNTER(RETRANSMITS, retransmits)
RDMARPC_SESS_COUNTER(RTO_FIRES, rto_fires)
RDMARPC_SESS_COUNTER(CRC_DROPS, crc_drops)
RDMARPC_SESS_COUNTER(RX_DROPS, rx_drops)
RDMARPC_SESS_COUNTER(DUP_PACKETS, dup_packets)
RDMARPC_SESS_COUNTER(DUP_REQUESTS, dup_requests)
RDMARPC_SESS_COUNTER(CREDIT_STALLS, credit_stalls)
RDMARPC_SESS_COUNTER(CALLS_OK, calls_ok)
RDMARPC_SESS_COUNTER(CALLS_FAILED, calls_failed)
RDMARPC_SESS_COUNTER(REQUESTS, requests)
/* Server: the caller gave up on a request in progress (CANCEL). */
RDMARPC_SESS_COUNTER(CANCELS, cancels)
/*
 * Client: timeouts the server showed spurious (it had the packet they
 * resent); the window each cut is given back.
 */
RDMARPC_SESS_COUNTER(SPURIOUS_RTOS, spurious_rtos)
/* Packets that went in a datagram behind another of the session's. */
RDMARPC_SESS_COUNTER(TX_PACKED, tx_packed)
#undef RDMARPC_SESS_COUNTER
#endif

/* The TCP handshake, in RDMARPC_A_HS_STATS (enum rdmarpc_hs_stat_attr). */
#ifdef RDMARPC_HS_COUNTER
/* Inbound sessions set up. */
RDMARPC_HS_COUNTER(ACCEPTED, accepted)
/* Inbound connections refused. */
RDMARPC_HS_COUNTER(REFUSED, refused)
/* Outbound sessions set up. */
RDMARPC_HS_COUNTER(CONNECTED, connected)
/* Outbound attempts that failed. */
RDMARPC_HS_COUNTER(FAILED, failed)
/* Liveness: closed, reset, timed out. */
RDMARPC_HS_COUNTER(DEAD, dead)
/* Closed at once: handshakes full. */
RDMARPC_HS_COUNTER(PENDING_FULL, pending_full)
/* Refused: sessions_per_host. */
RDMARPC_HS_COUNTER(HOST_LIMIT, host_limit)
/* Inbound closed: idle_timeout_ms. */
RDMARPC_HS_COUNTER(IDLE_CLOSED, idle_closed)
/* Hellos whose GID is not the TCP peer's address (also in REFUSED). */
RDMARPC_HS_COUNTER(ADDR_REFUSED, addr_refused)
/* Refused: no receive capacity left for another session (also in REFUSED). */
RDMARPC_HS_COUNTER(CAPACITY, capacity)
#undef RDMARPC_HS_COUNTER
#endif

/*
 * Fault injection and stray datagrams, in RDMARPC_A_FAULT_STATS
 * (enum rdmarpc_fault_stat_attr).
 */
#ifdef RDMARPC_FAULT_COUNTER
/* Datagrams not sent (fault_tx_drop). */
RDMARPC_FAULT_COUNTER(TX_DROP, tx_drop)
/* Received and ignored (fault_rx_drop). */
RDMARPC_FAULT_COUNTER(RX_DROP, rx_drop)
/* Sent twice (fault_duplicate). */
RDMARPC_FAULT_COUNTER(DUPLICATE, duplicate)
/* Held back one (fault_reorder). */
RDMARPC_FAULT_COUNTER(REORDER, reorder)
/* A bit flipped (fault_corrupt). */
RDMARPC_FAULT_COUNTER(CORRUPT, corrupt)
/* For no session, or a wrong tag. */
RDMARPC_FAULT_COUNTER(UNKNOWN, unknown)
/* For a session, but not from its peer's QPN and GID. */
RDMARPC_FAULT_COUNTER(WRONG_SRC, wrong_src)
#undef RDMARPC_FAULT_COUNTER
#endif

/*
 * The /dev/rdmarpc endpoints, in RDMARPC_A_RPC_STATS
 * (enum rdmarpc_rpc_stat_attr).
 */
#ifdef RDMARPC_RPC_COUNTER
/* Open right now (a gauge). */
RDMARPC_RPC_COUNTER(ENDPOINTS, endpoints)
/* Calls started. */
RDMARPC_RPC_COUNTER(CALLS, calls)
/* Calls completed with an error. */
RDMARPC_RPC_COUNTER(CALLS_FAILED, calls_failed)
/* Cancellations passed on. */
RDMARPC_RPC_COUNTER(CANCELS, cancels)
/* Requests delivered to an endpoint. */
RDMARPC_RPC_COUNTER(REQUESTS, requests)
/* No endpoint serves the method. */
RDMARPC_RPC_COUNTER(REQUESTS_UNSERVED, requests_unserved)
/* Over limits, or no memory. */
RDMARPC_RPC_COUNTER(REQUESTS_DROPPED, requests_dropped)
/* Answered -ECONNABORTED at close. */
RDMARPC_RPC_COUNTER(REQUESTS_ABORTED, requests_aborted)
/* Replies sent by endpoints. */
RDMARPC_RPC_COUNTER(REPLIES, replies)
/* Message bytes held (a gauge). */
RDMARPC_RPC_COUNTER(MEM_USED, mem_used)
/* Over mem_budget_mb: -ENOSPC. */
RDMARPC_RPC_COUNTER(MEM_REFUSED, mem_refused)
/* Answered DEADLINE_EXCEEDED: the caller's deadline passed before a handler took them. */
RDMARPC_RPC_COUNTER(REQUESTS_EXPIRED, requests_expired)
/* Their caller gave up: dropped before a handler took them, or flagged for it. */
RDMARPC_RPC_COUNTER(REQUESTS_CANCELLED, requests_cancelled)
/* Idempotency keys remembered now, running or answered (a gauge). */
RDMARPC_RPC_COUNTER(IDEM_ENTRIES, idem_entries)
/* Bytes they hold, answers included (a gauge; within idem_max_mb). */
RDMARPC_RPC_COUNTER(IDEM_BYTES, idem_bytes)
/* Calls with a key answered from the cache, no handler run. */
RDMARPC_RPC_COUNTER(IDEM_HITS, idem_hits)
/* Calls with a key that waited for the same key's running call. */
RDMARPC_RPC_COUNTER(IDEM_JOINS, idem_joins)
/* Calls with a key seen for the first time: handed to a handler. */
RDMARPC_RPC_COUNTER(IDEM_MISSES, idem_misses)
/* Answers let go to make room (idem_max_entries, idem_max_mb). */
RDMARPC_RPC_COUNTER(IDEM_EVICTIONS, idem_evictions)
/* Answers let go after idem_ttl_ms. */
RDMARPC_RPC_COUNTER(IDEM_EXPIRED, idem_expired)
/* Calls with a key handled as if they had none: no room, memory or cache. */
RDMARPC_RPC_COUNTER(IDEM_UNCACHED, idem_uncached)
#undef RDMARPC_RPC_COUNTER
#endif
