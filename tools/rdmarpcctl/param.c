// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl param [show [PARAM]]
 * rdmarpcctl set PARAM VALUE [PARAM VALUE]...
 *
 * The parameters, and the forms in which these show and take their values,
 * are param_table.c's.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* "unknown parameter" and the known ones; EXIT_USAGE. */
static int unknown_param(const char *op, const char *name)
{
	size_t k;

	fprintf(stderr, PROG ": %s: unknown parameter '%s' (known:", op, name);
	for (k = 0; k < CTL_N_PARAMS; k++)
		fprintf(stderr, " %s", ctl_params[k].name);
	fprintf(stderr, ")\n");
	return EXIT_USAGE;
}

int cmd_param(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_param *one = NULL;
	struct rdmarpc_params p;
	struct rdmarpc_nl *nl;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("param");
	if (argc > 1 && !strcmp(argv[1], "set"))
		return cmd_set(ctl, argc - 1, argv + 1);
	if (argc > 3 || (argc >= 2 && strcmp(argv[1], "show")))
		return ctl_usage("param");
	if (argc == 3) {
		one = ctl_param_find(argv[2]);
		if (!one)
			return unknown_param("param show", argv[2]);
	}

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_param_get(nl, &p);
	if (err) {
		ret = ctl_error(nl, "param", err);
	} else if (one && !(p.present & RDMARPC_PARAM_BIT(one->attr))) {
		fprintf(stderr, PROG ": param show: the module does not have "
			"'%s' (older than this tool)\n", one->name);
		ret = EXIT_FAIL;
	} else {
		if (one)
			p.present &= RDMARPC_PARAM_BIT(one->attr);
		ctl_params_print(stdout, &p, ctl->json);
	}
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
		const struct ctl_param *c = ctl_param_find(name);

		if (!c)
			return unknown_param("set", name);
		if (ctl_param_parse(&p, c, val)) {
			fprintf(stderr, PROG ": set: invalid value '%s' for "
				"%s\n", val, name);
			return EXIT_USAGE;
		}
	}

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_param_set(nl, &p);
	if (err)
		ret = ctl_error_in(nl, "set", "rdmarpc_param_set", err);
	rdmarpc_nl_close(nl);
	return ret;
}
