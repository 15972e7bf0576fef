// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl: configure and inspect the rdmarpc kernel module.
 *
 *   rdmarpcctl [-j [-p]] <cmd> [<args>]     (default: dev show)
 *   rdmarpcctl -V | -h
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static int cmd_help(struct ctl *ctl, int argc, char **argv);
static void peer_help(FILE *f);
static void stats_help(FILE *f);

static const struct subcommand subcommands[] = {
	{ "dev", cmd_dev, "[show [DEV]]",
	  "Show the RDMA devices and ports the module uses", NULL },
	{ "peer", cmd_peer,
	  "[show [NAME]] | add NAME ADDR[:PORT] [crc on|off] [cc aimd|delay] "
	  "[psk-file PATH] | del NAME",
	  "Show, add or remove peers", peer_help },
	{ "session", cmd_session, "[show [ID]]",
	  "Show the sessions with their gauges and counters", NULL },
	{ "stats", cmd_stats, "[show] [-P | --prometheus]",
	  "Show the module-wide counters, and those per port and per peer",
	  stats_help },
	{ "param", cmd_param, "[show [PARAM]]",
	  "Show the module's parameters", ctl_params_help },
	{ "set", cmd_set, "PARAM VALUE [PARAM VALUE]...",
	  "Change parameters, all or none", ctl_params_help },
	{ "loopback", cmd_loopback, "DEV PORT [COUNT [SIZE]]",
	  "Send COUNT datagrams of SIZE bytes from a port to itself", NULL },
	{ "monitor", cmd_monitor, "[--count N] [--timeout SECONDS]",
	  "Print device, session and peer events (one line each) until "
	  "interrupted", NULL },
	{ "help", cmd_help, "[CMD]", "Show this help, or a command's", NULL },
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

	fprintf(f, "Usage: " PROG " [OPTIONS] <cmd> [<args>]\n"
		"       " PROG " -V | --version\n"
		"       " PROG " -h | --help\n\n"
		"Options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   print JSON pretty-printed (implies -j)\n"
		"  -V, --version  print the version and exit\n"
		"  -h, --help     print this help and exit\n\n"
		"Subcommands:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f, "\nArguments:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (subcommands[i].usage[0])
			fprintf(f, "  " PROG " %s %s\n", subcommands[i].name,
				subcommands[i].usage);
	fprintf(f, "\nWithout a subcommand, `dev show' is run.  `" PROG
		" <cmd> --help' says more of a command.\n"
		"Exit codes: 0 ok, 1 failed, 2 usage, 3 module not loaded, "
		"4 not permitted.\n");
}

static void peer_help(FILE *f)
{
	fprintf(f, "  psk-file PATH: a pre-shared key, %d hex digits, read "
		"from the file PATH\n  (white space around them ignored), "
		"or from standard input for PATH \"-\".\n"
		"  A file group or others may read or write is refused.  The "
		"key is never\n  taken on the command line.\n",
		2 * RDMARPC_PSK_LEN);
}

static void stats_help(FILE *f)
{
	fprintf(f, "  -P, --prometheus: the counters in the Prometheus text "
		"format, for\n  node_exporter's textfile collector "
		"(rdmarpcctl(8)).\n");
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

	printf("Usage: " PROG " [-j [-p]] %s %s\n  %s\n", c->name, c->usage,
	       c->help);
	if (c->more_help)
		c->more_help(stdout);
	return EXIT_OK;
}

int ctl_usage(const char *name)
{
	const struct subcommand *c = find_subcommand(name);

	fprintf(stderr, "Usage: " PROG " [-j [-p]] %s %s\n", c->name,
		c->usage);
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
	return ctl_error_in(nl, op, NULL, err);
}

int ctl_error_in(const struct rdmarpc_nl *nl, const char *op,
		 const char *func, int err)
{
	const char *ext = nl ? rdmarpc_nl_extack(nl) : "";

	if (err == -EPROTONOSUPPORT) {
		fprintf(stderr, PROG ": %s; load it with: modprobe rdmarpc\n",
			rdmarpc_strerror(err));
		return EXIT_NOMODULE;
	}
	fprintf(stderr, PROG ": %s%s%s%s%s\n", op ? op : "", op ? ": " : "",
		rdmarpc_strerror_in(func, err), *ext ? ": " : "", ext);
	return err == -EPERM || err == -EACCES ? EXIT_PERM : EXIT_FAIL;
}

void ctl_gid_str(const uint8_t gid[16], char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, gid, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* The letter of a global option, long or short; 0 if none. */
static int option(const char *arg)
{
	static const struct {
		char letter;
		const char *name;
	} options[] = {
		{ 'j', "--json" },
		{ 'p', "--pretty" },
		{ 'V', "--version" },
		{ 'h', "--help" },
	};
	size_t k;

	for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
		if ((arg[1] == options[k].letter && !arg[2]) ||
		    !strcmp(arg, options[k].name))
			return options[k].letter;
	return 0;
}

int main(int argc, char **argv)
{
	static char *dev_show[] = { "dev", "show", NULL };
	const struct subcommand *c;
	struct ctl ctl = { 0 };
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int opt = option(argv[i]);

		if (opt == 'j' && ctl.json == CTL_TEXT) {
			ctl.json = CTL_JSON;
		} else if (opt == 'j' || opt == 'p') {
			ctl.json = CTL_JSON_PRETTY;
		} else if (opt == 'V') {
			printf(PROG " %s\n", RDMARPC_VERSION);
			return EXIT_OK;
		} else if (opt == 'h') {
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
