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
 * list, RDMARPC_<list>_COUNTER(NAME, name, kind, help), and include this
 * file; it expands that list and undefines the macro.  NAME is the
 * attribute's (RDMARPC_*_A_<NAME>), name the counter's in rdmarpcctl's
 * text (with '-' for '_') and JSON and in librdmarpc's structs; kind is
 * COUNTER (only ever grows) or GAUGE (a level, up and down), help a
 * sentence saying what it counts (rdmarpcctl's Prometheus output carries
 * both).  Define the macro with "..." for the columns it does not use,
 * (NAME, name, ...): columns are only ever added at the end.  The
 * attribute numbers follow the order of the rows, after UNSPEC and PAD:
 * rows are only ever added at the end of a list.
 */

/* Per port, in RDMARPC_A_STATS of DEV_GET (enum rdmarpc_stat_attr). */
#ifdef RDMARPC_PORT_COUNTER
RDMARPC_PORT_COUNTER(TX_PACKETS, tx_packets, COUNTER,
		     "Datagrams posted for send.")
RDMARPC_PORT_COUNTER(TX_BYTES, tx_bytes, COUNTER,
		     "Payload bytes posted for send.")
RDMARPC_PORT_COUNTER(TX_ERRORS, tx_errors, COUNTER,
		     "Send completions with an error.")
RDMARPC_PORT_COUNTER(RX_PACKETS, rx_packets, COUNTER, "Datagrams received.")
RDMARPC_PORT_COUNTER(RX_BYTES, rx_bytes, COUNTER, "Payload bytes received.")
RDMARPC_PORT_COUNTER(RX_ERRORS, rx_errors, COUNTER,
		     "Receive completions with an error.")
RDMARPC_PORT_COUNTER(RX_DROPS, rx_drops, COUNTER,
		     "Datagrams received but malformed or unclaimed.")
RDMARPC_PORT_COUNTER(RECV_POSTED, recv_posted, GAUGE,
		     "Receive buffers posted now.")
RDMARPC_PORT_COUNTER(AH_CACHED, ah_cached, GAUGE,
		     "Address handles kept in the cache now.")
#undef RDMARPC_PORT_COUNTER
#endif

/*
 * Per session, in RDMARPC_A_STATS of SESSION_GET and PEER_GET (a peer's
 * are the sum over its sessions) (enum rdmarpc_sess_stat_attr).
 */
#ifdef RDMARPC_SESS_COUNTER
RDMARPC_SESS_COUNTER(TX_PACKETS, tx_packets, COUNTER,
		     "Packets sent, retransmissions included.")
RDMARPC_SESS_COUNTER(TX_BYTES, tx_bytes, COUNTER,
		     "Bytes of the packets sent, headers included.")
RDMARPC_SESS_COUNTER(RX_PACKETS, rx_packets, COUNTER, "Packets received.")
RDMARPC_SESS_COUNTER(RX_BYTES, rx_bytes, COUNTER,
		     "Bytes of the packets received, headers included.")
RDMARPC_SESS_COUNTER(RETRANSMITS, retransmits, COUNTER, "Packets sent again.")
RDMARPC_SESS_COUNTER(RTO_FIRES, rto_fires, COUNTER,
		     "Retransmission timeouts that fired.")
RDMARPC_SESS_COUNTER(CRC_DROPS, crc_drops, COUNTER,
		     "Datagrams dropped for a bad CRC, or without one on a session that needs it.")
RDMARPC_SESS_COUNTER(RX_DROPS, rx_drops, COUNTER,
		     "Packets dropped: stale, or no memory for them.")
RDMARPC_SESS_COUNTER(DUP_PACKETS, dup_packets, COUNTER,
		     "Packets received more than once.")
RDMARPC_SESS_COUNTER(DUP_REQUESTS, dup_requests, COUNTER,
		     "Server: requests received again, not run again.")
RDMARPC_SESS_COUNTER(CREDIT_STALLS, credit_stalls, COUNTER,
		     "Sends that waited for the peer's credits.")
RDMARPC_SESS_COUNTER(CALLS_OK, calls_ok, COUNTER,
		     "Client: calls completed without error.")
RDMARPC_SESS_COUNTER(CALLS_FAILED, calls_failed, COUNTER,
		     "Client: calls completed with an error.")
RDMARPC_SESS_COUNTER(REQUESTS, requests, COUNTER, "Server: requests received.")
RDMARPC_SESS_COUNTER(CANCELS, cancels, COUNTER,
		     "Server: requests in progress the caller gave up on (CANCEL).")
RDMARPC_SESS_COUNTER(SPURIOUS_RTOS, spurious_rtos, COUNTER,
		     "Client: timeouts the server showed spurious; each cut's window given back.")
RDMARPC_SESS_COUNTER(TX_PACKED, tx_packed, COUNTER,
		     "Packets that went in a datagram behind another of the session's.")
#undef RDMARPC_SESS_COUNTER
#endif

/* The TCP handshake, in RDMARPC_A_HS_STATS (enum rdmarpc_hs_stat_attr). */
#ifdef RDMARPC_HS_COUNTER
RDMARPC_HS_COUNTER(ACCEPTED, accepted, COUNTER, "Inbound sessions set up.")
RDMARPC_HS_COUNTER(REFUSED, refused, COUNTER, "Inbound connections refused.")
RDMARPC_HS_COUNTER(CONNECTED, connected, COUNTER, "Outbound sessions set up.")
RDMARPC_HS_COUNTER(FAILED, failed, COUNTER, "Outbound attempts that failed.")
RDMARPC_HS_COUNTER(DEAD, dead, COUNTER,
		   "Sessions whose liveness connection closed, was reset or timed out.")
RDMARPC_HS_COUNTER(PENDING_FULL, pending_full, COUNTER,
		   "Inbound connections closed at once: too many handshakes pending.")
RDMARPC_HS_COUNTER(HOST_LIMIT, host_limit, COUNTER,
		   "Hellos refused over sessions_per_host (also in refused).")
RDMARPC_HS_COUNTER(IDLE_CLOSED, idle_closed, COUNTER,
		   "Inbound sessions closed after idle_timeout_ms without a call.")
RDMARPC_HS_COUNTER(ADDR_REFUSED, addr_refused, COUNTER,
		   "Hellos whose GID is not the TCP peer's address (also in refused).")
RDMARPC_HS_COUNTER(CAPACITY, capacity, COUNTER,
		   "Hellos refused: no receive capacity left for a session (also in refused).")
#undef RDMARPC_HS_COUNTER
#endif

/*
 * Fault injection and stray datagrams, in RDMARPC_A_FAULT_STATS
 * (enum rdmarpc_fault_stat_attr).
 */
#ifdef RDMARPC_FAULT_COUNTER
RDMARPC_FAULT_COUNTER(TX_DROP, tx_drop, COUNTER,
		      "Datagrams not sent (fault_tx_drop).")
RDMARPC_FAULT_COUNTER(RX_DROP, rx_drop, COUNTER,
		      "Datagrams received and ignored (fault_rx_drop).")
RDMARPC_FAULT_COUNTER(DUPLICATE, duplicate, COUNTER,
		      "Datagrams sent twice (fault_duplicate).")
RDMARPC_FAULT_COUNTER(REORDER, reorder, COUNTER,
		      "Datagrams held back one (fault_reorder).")
RDMARPC_FAULT_COUNTER(CORRUPT, corrupt, COUNTER,
		      "Datagrams with a bit flipped (fault_corrupt).")
RDMARPC_FAULT_COUNTER(UNKNOWN, unknown, COUNTER,
		      "Datagrams for no session, or with a wrong tag.")
RDMARPC_FAULT_COUNTER(WRONG_SRC, wrong_src, COUNTER,
		      "Datagrams for a session, but not from its peer's QPN and GID.")
#undef RDMARPC_FAULT_COUNTER
#endif

/*
 * The /dev/rdmarpc endpoints, in RDMARPC_A_RPC_STATS
 * (enum rdmarpc_rpc_stat_attr).
 */
#ifdef RDMARPC_RPC_COUNTER
RDMARPC_RPC_COUNTER(ENDPOINTS, endpoints, GAUGE,
		    "Endpoints (open /dev/rdmarpc files) now.")
RDMARPC_RPC_COUNTER(CALLS, calls, COUNTER, "Calls started.")
RDMARPC_RPC_COUNTER(CALLS_FAILED, calls_failed, COUNTER,
		    "Calls completed with an error.")
RDMARPC_RPC_COUNTER(CANCELS, cancels, COUNTER, "Cancellations passed on.")
RDMARPC_RPC_COUNTER(REQUESTS, requests, COUNTER,
		    "Requests delivered to an endpoint.")
RDMARPC_RPC_COUNTER(REQUESTS_UNSERVED, requests_unserved, COUNTER,
		    "Requests for a method no endpoint serves.")
RDMARPC_RPC_COUNTER(REQUESTS_DROPPED, requests_dropped, COUNTER,
		    "Requests dropped: over an endpoint's limits, or no memory.")
RDMARPC_RPC_COUNTER(REQUESTS_ABORTED, requests_aborted, COUNTER,
		    "Requests answered -ECONNABORTED: their endpoint closed.")
RDMARPC_RPC_COUNTER(REPLIES, replies, COUNTER, "Replies sent by endpoints.")
RDMARPC_RPC_COUNTER(MEM_USED, mem_used, GAUGE, "Message bytes held now.")
RDMARPC_RPC_COUNTER(MEM_REFUSED, mem_refused, COUNTER,
		    "Requests and replies refused over mem_budget_mb (-ENOSPC).")
RDMARPC_RPC_COUNTER(REQUESTS_EXPIRED, requests_expired, COUNTER,
		    "Requests answered DEADLINE_EXCEEDED: past their deadline when taken.")
RDMARPC_RPC_COUNTER(REQUESTS_CANCELLED, requests_cancelled, COUNTER,
		    "Requests whose caller gave up: dropped, or flagged for the handler.")
RDMARPC_RPC_COUNTER(IDEM_ENTRIES, idem_entries, GAUGE,
		    "Idempotency keys remembered now, running or answered.")
RDMARPC_RPC_COUNTER(IDEM_BYTES, idem_bytes, GAUGE,
		    "Bytes the idempotency keys hold now, answers included (within idem_max_mb).")
RDMARPC_RPC_COUNTER(IDEM_HITS, idem_hits, COUNTER,
		    "Calls with a key answered from the cache, no handler run.")
RDMARPC_RPC_COUNTER(IDEM_JOINS, idem_joins, COUNTER,
		    "Calls with a key that waited for the same key's running call.")
RDMARPC_RPC_COUNTER(IDEM_MISSES, idem_misses, COUNTER,
		    "Calls with a key seen for the first time: handed to a handler.")
RDMARPC_RPC_COUNTER(IDEM_EVICTIONS, idem_evictions, COUNTER,
		    "Answers let go to make room (idem_max_entries, idem_max_mb).")
RDMARPC_RPC_COUNTER(IDEM_EXPIRED, idem_expired, COUNTER,
		    "Answers let go after idem_ttl_ms.")
RDMARPC_RPC_COUNTER(IDEM_UNCACHED, idem_uncached, COUNTER,
		    "Calls with a key handled as if they had none: no room, memory or cache.")
#undef RDMARPC_RPC_COUNTER
#endif
