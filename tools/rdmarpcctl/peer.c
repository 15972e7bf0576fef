// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl peer add NAME ADDR[:PORT] [crc on|off] [cc aimd|delay]
 *                     [psk-file PATH]
 * rdmarpcctl peer del NAME
 * rdmarpcctl peer [show [NAME]]
 *
 * The pre-shared key is read from a file, or from standard input for
 * PATH "-", never from the command line, where ps and the shell's history
 * would show it (wg's preshared-key takes a file for the same reason).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "ctl.h"

static void addr_str(uint32_t ipv4, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = ipv4 };

	if (!inet_ntop(AF_INET, &in, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static const char *const cc_names[] = {
	[RDMARPC_CC_AIMD] = "aimd",
	[RDMARPC_CC_DELAY] = "delay",
};

/* enum rdmarpc_cc from its name, -1 if none. */
static int cc_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(cc_names) / sizeof(cc_names[0]); i++)
		if (!strcmp(s, cc_names[i]))
			return (int)i;
	return -1;
}

static const char *cc_str(unsigned int cc)
{
	return cc < sizeof(cc_names) / sizeof(cc_names[0]) ? cc_names[cc] :
							      "unknown";
}

/* The key of `psk-file PATH' ("-": standard input) into @cfg. */
static int psk_file(struct rdmarpc_peer_config *cfg, const char *path)
{
	const char *why;
	int fd = 0, err;

	if (cfg->has_psk) {
		fprintf(stderr, PROG ": peer add: psk-file given twice\n");
		return EXIT_USAGE;
	}
	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			fprintf(stderr, PROG ": peer add: psk-file '%s': %s\n",
				path, strerror(errno));
			return EXIT_FAIL;
		}
	}
	err = ctl_psk_read(fd, cfg->psk, sizeof(cfg->psk), &why);
	if (fd)
		close(fd);
	if (err == -EINVAL) {
		fprintf(stderr, PROG ": peer add: psk-file '%s': %s (a key is "
			"%d hex digits, e.g. from `openssl rand -hex %d')\n",
			path, why, 2 * RDMARPC_PSK_LEN, RDMARPC_PSK_LEN);
		return EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, PROG ": peer add: psk-file '%s': %s\n", path,
			why);
		return err == -EACCES ? EXIT_USAGE : EXIT_FAIL;
	}
	cfg->has_psk = 1;
	return EXIT_OK;
}

static int peer_add(int argc, char **argv)
{
	struct rdmarpc_peer_config cfg;
	struct rdmarpc_nl *nl;
	int i, err, ret, on, cc;

	if (argc < 4 || argc % 2)
		return ctl_usage("peer");
	memset(&cfg, 0, sizeof(cfg));
	cfg.crc = -1;
	cfg.cc = -1;
	if (!argv[2][0] || strlen(argv[2]) >= sizeof(cfg.name)) {
		fprintf(stderr, PROG ": peer add: NAME must have 1 to %d "
			"characters\n", RDMARPC_NAME_MAX - 1);
		return EXIT_USAGE;
	}
	strcpy(cfg.name, argv[2]);
	if (rdmarpc_parse_addr(argv[3], &cfg.ipv4, &cfg.tcp_port)) {
		fprintf(stderr, PROG ": peer add: invalid address '%s' "
			"(a.b.c.d or a.b.c.d:port)\n", argv[3]);
		return EXIT_USAGE;
	}
	for (i = 4; i < argc; i += 2) {
		if (!strcmp(argv[i], "crc") &&
		    !ctl_parse_onoff(argv[i + 1], &on)) {
			cfg.crc = (int8_t)on;
		} else if (!strcmp(argv[i], "cc") &&
			   (cc = cc_parse(argv[i + 1])) >= 0) {
			cfg.cc = (int8_t)cc;
		} else if (!strcmp(argv[i], "psk-file")) {
			ret = psk_file(&cfg, argv[i + 1]);
			if (ret)
				goto out;
		} else if (!strcmp(argv[i], "psk")) {
			fprintf(stderr, PROG ": peer add: a key is not taken on "
				"the command line (ps and the shell's history "
				"show it): put it in a file only root reads and "
				"give psk-file PATH, or psk-file - to read it "
				"from standard input\n");
			ret = EXIT_USAGE;
			goto out;
		} else {
			fprintf(stderr, PROG ": peer add: invalid '%s %s' "
				"(crc on|off, cc aimd|delay, psk-file PATH)\n",
				argv[i], argv[i + 1]);
			ret = EXIT_USAGE;
			goto out;
		}
	}
	ret = ctl_open(&nl);
	if (ret)
		goto out;
	err = rdmarpc_peer_add(nl, &cfg);
	if (err)
		ret = ctl_error_in(nl, "peer add", "rdmarpc_peer_add", err);
	rdmarpc_nl_close(nl);
out:
	explicit_bzero(cfg.psk, sizeof(cfg.psk));
	return ret;
}

static int peer_del(int argc, char **argv)
{
	struct rdmarpc_nl *nl;
	int err, ret;

	if (argc != 3)
		return ctl_usage("peer");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_peer_del(nl, argv[2]);
	if (err)
		ret = ctl_error_in(nl, "peer del", "rdmarpc_peer_del", err);
	rdmarpc_nl_close(nl);
	return ret;
}

/*
 * b: 10.0.0.2:18515  UP  crc on  cc aimd
 *     dev rxe0 port 1  gid-index 1  mtu 1024
 *     peer gid ::ffff:10.0.0.2  qpn 0x12  qkey 0xdeadbeef  mac 52:54:00:12:34:56
 *     stats: ...
 */
static void peer_print(const void *item)
{
	const struct rdmarpc_peer *p = item;
	char addr[INET_ADDRSTRLEN], gid[INET6_ADDRSTRLEN], mac[18];

	addr_str(p->ipv4, addr, sizeof(addr));
	printf("%s: %s:%" PRIu16, p->name, addr, p->tcp_port);
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_STATE))
		printf("  %s", rdmarpc_peer_state_str(p->state));
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_CRC))
		printf("  crc %s", p->crc ? "on" : "off");
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_CC))
		printf("  cc %s", cc_str(p->cc));
	printf("\n");
	if (p->dev_name[0]) {
		printf("    dev %s port %" PRIu32, p->dev_name, p->port);
		if (RDMARPC_HAS(p, RDMARPC_A_GID_INDEX))
			printf("  gid-index %" PRIu32, p->gid_index);
		if (RDMARPC_HAS(p, RDMARPC_A_PEER_MTU))
			printf("  mtu %" PRIu32, p->mtu);
		printf("\n");
	}
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_GID) ||
	    RDMARPC_HAS(p, RDMARPC_A_PEER_QPN)) {
		printf("   ");
		if (RDMARPC_HAS(p, RDMARPC_A_PEER_GID)) {
			ctl_gid_str(p->gid, gid, sizeof(gid));
			printf(" peer gid %s ", gid);
		}
		if (RDMARPC_HAS(p, RDMARPC_A_PEER_QPN))
			printf(" qpn 0x%" PRIx32 " ", p->qpn);
		if (RDMARPC_HAS(p, RDMARPC_A_PEER_QKEY))
			printf(" qkey 0x%08" PRIx32 " ", p->qkey);
		if (RDMARPC_HAS(p, RDMARPC_A_PEER_MAC)) {
			ctl_mac_str(p->mac, mac, sizeof(mac));
			printf(" mac %s", mac);
		}
		printf("\n");
	}
	if (p->stats.present) {
		printf("    ");
		sess_stats_print(&p->stats);
	}
}

static void peer_json(struct json *j, const struct rdmarpc_peer *p)
{
	char addr[INET_ADDRSTRLEN], gid[INET6_ADDRSTRLEN], mac[18];

	json_obj_begin(j);
	json_key(j, "name");
	json_str(j, p->name);
	addr_str(p->ipv4, addr, sizeof(addr));
	json_key(j, "addr");
	json_str(j, addr);
#define U(attr, key, val) do {					\
		if (RDMARPC_HAS(p, attr)) {			\
			json_key(j, key);			\
			json_u64(j, val);			\
		}						\
	} while (0)
	U(RDMARPC_A_PEER_TCP_PORT, "tcp_port", p->tcp_port);
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_STATE)) {
		json_key(j, "state");
		json_str(j, rdmarpc_peer_state_str(p->state));
	}
	U(RDMARPC_A_PEER_CRC, "crc", p->crc);
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_CC)) {
		json_key(j, "cc");
		json_str(j, cc_str(p->cc));
	}
	if (p->dev_name[0]) {
		json_key(j, "dev");
		json_str(j, p->dev_name);
	}
	U(RDMARPC_A_PORT, "port", p->port);
	U(RDMARPC_A_GID_INDEX, "gid_index", p->gid_index);
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_GID)) {
		ctl_gid_str(p->gid, gid, sizeof(gid));
		json_key(j, "gid");
		json_str(j, gid);
	}
	U(RDMARPC_A_PEER_QPN, "qpn", p->qpn);
	U(RDMARPC_A_PEER_QKEY, "qkey", p->qkey);
	U(RDMARPC_A_PEER_MTU, "mtu", p->mtu);
#undef U
	if (RDMARPC_HAS(p, RDMARPC_A_PEER_MAC)) {
		ctl_mac_str(p->mac, mac, sizeof(mac));
		json_key(j, "mac");
		json_str(j, mac);
	}
	if (RDMARPC_HAS(p, RDMARPC_A_STATS)) {
		json_key(j, "stats");
		sess_stats_json(j, &p->stats);
	}
	json_obj_end(j);
}

static void peer_json_item(struct json *j, const void *item)
{
	peer_json(j, item);
}

static int peer_list(struct rdmarpc_nl *nl, void **items, size_t *n)
{
	struct rdmarpc_peer *peers;
	int err = rdmarpc_peer_list(nl, &peers, n);

	*items = peers;
	return err;
}

static int peer_match(const void *item, const char *name)
{
	const struct rdmarpc_peer *p = item;

	return !strcmp(p->name, name);
}

static int peer_show(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list l = {
		.op = "peer show",
		.size = sizeof(struct rdmarpc_peer),
		.list = peer_list,
		.print = peer_print,
		.json = peer_json_item,
	};

	if (argc > 3)
		return ctl_usage("peer");
	return ctl_list_show_one(ctl, &l, "peer", argc == 3 ? argv[2] : NULL,
				 peer_match);
}

int cmd_peer(struct ctl *ctl, int argc, char **argv)
{
	if (ctl_wants_help(argc, argv))
		return ctl_help("peer");
	if (argc == 1 || !strcmp(argv[1], "show"))
		return peer_show(ctl, argc, argv);
	if (!strcmp(argv[1], "add"))
		return peer_add(argc, argv);
	if (!strcmp(argv[1], "del"))
		return peer_del(argc, argv);
	return ctl_usage("peer");
}
