// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl param [show]
 * rdmarpcctl set PARAM VALUE [PARAM VALUE]...
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct {
	const char *name;
	int attr;
} params[] = {
	{ "recv_depth", RDMARPC_PARAM_A_RECV_DEPTH },
	{ "send_depth", RDMARPC_PARAM_A_SEND_DEPTH },
	{ "gid_index", RDMARPC_PARAM_A_GID_INDEX },
};

#define N_PARAMS (sizeof(params) / sizeof(params[0]))

int cmd_param(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_params p;
	struct rdmarpc_nl *nl;
	int err, ret;

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
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_RECV_DEPTH)) {
			json_key(&j, "recv_depth");
			json_u64(&j, p.recv_depth);
		}
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_SEND_DEPTH)) {
			json_key(&j, "send_depth");
			json_u64(&j, p.send_depth);
		}
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX)) {
			json_key(&j, "gid_index");
			json_s64(&j, p.gid_index);
		}
		json_obj_end(&j);
		printf("\n");
	} else {
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_RECV_DEPTH))
			printf("recv_depth %" PRIu32 "\n", p.recv_depth);
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_SEND_DEPTH))
			printf("send_depth %" PRIu32 "\n", p.send_depth);
		if (p.present & RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX)) {
			if (p.gid_index == -1)
				printf("gid_index auto\n");
			else
				printf("gid_index %" PRId32 "\n", p.gid_index);
		}
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
		int bad;

		for (k = 0; k < N_PARAMS; k++)
			if (!strcmp(params[k].name, name))
				break;
		if (k == N_PARAMS) {
			fprintf(stderr, PROG ": set: unknown parameter '%s' "
				"(known: recv_depth, send_depth, gid_index)\n",
				name);
			return EXIT_USAGE;
		}
		switch (params[k].attr) {
		case RDMARPC_PARAM_A_RECV_DEPTH:
			bad = ctl_parse_u32(val, &p.recv_depth);
			break;
		case RDMARPC_PARAM_A_SEND_DEPTH:
			bad = ctl_parse_u32(val, &p.send_depth);
			break;
		default:
			if (!strcmp(val, "auto")) {
				p.gid_index = -1;
				bad = 0;
			} else {
				bad = ctl_parse_s32(val, &p.gid_index);
			}
			break;
		}
		if (bad) {
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
