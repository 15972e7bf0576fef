// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl's command-line parsers: probabilities, hex keys, key files,
 * on/off, MACs; the parameters' table, the forms of their values and set's
 * help; how monitor prints session and peer events; the counters' tables
 * and their Prometheus text format.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

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

/* Write @text to a fresh file of mode @mode; its fd, open for reading. */
static int key_file(const char *text, mode_t mode)
{
	char path[] = "/tmp/rdmarpc-psk-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) || lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ctl_psk_read() of @text in a file of @mode; the key's first byte in @b0. */
static int psk_of(const char *text, mode_t mode, uint8_t *b0)
{
	uint8_t psk[RDMARPC_PSK_LEN] = { 0 };
	const char *why = NULL;
	int fd = key_file(text, mode), err;

	if (fd < 0)
		return -999;
	err = ctl_psk_read(fd, psk, sizeof(psk), &why);
	close(fd);
	if (err && !why)
		return -998;	/* an error must say why */
	*b0 = psk[0];
	return err;
}

#define KEY64 "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a" \
	      "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"

TEST(ctl_psk_file)
{
	uint8_t b0 = 0;

	EXPECT_EQ(psk_of(KEY64, 0600, &b0), 0);
	EXPECT_EQ(b0, 0x5a);
	b0 = 0;
	EXPECT_EQ(psk_of("  " KEY64 "\n\n", 0400, &b0), 0);
	EXPECT_EQ(b0, 0x5a);
	/* Readable or writable by group or others: refused. */
	EXPECT_EQ(psk_of(KEY64 "\n", 0644, &b0), -EACCES);
	EXPECT_EQ(psk_of(KEY64 "\n", 0640, &b0), -EACCES);
	EXPECT_EQ(psk_of(KEY64 "\n", 0602, &b0), -EACCES);
	/* Not a key. */
	EXPECT_EQ(psk_of("", 0600, &b0), -EINVAL);
	EXPECT_EQ(psk_of(" \n", 0600, &b0), -EINVAL);
	EXPECT_EQ(psk_of(KEY64 "5a\n", 0600, &b0), -EINVAL);
	EXPECT_EQ(psk_of("5a5a\n", 0600, &b0), -EINVAL);
	EXPECT_EQ(psk_of("zz" KEY64 "\n", 0600, &b0), -EINVAL);
	EXPECT_EQ(psk_of("5a5a 5a5a\n", 0600, &b0), -EINVAL);
}

TEST(ctl_psk_file_long)
{
	char big[4096];
	uint8_t b0;

	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, KEY64, strlen(KEY64));
	EXPECT_EQ(psk_of(big, 0600, &b0), -EINVAL);
}

/* Standard input from a pipe (psk-file -): no mode to check. */
TEST(ctl_psk_pipe)
{
	uint8_t psk[RDMARPC_PSK_LEN] = { 0 };
	const char *why = NULL;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(write(p[1], KEY64 "\n", strlen(KEY64) + 1),
		  (ssize_t)strlen(KEY64) + 1);
	close(p[1]);
	EXPECT_EQ(ctl_psk_read(p[0], psk, sizeof(psk), &why), 0);
	EXPECT_EQ(psk[RDMARPC_PSK_LEN - 1], 0x5a);
	close(p[0]);
}

/* Every row of every list has a help sentence and a name a metric takes. */
TEST(ctl_counter_tables)
{
	const struct {
		const struct ctl_counter *c;
		size_t n;
	} lists[] = {
		{ ctl_port_counters, ctl_n_port_counters },
		{ ctl_sess_counters, ctl_n_sess_counters },
		{ ctl_hs_counters, ctl_n_hs_counters },
		{ ctl_fault_counters, ctl_n_fault_counters },
		{ ctl_rpc_counters, ctl_n_rpc_counters },
	};
	size_t l, k;

	for (l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		EXPECT_GT(lists[l].n, 0);
		for (k = 0; k < lists[l].n; k++) {
			const struct ctl_counter *c = &lists[l].c[k];

			EXPECT_EQ(c->attr, (int)k + 2) TH_LOG("%s", c->key);
			EXPECT_TRUE(c->help && c->help[0]) TH_LOG("%s", c->key);
			EXPECT_TRUE(!strchr(c->help, '\n')) TH_LOG("%s", c->key);
			EXPECT_TRUE(c->key[0] >= 'a' && c->key[0] <= 'z');
			EXPECT_EQ(strspn(c->key, "abcdefghijklmnopqrstuvwxyz"
					 "0123456789_"), strlen(c->key));
		}
	}
	/* The gauges the lists name so. */
	EXPECT_TRUE(ctl_rpc_counters[RDMARPC_RSTAT_A_ENDPOINTS - 2].gauge);
	EXPECT_TRUE(ctl_rpc_counters[RDMARPC_RSTAT_A_MEM_USED - 2].gauge);
	EXPECT_TRUE(ctl_port_counters[RDMARPC_STAT_A_RECV_POSTED - 2].gauge);
	EXPECT_FALSE(ctl_rpc_counters[RDMARPC_RSTAT_A_CALLS - 2].gauge);
	EXPECT_FALSE(ctl_sess_counters[RDMARPC_SSTAT_A_TX_BYTES - 2].gauge);
}

/* ---- the Prometheus text format, checked line by line ---- */

#define PROM_MAX_LINES	1024

struct prom_check {
	char family[128];		/* the metric family of the last TYPE */
	char type[16];
	char help_of[128];		/* the name of the last HELP */
	char *seen[PROM_MAX_LINES];	/* series (name and labels) seen */
	char *families[PROM_MAX_LINES];	/* families with a HELP */
	size_t n_seen, n_families, samples;
	char err[256];
};

static int prom_name_ok(const char *s, size_t n, int colon)
{
	size_t i;

	if (!n || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    !(colon && s[i] == ':'))
			return 0;
	return 1;
}

/* name="value",... up to the closing brace; its end, or NULL. */
static const char *prom_labels_end(const char *s)
{
	for (;;) {
		const char *eq = strchr(s, '=');

		if (!eq || !prom_name_ok(s, (size_t)(eq - s), 0) ||
		    eq[1] != '"')
			return NULL;
		for (s = eq + 2; *s != '"'; s++) {
			if (!*s || *s == '\n')
				return NULL;
			if (*s == '\\' && !strchr("\\\"n", *++s))
				return NULL;
		}
		s++;
		if (*s == '}')
			return s;
		if (*s++ != ',')
			return NULL;
	}
}

static int prom_fail(struct prom_check *c, const char *why, const char *line)
{
	snprintf(c->err, sizeof(c->err), "%s: '%s'", why, line);
	return -1;
}

static int prom_line(struct prom_check *c, const char *line)
{
	const char *name_end, *value;
	char *end;
	size_t i, n;

	if (!strncmp(line, "# HELP ", 7)) {
		const char *name = line + 7;

		name_end = strchr(name, ' ');
		if (!name_end || !prom_name_ok(name, (size_t)(name_end - name), 1))
			return prom_fail(c, "bad HELP name", line);
		n = (size_t)(name_end - name);
		if (n >= sizeof(c->help_of) || !name_end[1])
			return prom_fail(c, "empty HELP", line);
		for (i = 0; i < c->n_families; i++)
			if (!strncmp(c->families[i], name, n) &&
			    !c->families[i][n])
				return prom_fail(c, "family twice", line);
		if (c->n_families == PROM_MAX_LINES)
			return prom_fail(c, "too many families", line);
		c->families[c->n_families++] = strndup(name, n);
		memcpy(c->help_of, name, n);
		c->help_of[n] = '\0';
		c->family[0] = '\0';
		return 0;
	}
	if (!strncmp(line, "# TYPE ", 7)) {
		const char *name = line + 7;

		name_end = strchr(name, ' ');
		if (!name_end)
			return prom_fail(c, "bad TYPE", line);
		n = (size_t)(name_end - name);
		if (strncmp(name, c->help_of, n) || c->help_of[n])
			return prom_fail(c, "TYPE not after its HELP", line);
		if (strcmp(name_end + 1, "counter") &&
		    strcmp(name_end + 1, "gauge"))
			return prom_fail(c, "unknown TYPE", line);
		memcpy(c->family, name, n);
		c->family[n] = '\0';
		snprintf(c->type, sizeof(c->type), "%s", name_end + 1);
		return 0;
	}
	if (line[0] == '#')
		return prom_fail(c, "a comment", line);
	/* A sample: name[{labels}] value */
	name_end = line + strcspn(line, "{ ");
	if (!prom_name_ok(line, (size_t)(name_end - line), 1))
		return prom_fail(c, "bad metric name", line);
	n = (size_t)(name_end - line);
	if (!c->family[0] || strncmp(line, c->family, n) || c->family[n])
		return prom_fail(c, "sample not under its HELP and TYPE", line);
	if (!strcmp(c->type, "counter") !=
	    (n > 6 && !strncmp(line + n - 6, "_total", 6)))
		return prom_fail(c, "_total on a counter only", line);
	value = name_end;
	if (*value == '{') {
		value = prom_labels_end(value + 1);
		if (!value)
			return prom_fail(c, "bad labels", line);
		value++;
	}
	if (*value != ' ' || !value[1])
		return prom_fail(c, "no value", line);
	errno = 0;
	strtod(value + 1, &end);
	if (errno || *end)
		return prom_fail(c, "bad value (or a timestamp)", line);
	for (i = 0; i < c->n_seen; i++)
		if (!strncmp(c->seen[i], line, (size_t)(value - line)) &&
		    !c->seen[i][value - line])
			return prom_fail(c, "series twice", line);
	if (c->n_seen == PROM_MAX_LINES)
		return prom_fail(c, "too many series", line);
	c->seen[c->n_seen++] = strndup(line, (size_t)(value - line));
	c->samples++;
	return 0;
}

/* Check @text whole; 0, or -1 with c->err saying where. */
static int prom_check(struct prom_check *c, char *text)
{
	char *line, *save = NULL;
	size_t len = strlen(text);
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (len && text[len - 1] != '\n')
		return prom_fail(c, "no final newline", "");
	for (line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save))
		err = prom_line(c, line);
	return err;
}

static void prom_check_free(struct prom_check *c)
{
	size_t i;

	for (i = 0; i < c->n_seen; i++)
		free(c->seen[i]);
	for (i = 0; i < c->n_families; i++)
		free(c->families[i]);
}

TEST(ctl_prom_label)
{
	char buf[64] = "";

	EXPECT_EQ(ctl_prom_label(buf, sizeof(buf), "dev", "rxe0"), 0);
	EXPECT_EQ(ctl_prom_label(buf, sizeof(buf), "port", "1"), 0);
	EXPECT_STREQ(buf, "dev=\"rxe0\",port=\"1\"");
	buf[0] = '\0';
	EXPECT_EQ(ctl_prom_label(buf, sizeof(buf), "peer", "a\"b\\c\nd"), 0);
	EXPECT_STREQ(buf, "peer=\"a\\\"b\\\\c\\nd\"");
	/* No room: the buffer is left as it was. */
	EXPECT_EQ(ctl_prom_label(buf, 24, "peer", "0123456789"), -1);
	EXPECT_STREQ(buf, "peer=\"a\\\"b\\\\c\\nd\"");
}

TEST(ctl_prometheus)
{
	struct rdmarpc_rpc_stats rpc = { .endpoints = 2, .calls = 10 };
	struct rdmarpc_dev_stats d0 = { .tx_packets = 7, .recv_posted = 256 };
	struct rdmarpc_dev_stats d1 = { .tx_packets = 9 };
	struct rdmarpc_sess_stats p0 = { .calls_ok = 3 };
	struct ctl_prom_series one, devs[2], peers[2];
	char l0[64] = "", l1[64] = "", l2[64] = "", l3[64] = "";
	struct prom_check c;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	rpc.present = ~0U;
	d0.present = ~0U;
	d1.present = 1U << RDMARPC_STAT_A_TX_PACKETS;
	p0.present = ~0U;
	ctl_prom_label(l0, sizeof(l0), "dev", "rxe0");
	ctl_prom_label(l0, sizeof(l0), "port", "1");
	ctl_prom_label(l1, sizeof(l1), "dev", "rxe0");
	ctl_prom_label(l1, sizeof(l1), "port", "2");
	ctl_prom_label(l2, sizeof(l2), "peer", "b \"quoted\"");
	ctl_prom_label(l3, sizeof(l3), "peer", "10.0.0.2:18515");
	one = (struct ctl_prom_series){ "", &rpc, rpc.present };
	devs[0] = (struct ctl_prom_series){ l0, &d0, d0.present };
	devs[1] = (struct ctl_prom_series){ l1, &d1, d1.present };
	peers[0] = (struct ctl_prom_series){ l2, &p0, p0.present };
	peers[1] = (struct ctl_prom_series){ l3, &p0, 0 };	/* none sent */

	f = open_memstream(&buf, &len);
	ctl_prom_family(f, "rpc", ctl_rpc_counters, ctl_n_rpc_counters,
			&one, 1);
	ctl_prom_family(f, "port", ctl_port_counters, ctl_n_port_counters,
			devs, 2);
	ctl_prom_family(f, "peer", ctl_sess_counters, ctl_n_sess_counters,
			peers, 2);
	fclose(f);

	EXPECT_TRUE(strstr(buf, "# HELP rdmarpc_rpc_calls_total Calls "
			   "started.\n# TYPE rdmarpc_rpc_calls_total counter\n"
			   "rdmarpc_rpc_calls_total 10\n") != NULL);
	EXPECT_TRUE(strstr(buf, "# TYPE rdmarpc_rpc_endpoints gauge\n"
			   "rdmarpc_rpc_endpoints 2\n") != NULL);
	EXPECT_TRUE(strstr(buf, "rdmarpc_port_tx_packets_total{dev=\"rxe0\","
			   "port=\"1\"} 7\nrdmarpc_port_tx_packets_total{"
			   "dev=\"rxe0\",port=\"2\"} 9\n") != NULL);
	EXPECT_TRUE(strstr(buf, "rdmarpc_port_recv_posted{dev=\"rxe0\","
			   "port=\"1\"} 256\n") != NULL);
	EXPECT_TRUE(strstr(buf, "port=\"2\"} 0") == NULL);	/* not sent */
	EXPECT_TRUE(strstr(buf, "rdmarpc_peer_calls_ok_total{peer=\"b "
			   "\\\"quoted\\\"\"} 3\n") != NULL);
	EXPECT_TRUE(strstr(buf, "10.0.0.2") == NULL);

	EXPECT_EQ(prom_check(&c, buf), 0) TH_LOG("%s", c.err);
	EXPECT_EQ(c.n_families, ctl_n_rpc_counters + ctl_n_port_counters +
		  ctl_n_sess_counters);
	EXPECT_EQ(c.samples, ctl_n_rpc_counters + ctl_n_port_counters + 1 +
		  ctl_n_sess_counters);
	prom_check_free(&c);
	free(buf);

	/* The checker itself refuses what the collector would. */
	{
		static const char *const bad[] = {
			"rdmarpc_x_total 1\n",
			"# HELP a_total x\n# TYPE a_total counter\na_total 1\n"
			"a_total 2\n",
			"# HELP a x\n# TYPE a gauge\na{l=\"v\"} 1 1700000000\n",
			"# HELP 1a x\n# TYPE 1a gauge\n1a 1\n",
			"# HELP a x\n# TYPE a counter\na 1\n",
			"# HELP a x\n# TYPE a gauge\na{l=\"v} 1\n",
			"# HELP a x\n# TYPE a gauge\n# HELP a x\n",
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *t = strdup(bad[i]);

			EXPECT_EQ(prom_check(&c, t), -1) TH_LOG("%s", bad[i]);
			prom_check_free(&c);
			free(t);
		}
	}
}
