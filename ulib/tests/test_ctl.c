// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl's command-line parsers: probabilities, hex keys, on/off, MACs;
 * the parameters' table, the forms of their values and set's help; how
 * monitor prints session and peer events.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ctl.h"
#include "harness.h"
#include "tests.h"

TEST(ctl_ppm)
{
	uint32_t v = 7;

	EXPECT_EQ(ctl_parse_ppm("0.05", &v), 0);
	EXPECT_EQ(v, 50000);
	EXPECT_EQ(ctl_parse_ppm("0", &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(ctl_parse_ppm("1.0", &v), 0);
	EXPECT_EQ(v, 1000000);
	EXPECT_EQ(ctl_parse_ppm("1", &v), 0);	/* bare integer: ppm */
	EXPECT_EQ(v, 1);
	EXPECT_EQ(ctl_parse_ppm("5%", &v), 0);
	EXPECT_EQ(v, 50000);
	EXPECT_EQ(ctl_parse_ppm("0.5%", &v), 0);
	EXPECT_EQ(v, 5000);
	EXPECT_EQ(ctl_parse_ppm("100%", &v), 0);
	EXPECT_EQ(v, 1000000);
	EXPECT_EQ(ctl_parse_ppm("250ppm", &v), 0);
	EXPECT_EQ(v, 250);
	EXPECT_EQ(ctl_parse_ppm("1e-3", &v), 0);
	EXPECT_EQ(v, 1000);
	EXPECT_EQ(ctl_parse_ppm("0.0000001", &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(ctl_parse_ppm("1000000", &v), 0);
	v = 7;
	EXPECT_EQ(ctl_parse_ppm("1000001", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("1.5", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("101%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("-0.1", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("+0.1", &v), -1);
	EXPECT_EQ(ctl_parse_ppm(".5", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("0.5x", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("nan", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("inf%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("ppm", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("1.5ppm", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("", &v), -1);
	EXPECT_EQ(v, 7);
}

TEST(ctl_hex)
{
	uint8_t k[4];

	EXPECT_EQ(ctl_parse_hex("00aBcDff", k, 4), 0);
	EXPECT_TRUE(!memcmp(k, "\x00\xab\xcd\xff", 4));
	EXPECT_EQ(ctl_parse_hex("00abcdf", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("00abcdfff", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("00abcdfg", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("", k, 0), 0);
}

TEST(ctl_onoff_mac)
{
	const uint8_t mac[6] = { 0x02, 0xab, 0, 0x10, 0xff, 0x9 };
	char buf[18];
	int on = 5;

	EXPECT_EQ(ctl_parse_onoff("on", &on), 0);
	EXPECT_EQ(on, 1);
	EXPECT_EQ(ctl_parse_onoff("off", &on), 0);
	EXPECT_EQ(on, 0);
	EXPECT_EQ(ctl_parse_onoff("1", &on), 0);
	EXPECT_EQ(on, 1);
	EXPECT_EQ(ctl_parse_onoff("yes", &on), -1);
	ctl_mac_str(mac, buf, sizeof(buf));
	EXPECT_STREQ(buf, "02:ab:00:10:ff:09");
}

/* ---- the parameters (param_table.c) ---- */

/*
 * Each row in its attribute's place, with a name no other row has and a
 * default in its range.
 */
TEST(ctl_param_rows)
{
	size_t k;

	for (k = 0; k < CTL_N_PARAMS; k++) {
		const struct ctl_param *c = &ctl_params[k];

		EXPECT_EQ(c->attr, k + 1);
		EXPECT_TRUE(ctl_param_find(c->name) == c) TH_LOG("%s", c->name);
		EXPECT_TRUE(c->min <= c->max) TH_LOG("%s", c->name);
		EXPECT_TRUE((c->def >= c->min && c->def <= c->max) ||
			    (c->zero_off && !c->def)) TH_LOG("%s", c->name);
	}
	EXPECT_TRUE(ctl_param_find("nope") == NULL);
	EXPECT_TRUE(ctl_param_find("") == NULL);
}

char *test_ctl_printed(const struct rdmarpc_params *p, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ctl_params_print(f, p, json);
	fclose(f);
	return buf;
}

/* Parse @s for @name into a fresh struct: its value, or -99 if refused. */
static int64_t parsed(const char *name, const char *s)
{
	const struct ctl_param *c = ctl_param_find(name);
	struct rdmarpc_params p;

	memset(&p, 0, sizeof(p));
	if (ctl_param_parse(&p, c, s))
		return p.present ? -98 : -99;
	return p.present == RDMARPC_PARAM_BIT(c->attr) ?
	       ctl_param_value(&p, c) : -97;
}

/* The forms of the values, in text, JSON and as set takes them. */
TEST(ctl_param_forms)
{
	struct rdmarpc_params p;
	char *out;

	memset(&p, 0, sizeof(p));
	p.recv_depth = 512;
	p.gid_index = -1;
	p.tcp_port = 18515;
	p.crc = 1;
	p.heartbeat_ms = 0;
	p.fault_tx_drop = 50000;
	p.present = RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_RECV_DEPTH) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_TCP_PORT) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_CRC) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_HEARTBEAT_MS) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_FAULT_TX_DROP);
	out = test_ctl_printed(&p, 0);
	EXPECT_STREQ(out, "recv_depth 512\ngid_index auto\ntcp_port 18515\n"
		     "crc on\nheartbeat_ms 0\nfault_tx_drop 50000ppm\n");
	free(out);
	out = test_ctl_printed(&p, 1);
	EXPECT_STREQ(out, "{\"recv_depth\":512,\"gid_index\":-1,"
		     "\"tcp_port\":18515,\"crc\":1,\"heartbeat_ms\":0,"
		     "\"fault_tx_drop\":50000}\n");
	free(out);
	p.gid_index = 3;
	p.crc = 0;
	p.present = RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX) |
		    RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_CRC);
	out = test_ctl_printed(&p, 0);
	EXPECT_STREQ(out, "gid_index 3\ncrc off\n");
	free(out);
	p.present = 0;
	out = test_ctl_printed(&p, 1);
	EXPECT_STREQ(out, "{}\n");
	free(out);

	EXPECT_EQ(parsed("recv_depth", "512"), 512);
	EXPECT_EQ(parsed("recv_depth", "0x200"), 512);
	EXPECT_EQ(parsed("recv_depth", "-1"), -99);
	EXPECT_EQ(parsed("recv_depth", "4294967296"), -99);
	EXPECT_EQ(parsed("recv_depth", "12k"), -99);
	EXPECT_EQ(parsed("gid_index", "auto"), -1);
	EXPECT_EQ(parsed("gid_index", "-1"), -1);
	EXPECT_EQ(parsed("gid_index", "7"), 7);
	EXPECT_EQ(parsed("gid_index", "Auto"), -99);
	EXPECT_EQ(parsed("tcp_port", "65535"), 65535);
	EXPECT_EQ(parsed("tcp_port", "65536"), -99);
	EXPECT_EQ(parsed("crc", "on"), 1);
	EXPECT_EQ(parsed("crc", "1"), 1);
	EXPECT_EQ(parsed("crc", "off"), 0);
	EXPECT_EQ(parsed("crc", "0"), 0);
	EXPECT_EQ(parsed("crc", "2"), -99);
	EXPECT_EQ(parsed("fault_corrupt", "0.05"), 50000);
	EXPECT_EQ(parsed("fault_corrupt", "5%"), 50000);
	EXPECT_EQ(parsed("fault_corrupt", "50000ppm"), 50000);
	EXPECT_EQ(parsed("fault_corrupt", "50000"), 50000);
	EXPECT_EQ(parsed("fault_corrupt", "1000001"), -99);
	EXPECT_EQ(parsed("heartbeat_ms", "0"), 0);
	/* Ranges are the module's to check. */
	EXPECT_EQ(parsed("heartbeat_ms", "1"), 1);
}

/* set's help lists every parameter once, with its default. */
TEST(ctl_param_help)
{
	char *buf = NULL, line[128];
	size_t len = 0, k;
	FILE *f = open_memstream(&buf, &len);

	ctl_params_help(f);
	fclose(f);
	for (k = 0; k < CTL_N_PARAMS; k++) {
		const char *at, *def;

		snprintf(line, sizeof(line), "\n    %-20s ",
			 ctl_params[k].name);
		at = strstr(buf, line);
		ASSERT_TRUE(at && !strstr(at + 1, line))
			TH_LOG("%s", ctl_params[k].name);
		def = strstr(at, " (default ");
		EXPECT_TRUE(def && def < strchr(at + 1, '\n'))
			TH_LOG("%s", ctl_params[k].name);
	}
	EXPECT_TRUE(strstr(buf, "\n    gid_index            auto or 0..1023 "
			   "(default auto)\n") != NULL);
	EXPECT_TRUE(strstr(buf, "\n    crc                  on or off "
			   "(default on)\n") != NULL);
	EXPECT_TRUE(strstr(buf, "\n    heartbeat_ms         0 (off) or "
			   "10..600000 (default 1000)\n") != NULL);
	EXPECT_TRUE(strstr(buf, "\n    fault_reorder        0..1000000ppm "
			   "(default 0ppm)\n") != NULL);
	free(buf);
}

/* What `rdmarpcctl monitor` prints for session and peer events. */
static char *print_event(const struct rdmarpc_event *ev, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	if (!f)
		return NULL;
	if (json) {
		json_init(&j, f);
		event_json(&j, ev);
	} else {
		event_print(f, ev);
	}
	fclose(f);
	return buf;
}

TEST(ctl_event_print)
{
	struct rdmarpc_event ev;
	char *out;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = RDMARPC_CMD_SESSION_DOWN;
	ev.session.id = 3;
	ev.session.peer_id = 7;
	ev.session.role = RDMARPC_SESSION_CLIENT;
	strcpy(ev.session.peer, "server1");
	ev.session.ipv4 = htonl(0x0a000002);
	ev.session.tcp_port = 18515;
	strcpy(ev.session.dev_name, "rxe0");
	ev.session.port = 1;
	ev.session.reason = -ECONNRESET;
	ev.session.present = 1ULL << RDMARPC_A_SESSION_ID |
			     1ULL << RDMARPC_A_PEER_IPV4 |
			     1ULL << RDMARPC_A_PEER_TCP_PORT |
			     1ULL << RDMARPC_A_PEER_SESSION_ID |
			     1ULL << RDMARPC_A_REASON;
	out = print_event(&ev, 0);
	EXPECT_STREQ(out, "session down 3 client server1 10.0.0.2:18515 "
		     "peer-session 7 rxe0 port 1 reason ECONNRESET\n");
	free(out);
	out = print_event(&ev, 1);
	EXPECT_STREQ(out, "{\"event\":\"session_down\",\"id\":3,"
		     "\"role\":\"client\",\"peer\":\"server1\","
		     "\"addr\":\"10.0.0.2\",\"tcp_port\":18515,"
		     "\"peer_session\":7,\"dev\":\"rxe0\",\"port\":1,"
		     "\"reason\":\"ECONNRESET\",\"errno\":-104}");
	free(out);
	ev.cmd = RDMARPC_CMD_SESSION_UP;
	ev.session.present &= ~(1ULL << RDMARPC_A_REASON);
	out = print_event(&ev, 0);
	EXPECT_STREQ(out, "session up 3 client server1 10.0.0.2:18515 "
		     "peer-session 7 rxe0 port 1\n");
	free(out);

	memset(&ev, 0, sizeof(ev));
	ev.cmd = RDMARPC_CMD_PEER_DOWN;
	strcpy(ev.peer.name, "server1");
	ev.peer.ipv4 = htonl(0x0a000002);
	ev.peer.tcp_port = 18515;
	ev.peer.state = RDMARPC_PEER_FAILED;
	ev.peer.reason = -4095;		/* no name */
	ev.peer.present = 1ULL << RDMARPC_A_PEER_NAME |
			  1ULL << RDMARPC_A_PEER_IPV4 |
			  1ULL << RDMARPC_A_PEER_TCP_PORT |
			  1ULL << RDMARPC_A_PEER_STATE |
			  1ULL << RDMARPC_A_REASON;
	out = print_event(&ev, 0);
	EXPECT_STREQ(out, "peer down server1 10.0.0.2:18515 FAILED reason "
		     "E4095\n");
	free(out);
	out = print_event(&ev, 1);
	EXPECT_STREQ(out, "{\"event\":\"peer_down\",\"name\":\"server1\","
		     "\"addr\":\"10.0.0.2\",\"tcp_port\":18515,"
		     "\"state\":\"FAILED\",\"reason\":\"E4095\","
		     "\"errno\":-4095}");
	free(out);
	ev.cmd = RDMARPC_CMD_PEER_UP;
	ev.peer.state = RDMARPC_PEER_UP;
	ev.peer.present &= ~(1ULL << RDMARPC_A_REASON);
	out = print_event(&ev, 0);
	EXPECT_STREQ(out, "peer up server1 10.0.0.2:18515\n");
	free(out);
}
