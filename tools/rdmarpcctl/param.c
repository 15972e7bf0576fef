// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl param [show]
 * rdmarpcctl set PARAM VALUE [PARAM VALUE]...
 *
 * Text output is one "name value" line per parameter, in a form `set'
 * takes back: gid_index "auto" or N, crc "on"/"off", fault_* "Nppm".
 * JSON gives plain numbers: crc 0/1, gid_index -1 for auto, fault_* in
 * parts per million.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

enum kind { K_U32, K_U16, K_GID_INDEX, K_ONOFF, K_PPM };

static const struct {
	const char *name;
	int attr;
	enum kind kind;
} params[] = {
	{ "recv_depth", RDMARPC_PARAM_A_RECV_DEPTH, K_U32 },
	{ "send_depth", RDMARPC_PARAM_A_SEND_DEPTH, K_U32 },
	{ "gid_index", RDMARPC_PARAM_A_GID_INDEX, K_GID_INDEX },
	{ "tcp_port", RDMARPC_PARAM_A_TCP_PORT, K_U16 },
	{ "crc", RDMARPC_PARAM_A_CRC, K_ONOFF },
	{ "call_timeout_ms", RDMARPC_PARAM_A_CALL_TIMEOUT_MS, K_U32 },
	{ "rto_min_us", RDMARPC_PARAM_A_RTO_MIN_US, K_U32 },
	{ "rto_max_us", RDMARPC_PARAM_A_RTO_MAX_US, K_U32 },
	{ "max_retries", RDMARPC_PARAM_A_MAX_RETRIES, K_U32 },
	{ "heartbeat_ms", RDMARPC_PARAM_A_HEARTBEAT_MS, K_U32 },
	{ "fault_tx_drop", RDMARPC_PARAM_A_FAULT_TX_DROP, K_PPM },
	{ "fault_rx_drop", RDMARPC_PARAM_A_FAULT_RX_DROP, K_PPM },
	{ "fault_duplicate", RDMARPC_PARAM_A_FAULT_DUPLICATE, K_PPM },
	{ "fault_reorder", RDMARPC_PARAM_A_FAULT_REORDER, K_PPM },
	{ "fault_corrupt", RDMARPC_PARAM_A_FAULT_CORRUPT, K_PPM },
	{ "mem_budget_mb", RDMARPC_PARAM_A_MEM_BUDGET_MB, K_U32 },
	{ "sessions_per_host", RDMARPC_PARAM_A_SESSIONS_PER_HOST, K_U32 },
	{ "idle_timeout_ms", RDMARPC_PARAM_A_IDLE_TIMEOUT_MS, K_U32 },
	{ "hs_pending_max", RDMARPC_PARAM_A_HS_PENDING_MAX, K_U32 },
	{ "hs_pending_per_host", RDMARPC_PARAM_A_HS_PENDING_PER_HOST, K_U32 },
};

#define N_PARAMS (sizeof(params) / sizeof(params[0]))

/* The field of @p that holds parameter k, widened. */
static int64_t param_value(const struct rdmarpc_params *p, size_t k)
{
	switch (params[k].attr) {
	case RDMARPC_PARAM_A_RECV_DEPTH: return p->recv_depth;
	case RDMARPC_PARAM_A_SEND_DEPTH: return p->send_depth;
	case RDMARPC_PARAM_A_GID_INDEX: return p->gid_index;
	case RDMARPC_PARAM_A_TCP_PORT: return p->tcp_port;
	case RDMARPC_PARAM_A_CRC: return p->crc;
	case RDMARPC_PARAM_A_CALL_TIMEOUT_MS: return p->call_timeout_ms;
	case RDMARPC_PARAM_A_RTO_MIN_US: return p->rto_min_us;
	case RDMARPC_PARAM_A_RTO_MAX_US: return p->rto_max_us;
	case RDMARPC_PARAM_A_MAX_RETRIES: return p->max_retries;
	case RDMARPC_PARAM_A_HEARTBEAT_MS: return p->heartbeat_ms;
	case RDMARPC_PARAM_A_FAULT_TX_DROP: return p->fault_tx_drop;
	case RDMARPC_PARAM_A_FAULT_RX_DROP: return p->fault_rx_drop;
	case RDMARPC_PARAM_A_FAULT_DUPLICATE: return p->fault_duplicate;
	case RDMARPC_PARAM_A_FAULT_REORDER: return p->fault_reorder;
	case RDMARPC_PARAM_A_FAULT_CORRUPT: return p->fault_corrupt;
	case RDMARPC_PARAM_A_MEM_BUDGET_MB: return p->mem_budget_mb;
	case RDMARPC_PARAM_A_SESSIONS_PER_HOST: return p->sessions_per_host;
	case RDMARPC_PARAM_A_IDLE_TIMEOUT_MS: return p->idle_timeout_ms;
	case RDMARPC_PARAM_A_HS_PENDING_MAX: return p->hs_pending_max;
	case RDMARPC_PARAM_A_HS_PENDING_PER_HOST: return p->hs_pending_per_host;
	}
	return 0;
}

/* Parse @val for parameter k into @p; 0 or -1. */
static int param_parse(struct rdmarpc_params *p, size_t k, const char *val)
{
	uint32_t u;
	int on;

	switch (params[k].kind) {
	case K_GID_INDEX:
		if (!strcmp(val, "auto")) {
			p->gid_index = -1;
			return 0;
		}
		return ctl_parse_s32(val, &p->gid_index);
	case K_U16:
		if (ctl_parse_u32(val, &u) || u > UINT16_MAX)
			return -1;
		p->tcp_port = (uint16_t)u;
		return 0;
	case K_ONOFF:
		if (ctl_parse_onoff(val, &on))
			return -1;
		p->crc = (uint8_t)on;
		return 0;
	case K_PPM:
		if (ctl_parse_ppm(val, &u))
			return -1;
		break;
	case K_U32:
		if (ctl_parse_u32(val, &u))
			return -1;
		break;
	}
	switch (params[k].attr) {
	case RDMARPC_PARAM_A_RECV_DEPTH: p->recv_depth = u; break;
	case RDMARPC_PARAM_A_SEND_DEPTH: p->send_depth = u; break;
	case RDMARPC_PARAM_A_CALL_TIMEOUT_MS: p->call_timeout_ms = u; break;
	case RDMARPC_PARAM_A_RTO_MIN_US: p->rto_min_us = u; break;
	case RDMARPC_PARAM_A_RTO_MAX_US: p->rto_max_us = u; break;
	case RDMARPC_PARAM_A_MAX_RETRIES: p->max_retries = u; break;
	case RDMARPC_PARAM_A_HEARTBEAT_MS: p->heartbeat_ms = u; break;
	case RDMARPC_PARAM_A_FAULT_TX_DROP: p->fault_tx_drop = u; break;
	case RDMARPC_PARAM_A_FAULT_RX_DROP: p->fault_rx_drop = u; break;
	case RDMARPC_PARAM_A_FAULT_DUPLICATE: p->fault_duplicate = u; break;
	case RDMARPC_PARAM_A_FAULT_REORDER: p->fault_reorder = u; break;
	case RDMARPC_PARAM_A_FAULT_CORRUPT: p->fault_corrupt = u; break;
	case RDMARPC_PARAM_A_MEM_BUDGET_MB: p->mem_budget_mb = u; break;
	case RDMARPC_PARAM_A_SESSIONS_PER_HOST: p->sessions_per_host = u; break;
	case RDMARPC_PARAM_A_IDLE_TIMEOUT_MS: p->idle_timeout_ms = u; break;
	case RDMARPC_PARAM_A_HS_PENDING_MAX: p->hs_pending_max = u; break;
	case RDMARPC_PARAM_A_HS_PENDING_PER_HOST:
		p->hs_pending_per_host = u;
		break;
	default: return -1;
	}
	return 0;
}

int cmd_param(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_params p;
	struct rdmarpc_nl *nl;
	struct json j;
	int err, ret;
	size_t k;

	if (ctl_wants_help(argc, argv))
		return ctl_help("param");
	if (argc > 1 && !strcmp(argv[1], "set"))
		return cmd_set(ctl, argc - 1, argv + 1);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "show")))
		return ctl_usage("param");

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_param_get(nl, &p);
	if (err) {
		ret = ctl_error(nl, "param", err);
		goto out;
	}
	if (ctl->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
	}
	for (k = 0; k < N_PARAMS; k++) {
		int64_t v = param_value(&p, k);

		if (!(p.present & RDMARPC_PARAM_BIT(params[k].attr)))
			continue;
		if (ctl->json) {
			json_key(&j, params[k].name);
			json_s64(&j, v);
			continue;
		}
		printf("%s ", params[k].name);
		if (params[k].kind == K_GID_INDEX && v == -1)
			printf("auto\n");
		else if (params[k].kind == K_ONOFF)
			printf("%s\n", v ? "on" : "off");
		else if (params[k].kind == K_PPM)
			printf("%" PRId64 "ppm\n", v);
		else
			printf("%" PRId64 "\n", v);
	}
	if (ctl->json) {
		json_obj_end(&j);
		printf("\n");
	}
out:
	rdmarpc_nl_close(nl);
	return ret;
}

int cmd_set(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_params p = { 0 };
	struct rdmarpc_nl *nl;
	int i, err, ret;

	(void)ctl;
	if (ctl_wants_help(argc, argv))
		return ctl_help("set");
	if (argc < 3 || argc % 2 == 0)
		return ctl_usage("set");

	for (i = 1; i < argc; i += 2) {
		const char *name = argv[i], *val = argv[i + 1];
		size_t k;

		for (k = 0; k < N_PARAMS; k++)
			if (!strcmp(params[k].name, name))
				break;
		if (k == N_PARAMS) {
			fprintf(stderr, PROG ": set: unknown parameter '%s' "
				"(known:", name);
			for (k = 0; k < N_PARAMS; k++)
				fprintf(stderr, " %s", params[k].name);
			fprintf(stderr, ")\n");
			return EXIT_USAGE;
		}
		if (param_parse(&p, k, val)) {
			fprintf(stderr, PROG ": set: invalid value '%s' for "
				"%s\n", val, name);
			return EXIT_USAGE;
		}
		p.present |= RDMARPC_PARAM_BIT(params[k].attr);
	}

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_param_set(nl, &p);
	if (err)
		ret = ctl_error(nl, "set", err);
	rdmarpc_nl_close(nl);
	return ret;
}
