// SPDX-License-Identifier: GPL-2.0
/*
 * Session and peer events, as `rdmarpcctl monitor` prints them:
 *
 *   session up 3 client server1 10.0.0.2:18515 peer-session 7 rxe0 port 1
 *   session down 3 client server1 10.0.0.2:18515 peer-session 7 rxe0 port 1 reason ECONNRESET
 *   peer up server1 10.0.0.2:18515
 *   peer down server1 10.0.0.2:18515 IDLE reason ECONNRESET
 *
 * or with -j one JSON object per event, "event" being "session_up",
 * "session_down", "peer_up" or "peer_down", and for a down event "reason"
 * (the errno's name) and "errno" (the negative number).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "ctl.h"

/* "ECONNRESET" for -ECONNRESET; "E123" for an errno without a name. */
static const char *errno_name(int32_t err, char *buf, size_t len)
{
	const char *s = strerrorname_np(err < 0 ? -err : err);

	if (s)
		return s;
	snprintf(buf, len, "E%" PRId32, err < 0 ? -err : err);
	return buf;
}

static void addr_port_str(uint32_t ipv4, uint16_t port, char *buf,
			  size_t len)
{
	struct in_addr in = { .s_addr = ipv4 };
	char addr[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &in, addr, sizeof(addr)))
		strcpy(addr, "?");
	snprintf(buf, len, "%s:%" PRIu16, addr, port);
}

static void session_event_print(FILE *f, int cmd,
				const struct rdmarpc_session_event *e)
{
	char addr[INET_ADDRSTRLEN + 8], name[16];

	fprintf(f, "session %s %" PRIu64 " %s %s",
		cmd == RDMARPC_CMD_SESSION_UP ? "up" : "down", e->id,
		rdmarpc_session_role_str(e->role), e->peer[0] ? e->peer : "?");
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_IPV4)) {
		addr_port_str(e->ipv4, e->tcp_port, addr, sizeof(addr));
		fprintf(f, " %s", addr);
	}
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_SESSION_ID))
		fprintf(f, " peer-session %" PRIu32, e->peer_id);
	if (e->dev_name[0])
		fprintf(f, " %s port %" PRIu32, e->dev_name, e->port);
	if (RDMARPC_HAS(e, RDMARPC_A_REASON))
		fprintf(f, " reason %s",
			errno_name(e->reason, name, sizeof(name)));
	fprintf(f, "\n");
}

static void peer_event_print(FILE *f, int cmd,
			     const struct rdmarpc_peer_event *e)
{
	char addr[INET_ADDRSTRLEN + 8], name[16];

	addr_port_str(e->ipv4, e->tcp_port, addr, sizeof(addr));
	fprintf(f, "peer %s %s %s", cmd == RDMARPC_CMD_PEER_UP ? "up" : "down",
		e->name, addr);
	if (cmd == RDMARPC_CMD_PEER_DOWN &&
	    RDMARPC_HAS(e, RDMARPC_A_PEER_STATE))
		fprintf(f, " %s", rdmarpc_peer_state_str(e->state));
	if (RDMARPC_HAS(e, RDMARPC_A_REASON))
		fprintf(f, " reason %s",
			errno_name(e->reason, name, sizeof(name)));
	fprintf(f, "\n");
}

void event_print(FILE *f, const struct rdmarpc_event *ev)
{
	switch (ev->cmd) {
	case RDMARPC_CMD_SESSION_UP:
	case RDMARPC_CMD_SESSION_DOWN:
		session_event_print(f, ev->cmd, &ev->session);
		break;
	case RDMARPC_CMD_PEER_UP:
	case RDMARPC_CMD_PEER_DOWN:
		peer_event_print(f, ev->cmd, &ev->peer);
		break;
	}
}

static void json_addr(struct json *j, uint32_t ipv4)
{
	struct in_addr in = { .s_addr = ipv4 };
	char addr[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &in, addr, sizeof(addr)))
		strcpy(addr, "?");
	json_key(j, "addr");
	json_str(j, addr);
}

static void json_reason(struct json *j, int32_t reason)
{
	char name[16];

	json_key(j, "reason");
	json_str(j, errno_name(reason, name, sizeof(name)));
	json_key(j, "errno");
	json_s64(j, reason);
}

static void session_event_json(struct json *j, int cmd,
			       const struct rdmarpc_session_event *e)
{
	json_obj_begin(j);
	json_key(j, "event");
	json_str(j, cmd == RDMARPC_CMD_SESSION_UP ? "session_up" :
						    "session_down");
	json_key(j, "id");
	json_u64(j, e->id);
	json_key(j, "role");
	json_str(j, rdmarpc_session_role_str(e->role));
	if (e->peer[0]) {
		json_key(j, "peer");
		json_str(j, e->peer);
	}
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_IPV4))
		json_addr(j, e->ipv4);
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_TCP_PORT)) {
		json_key(j, "tcp_port");
		json_u64(j, e->tcp_port);
	}
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_SESSION_ID)) {
		json_key(j, "peer_session");
		json_u64(j, e->peer_id);
	}
	if (e->dev_name[0]) {
		json_key(j, "dev");
		json_str(j, e->dev_name);
		json_key(j, "port");
		json_u64(j, e->port);
	}
	if (RDMARPC_HAS(e, RDMARPC_A_REASON))
		json_reason(j, e->reason);
	json_obj_end(j);
}

static void peer_event_json(struct json *j, int cmd,
			    const struct rdmarpc_peer_event *e)
{
	json_obj_begin(j);
	json_key(j, "event");
	json_str(j, cmd == RDMARPC_CMD_PEER_UP ? "peer_up" : "peer_down");
	json_key(j, "name");
	json_str(j, e->name);
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_IPV4))
		json_addr(j, e->ipv4);
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_TCP_PORT)) {
		json_key(j, "tcp_port");
		json_u64(j, e->tcp_port);
	}
	if (RDMARPC_HAS(e, RDMARPC_A_PEER_STATE)) {
		json_key(j, "state");
		json_str(j, rdmarpc_peer_state_str(e->state));
	}
	if (RDMARPC_HAS(e, RDMARPC_A_REASON))
		json_reason(j, e->reason);
	json_obj_end(j);
}

void event_json(struct json *j, const struct rdmarpc_event *ev)
{
	switch (ev->cmd) {
	case RDMARPC_CMD_SESSION_UP:
	case RDMARPC_CMD_SESSION_DOWN:
		session_event_json(j, ev->cmd, &ev->session);
		break;
	case RDMARPC_CMD_PEER_UP:
	case RDMARPC_CMD_PEER_DOWN:
		peer_event_json(j, ev->cmd, &ev->peer);
		break;
	}
}
