// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl: configure and inspect the rdmarpc kernel module.
 *
 *   rdmarpcctl [-j] <cmd> [<args>]     (default: dev show)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static int cmd_help(struct ctl *ctl, int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "dev", cmd_dev, "[show [DEV]]",
	  "Show the RDMA devices and ports the module uses", NULL },
	{ "peer", cmd_peer,
	  "[show] | add NAME ADDR[:PORT] [crc on|off] [cc aimd|delay] [psk HEX]"
	  " | del NAME",
	  "Show, add or remove peers (PSK: 64 hex digits)", NULL },
	{ "session", cmd_session, "[show]",
	  "Show the sessions with their gauges and counters", NULL },
	{ "stats", cmd_stats, "",
	  "Show the module-wide counters, and those per port and per peer",
	  NULL },
	{ "param", cmd_param, "[show]",
	  "Show the module's parameters", ctl_params_help },
	{ "set", cmd_set, "PARAM VALUE [PARAM VALUE]...",
	  "Change parameters, all or none", ctl_params_help },
	{ "loopback", cmd_loopback, "DEV PORT [COUNT [SIZE]]",
	  "Send COUNT datagrams of SIZE bytes from a port to itself", NULL },
	{ "monitor", cmd_monitor, "[--count N] [--timeout SECONDS]",
	  "Print device, session and peer events (one line each) until "
	  "interrupted", NULL },
	{ "help", cmd_help, "", "Show this help", NULL },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: " PROG " [-j | --json] <cmd> [<args>]\n\n"
		"Available subcommands:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f, "\nWithout a subcommand, `dev show' is run.  -j prints "
		"JSON.  `" PROG " <cmd> --help' shows a command's arguments.\n"
		"Exit codes: 0 ok, 1 failed, 2 usage, 3 module not loaded, "
		"4 not permitted.\n");
}

static int cmd_help(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	if (argc > 1 && find_subcommand(argv[1]))
		return ctl_help(argv[1]);
	show_usage(stdout);
	return EXIT_OK;
}

int ctl_help(const char *name)
{
	const struct subcommand *c = find_subcommand(name);

	printf("Usage: " PROG " [-j] %s %s\n  %s\n", c->name, c->usage,
	       c->help);
	if (c->more_help)
		c->more_help(stdout);
	return EXIT_OK;
}

int ctl_usage(const char *name)
{
	const struct subcommand *c = find_subcommand(name);

	fprintf(stderr, "Usage: " PROG " [-j] %s %s\n", c->name, c->usage);
	return EXIT_USAGE;
}

int ctl_wants_help(int argc, char **argv)
{
	int i;

	if (argc > 1 && !strcmp(argv[1], "help"))
		return 1;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

int ctl_open(struct rdmarpc_nl **nl)
{
	int err = rdmarpc_nl_open(nl);

	if (err)
		return ctl_error(NULL, NULL, err);
	return EXIT_OK;
}

int ctl_error(const struct rdmarpc_nl *nl, const char *op, int err)
{
	const char *ext = nl ? rdmarpc_nl_extack(nl) : "";

	if (err == -EPROTONOSUPPORT) {
		fprintf(stderr, PROG ": %s; load it with: modprobe rdmarpc\n",
			rdmarpc_strerror(err));
		return EXIT_NOMODULE;
	}
	fprintf(stderr, PROG ": %s%s%s%s%s\n", op ? op : "", op ? ": " : "",
		rdmarpc_strerror(err), *ext ? ": " : "", ext);
	return err == -EPERM || err == -EACCES ? EXIT_PERM : EXIT_FAIL;
}

void ctl_gid_str(const uint8_t gid[16], char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, gid, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

int main(int argc, char **argv)
{
	static char *dev_show[] = { "dev", "show", NULL };
	const struct subcommand *c;
	struct ctl ctl = { 0 };
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctl.json = 1;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			show_usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, PROG ": unknown option '%s'\n",
				argv[i]);
			show_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= i;
	argv += i;
	if (!argc) {
		argc = 2;
		argv = dev_show;
	}
	c = find_subcommand(argv[0]);
	if (!c) {
		fprintf(stderr, PROG ": invalid subcommand '%s'\n", argv[0]);
		show_usage(stderr);
		return EXIT_USAGE;
	}
	/* Events and warnings must not sit in a buffer behind a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return c->fn(&ctl, argc, argv);
}
