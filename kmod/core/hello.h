/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handshake's messages, as they travel on the TCP connection that opens
 * a session and then stays up as its liveness channel.
 *
 * Every message is a frame: a 12-byte little-endian header followed by a
 * body whose size the header gives (the whole frame is at most
 * RR_HELLO_FRAME_MAX bytes, so a reader never buffers more):
 *
 *  off size field
 *    0    4 magic     RR_HELLO_MAGIC
 *    4    2 version   RR_HELLO_VERSION
 *    6    1 type      enum rr_hello_type
 *    7    1 zero
 *    8    4 length    of the whole frame, header included
 *
 * HELLO (client -> server) and ACCEPT (server -> client) carry a struct
 * rr_hello body of exactly RR_HELLO_BODY_LEN bytes:
 *
 *    0   16 gid       the sender's source GID, network order
 *   16    2 lid       0 on RoCE
 *   18    2 zero
 *   20    4 qpn       the sender's UD QP
 *   24    4 qkey
 *   28    4 mtu       datagram bytes the sender's port carries (header incl.)
 *   32    4 sess      the sender's session id for this session
 *   36    4 tag       ... and its random tag
 *   40    4 credits   HELLO: wanted; ACCEPT: granted (packets in flight)
 *   44    4 slots     concurrent calls (power of two)
 *   48    4 max_msg   largest message the sender accepts
 *   52    4 flags     RR_HELLO_F_*
 *   56   32 nonce     random, for the proof
 *   88   32 proof     RR_HELLO_F_AUTH: HMAC-SHA256 over the transcript
 *
 * REFUSE (server -> client): a 4-byte code (enum rr_hello_refusal) and a
 * reason, 1..RR_HELLO_REASON_MAX bytes of printable ASCII, no NUL.  AUTH
 * (client -> server, after ACCEPT when a key is used): 32 bytes of proof.
 * HEARTBEAT (both ways): no body.
 *
 * The proofs (handshake.c) are HMAC-SHA256(key, transcript), the
 * transcript being rr_hello_transcript(): a role byte ('S' in the ACCEPT,
 * 'C' in the AUTH), then the HELLO's body and the ACCEPT's body as sent,
 * proof fields zeroed.  So every field either side sent (GID, LID, QPN,
 * QKey, MTU, session ids and tags, credits, slots, message limit, flags,
 * nonces) is authenticated: a man in the middle who rewrites any of them
 * makes the proof fail.  Version 1 covered only the role and the nonces.
 * Each version announces the datagrams of one wire version (3 those of
 * version 2, with a request's deadline and key and CANCEL; 6 those of
 * version 5, sealed by one CRC each; 7 those of version 6, whose later
 * packets have a 20-byte header): a peer of another version is refused
 * at the handshake, never left to drop every datagram of a session it
 * believes is up.
 *
 * The decoder checks everything that needs no local context and never reads
 * past its input; rr_hello_check() judges the values.
 */
#ifndef RR_CORE_HELLO_H
#define RR_CORE_HELLO_H

#include "compat.h"

#define RR_HELLO_MAGIC		0x48524452u	/* "RDRH" */
#define RR_HELLO_VERSION	7
#define RR_HELLO_HDR_LEN	12
#define RR_HELLO_BODY_LEN	120
#define RR_HELLO_REFUSE_CODE_LEN	4
#define RR_HELLO_REASON_MAX	116
#define RR_HELLO_PROOF_LEN	32
#define RR_HELLO_NONCE_LEN	32
#define RR_HELLO_FRAME_MAX	(RR_HELLO_HDR_LEN + RR_HELLO_BODY_LEN)
/* Role byte, then the two bodies. */
#define RR_HELLO_TRANSCRIPT_LEN	(1 + 2 * RR_HELLO_BODY_LEN)

enum rr_hello_type {
	RR_HELLO_T_HELLO = 1,
	RR_HELLO_T_ACCEPT,
	RR_HELLO_T_REFUSE,
	RR_HELLO_T_AUTH,
	RR_HELLO_T_HEARTBEAT,
	RR_HELLO_T_END,
};

/* Why a server refused (REFUSE's code); unknown codes mean OTHER. */
enum rr_hello_refusal {
	RR_HELLO_R_OTHER = 1,		/* see the reason */
	RR_HELLO_R_MALFORMED,		/* the hello could not be decoded */
	RR_HELLO_R_PARAMS,		/* a value out of range */
	RR_HELLO_R_AUTH,		/* key missing, unexpected or wrong */
	RR_HELLO_R_CAPACITY,		/* no room for another session */
	RR_HELLO_R_ADDR,		/* the GID is not the TCP peer's address */
	RR_HELLO_R_UNREACHABLE,		/* no port or address handle to it */
	RR_HELLO_R_HOST_LIMIT,		/* sessions_per_host reached */
};

/* The sender computes and requires CRC32C on the datagrams. */
#define RR_HELLO_F_CRC		0x1
/* The proof field is valid (a pre-shared key is in use). */
#define RR_HELLO_F_AUTH		0x2
#define RR_HELLO_F_ALL		(RR_HELLO_F_CRC | RR_HELLO_F_AUTH)

struct rr_hello {
	u8 gid[16];
	u16 lid;
	u32 qpn;
	u32 qkey;
	u32 mtu;
	u32 sess;
	u32 tag;
	u32 credits;
	u32 slots;
	u32 max_msg;
	u32 flags;
	u8 nonce[RR_HELLO_NONCE_LEN];
	u8 proof[RR_HELLO_PROOF_LEN];
};

/* A decoded frame; the body fields that apply to its type are set. */
struct rr_hello_msg {
	u8 type;
	struct rr_hello hello;			/* HELLO, ACCEPT */
	u32 code;				/* REFUSE: rr_hello_refusal */
	char reason[RR_HELLO_REASON_MAX + 1];	/* REFUSE, NUL-terminated */
	u8 proof[RR_HELLO_PROOF_LEN];		/* AUTH */
};

/*
 * Check a frame header (the first RR_HELLO_HDR_LEN bytes): returns the
 * frame's total length or a negative errno: -EPROTO (magic),
 * -EPROTONOSUPPORT (version), -EINVAL (type, reserved byte, a length not
 * that of its type), -EMSGSIZE (longer than any frame).
 */
int rr_hello_frame_len(const void *hdr, size_t len);

/* Decode one whole frame of exactly @len bytes; 0 or as above. */
int rr_hello_decode(const void *buf, size_t len, struct rr_hello_msg *msg);

/* Encoders: the frame's length (at most RR_HELLO_FRAME_MAX), or -EINVAL. */
int rr_hello_encode(void *buf, u8 type, const struct rr_hello *h);
int rr_hello_encode_refuse(void *buf, u32 code, const char *reason);
int rr_hello_encode_auth(void *buf, const u8 *proof);
int rr_hello_encode_heartbeat(void *buf);

/*
 * The bytes the proofs authenticate (see above): RR_HELLO_TRANSCRIPT_LEN
 * of them into @out.  @hello and @accept as they were sent; their proof
 * fields are ignored.
 */
void rr_hello_transcript(u8 *out, u8 role, const struct rr_hello *hello,
			 const struct rr_hello *accept);

/*
 * Judge a peer's HELLO or ACCEPT: NULL if usable, else a short reason for
 * the refusal (unsupported MTU, slots not a power of two, ...).
 */
const char *rr_hello_check(const struct rr_hello *h);

#endif /* RR_CORE_HELLO_H */
